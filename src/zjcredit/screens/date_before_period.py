"""date-before-period: a completion date before the start of the project's catalog period (2019H1 from
1 January, Q3 from 1 July, Q4 from 1 October)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen

RULE = register(
    "date-before-period",
    "error",
    "完成日期 {date} 早于项目 {project_code} 所在目录期次 {period} 的开始日期 {start}。",
    "Completion date {date} is before the start ({start}) of period {period} of project {project_code}.",
    title_zh="完成日期早于目录期次",
    title_en="completion date before the catalog period",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    pass


SQL = """
SELECT o.rid, o.date, p.period_start, o.project, p.period_text
FROM outcomes o JOIN projects p ON p.code = o.project
WHERE o.date IS NOT NULL AND p.period_start IS NOT NULL AND o.date < p.period_start
"""


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"date": row["date"].isoformat(), "start": row["period_start"].isoformat(), "project_code": row["project"], "period": row["period_text"]}


SCREEN = screen(Screen(RULE, "完成日期", Options, SQL, params, needs_catalog=True, partition=()))
