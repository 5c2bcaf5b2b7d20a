"""id-sequence: a run of consecutive ID numbers, as drag-filling or invention makes them: the first 17
digits consecutive (one region, one birth date, sequence numbers in a row), or whole 18-digit numbers
consecutive (Excel's fill handle). IDs whose check character alone is wrong take part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Kept, Screen, screen, threshold

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


# Runs among the distinct values, sorted: x starts a window of --id-run consecutive values when the value
# that many places on is x + run - 1; a value is in a run when some window reaches it. Only those values
# are grouped into runs (gaps and islands), and the records found by equality on them: a range join of
# every record against thousands of runs would be quadratic.
SQL = """
WITH prefixes AS (SELECT DISTINCT id_prefix AS x FROM outcomes WHERE id_body),
prefix_ends AS (
    SELECT x, CASE WHEN lead(x, $run - 1) OVER (ORDER BY x) = x + $run - 1 THEN x + $run - 1 END AS window_end FROM prefixes
),
prefix_in AS (
    SELECT x, x - row_number() OVER (ORDER BY x) AS island
    FROM (SELECT x, max(window_end) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) AS reach FROM prefix_ends) WHERE reach >= x
),
prefix_values AS (
    SELECT x, count(*) OVER w AS n, min(x) OVER w AS lo, max(x) OVER w AS hi FROM prefix_in WINDOW w AS (PARTITION BY island)
),
prefix_hits AS (
    SELECT o.rid, v.n, v.lo, v.hi, false AS whole FROM outcomes o JOIN prefix_values v ON o.id_prefix = v.x WHERE o.id_body
),
wholes AS (SELECT DISTINCT id_prefix * 10 + id_last AS x FROM outcomes WHERE id_body AND id_digits),
whole_ends AS (
    SELECT x, CASE WHEN lead(x, $run - 1) OVER (ORDER BY x) = x + $run - 1 THEN x + $run - 1 END AS window_end FROM wholes
),
whole_in AS (
    SELECT x, x - row_number() OVER (ORDER BY x) AS island
    FROM (SELECT x, max(window_end) OVER (ORDER BY x ROWS UNBOUNDED PRECEDING) AS reach FROM whole_ends) WHERE reach >= x
),
whole_values AS (
    SELECT x, count(*) OVER w AS n, min(x) OVER w AS lo, max(x) OVER w AS hi FROM whole_in WINDOW w AS (PARTITION BY island)
)
SELECT * FROM prefix_hits
UNION ALL
SELECT o.rid, v.n, v.lo, v.hi, true
FROM outcomes o JOIN whole_values v ON o.id_prefix * 10 + o.id_last = v.x
WHERE o.id_body AND o.id_digits AND o.rid NOT IN (SELECT rid FROM prefix_hits)
"""

# Kept in the store between runs: every value in a run of two or more (``runs``, with its run's length
# and ends). What new records touch is their values, the stored values next to them, and every value of
# a kept run holding any of those; the runs among these are made again. Nothing else can change: a stored
# value next to a touched one is in a kept run already, or is alone (a value with a stored neighbour is in
# a run), and a kept run's outer neighbours were not stored when it was kept — they can only be new.
# Made afresh, the whole numbers are looked at only where a run of them can be: two consecutive whole
# numbers have one prefix (with two last digits) or consecutive prefixes (…9 and …0), so every whole
# number in a run has a prefix in a run of prefixes or a prefix written with two last digits — a few
# thousand records of millions.
RUNS = """
WITH near AS (  -- a value in a run has a neighbour
    SELECT p.whole, p.x FROM {among} p SEMI JOIN {among} q ON q.whole = p.whole AND q.x = p.x + 1
    UNION SELECT p.whole, p.x FROM {among} p SEMI JOIN {among} q ON q.whole = p.whole AND q.x = p.x - 1
),
islands AS (SELECT whole, x, x - row_number() OVER (PARTITION BY whole ORDER BY x) AS island FROM near)
SELECT whole, x, count(*) OVER w AS n, min(x) OVER w AS lo, max(x) OVER w AS hi FROM islands WINDOW w AS (PARTITION BY whole, island)
"""
VALUES = """
SELECT DISTINCT false AS whole, id_prefix AS x FROM {records} WHERE id_body
UNION ALL
SELECT DISTINCT true, id_prefix * 10 + id_last FROM {records} WHERE id_body AND id_digits
"""
KEPT = Kept(
    {
        "id_runs": (
            (  # made afresh: the runs of prefixes, then those of whole numbers among their few candidates
                "CREATE OR REPLACE TEMP TABLE seq_prefixes AS SELECT id_prefix AS x, "
                "min(id_last) FILTER (WHERE id_digits) <> max(id_last) FILTER (WHERE id_digits) AS lasts "
                "FROM outcomes WHERE id_body GROUP BY id_prefix",
                "CREATE OR REPLACE TEMP TABLE seq_prefix_runs AS " + RUNS.format(among="(SELECT false AS whole, x FROM seq_prefixes)"),
                "CREATE OR REPLACE TEMP TABLE seq_wholes AS SELECT DISTINCT true AS whole, o.id_prefix * 10 + o.id_last AS x FROM outcomes o "
                "SEMI JOIN (SELECT x FROM seq_prefix_runs UNION SELECT x FROM seq_prefixes WHERE lasts) c ON o.id_prefix = c.x "
                "WHERE o.id_body AND o.id_digits",
                "CREATE OR REPLACE TABLE {this} AS SELECT * FROM seq_prefix_runs UNION ALL SELECT * FROM (" + RUNS.format(among="seq_wholes") + ")",
                "DROP TABLE seq_prefixes",
                "DROP TABLE seq_prefix_runs",
                "DROP TABLE seq_wholes",
            ),
            (
                # The stored values next to a new one are among those of the records whose prefix is a new
                # prefix or next to one (a whole number's neighbour has its prefix, or the one before or after):
                # those few records are found by their prefix first (every stored value, 6 million of 3
                # million records, looked up against the new ones' neighbours took a fifth more time).
                "CREATE OR REPLACE TEMP TABLE seq_near AS WITH new AS (" + VALUES.format(records="screen_scope") + "), "
                "near AS (SELECT o.id_prefix AS p, o.id_last AS l, o.id_digits FROM outcomes o "
                "SEMI JOIN (SELECT DISTINCT unnest([x - 1, x, x + 1]) AS y FROM new WHERE NOT whole) c ON o.id_prefix = c.y WHERE o.id_body) "
                "SELECT whole, x FROM new UNION SELECT v.whole, v.x FROM "
                "(SELECT false AS whole, p AS x FROM near UNION ALL SELECT true, p * 10 + l FROM near WHERE id_digits) v "
                "SEMI JOIN (SELECT whole, unnest([x - 1, x + 1]) AS y FROM new) n ON v.whole = n.whole AND v.x = n.y",
                "CREATE OR REPLACE TEMP TABLE seq_touched AS SELECT whole, x FROM seq_near UNION "
                "SELECT r.whole, r.x FROM {this} r SEMI JOIN (SELECT r.whole, r.lo FROM {this} r SEMI JOIN seq_near n ON r.whole = n.whole AND r.x = n.x) t "
                "ON r.whole = t.whole AND r.lo = t.lo",
                "DELETE FROM {this} r WHERE EXISTS (SELECT 1 FROM seq_touched t WHERE t.whole = r.whole AND t.x = r.x)",
                "INSERT INTO {this} " + RUNS.format(among="seq_touched"),
                "DROP TABLE seq_near",
                "DROP TABLE seq_touched",
            ),
        ),
    },
    """
WITH prefix_hits AS (
    SELECT o.rid, r.n, r.lo, r.hi, false AS whole FROM outcomes o JOIN {id_runs} r ON NOT r.whole AND o.id_prefix = r.x
    WHERE o.id_body AND r.n >= $run
)
SELECT * FROM prefix_hits
UNION ALL
SELECT o.rid, r.n, r.lo, r.hi, true FROM outcomes o JOIN {id_runs} r ON r.whole AND o.id_prefix * 10 + o.id_last = r.x
WHERE o.id_body AND o.id_digits AND r.n >= $run AND o.rid NOT IN (SELECT rid FROM prefix_hits)
""",
)


def _shown(value: int, whole: bool) -> str:
    return f"{value:018d}" if whole else f"{value:017d}*"


def params(row: dict[str, Any]) -> dict[str, Any]:
    whole = bool(row["whole"])
    return {"count": int(row["n"]), "others": int(row["n"]) - 1, "first": _shown(int(row["lo"]), whole), "last": _shown(int(row["hi"]), whole)}


SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params, kept=KEPT))
