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


# Pairs seen twice are found by one hash of (ID, course) first, an integer key, then compared exactly.
SQL = """
WITH twice AS (
    SELECT hash(id_num, course) AS h FROM outcomes WHERE id_num IS NOT NULL AND course IS NOT NULL
    GROUP BY h HAVING count(*) > 1
),
repeated AS (
    SELECT o.id_num, o.course, min(o.rid) AS first_rid FROM outcomes o JOIN twice t ON hash(o.id_num, o.course) = t.h
    WHERE o.id_num IS NOT NULL AND o.course IS NOT NULL
    GROUP BY o.id_num, o.course HAVING count(*) > 1
)
SELECT o.rid, o.course, r.first_rid
FROM outcomes o JOIN repeated r USING (id_num, course)
WHERE o.rid > r.first_rid
"""

def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"course_code": row["course"], "first": row["_where"](row["first_rid"])}


# A new record can change the results of its learner's records with its course; the store brings them up to
# date over all its learner's records, which the other screens of a learner look at too (one scope for all).
SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params, partition=("id_num",)))
