"""hours-per-learner: one learner credited more than --max-hours in one period (the catalog project's
period, else the one the completion date falls in); every row of that learner and period is flagged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.domain.normalize import number_text
from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen, threshold

RULE = register(
    "hours-per-learner",
    "warning",
    "学员 {id} 在 {period} 期次共计 {total} 学时，超过上限 {limit} 学时。",
    "Learner {id} is credited {total} hours in period {period}, above the limit of {limit}.",
    title_zh="单个学员学时过多",
    title_en="too many hours for one learner",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    max_hours: float = threshold(200.0, "--max-hours", minimum=1, zh="一个学员在一个期次内的学时上限（hours-per-learner）。", en="Most hours one learner may be credited in one period (hours-per-learner).")


# Periods are worked out only for learners whose hours over all periods exceed the limit.
SQL = """
WITH heavy_learners AS (  -- a period's total exceeds the limit only if the learner's whole total does
    SELECT id_num FROM outcomes WHERE id_num IS NOT NULL AND hours IS NOT NULL
    GROUP BY id_num HAVING sum(hours) > $max_hours + 1e-9
),
r AS (
    SELECT o.rid, o.id_num, o.id_key, o.hours,
           coalesce(p.period, CASE WHEN o.date IS NULL THEN NULL
                                   WHEN month(o.date) <= 6 THEN year(o.date) || 'H1'
                                   WHEN month(o.date) <= 9 THEN year(o.date) || 'Q3'
                                   ELSE year(o.date) || 'Q4' END) AS period
    FROM outcomes o JOIN heavy_learners l ON o.id_num = l.id_num LEFT JOIN projects p ON p.code = o.project
    WHERE o.hours IS NOT NULL
),
heavy AS (
    SELECT id_num, period, sum(hours) AS total FROM r WHERE period IS NOT NULL
    GROUP BY id_num, period HAVING sum(hours) > $max_hours + 1e-9
)
SELECT r.rid, r.id_key, r.period, h.total FROM r JOIN heavy h USING (id_num, period)
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id_key"], "period": row["period"], "total": number_text(row["total"]), "limit": number_text(row["_options"].max_hours)}


SCREEN = screen(Screen(RULE, "学时数", Options, SQL, params, partition=("id_num",)))
