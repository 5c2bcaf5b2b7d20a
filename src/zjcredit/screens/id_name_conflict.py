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


SQL = """
SELECT rid, id_key, first_rid, first_name
FROM (
    SELECT rid, id_key, name_key, first_value(rid) OVER w AS first_rid, first_value(name_key) OVER w AS first_name
    FROM outcomes
    WHERE id_key IS NOT NULL AND name_key IS NOT NULL
    WINDOW w AS (PARTITION BY id_key ORDER BY rid)
)
WHERE name_key <> first_name
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id_key"], "first": row["_where"](row["first_rid"]), "first_name": row["first_name"]}


SCREEN = screen(Screen(RULE, "姓名", Options, SQL, params))
