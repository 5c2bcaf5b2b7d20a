"""duplicate-outcome: the same learner (ID) and course registered twice, across every sheet checked; each
occurrence after the first is flagged, naming where the first one is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen

RULE = register(
    "duplicate-outcome",
    "error",
    "同一学员（身份证号 {value}）的课程 {course_code} 已在 {first} 登记过，成果重复。",
    "The same learner (ID {value}) already has course {course_code} at {first}: a duplicate outcome.",
    title_zh="成果重复",
    title_en="duplicate outcome",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    pass


SQL = """
SELECT rid, course, first_rid
FROM (
    SELECT rid, course, first_value(rid) OVER w AS first_rid, row_number() OVER w AS k
    FROM outcomes
    WHERE id_key IS NOT NULL AND course IS NOT NULL
    WINDOW w AS (PARTITION BY id_key, course ORDER BY rid)
)
WHERE k > 1
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"course_code": row["course"], "first": row["_where"](row["first_rid"])}


SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params))
