"""The relation ``audited`` the verdicts and the figures read: one row per stored record with what they
group by — its institution, project, learner, hours, 双证制, whether it has an error (a rule of the record
alone, or an error screen), whether its project is declared, its county and its year.

A record's county is its catalog project's (the first six digits of its 项目编码), else its institution's;
its year is its catalog period's, else its completion date's.

The rows hold not the institution's and project's texts but the number of the pair (``pairs``: each
(institution, project) of the records once, numbered as first seen); the pair's texts, whether its
project is declared and its county come from ``pair_info``, made each run from the pairs and the
catalogs (a few thousand rows). Writing two texts per record was most of what making the rows cost.

With a store file the rows and the pairs are kept between runs (:class:`~.screen_cache.ScreenCache`): a run
adding files adds their rows (and pairs not seen before), and the few records whose error screens changed
are updated; another catalog or a replaced file makes the rows afresh. The pairs are only ever added to,
so a number once given keeps its meaning — unless the pairs' table is gone, when everything numbered
(the rows, the figures' learners) is made afresh with it. Without a store file, temporary tables.
"""

from __future__ import annotations

from typing import Any

from zjcredit.documents.audit.screen_cache import NEW_RECORDS, SCHEMA, ScreenCache, added_files

ORGS_SQL = """
CREATE OR REPLACE TEMP TABLE orgs AS
SELECT org_code AS org, min(substr(code, 1, 6)) AS county_code, min(org_name) AS org_name, count(*) AS projects
FROM projects GROUP BY org_code;
CREATE OR REPLACE TEMP TABLE screen_errors AS SELECT DISTINCT rid FROM hits WHERE severity = 2;
"""
PAIRS_TABLE = "CREATE {temp} TABLE IF NOT EXISTS {pairs} (pair INTEGER, org VARCHAR, project VARCHAR)"
# The pairs of the stored records not numbered yet, numbered on from the last.
NEW_PAIRS = """
INSERT INTO {pairs}
SELECT coalesce((SELECT max(pair) FROM {pairs}), 0) + row_number() OVER (ORDER BY n.org, n.project), n.org, n.project
FROM (SELECT DISTINCT org, project FROM outcomes) n
ANTI JOIN {pairs} d ON d.org IS NOT DISTINCT FROM n.org AND d.project IS NOT DISTINCT FROM n.project
"""
PAIR_INFO = """
CREATE OR REPLACE TEMP TABLE pair_info AS
SELECT d.pair, d.org, d.project, p.code IS NOT NULL AS declared,
       coalesce(substr(p.code, 1, 6), g.county_code) AS county_code,
       TRY_CAST(substr(p.period, 1, 4) AS INTEGER) AS period_year
FROM {pairs} d LEFT JOIN projects p ON p.code = d.project LEFT JOIN orgs g ON g.org = d.org
"""
# The rows of ``{source}`` (``outcomes``, or those of some files).
ROWS_SQL = """
SELECT o.rid, d.pair, o.id_num, o.hours, o.dual, o.has_error,
       o.rid IN (SELECT rid FROM screen_errors) AS screen_error,
       coalesce(d.period_year, year(o.date)) AS year
FROM {source} o JOIN pair_info d ON d.org IS NOT DISTINCT FROM o.org AND d.project IS NOT DISTINCT FROM o.project
"""
VIEW = """
CREATE OR REPLACE TEMP VIEW audited AS
SELECT a.*, d.org, d.project, d.declared, d.county_code, a.has_error OR a.screen_error AS error
FROM {table} a JOIN pair_info d USING (pair)
"""


def prepare_audited(db: Any, cache: ScreenCache | None) -> None:
    """Make the relation ``audited`` (after the screens: their error findings, in ``hits``, count)."""
    db.execute(ORGS_SQL)
    if cache is None:
        pairs, table = "audited_pairs", "audited_rows"
        db.execute(f"DROP TABLE IF EXISTS {pairs}")
        db.execute(PAIRS_TABLE.format(temp="TEMP", pairs=pairs))
        db.execute(NEW_PAIRS.format(pairs=pairs))
        db.execute(PAIR_INFO.format(pairs=pairs))
        db.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {ROWS_SQL.format(source='outcomes')}")
    else:
        pairs = f"{SCHEMA}.pairs"
        with cache.transaction() as tx:
            cache.renumbered = "pairs" not in cache.tables  # (made again:) the numbers kept elsewhere mean nothing
            tx.execute(PAIRS_TABLE.format(temp="", pairs=pairs))
            tx.execute(NEW_PAIRS.format(pairs=pairs))
            cache.tables.add("pairs")
        db.execute(PAIR_INFO.format(pairs=pairs))
        table = cache.keep(
            "audited", {"sql": ROWS_SQL, "pairs": NEW_PAIRS},
            lambda db, table: db.execute(f"CREATE OR REPLACE TABLE {table} AS {ROWS_SQL.format(source='outcomes')}"),
            _add, fresh=cache.renumbered,
        )
        with cache.transaction() as tx:  # the error screens' findings as they are now, on every row kept
            cache.flipped = sum(
                int(tx.execute(sql).fetchone()[0])
                for sql in (
                    f"UPDATE {table} SET screen_error = false WHERE screen_error AND rid NOT IN (SELECT rid FROM screen_errors)",  # noqa: S608 - ours
                    f"UPDATE {table} SET screen_error = true WHERE NOT screen_error AND rid IN (SELECT rid FROM screen_errors)",  # noqa: S608
                )
            )
    db.execute(VIEW.format(table=table))


def _add(db: Any, table: str, added: list[int]) -> str:
    """The rows of the files ``added`` into ``table`` (the error screens' findings on the rows kept before
    are brought up to date afterwards: a new record can make an earlier one an error, or no longer one)."""
    added_files(db, added)
    db.execute(f"INSERT INTO {table} BY NAME {ROWS_SQL.format(source=f'({NEW_RECORDS})')}")
    return "added"
