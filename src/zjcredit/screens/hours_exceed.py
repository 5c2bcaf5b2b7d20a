"""hours-exceed: more study hours than the catalog gives the course."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.domain.normalize import number_text
from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen

RULE = register(
    "hours-exceed",
    "error",
    "学时数 {value} 超过目录中课程 {course_code} 的课程学时 {limit}。",
    "Study hours {value} exceed the {limit} hours of course {course_code} in the catalog.",
    title_zh="学时数超过课程学时",
    title_en="study hours above the course's",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    pass


SQL = """
SELECT o.rid, o.course, c.hours AS limit_hours
FROM outcomes o JOIN courses c ON c.key = o.course
WHERE o.hours IS NOT NULL AND c.hours > 0 AND o.hours > c.hours + 1e-9
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"course_code": row["course"], "limit": number_text(row["limit_hours"])}


SCREEN = screen(Screen(RULE, "学时数", Options, SQL, params, needs_catalog=True, partition=()))
