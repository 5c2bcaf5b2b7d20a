"""The store's tables (documented for users in the README, section 核查数据库), its version, and the
migrations that bring an older store up to date.

Every statement is idempotent (``IF NOT EXISTS``), so opening a store of the current version changes
nothing. A store records in ``meta`` the schema version and the zjcredit version that last wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SCHEMA_VERSION = 4

# The texts the view ``outcomes`` computes from the stored values: a record's 完成日期 and 学时数 as written
# are kept only where they differ from these (``documents.audit.ingest.rows`` makes the same texts), so that
# what is read is what was written, character for character.
DATE_TEXT = "CAST(date AS VARCHAR)"  # YYYY-MM-DD (kept as written unless the year has four digits)
HOURS_TEXT = "CASE WHEN hours = trunc(hours) AND hours < 1e15 THEN CAST(CAST(hours AS BIGINT) AS VARCHAR) END"
# The same, for a row of version 2 (its texts as written in ``completed`` and ``hours_text``).
_DATE_WRITTEN = f"CASE WHEN completed = {DATE_TEXT} AND year(date) BETWEEN 1000 AND 9999 THEN NULL ELSE completed END"
_HOURS_WRITTEN = f"CASE WHEN hours_text = {HOURS_TEXT} THEN NULL ELSE hours_text END"

# Each (机构代码, 项目编码) of the stored records (as compared; either may be NULL) once, numbered as first
# stored: what the verdicts and the figures group the records by. Numbers are only ever added.
PAIRS_TABLE = "CREATE TABLE IF NOT EXISTS pairs (pair INTEGER PRIMARY KEY, org VARCHAR, project VARCHAR)"
# The view's 机构代码 and 项目编码 as compared, from a row of ``outcome_rows``.
ORG = "nullif(coalesce(org_compared, org_code), '')"
PROJECT = "nullif(coalesce(project_compared, project_code), '')"

# The 18 characters an ID stored as ``id_num`` (``prefix17 * 11 + check character``) stands for.
_ID_TEXT = "lpad(CAST(id_num // 11 AS VARCHAR), 17, '0') || CASE WHEN id_num % 11 = 10 THEN 'X' ELSE CAST(id_num % 11 AS VARCHAR) END"
# The columns of the view ``outcomes`` computed from a row of ``outcome_rows`` (see :func:`outcomes_of`).
COMPUTED = f"""
    CASE WHEN id_num >= 0 THEN {_ID_TEXT}
         ELSE upper(replace(trim(id_written), ' ', '')) END AS id_key,
    coalesce(id_written, {_ID_TEXT}) AS id_number,
    coalesce(phone_written, CAST(phone_num AS VARCHAR)) AS phone,
    nullif(coalesce(name_compared, name), '') AS name_key,
    {PROJECT} AS project,
    nullif(coalesce(course_compared, course_code), '') AS course,
    {ORG} AS org,
    coalesce(completed_written, {DATE_TEXT}) AS completed,
    coalesce(hours_written, {HOURS_TEXT}) AS hours_text,
    CASE WHEN id_num >= 0 THEN id_num // 11 END AS id_prefix,
    CAST(CASE WHEN id_num >= 0 THEN id_num % 11 END AS TINYINT) AS id_last
"""


def outcomes_of(rows: str) -> str:
    """The view ``outcomes``'s query over ``rows`` (a relation with the columns of ``outcome_rows``):
    some records picked from ``outcome_rows`` first (a join on a stored column), their columns computed
    then — through the view, DuckDB computes them for every row of the store before the join."""
    return f"SELECT *,{COMPUTED}FROM {rows}"


OUTCOMES_OF_ROWS = outcomes_of("outcome_rows")

TABLES = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS files (
    file_id INTEGER PRIMARY KEY,   -- the high 32 bits of its rows' rid
    path VARCHAR NOT NULL,         -- as given when it was stored
    location VARCHAR,              -- where it is: from the store's folder, else absolute; stored again from
                                   -- there with other content, it replaces these rows
    name VARCHAR,
    sha256 VARCHAR NOT NULL,       -- content: the same content is not read again
    size BIGINT,
    records BIGINT,
    stored_at TIMESTAMP,
    zjcredit VARCHAR
);
CREATE TABLE IF NOT EXISTS sheets (
    file_id INTEGER, sheet VARCHAR, header_row INTEGER,
    columns VARCHAR                -- JSON: field → column letter
);
CREATE TABLE IF NOT EXISTS outcome_rows (
    rid BIGINT,                    -- file_id << 32 | the record's place in its file
    file_id INTEGER, sheet VARCHAR, "row" INTEGER,
    -- as written
    name VARCHAR, org_code VARCHAR, project_code VARCHAR, course_code VARCHAR,
    result VARCHAR, outcome_form VARCHAR, note VARCHAR,
    -- as compared (what the queries of zjcredit.screens read)
    id_num BIGINT, id_ok BOOLEAN, id_body BOOLEAN, id_digits BOOLEAN,
    birth DATE, phone_num BIGINT, hours DOUBLE, date DATE, dual BOOLEAN,
    has_error BOOLEAN,             -- a rule of the record alone found an error on it
    -- Texts that nearly always equal another column are stored only where they differ ('' for "none"),
    -- and the columns users and queries read are computed from them (the view ``outcomes``): a text per
    -- row is most of what a file's commit costs.
    id_written VARCHAR,            -- the ID as written, where not the 18 characters id_num stands for
    phone_written VARCHAR,         -- the phone as written, where not the digits of phone_num
    name_compared VARCHAR, project_compared VARCHAR, course_compared VARCHAR, org_compared VARCHAR,
    completed_written VARCHAR,     -- 完成日期 as written, where not the date as YYYY-MM-DD
    hours_written VARCHAR,         -- 学时数 as written, where not the whole number of hours
    pair INTEGER                   -- its (机构代码, 项目编码) as compared: the number in ``pairs``
);
{PAIRS_TABLE};
-- What users and the screens read: the stored columns and those computed from them. (A view rather than
-- generated columns of the table, which made every insert cost twice as much.)
CREATE VIEW IF NOT EXISTS outcomes AS {OUTCOMES_OF_ROWS};
CREATE TABLE IF NOT EXISTS findings (
    rid BIGINT,                    -- NULL for a finding about the file or sheet
    file_id INTEGER, sheet VARCHAR, cell VARCHAR, "row" INTEGER, field VARCHAR,
    rule VARCHAR, severity VARCHAR, value VARCHAR,
    params VARCHAR                 -- JSON: the message's parameters
);
CREATE TABLE IF NOT EXISTS projects (
    code VARCHAR PRIMARY KEY,      -- as compared (no spaces, upper-case)
    code_text VARCHAR, name VARCHAR, category VARCHAR, targets VARCHAR[], scale INTEGER, hours DOUBLE,
    org_code VARCHAR, org_name VARCHAR, period VARCHAR, period_text VARCHAR, period_start DATE,
    city VARCHAR, county VARCHAR, county_code VARCHAR, catalog VARCHAR
);
CREATE TABLE IF NOT EXISTS courses (
    key VARCHAR PRIMARY KEY, code VARCHAR, project_code VARCHAR, project_key VARCHAR, name VARCHAR,
    hours DOUBLE, teacher VARCHAR
);
CREATE TABLE IF NOT EXISTS ledgers (
    project VARCHAR,               -- 项目编码 as compared
    org VARCHAR, path VARCHAR, parts INTEGER, missing VARCHAR[], learners INTEGER, sessions INTEGER,
    attendance DOUBLE, errors INTEGER, warnings INTEGER, checked_at TIMESTAMP
);
"""


def _computed_columns_as_a_view(db: Any) -> None:
    """Version 1 kept the computed columns as VIRTUAL generated columns of the table ``outcomes``: its
    rows become ``outcome_rows`` without them, and ``outcomes`` the view (made by :data:`TABLES`)."""
    db.execute("ALTER TABLE outcomes RENAME TO outcome_rows")
    for column in ("id_key", "id_number", "phone", "name_key", "project", "course", "org"):
        db.execute(f"ALTER TABLE outcome_rows DROP COLUMN {column}")


def _texts_computed(db: Any) -> None:
    """Version 2 kept 完成日期 and 学时数 as written in every row, and the ID's first 17 digits and its
    18th character beside the ID as a number: the texts are kept only where they differ from what the
    view computes, and the ID's parts are computed from ``id_num``."""
    db.execute("DROP VIEW IF EXISTS outcomes")  # made again by TABLES
    db.execute("ALTER TABLE outcome_rows ADD COLUMN completed_written VARCHAR")
    db.execute("ALTER TABLE outcome_rows ADD COLUMN hours_written VARCHAR")
    db.execute(f"UPDATE outcome_rows SET completed_written = {_DATE_WRITTEN}, hours_written = {_HOURS_WRITTEN}")
    for column in ("completed", "hours_text", "id_prefix", "id_last"):
        db.execute(f"ALTER TABLE outcome_rows DROP COLUMN {column}")


def _pairs_numbered(db: Any) -> None:
    """Version 3 numbered the (机构代码, 项目编码) pairs in the screens' cache, and kept a table of every
    record with its pair's number there (``screen_cache.audited``): each record now holds its number, given
    as it is stored. The numbers the cache gave are kept (the learners kept for the figures hold them);
    pairs it had not numbered are numbered on from them."""
    cached = {r[0] for r in db.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'screen_cache'").fetchall()}
    db.execute(PAIRS_TABLE)
    if "pairs" in cached:
        db.execute("INSERT INTO pairs SELECT pair, org, project FROM screen_cache.pairs")
    db.execute(
        "INSERT INTO pairs SELECT coalesce((SELECT max(pair) FROM pairs), 0) + row_number() OVER (ORDER BY n.org, n.project), n.org, n.project "
        f"FROM (SELECT DISTINCT {ORG} AS org, {PROJECT} AS project FROM outcome_rows) n "
        "ANTI JOIN pairs d ON d.org IS NOT DISTINCT FROM n.org AND d.project IS NOT DISTINCT FROM n.project"
    )
    db.execute("DROP VIEW IF EXISTS outcomes")  # made again by TABLES (a view keeps its table from changing)
    db.execute("ALTER TABLE outcome_rows ADD COLUMN pair INTEGER")
    db.execute(
        f"UPDATE outcome_rows SET pair = d.pair FROM pairs d WHERE d.org IS NOT DISTINCT FROM {ORG} AND d.project IS NOT DISTINCT FROM {PROJECT}"
    )
    for table in ("pairs", "audited"):
        if table in cached:
            db.execute(f"DROP TABLE screen_cache.{table}")
    if "state" in cached:
        db.execute("DELETE FROM screen_cache.state WHERE rule = 'audited'")


# version → the statements that bring a store of that version to the next one.
MIGRATIONS: dict[int, Callable[[Any], None]] = {1: _computed_columns_as_a_view, 2: _texts_computed, 3: _pairs_numbered}
