"""id-name-conflict: one ID registered with two names; every row whose name differs from the name at the
ID's first row is flagged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen

RULE = register(
    "id-name-conflict",
    "error",
    "身份证号 {id} 在 {first} 登记的姓名是“{first_name}”，这里却是“{value}”。",
    "ID {id} is registered as '{first_name}' at {first} but as '{value}' here.",
    title_zh="同一身份证号姓名不同",
    title_en="one ID with two names",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    pass


# IDs with two names are found by the names' hashes over the records (one integer-keyed aggregation), then
# the names compared exactly among those few. No CTE over all the records is referenced twice: DuckDB
# would materialise it.
SQL = """
WITH candidates AS (
    SELECT id_num FROM outcomes WHERE id_num IS NOT NULL AND name_key IS NOT NULL
    GROUP BY id_num HAVING min(hash(name_key)) <> max(hash(name_key))
),
named AS (
    SELECT o.rid, o.id_num, o.id_key, o.name_key FROM outcomes o JOIN candidates c ON o.id_num = c.id_num
    WHERE o.name_key IS NOT NULL
),
conflicting AS (
    SELECT id_num, arg_min(name_key, rid) AS first_name, min(rid) AS first_rid
    FROM named GROUP BY id_num HAVING min(name_key) <> max(name_key)
)
SELECT n.rid, n.id_key, c.first_rid, c.first_name
FROM named n JOIN conflicting c USING (id_num)
WHERE n.name_key <> c.first_name
"""

def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id_key"], "first": row["_where"](row["first_rid"]), "first_name": row["first_name"]}


SCREEN = screen(Screen(RULE, "姓名", Options, SQL, params, partition=("id_num",)))
