"""ledger-signin-two-institutions: one learner signed in on the same day in projects of two different
institutions. Every such sign-in is flagged, naming the other ledger(s)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.documents.ledger.screens import screen
from zjcredit.report.findings import register
from zjcredit.screens import Screen

RULE = register(
    "ledger-signin-two-institutions",
    "warning",
    "学员（身份证号 {id}）{date} 在这里签到，同一天又在另一所机构的项目 {other_code}（{other}，{other_org}）签到。一个人同一天在两所机构上课的可能性很小，请核实签到。",
    "The learner (ID {id}) signed in here on {date} and the same day in project {other_code} of another institution ({other}, {other_org}); check the sign-ins.",
    title_zh="同一天在两所机构签到",
    title_en="signed in at two institutions on one day",
)


@dataclass(frozen=True)
class Options:
    pass


SQL = """
WITH busy AS (
    SELECT id_key, date FROM signins WHERE org IS NOT NULL
    GROUP BY id_key, date HAVING count(DISTINCT org) >= 2
),
s AS (SELECT signins.* FROM signins JOIN busy USING (id_key, date) WHERE org IS NOT NULL)
SELECT a.rid, a.id_key, a.date, min(b.ledger) AS other
FROM s a JOIN s b ON b.id_key = a.id_key AND b.date = a.date AND b.org <> a.org
GROUP BY a.rid, a.id_key, a.date
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    other = row["_ledger"](row["other"])
    return {"id": row["id_key"], "date": row["date"].isoformat(), "other": other["path"], "other_code": other["code"], "other_org": other["org"]}


SCREEN = screen(Screen(RULE, "签到", Options, SQL, params))
