"""org-mismatch: a 机构代码 other than the one that declared the project in the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen

RULE = register(
    "org-mismatch",
    "error",
    "机构代码 {value} 与目录中项目 {project_code} 的申报机构（{expected}）不一致。",
    "Institution code {value} differs from the one that declared project {project_code} in the catalog ({expected}).",
    title_zh="机构代码与项目不符",
    title_en="institution code does not match the project",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    pass


SQL = """
SELECT o.rid, o.project, p.org_code
FROM outcomes o JOIN projects p ON p.code = o.project
WHERE o.org IS NOT NULL AND p.org_code IS NOT NULL AND o.org <> p.org_code
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"expected": row["org_code"], "project_code": row["project"]}


SCREEN = screen(Screen(RULE, "机构代码", Options, SQL, params, needs_catalog=True, partition=()))
