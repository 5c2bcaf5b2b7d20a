"""ledger-roster-reused: two projects' rosters that are (nearly) the same people — a roster copied from
one ledger into another. Flagged on both ledgers, at the first shared learner, naming the other ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.documents.ledger.screens import screen
from zjcredit.report.findings import register
from zjcredit.screens import Screen, threshold

RULE = register(
    "ledger-roster-reused",
    "warning",
    "这份学员名册与项目 {other_code} 的台账（{other}）有 {shared} 名学员相同，占较小一份名册的 {share}（阈值 {limit}）。同一批人出现在两个项目的名册中，请核实两个项目的学员是否属实。",
    "This roster shares {shared} learners with the ledger of project {other_code} ({other}): {share} of the smaller roster (threshold {limit}). Check that both projects' learners are real.",
    title_zh="名册与另一项目的名册雷同",
    title_en="roster reused in another project",
)


@dataclass(frozen=True)
class Options:
    overlap: float = threshold(
        0.9, "--roster-overlap", minimum=0.5,
        zh="两个项目的学员名册相同的学员占较小一份名册的比例达到此值即警告（ledger-roster-reused），默认 0.9。",
        en="Warn when this share of the smaller of two projects' rosters is the same learners (ledger-roster-reused); default 0.9.",
    )
    min_learners: int = threshold(
        10, "--roster-min-learners", minimum=2,
        zh="名册少于此人数的项目不比较（ledger-roster-reused），默认 10。",
        en="Rosters with fewer learners are not compared (ledger-roster-reused); default 10.",
    )


# Pairs are counted on the shared IDs only; each flagged pair is reported on both of its ledgers.
SQL = """
WITH r AS (SELECT DISTINCT ledger, id_key FROM roster),
sizes AS (SELECT ledger, count(*) AS n FROM r GROUP BY ledger HAVING count(*) >= $min_learners),
sized AS (SELECT r.* FROM r JOIN sizes USING (ledger)),
pairs AS (
    SELECT a.ledger AS a, b.ledger AS b, count(*) AS shared
    FROM sized a JOIN sized b ON a.id_key = b.id_key AND a.ledger < b.ledger
    GROUP BY a.ledger, b.ledger
),
flagged AS (
    SELECT p.a, p.b, p.shared, least(sa.n, sb.n) AS smaller
    FROM pairs p JOIN sizes sa ON sa.ledger = p.a JOIN sizes sb ON sb.ledger = p.b
    WHERE p.shared >= $overlap * least(sa.n, sb.n)
),
both_ways AS (
    SELECT a AS ledger, b AS other, shared, smaller FROM flagged
    UNION ALL SELECT b, a, shared, smaller FROM flagged
)
SELECT min(mine.rid) AS rid, w.ledger, w.other, w.shared, w.smaller
FROM both_ways w
JOIN roster mine ON mine.ledger = w.ledger
JOIN r theirs ON theirs.ledger = w.other AND theirs.id_key = mine.id_key
GROUP BY w.ledger, w.other, w.shared, w.smaller
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    other = row["_ledger"](row["other"])
    o: Options = row["_options"]
    return {
        "other": other["path"], "other_code": other["code"], "shared": row["shared"],
        "share": f"{row['shared'] / row['smaller']:.0%}", "limit": f"{o.overlap:.0%}",
    }


SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params))
