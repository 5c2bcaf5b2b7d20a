"""The relation ``audited`` the verdicts and the figures read: one row per stored record with what they
group by — its institution, project, learner, hours, 双证制, whether it has an error (a rule of the record
alone, or an error screen), whether its project is declared, its county and its year.

A record's county is its catalog project's (the first six digits of its 项目编码), else its institution's;
its year is its catalog period's, else its completion date's.

With a store file the rows are kept between runs (:class:`~.screen_cache.ScreenCache`): a run adding
files adds their rows, and the few records whose error screens changed are updated; another catalog or a
replaced file makes them afresh. Without one, a temporary table.
"""

from __future__ import annotations

from typing import Any

from zjcredit.documents.audit.screen_cache import NEW_RECORDS, ScreenCache, added_files

ORGS_SQL = """
CREATE OR REPLACE TEMP TABLE orgs AS
SELECT org_code AS org, min(substr(code, 1, 6)) AS county_code, min(org_name) AS org_name, count(*) AS projects
FROM projects GROUP BY org_code;
CREATE OR REPLACE TEMP TABLE screen_errors AS SELECT DISTINCT rid FROM hits WHERE severity = 2;
"""
# The rows of ``{source}`` (``outcomes``, or those of some files).
ROWS_SQL = """
SELECT o.rid, o.org, o.project, o.id_num, o.hours, o.dual, o.has_error,
       o.rid IN (SELECT rid FROM screen_errors) AS screen_error,
       p.code IS NOT NULL AS declared,
       coalesce(substr(p.code, 1, 6), g.county_code) AS county_code,
       coalesce(TRY_CAST(substr(p.period, 1, 4) AS INTEGER), year(o.date)) AS year
FROM {source} o
LEFT JOIN projects p ON p.code = o.project
LEFT JOIN orgs g ON g.org = o.org
"""


def prepare_audited(db: Any, cache: ScreenCache | None) -> None:
    """Make the relation ``audited`` (after the screens: their error findings, in ``hits``, count)."""
    db.execute(ORGS_SQL)
    if cache is None:
        table = "audited_rows"
        db.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {ROWS_SQL.format(source='outcomes')}")
    else:
        table = cache.keep(
            "audited", {"sql": ROWS_SQL},
            lambda db, table: db.execute(f"CREATE OR REPLACE TABLE {table} AS {ROWS_SQL.format(source='outcomes')}"),
            _add,
        )
        with cache.transaction() as tx:  # the error screens' findings as they are now, on every row kept
            cache.flipped = sum(
                int(tx.execute(sql).fetchone()[0])
                for sql in (
                    f"UPDATE {table} SET screen_error = false WHERE screen_error AND rid NOT IN (SELECT rid FROM screen_errors)",  # noqa: S608 - ours
                    f"UPDATE {table} SET screen_error = true WHERE NOT screen_error AND rid IN (SELECT rid FROM screen_errors)",  # noqa: S608
                )
            )
    db.execute(f"CREATE OR REPLACE TEMP VIEW audited AS SELECT *, has_error OR screen_error AS error FROM {table}")


def _add(db: Any, table: str, added: list[int]) -> str:
    """The rows of the files ``added`` into ``table`` (the error screens' findings on the rows kept before
    are brought up to date afterwards: a new record can make an earlier one an error, or no longer one)."""
    added_files(db, added)
    db.execute(f"INSERT INTO {table} BY NAME {ROWS_SQL.format(source=f'({NEW_RECORDS})')}")
    return "added"
