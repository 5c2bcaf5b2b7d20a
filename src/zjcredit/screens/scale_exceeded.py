"""scale-exceeded: a catalog project with more distinct learners than its declared 培训规模; flagged once,
at the first row of the learner who exceeds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen

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


SQL = """
WITH firsts AS (
    SELECT project, id_num, min(rid) AS rid FROM outcomes WHERE project IS NOT NULL AND id_num IS NOT NULL GROUP BY project, id_num
),
ranked AS (
    SELECT rid, project, row_number() OVER (PARTITION BY project ORDER BY rid) AS k, count(*) OVER (PARTITION BY project) AS n FROM firsts
)
SELECT r.rid, r.n, p.scale FROM ranked r JOIN projects p ON p.code = r.project WHERE p.scale > 0 AND r.k = p.scale + 1
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"count": int(row["n"]), "scale": int(row["scale"])}


SCREEN = screen(Screen(RULE, "项目编码", Options, SQL, params))
