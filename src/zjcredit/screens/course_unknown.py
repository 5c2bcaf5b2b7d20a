"""course-unknown: a 课程编码 that is not a course of the row's project in the catalogs (the message says
which project it belongs to, or that no catalog has it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen

RULE = register(
    "course-unknown",
    "error",
    "课程编码 {value} 不是项目 {project_code} 的课程{hint}。",
    "Course code {value} is not a course of project {project_code}{hint_en}.",
    title_zh="课程编码不属于该项目",
    title_en="course code not of that project",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    pass


SQL = """
SELECT o.rid, o.project, c.project_code AS owner
FROM outcomes o LEFT JOIN courses c ON c.key = o.course
WHERE o.project IS NOT NULL AND o.course IS NOT NULL AND (c.key IS NULL OR c.project_key <> o.project)
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    if row["owner"] is None:
        return {"project_code": row["project"], "hint": "（目录中没有这个课程编码）", "hint_en": " (no such course code in the catalog)"}
    return {"project_code": row["project"], "hint": f"（它属于项目 {row['owner']}）", "hint_en": f" (it belongs to project {row['owner']})"}


SCREEN = screen(Screen(RULE, "课程编码", Options, SQL, params, needs_catalog=True, partition=()))
