"""The yearly figures (浙学银〔2019〕2号 四（五）) by county, institution, project category and target group.

Counted over the store's records with the screens' ``hits``:

- ``outcomes``: records with no error finding and not 双证制 (备注 or 成果形式 names 双证制);
- ``learners``: distinct resident IDs among those records; ``hours``: the sum of their 学时数;
- ``dual_outcomes``: 双证制 records with no error; ``excluded_rows``: records with at least one error.

Warnings (the screens) never exclude a record. A record's county and year are those of
:mod:`.audited`. A project with several 培训对象 counts under each.
"""

from __future__ import annotations

from typing import Any

from zjcredit.documents.audit.screen_cache import ScreenCache, added_files
from zjcredit.domain import divisions
from zjcredit.domain.normalize import plain_number
from zjcredit.store import FILE_BITS

# The rows counted: no error, not 双证制 ({a}: the audited rows; {also}: a further condition).
COUNTED = "(SELECT * FROM {a} WHERE NOT error AND NOT dual AND id_num IS NOT NULL{also})"
# Each group's sums come from the audited rows summed by institution, project, county and year first.
GROUPED = """
CREATE OR REPLACE TEMP TABLE audited_groups AS
SELECT org, project, county_code, year,
       count(*) FILTER (WHERE NOT error AND NOT dual) AS outcomes,
       sum(hours) FILTER (WHERE NOT error AND NOT dual) AS hours,
       count(*) FILTER (WHERE NOT error AND dual) AS dual_outcomes,
       count(*) FILTER (WHERE error) AS excluded_rows
FROM audited GROUP BY ALL
"""
SUMS = "sum(outcomes) AS outcomes, coalesce(sum(hours), 0) AS hours, sum(dual_outcomes) AS dual_outcomes, sum(excluded_rows) AS excluded_rows"
TARGETS = "(SELECT code, unnest(CASE WHEN len(targets) > 0 THEN targets ELSE [NULL] END) AS target FROM projects)"
# Each table: the column it groups by, and the rows it counts ({a}: rows with org, project, county_code).
GROUPS = {
    "by_county": ("county_code", "{a}"),
    "by_institution": ("org", "{a}"),
    "by_category": ("category", "{a} LEFT JOIN (SELECT code AS project, category FROM projects) USING (project)"),
    "by_target": ("target", "{a} LEFT JOIN (SELECT code AS project, target FROM " + TARGETS + ") USING (project)"),
}
# The learners of each group: kept in the store (a run adding files adds their new pairs), else counted.
LEARNERS = "SELECT DISTINCT {column} AS k, id_num FROM {source}"
NEW_ROWS = f"(SELECT * FROM audited WHERE (rid >> {FILE_BITS}) IN (SELECT file_id FROM screen_added))"


def figures(db: Any, year: int | None = None, cache: ScreenCache | None = None) -> dict[str, list[dict[str, Any]]]:
    """The four tables of figures (contract: "Verification and figures"), from the ``audited`` relation."""
    where = "WHERE year = $year" if year is not None else ""
    params = {"year": year} if year is not None else {}
    out: dict[str, list[dict[str, Any]]] = {}
    names = {org: (name, county) for org, name, county in db.execute("SELECT org, org_name, county_code FROM orgs").fetchall()}
    db.execute(GROUPED)
    kept = {}
    if cache is not None and year is None:
        with cache.batch():
            kept = {key: _kept_learners(cache, key, column, source) for key, (column, source) in GROUPS.items()}
    for key, (column, source) in GROUPS.items():
        if key in kept:
            learners = f"SELECT k, count(*) AS n FROM {kept[key]} GROUP BY k"
        else:
            counted = COUNTED.format(a="audited", also=" AND year = $year" if year is not None else "")
            learners = f"SELECT k, count(*) AS n FROM ({LEARNERS.format(column=column, source=source.format(a=counted))}) GROUP BY k"
        query = (
            f"SELECT s.k, s.outcomes, coalesce(l.n, 0), s.hours, s.dual_outcomes, s.excluded_rows "  # noqa: S608 - ours
            f"FROM (SELECT {column} AS k, {SUMS} FROM {source.format(a='audited_groups')} {where} GROUP BY {column}) s "
            f"LEFT JOIN ({learners}) l ON s.k IS NOT DISTINCT FROM l.k ORDER BY s.k NULLS LAST"
        )
        rows = []
        for k, outcomes, learners_n, hours, dual, excluded in db.execute(query, params).fetchall():
            counts = {"outcomes": int(outcomes), "learners": int(learners_n), "hours": plain_number(round(float(hours), 2)), "dual_outcomes": int(dual), "excluded_rows": int(excluded)}
            rows.append({**_label(key, k, names), **counts})
        out[key] = rows
    return out


def _kept_learners(cache: ScreenCache, key: str, column: str, source: str) -> str:
    """The table of (group, learner) pairs of ``key`` kept in the store, brought up to date. Made afresh
    when a record kept before changed between counted and not (an error screen's finding came or went)."""

    def full(db: Any, table: str) -> None:
        counted = COUNTED.format(a="audited", also="")
        db.execute(f"CREATE OR REPLACE TABLE {table} AS {LEARNERS.format(column=column, source=source.format(a=counted))}")

    def add(db: Any, table: str, added: list[int]) -> str:
        added_files(db, added)
        new = LEARNERS.format(column=column, source=source.format(a=COUNTED.format(a=NEW_ROWS, also="")))
        db.execute(f"INSERT INTO {table} SELECT n.k, n.id_num FROM ({new}) n ANTI JOIN {table} o ON n.k IS NOT DISTINCT FROM o.k AND n.id_num = o.id_num")  # noqa: S608
        return "added"

    return cache.keep(f"learners {key}", {"sql": LEARNERS, "source": source}, full, add, fresh=cache.flipped > 0)


def _label(key: str, value: Any, names: dict[Any, Any]) -> dict[str, Any]:
    if key == "by_county":
        county = divisions.counties().get(value or "")
        return {"county_code": value, "county": county.name if county else None}
    if key == "by_institution":
        name, county = names.get(value, (None, None))
        return {"org_code": value, "name": name, "county_code": county}
    if key == "by_category":
        return {"category": value}
    return {"target": value}
