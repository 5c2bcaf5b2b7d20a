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
# The records summed by (institution, project) pair and year, in one pass for the verdicts and the figures:
# all of them, those with an error, those a distortion screen flagged (``$rules``), and what the figures
# count of those without an error.
GROUPED = """
CREATE OR REPLACE TEMP TABLE audited_groups AS
SELECT pair, year,
       count(*) AS records,
       count(*) FILTER (WHERE error) AS error_rows,
       count(*) FILTER (WHERE screened) AS screened_rows,
       count(*) FILTER (WHERE NOT error AND NOT dual) AS outcomes,
       sum(hours) FILTER (WHERE NOT error AND NOT dual) AS hours,
       count(*) FILTER (WHERE NOT error AND dual) AS dual_outcomes
FROM (SELECT pair, year, error, dual, hours, rid IN (SELECT rid FROM hits WHERE rule IN (SELECT unnest($rules::VARCHAR[]))) AS screened FROM audited)
GROUP BY pair, year
"""


def prepare_audited(db: Any) -> None:
    """Make the relations ``audited`` and ``audited_pairs`` and the sums ``audited_groups`` (after the
    screens: their findings, in ``hits``, count)."""
    from zjcredit.documents.audit.verdicts import distortion_rules

    db.execute(ORGS_SQL)
    db.execute(PAIR_INFO)
    db.execute(VIEW)
    db.execute(PAIRS_VIEW)
    db.execute(GROUPED, {"rules": list(distortion_rules())})
