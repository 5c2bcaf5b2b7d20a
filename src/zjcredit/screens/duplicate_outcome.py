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


# Groups are found by a hash of the key (cheap), then told apart exactly among the few candidates.
SQL = """
WITH candidates AS (
    SELECT hash(id_key, course) AS h FROM outcomes
    WHERE id_key IS NOT NULL AND course IS NOT NULL GROUP BY h HAVING count(*) > 1
),
repeated AS (
    SELECT rid, id_key, course FROM outcomes
    WHERE id_key IS NOT NULL AND course IS NOT NULL AND hash(id_key, course) IN (SELECT h FROM candidates)
)
SELECT rid, course, first_rid
FROM (SELECT rid, course, min(rid) OVER (PARTITION BY id_key, course) AS first_rid FROM repeated)
WHERE rid > first_rid
"""

def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"course_code": row["course"], "first": row["_where"](row["first_rid"])}


SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params))
