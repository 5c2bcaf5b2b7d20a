"""scale-exceeded: a catalog project with more distinct learners than its declared 培训规模; flagged once,
at the first row of the learner who exceeds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Kept, Screen, enrolled, screen

RULE = register(
    "scale-exceeded",
    "warning",
    "项目 {value} 的学员已有 {count} 人，超过目录中的培训规模 {scale} 人（从此行起超出）。",
    "Project {value} has {count} distinct learners, more than its declared scale of {scale} (exceeded from this row on).",
    title_zh="学员数超过培训规模",
    title_en="more learners than the declared scale",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    pass


# Learners are ranked only in the projects over their scale (usually none).
SQL = """
WITH firsts AS (
    SELECT project, id_num, min(rid) AS rid FROM outcomes WHERE project IS NOT NULL AND id_num IS NOT NULL GROUP BY project, id_num
),
over AS (
    SELECT f.project, any_value(p.scale) AS scale, count(*) AS n FROM firsts f JOIN projects p ON p.code = f.project
    WHERE p.scale > 0 GROUP BY f.project HAVING count(*) > any_value(p.scale)
),
ranked AS (
    SELECT f.rid, o.n, o.scale, row_number() OVER (PARTITION BY f.project ORDER BY f.rid) AS k
    FROM firsts f JOIN over o USING (project)
)
SELECT rid, n, scale FROM ranked WHERE k = scale + 1
"""


# Kept in the store: the same query over each learner once per project, kept (:mod:`.enrolled`). A kept
# project's number stands for its 项目编码 (one each): the learners are counted by number, and only the
# projects over their scale are looked up (joining every kept learner to its 项目编码 first, to count by
# the text, took five times as long).
KEPT = Kept(
    {"enrolled": enrolled.TABLE},
    f"""
WITH counts AS (SELECT pno, count(*) AS n FROM {{enrolled}} GROUP BY pno),
over AS (
    SELECT c.pno, p.scale, c.n FROM counts c JOIN {enrolled.NUMBERS} m USING (pno) JOIN projects p ON p.code = m.project
    WHERE p.scale > 0 AND c.n > p.scale
),
ranked AS (
    SELECT e.first_rid AS rid, o.n, o.scale, row_number() OVER (PARTITION BY e.pno ORDER BY e.first_rid) AS k
    FROM {{enrolled}} e JOIN over o USING (pno)
)
SELECT rid, n, scale FROM ranked WHERE k = scale + 1
""",
)
assert KEPT.sql != SQL


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"count": int(row["n"]), "scale": int(row["scale"])}


SCREEN = screen(Screen(RULE, "项目编码", Options, SQL, params, kept=KEPT))
