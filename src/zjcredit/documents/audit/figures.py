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

from zjcredit.domain import divisions
from zjcredit.domain.normalize import plain_number

COUNTS = """
count(*) FILTER (WHERE NOT error AND NOT dual) AS outcomes,
count(DISTINCT id_num) FILTER (WHERE NOT error AND NOT dual) AS learners,
coalesce(sum(hours) FILTER (WHERE NOT error AND NOT dual), 0) AS hours,
count(*) FILTER (WHERE NOT error AND dual) AS dual_outcomes,
count(*) FILTER (WHERE error) AS excluded_rows
"""
TARGETS = "(SELECT code, unnest(CASE WHEN len(targets) > 0 THEN targets ELSE [NULL] END) AS target FROM projects)"
GROUPS = {
    "by_county": ("county_code", "audited"),
    "by_institution": ("org", "audited"),
    "by_category": ("category", "audited LEFT JOIN (SELECT code AS project, category FROM projects) USING (project)"),
    "by_target": ("target", f"audited LEFT JOIN (SELECT code AS project, target FROM {TARGETS}) USING (project)"),
}


def figures(db: Any, year: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """The four tables of figures (contract: "Verification and figures"), from the ``audited`` table."""
    where = "WHERE year = $year" if year is not None else ""
    params = {"year": year} if year is not None else {}
    out: dict[str, list[dict[str, Any]]] = {}
    names = {org: (name, county) for org, name, county in db.execute("SELECT org, org_name, county_code FROM orgs").fetchall()}
    for key, (column, source) in GROUPS.items():
        query = f"SELECT {column} AS k, {COUNTS} FROM {source} {where} GROUP BY {column} ORDER BY {column} NULLS LAST"  # noqa: S608 - ours
        rows = []
        for k, outcomes, learners, hours, dual, excluded in db.execute(query, params).fetchall():
            counts = {"outcomes": int(outcomes), "learners": int(learners), "hours": plain_number(round(float(hours), 2)), "dual_outcomes": int(dual), "excluded_rows": int(excluded)}
            rows.append({**_label(key, k, names), **counts})
        out[key] = rows
    return out


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
