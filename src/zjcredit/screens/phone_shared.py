"""phone-shared: one phone number on many learners, within a project or across everything checked; every
row of such a number is flagged (once: the project scope first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen, threshold

RULE = register(
    "phone-shared",
    "warning",
    "联系电话 {value} 被{scope} {count} 名学员共用（阈值 {limit}），请核实是否为学员本人的号码。",
    "Phone {value} is shared by {count} learners {scope_en} (threshold {limit}); check it is each learner's own number.",
    title_zh="多名学员共用一个电话",
    title_en="one phone number on many learners",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    per_project: int = threshold(
        5, "--phone-shared-project", minimum=2,
        zh="同一项目中共用一个电话的学员达到此数即警告（phone-shared）。",
        en="Warn when this many learners of one project share a phone (phone-shared).",
    )
    total: int = threshold(
        8, "--phone-shared-total", minimum=2,
        zh="全部成果中共用一个电话的学员达到此数即警告。",
        en="Warn when this many learners overall share a phone.",
    )


# Only numbers on enough records of more than one learner can be shared by enough learners (a learner's
# own number is on all their records): the distinct counts run on those.
SQL = """
WITH busy AS (
    SELECT phone_num FROM outcomes WHERE phone_num IS NOT NULL AND id_num IS NOT NULL
    GROUP BY phone_num HAVING count(*) >= least($per_project, $total) AND min(id_num) <> max(id_num)
),
candidates AS (
    SELECT o.rid, o.project, o.phone_num, o.id_num FROM outcomes o JOIN busy b ON o.phone_num = b.phone_num
    WHERE o.id_num IS NOT NULL
),
in_project AS (
    SELECT project, phone_num, count(DISTINCT id_num) AS n
    FROM candidates WHERE project IS NOT NULL GROUP BY project, phone_num HAVING n >= $per_project
),
overall AS (
    SELECT phone_num, count(DISTINCT id_num) AS n FROM candidates GROUP BY phone_num HAVING n >= $total
),
project_hits AS (
    SELECT c.rid, c.project, p.n FROM candidates c JOIN in_project p USING (project, phone_num)
)
SELECT rid, project, n, true AS in_project FROM project_hits
UNION ALL
SELECT c.rid, NULL, o.n, false FROM candidates c JOIN overall o USING (phone_num)
WHERE c.rid NOT IN (SELECT rid FROM project_hits)
"""

def params(row: dict[str, Any]) -> dict[str, Any]:
    o: Options = row["_options"]
    if row["in_project"]:
        return {"count": row["n"], "limit": o.per_project, "scope": f"项目 {row['project']} 中", "scope_en": f"in project {row['project']}"}
    return {"count": row["n"], "limit": o.total, "scope": "全部成果中", "scope_en": "across all outcomes checked"}


SCREEN = screen(Screen(RULE, "联系电话", Options, SQL, params, partition=("phone_num",)))
