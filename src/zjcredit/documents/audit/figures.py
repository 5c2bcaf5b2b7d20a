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

from zjcredit.documents.audit.screen_cache import SCHEMA, ScreenCache
from zjcredit.domain import divisions
from zjcredit.domain.normalize import plain_number
from zjcredit.store import FILE_BITS

# The rows counted: no error, not 双证制 ({a}: the audited rows; {also}: a further condition).
COUNTED = "(SELECT * FROM {a} WHERE NOT error AND NOT dual AND id_num IS NOT NULL{also})"
# Each group's sums come from the audited rows summed by (institution, project) pair and year first
# (``audited_groups``: :mod:`.audited`).
SUMS = "sum(a.outcomes) AS outcomes, coalesce(sum(a.hours), 0) AS hours, sum(a.dual_outcomes) AS dual_outcomes, sum(a.error_rows) AS excluded_rows"
TARGETS = "(SELECT code, unnest(CASE WHEN len(targets) > 0 THEN targets ELSE [NULL] END) AS target FROM projects)"
# The group(s) ``k`` of each (institution, project) pair (:mod:`.audited`) in each table:
GROUP_OF = {
    "by_county": "SELECT pair, county_code AS k FROM pair_info",
    "by_institution": "SELECT pair, org AS k FROM pair_info",
    "by_category": "SELECT d.pair, p.category AS k FROM pair_info d LEFT JOIN projects p ON p.code = d.project",
    "by_target": "SELECT DISTINCT d.pair, t.target AS k FROM pair_info d LEFT JOIN " + TARGETS + " t ON t.code = d.project",
}
# Each learner once per group of a table, among ``{rows}`` (with pair and id_num).
LEARNERS = "SELECT DISTINCT g.k, a.id_num FROM {rows} a JOIN ({group_of}) g USING (pair)"

# With a store file the learners are kept (see keep_learners): each learner once per pair among the
# counted records (``learners``), and each table's number of learners per group (``learner counts``).
PAIRS = "SELECT DISTINCT pair, id_num FROM {counted}"
COUNTS = f'{SCHEMA}."learner counts"'
ERRORS = f'{SCHEMA}."learner errors"'  # the records the error screens found when the learners were kept
# (By the stored file_id, not the rid's high bits: DuckDB then skips the row groups of other files.)
NEW_ROWS = "(SELECT * FROM audited_pairs WHERE file_id IN (SELECT file_id FROM screen_added))"


def figures(db: Any, year: int | None = None, cache: ScreenCache | None = None) -> dict[str, list[dict[str, Any]]]:
    """The four tables of figures (contract: "Verification and figures"), from the ``audited`` relation
    (and, with a store file, the learners kept: :func:`keep_learners`)."""
    where = "WHERE a.year = $year" if year is not None else ""
    params = {"year": year} if year is not None else {}
    out: dict[str, list[dict[str, Any]]] = {}
    names = {org: (name, county) for org, name, county in db.execute("SELECT org, org_name, county_code FROM orgs").fetchall()}
    for key, group_of in GROUP_OF.items():
        if cache is not None and year is None:
            learners = f"SELECT k, n FROM {COUNTS} WHERE grouping = '{key}'"  # noqa: S608 - ours
        else:
            counted = COUNTED.format(a="audited", also=" AND year = $year" if year is not None else "")
            learners = f"SELECT k, count(*) AS n FROM ({LEARNERS.format(rows=counted, group_of=group_of)}) GROUP BY k"
        query = (
            f"SELECT s.k, s.outcomes, coalesce(l.n, 0), s.hours, s.dual_outcomes, s.excluded_rows "  # noqa: S608 - ours
            f"FROM (SELECT g.k, {SUMS} FROM audited_groups a JOIN ({group_of}) g USING (pair) {where} GROUP BY g.k) s "
            f"LEFT JOIN ({learners}) l ON s.k IS NOT DISTINCT FROM l.k ORDER BY s.k NULLS LAST"
        )
        rows = []
        for k, outcomes, learners_n, hours, dual, excluded in db.execute(query, params).fetchall():
            counts = {"outcomes": int(outcomes), "learners": int(learners_n), "hours": plain_number(round(float(hours), 2)), "dual_outcomes": int(dual), "excluded_rows": int(excluded)}
            rows.append({**_label(key, k, names), **counts})
        out[key] = rows
    return out


def keep_learners(cache: ScreenCache) -> None:
    """The learners kept in the store, brought up to date (after :func:`.audited.prepare_audited`): the
    (pair, learner) couples of the counted records,
    and each table's number of learners per group. Nearly every learner has one institution and project,
    so the counts are made afresh without a distinct count per table: a learner of one pair counts once
    in each of its pair's groups, and only the few learners of several pairs are counted one by one. A
    run adding files adds their new couples and, per table, the groups its learners did not have
    before. Made afresh when a record kept before changed between counted and not: an error screen's
    finding came or went (the error screens' records of the run that kept them are kept beside them)."""
    counted = COUNTED.format(a="audited_pairs", also="")

    def full(db: Any, table: str) -> None:
        for legacy in GROUP_OF:  # the tables of (group, learner) pairs kept by earlier versions
            db.execute(f'DROP TABLE IF EXISTS {SCHEMA}."learners {legacy}"')
            cache.forget(db, f"learners {legacy}")
        # Each learner once, with its pair when it has one (nearly all): one aggregation of the records by
        # learner; the few learners of several pairs get theirs from their records.
        db.execute(f"CREATE OR REPLACE TEMP TABLE learner_ids AS SELECT id_num, min(pair) AS pair, min(pair) < max(pair) AS several FROM {counted} GROUP BY id_num")
        db.execute(
            f"CREATE OR REPLACE TEMP TABLE learner_several AS SELECT DISTINCT c.pair, c.id_num FROM {counted} c "  # noqa: S608 - ours
            "SEMI JOIN (SELECT id_num FROM learner_ids WHERE several) s USING (id_num)"
        )
        db.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT pair, id_num FROM learner_ids WHERE NOT several UNION ALL SELECT pair, id_num FROM learner_several")
        db.execute("CREATE OR REPLACE TEMP TABLE learner_singles AS SELECT pair, count(*) AS n FROM learner_ids WHERE NOT several GROUP BY pair")
        parts = [
            f"SELECT '{key}' AS grouping, k, sum(n)::BIGINT AS n FROM ("
            f"SELECT g.k, a.n FROM learner_singles a JOIN ({group_of}) g USING (pair) "
            f"UNION ALL SELECT k, count(*) FROM ({LEARNERS.format(rows='learner_several', group_of=group_of)}) GROUP BY k"
            ") GROUP BY k"
            for key, group_of in GROUP_OF.items()
        ]
        db.execute(f"CREATE OR REPLACE TABLE {COUNTS} AS " + " UNION ALL ".join(parts))
        for temp in ("learner_ids", "learner_singles", "learner_several"):
            db.execute(f"DROP TABLE {temp}")

    def add(db: Any, table: str, added: list[int]) -> str:
        cache.added_files(db, added)
        new = PAIRS.format(counted=COUNTED.format(a=NEW_ROWS, also=""))
        # The kept couples of the new records' learners first, then the new couples among the new records'
        # as those not among them (the couples new to the store against every kept one took twice as long).
        db.execute(f"CREATE OR REPLACE TEMP TABLE learners_now AS {new}")
        db.execute(f"CREATE OR REPLACE TEMP TABLE learners_before AS SELECT * FROM {table} SEMI JOIN (SELECT DISTINCT id_num FROM learners_now) USING (id_num)")  # noqa: S608
        db.execute("CREATE OR REPLACE TEMP TABLE learners_new AS SELECT a.* FROM learners_now a ANTI JOIN learners_before b ON a.pair = b.pair AND a.id_num = b.id_num")
        parts = []
        for key, group_of in GROUP_OF.items():
            now, before = (LEARNERS.format(rows=t, group_of=group_of) for t in ("learners_new", "learners_before"))
            parts.append(f"SELECT '{key}', a.k, count(*) FROM ({now}) a ANTI JOIN ({before}) b ON a.k IS NOT DISTINCT FROM b.k AND a.id_num = b.id_num GROUP BY a.k")
        db.execute(
            f"CREATE OR REPLACE TEMP TABLE learner_counts AS SELECT grouping, k, sum(n)::BIGINT AS n FROM ("  # noqa: S608 - ours
            f"SELECT * FROM {COUNTS} UNION ALL " + " UNION ALL ".join(parts) + ") GROUP BY ALL"
        )
        db.execute(f"CREATE OR REPLACE TABLE {COUNTS} AS SELECT * FROM learner_counts")
        db.execute(f"INSERT INTO {table} SELECT * FROM learners_new")
        for temp in ("learners_now", "learners_new", "learners_before", "learner_counts"):
            db.execute(f"DROP TABLE {temp}")
        return "added"

    missing = "learner counts" not in cache.tables or "learner errors" not in cache.tables
    cache.keep("learners", {"pairs": PAIRS, "groups": GROUP_OF}, full, add, fresh=missing or _flipped(cache))
    cache.db.execute(f"CREATE OR REPLACE TABLE {ERRORS} AS SELECT rid FROM screen_errors")
    cache.tables.update(("learner counts", "learner errors"))


def _flipped(cache: ScreenCache) -> bool:
    """Whether a record the kept learners counted, or left out, changed since: an error screen's finding
    on it came or went (a record of a file added since is not kept yet, and one of a file gone makes the
    learners afresh anyway)."""
    state = cache.state("learners")
    covered = [cache.files[k] for k in (state[1] if state else []) if k in cache.files]
    changed = cache.db.execute(
        f"SELECT count(*) FROM ((SELECT rid FROM {ERRORS} EXCEPT SELECT rid FROM screen_errors) "  # noqa: S608 - ours
        f"UNION ALL (SELECT rid FROM screen_errors EXCEPT SELECT rid FROM {ERRORS})) WHERE (rid >> {FILE_BITS}) IN (SELECT unnest(?::INTEGER[]))",
        [covered],
    ).fetchone()[0]
    return int(changed) > 0


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
