"""The tables an outcome check ends with: per file and per institution, records, 双证制 records, learners
(distinct IDs, 双证制 apart), and the errors and warnings found on their records. Counted by DuckDB over
the run's ``outcomes`` relation and the flags of the findings."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from zjcredit.report.findings import FileResult, Report, SummaryTable

INSTITUTION_SQL = """
WITH f AS (
    SELECT rid, count(*) FILTER (WHERE severity = 2) AS errors, count(*) FILTER (WHERE severity = 1) AS warnings
    FROM flags GROUP BY rid
)
SELECT o.org, count(*) AS rows, count(*) FILTER (WHERE o.dual) AS dual,
       count(DISTINCT o.id_num) FILTER (WHERE NOT o.dual) AS learners,
       coalesce(sum(f.errors), 0) AS errors, coalesce(sum(f.warnings), 0) AS warnings
FROM outcomes o LEFT JOIN f USING (rid)
GROUP BY o.org
ORDER BY coalesce(o.org, '')
"""

FILE_SQL = """
SELECT file_id, count(*) FILTER (WHERE dual) AS dual, count(DISTINCT id_num) FILTER (WHERE NOT dual) AS learners
FROM outcomes GROUP BY file_id
"""


def summarise(con: Any, report: Report, results: dict[int, FileResult], relation: pa.Table | None, flags: pa.Table, org_names: dict[str | None, str | None]) -> None:
    """Put the per-file and per-institution tables on ``report`` (tables and JSON keys), counted with the
    DuckDB connection ``con``: ``results`` are the files by the number the relation's ``file_id`` column
    gives them, ``flags`` the severity of every finding on a record (rid, severity), ``org_names``
    申报单位 by 机构代码."""
    files: dict[str, dict[str, Any]] = {}
    for result in results.values():
        files[result.path] = {"path": result.path, "rows": result.records, "dual": 0, "learners": 0, "errors": result.errors, "warnings": result.warnings}
    institutions: list[dict[str, Any]] = []
    if relation is not None:
        con.register("outcomes", relation)
        con.register("flags", flags)
        for file_id, dual, learners in con.execute(FILE_SQL).fetchall():
            path = results[file_id].path
            files[path]["dual"] = int(dual)
            files[path]["learners"] = int(learners)
        for org, rows, dual, learners, errors, warnings in con.execute(INSTITUTION_SQL).fetchall():
            institutions.append(
                {
                    "org_code": org, "org_name": org_names.get(org), "rows": int(rows), "dual": int(dual),
                    "learners": int(learners), "errors": int(errors), "warnings": int(warnings),
                }
            )
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
