"""The relation ``audited`` the verdicts and the figures read: one row per stored record with what they
group by — its institution, project, learner, hours, 双证制, whether it has an error (a rule of the record
alone, or an error screen), whether its project is declared, its county and its year.

A record's county is its catalog project's (the first six digits of its 项目编码), else its institution's;
its year is its catalog period's, else its completion date's.

Each stored record holds the number of its (institution, project) pair, given as its file was stored
(the store's ``pairs``: :mod:`zjcredit.store.pairs`); the pair's texts, whether its project is declared,
its county and its period's year come from ``pair_info``, made each run from the pairs and the catalogs
(a few thousand rows). So ``audited`` is a view of the stored records, not a table to write: the error
screens' findings of this run (``screen_errors``) are looked up as it is read.
"""

from __future__ import annotations

from typing import Any

ORGS_SQL = """
CREATE OR REPLACE TEMP TABLE orgs AS
SELECT org_code AS org, min(substr(code, 1, 6)) AS county_code, min(org_name) AS org_name, count(*) AS projects
FROM projects GROUP BY org_code;
CREATE OR REPLACE TEMP TABLE screen_errors AS SELECT DISTINCT rid FROM hits WHERE severity = 2;
"""
PAIR_INFO = """
CREATE OR REPLACE TEMP TABLE pair_info AS
SELECT d.pair, d.org, d.project, p.code IS NOT NULL AS declared,
       coalesce(substr(p.code, 1, 6), g.county_code) AS county_code,
       TRY_CAST(substr(p.period, 1, 4) AS INTEGER) AS period_year
FROM pairs d LEFT JOIN projects p ON p.code = d.project LEFT JOIN orgs g ON g.org = d.org
"""
VIEW = """
CREATE OR REPLACE TEMP VIEW audited AS
SELECT o.rid, o.file_id, o.pair, o.id_num, o.hours, o.dual, o.has_error, d.org, d.project, d.declared, d.county_code,
       coalesce(d.period_year, year(o.date)) AS year,
       o.has_error OR o.rid IN (SELECT rid FROM screen_errors) AS error
FROM outcome_rows o JOIN pair_info d USING (pair)
"""


# The records with only what the learners kept for the figures need (:func:`.figures.keep_learners`): the
# pair's number, no texts — every record's pair is in pair_info, so leaving out the join drops none.
PAIRS_VIEW = """
CREATE OR REPLACE TEMP VIEW audited_pairs AS
SELECT o.rid, o.file_id, o.pair, o.id_num, o.dual, o.has_error OR o.rid IN (SELECT rid FROM screen_errors) AS error
FROM outcome_rows o
"""
# The records summed by (institution, project) pair and year, for both the verdicts and the figures (all
# of them, those with an error, those a distortion screen flagged (``$rules``), and what the figures count
# of those without an error): each file's records summed by pair and completion year from what a record
# alone says (``has_error``: ``SUMS``), then corrected by this run's screens' findings, reading only the
# records they flag (``GROUPED``). With a store file the first sums are kept between runs
# (``screen_cache."audited sums"``) and a run adds the new files' (summing the store's 3 million records
# again took a sixth of a second each run). Hours are summed as exact decimals, so that the corrections
# take away exactly what the sums hold (a stored 学时数 is below 10^15: DECIMAL(38, 6) holds the sum of
# billions of them).
SUMS = """
SELECT file_id, pair, year(date) AS date_year,
       count(*) AS records,
       count(*) FILTER (WHERE has_error) AS error_rows,
       count(*) FILTER (WHERE NOT has_error AND NOT dual) AS outcomes,
       sum(hours::DECIMAL(38, 6)) FILTER (WHERE NOT has_error AND NOT dual) AS hours,
       count(*) FILTER (WHERE NOT has_error AND dual) AS dual_outcomes
FROM outcome_rows {where} GROUP BY file_id, pair, date_year
"""
GROUPED = """
CREATE OR REPLACE TEMP TABLE audited_groups AS
WITH distorting AS (SELECT rid FROM hits WHERE rule IN (SELECT unnest($rules::VARCHAR[]))),
flagged AS (  -- the records a screen found an error on, or a distortion screen flagged
    SELECT o.pair, year(o.date) AS date_year, o.has_error, o.dual, o.hours::DECIMAL(38, 6) AS hours,
           o.rid IN (SELECT rid FROM screen_errors) AS screen_error, o.rid IN (SELECT rid FROM distorting) AS screened
    FROM outcome_rows o SEMI JOIN (SELECT rid FROM screen_errors UNION SELECT rid FROM distorting) f USING (rid)
),
parts AS (
    SELECT pair, date_year, records, error_rows, 0 AS screened_rows, outcomes, hours, dual_outcomes FROM {sums}
    UNION ALL
    SELECT pair, date_year, 0,
           count(*) FILTER (WHERE screen_error AND NOT has_error),
           count(*) FILTER (WHERE screened),
           -count(*) FILTER (WHERE screen_error AND NOT has_error AND NOT dual),
           -sum(hours) FILTER (WHERE screen_error AND NOT has_error AND NOT dual),
           -count(*) FILTER (WHERE screen_error AND NOT has_error AND dual)
    FROM flagged GROUP BY pair, date_year
)
SELECT a.pair, coalesce(d.period_year, a.date_year) AS year,
       sum(a.records)::BIGINT AS records, sum(a.error_rows)::BIGINT AS error_rows, sum(a.screened_rows)::BIGINT AS screened_rows,
       sum(a.outcomes)::BIGINT AS outcomes, sum(a.hours)::DOUBLE AS hours, sum(a.dual_outcomes)::BIGINT AS dual_outcomes
FROM parts a JOIN pair_info d USING (pair)
GROUP BY a.pair, coalesce(d.period_year, a.date_year)
"""


def prepare_audited(db: Any, cache: Any = None) -> None:
    """Make the relations ``audited`` and ``audited_pairs`` and the sums ``audited_groups`` (after the
    screens: their findings, in ``hits``, count); with ``cache`` (a store file's
    :class:`~.screen_cache.ScreenCache`), from the sums it keeps."""
    from zjcredit.documents.audit.verdicts import distortion_rules

    db.execute(ORGS_SQL)
    db.execute(PAIR_INFO)
    db.execute(VIEW)
    db.execute(PAIRS_VIEW)
    sums = f"({SUMS.format(where='')})" if cache is None else _kept_sums(cache)
    db.execute(GROUPED.format(sums=sums), {"rules": list(distortion_rules())})


def _kept_sums(cache: Any) -> str:
    """The store's kept ``SUMS`` brought up to date with the files added: the table's name."""

    def full(db: Any, table: str) -> None:
        db.execute(f"CREATE OR REPLACE TABLE {table} AS {SUMS.format(where='')}")

    def add(db: Any, table: str, added: list[int]) -> str:
        cache.added_files(db, added)
        db.execute(f"INSERT INTO {table} {SUMS.format(where='WHERE file_id IN (SELECT file_id FROM screen_added)')}")
        return "added"

    return cache.keep("audited sums", {"sums": SUMS}, full, add, catalog=False)
