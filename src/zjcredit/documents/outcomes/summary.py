"""The tables an outcome check ends with: per file and per institution, records, 双证制 records, learners
(distinct IDs, 双证制 apart), and the errors and warnings found on their records. Counted by DuckDB over
the run's ``outcomes`` relation and the flags of the findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from zjcredit.report.findings import Report, Severity, SummaryTable

if TYPE_CHECKING:
    from zjcredit.documents.outcomes.check import OutcomeRun

INSTITUTION_SQL = """
WITH f AS (
    SELECT rid, count(*) FILTER (WHERE severity = 2) AS errors, count(*) FILTER (WHERE severity = 1) AS warnings
    FROM flags GROUP BY rid
)
SELECT o.org, count(*) AS rows, count(*) FILTER (WHERE o.dual) AS dual,
       count(DISTINCT o.id_key) FILTER (WHERE NOT o.dual) AS learners,
       coalesce(sum(f.errors), 0) AS errors, coalesce(sum(f.warnings), 0) AS warnings
FROM outcomes o LEFT JOIN f USING (rid)
GROUP BY o.org
ORDER BY coalesce(o.org, '')
"""

FILE_SQL = """
SELECT part, count(*) FILTER (WHERE dual) AS dual, count(DISTINCT id_key) FILTER (WHERE NOT dual) AS learners
FROM outcomes JOIN parts USING (rid) GROUP BY part
"""


def summarise(run: OutcomeRun, report: Report) -> None:
    """Put the per-file and per-institution tables on ``report`` (tables and JSON keys)."""
    files: dict[str, dict[str, Any]] = {}
    for result in run.results:
        files[result.path] = {"path": result.path, "rows": result.records, "dual": 0, "learners": 0, "errors": result.errors, "warnings": result.warnings}
    institutions: list[dict[str, Any]] = []
    relation = run.relation()
    if relation is not None:
        import duckdb

        org_names = run.catalog.org_names() if run.catalog is not None else {}
        con = duckdb.connect()
        try:
            con.register("outcomes", relation)
            con.register("flags", _flags(run))
            con.register("parts", _parts(run))
            for part, dual, learners in con.execute(FILE_SQL).fetchall():
                path = run.parts[part].result.path
                files[path]["dual"] += int(dual)
                files[path]["learners"] = int(learners)  # a file's sheets: see _parts
            for org, rows, dual, learners, errors, warnings in con.execute(INSTITUTION_SQL).fetchall():
                institutions.append(
                    {
                        "org_code": org, "org_name": org_names.get(org), "rows": int(rows), "dual": int(dual),
                        "learners": int(learners), "errors": int(errors), "warnings": int(warnings),
                    }
                )
        finally:
            con.close()
    file_rows = [[f["path"], f["rows"], f["dual"], f["learners"], f["errors"], f["warnings"]] for f in files.values()]
    report.tables.append(
        SummaryTable(
            "按文件汇总", "By file",
            ["文件", "记录数", "其中双证制", "学员数（不含双证制）", "错误", "警告"],
            ["file", "rows", "of which 双证制", "learners (without 双证制)", "errors", "warnings"],
            file_rows,
        )
    )
    if institutions:
        report.tables.append(
            SummaryTable(
                "按机构汇总（错误、警告按所在行计）", "By institution (errors and warnings by the rows they are on)",
                ["机构代码", "申报单位", "记录数", "其中双证制", "学员数（不含双证制）", "错误", "警告"],
                ["institution code", "institution", "rows", "of which 双证制", "learners (without 双证制)", "errors", "warnings"],
                [[i["org_code"] or "（未填）", i["org_name"] or "", i["rows"], i["dual"], i["learners"], i["errors"], i["warnings"]] for i in institutions],
            )
        )
    report.extra["institutions"] = institutions
    report.extra["outcome_files"] = list(files.values())
    report.extra["dual_certificate_rows"] = sum(f["dual"] for f in files.values())


def _flags(run: OutcomeRun) -> pa.Table:
    rids, severities = [], []
    for k, positions, severity in run.flags():
        rids.append(positions + run.parts[k].first_rid)
        severities.append(np.full(len(positions), int(severity), dtype=np.int8))
    return pa.table(
        {
            "rid": pa.array(np.concatenate(rids) if rids else np.zeros(0, np.int64)),
            "severity": pa.array(np.concatenate(severities) if severities else np.zeros(0, np.int8)),
        }
    )


def _parts(run: OutcomeRun) -> pa.Table:
    """Each record's file (the index of the file's first part), so that a file of several sheets
    counts its learners once."""
    first_of_path: dict[str, int] = {}
    rids, owners = [], []
    for k, part in enumerate(run.parts):
        owner = first_of_path.setdefault(part.result.path, k)
        rids.append(np.arange(part.first_rid, part.first_rid + part.sheet.n, dtype=np.int64))
        owners.append(np.full(part.sheet.n, owner, dtype=np.int64))
    return pa.table({"rid": pa.array(np.concatenate(rids)), "part": pa.array(np.concatenate(owners))})


_ = Severity  # the flags hold Severity values (0 info, 1 warning, 2 error)
