"""id-sequence: a run of consecutive ID numbers, as drag-filling or invention makes them: the first 17
digits consecutive (one region, one birth date, sequence numbers in a row), or whole 18-digit numbers
consecutive (Excel's fill handle). IDs whose check character alone is wrong take part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen, threshold

RULE = register(
    "id-sequence",
    "warning",
    "身份证号 {value} 与另外 {others} 个号码首尾相连成一串连续号码（{first} 至 {last}），像是下拉填充或编造的号码。",
    "ID {value} belongs to a run of {count} consecutive numbers ({first} to {last}), as made by drag-filling or invention.",
    title_zh="连续的身份证号",
    title_en="run of consecutive IDs",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    run: int = threshold(5, "--id-run", minimum=2, zh="连续身份证号达到此数即警告（id-sequence）。", en="Warn on runs of this many consecutive ID numbers (id-sequence).")


# Gaps and islands: consecutive distinct values share value - rank. Runs are few, so the rows in them are
# found by a range join on each run's bounds.
SQL = """
WITH body AS (
    SELECT rid, id_prefix AS prefix, CASE WHEN id_digits THEN id_prefix * 10 + id_last END AS whole FROM outcomes WHERE id_body
),
prefix_runs AS (
    SELECT min(x) AS lo, max(x) AS hi, count(*) AS n
    FROM (SELECT x, x - row_number() OVER (ORDER BY x) AS island FROM (SELECT DISTINCT prefix AS x FROM body))
    GROUP BY island HAVING count(*) >= $run
),
prefix_hits AS (
    SELECT b.rid, r.n, r.lo, r.hi, false AS whole FROM body b JOIN prefix_runs r ON b.prefix BETWEEN r.lo AND r.hi
),
whole_runs AS (
    SELECT min(x) AS lo, max(x) AS hi, count(*) AS n
    FROM (SELECT x, x - row_number() OVER (ORDER BY x) AS island FROM (SELECT DISTINCT whole AS x FROM body WHERE whole IS NOT NULL))
    GROUP BY island HAVING count(*) >= $run
)
SELECT * FROM prefix_hits
UNION ALL
SELECT b.rid, r.n, r.lo, r.hi, true
FROM body b JOIN whole_runs r ON b.whole BETWEEN r.lo AND r.hi
WHERE b.rid NOT IN (SELECT rid FROM prefix_hits)
"""

def _shown(value: int, whole: bool) -> str:
    return f"{value:018d}" if whole else f"{value:017d}*"


def params(row: dict[str, Any]) -> dict[str, Any]:
    whole = bool(row["whole"])
    return {"count": int(row["n"]), "others": int(row["n"]) - 1, "first": _shown(int(row["lo"]), whole), "last": _shown(int(row["hi"]), whole)}


SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params))
