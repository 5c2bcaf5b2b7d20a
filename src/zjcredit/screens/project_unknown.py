"""project-unknown: a 项目编码 in none of the catalogs given; every outcome must match a catalog project
(浙学银〔2019〕2号 三（二））."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen

RULE = register(
    "project-unknown",
    "error",
    "项目编码 {value} 不在所给的项目目录中。学习成果必须对应目录中的项目编码（浙学银〔2019〕2号 三（二））。",
    "Project code {value} is not in the catalog(s) given; every outcome must match a catalog project code.",
    title_zh="项目编码不在目录中",
    title_en="project code not in the catalog",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    pass


SQL = """
SELECT o.rid FROM outcomes o
WHERE o.project IS NOT NULL AND o.project NOT IN (SELECT code FROM projects)
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {}


SCREEN = screen(Screen(RULE, "项目编码", Options, SQL, params, needs_catalog=True, partition=()))
