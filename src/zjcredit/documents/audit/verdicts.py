"""Judging institutions (浙学银〔2019〕2号 三（三））: each 机构代码 with records or catalog projects gets
``ok`` or its problems —

- ``undeclared`` (申报备案未落实): records whose 项目编码 is in no catalog;
- ``materials-missing`` (缺乏相关材料; only with ledgers): a project with records has no ledger, or one
  missing parts;
- ``distorted`` (数据技术排查中严重失真): the records the distortion screens flag are at least the
  ``distorted_share`` of its records —

and the verdict is the most serious problem (distorted > undeclared > materials-missing), with the reasons
in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zjcredit.domain import divisions
from zjcredit.screens import load_screens

SEVERITY_ORDER = ("distorted", "undeclared", "materials-missing")
PROBLEM_ZH = {"distorted": "数据严重失真", "undeclared": "申报备案未落实", "materials-missing": "缺乏相关材料", "ok": "通过"}
PROBLEM_EN = {"distorted": "seriously distorted data", "undeclared": "outcomes not declared", "materials-missing": "materials missing", "ok": "ok"}


def distortion_rules() -> tuple[str, ...]:
    """The screens of 数据技术排查 whose findings are warnings: shared phones, implausible ages, runs of IDs,
    shared birth dates, too many hours, more learners than declared."""
    from zjcredit.report.findings import Severity

    return tuple(rid for rid, s in load_screens().items() if s.rule.severity is Severity.WARNING)


INSTITUTIONS_SQL = """
WITH per_pair AS (  -- the records counted by their (institution, project) pair's number, then by institution
    SELECT pair, sum(records) AS outcome_rows, sum(error_rows) AS error_rows, sum(screened_rows) AS screened_rows
    FROM audited_groups GROUP BY pair
),
per_org AS (
    SELECT d.org, sum(p.outcome_rows) AS outcome_rows, sum(p.error_rows) AS error_rows, sum(p.screened_rows) AS screened_rows,
           coalesce(sum(p.outcome_rows) FILTER (WHERE NOT d.declared AND d.project IS NOT NULL), 0) AS undeclared_rows,
           list(DISTINCT d.project) FILTER (WHERE NOT d.declared AND d.project IS NOT NULL) AS undeclared_projects,
           list(DISTINCT d.project) FILTER (WHERE d.declared) AS projects_with_outcomes,
           min(d.county_code) AS county_code
    FROM per_pair p JOIN pair_info d USING (pair)
    GROUP BY d.org
)
SELECT coalesce(p.org, d.org) AS org, d.org_name, coalesce(d.county_code, p.county_code) AS county_code,
       coalesce(d.projects, 0), coalesce(p.outcome_rows, 0), coalesce(p.error_rows, 0), coalesce(p.screened_rows, 0),
       coalesce(p.undeclared_rows, 0), coalesce(p.undeclared_projects, []), coalesce(p.projects_with_outcomes, [])
FROM per_org p FULL OUTER JOIN orgs d ON d.org = p.org
WHERE coalesce(p.org, d.org) IS NOT NULL
ORDER BY county_code NULLS LAST, org
"""


@dataclass
class Institution:
    org_code: str
    name: str | None
    county_code: str | None
    projects_declared: int
    outcome_rows: int
    error_rows: int
    screened_rows: int
    undeclared_rows: int
    undeclared_projects: list[str]
    projects_with_outcomes: list[str]
    ledgers_missing: list[str] = field(default_factory=list)
    ledgers_incomplete: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def county(self) -> str | None:
        county = divisions.counties().get(self.county_code or "")
        return county.name if county else None

    @property
    def verdict(self) -> str:
        return next((p for p in SEVERITY_ORDER if p in self.problems), "ok")

    def reasons(self, lang: str, share: float) -> list[str]:
        en = lang == "en"
        out = []
        for problem in SEVERITY_ORDER:
            if problem not in self.problems:
                continue
            if problem == "distorted":
                ratio = self.screened_rows / max(self.outcome_rows, 1)
                out.append(
                    f"{self.screened_rows} of {self.outcome_rows} outcome rows ({ratio:.1%}) are flagged by the distortion screens, at least {percent(share)}."
                    if en else f"{self.outcome_rows} 条成果中有 {self.screened_rows} 条（{ratio:.1%}）被数据失真筛查标出，达到 {percent(share)}，数据严重失真。"
                )
            elif problem == "undeclared":
                shown = "、".join(self.undeclared_projects[:3]) + ("等" if len(self.undeclared_projects) > 3 else "")
                out.append(
                    f"{self.undeclared_rows} outcome rows are on project codes in no catalog ({', '.join(self.undeclared_projects[:3])}): not declared."
                    if en else f"有 {self.undeclared_rows} 条成果的项目编码（{shown}）不在任何项目目录中，申报备案未落实。"
                )
            else:
                missing, partial = self.ledgers_missing, self.ledgers_incomplete
                out.append(
                    f"Projects with outcomes but no ledger: {', '.join(missing) or '—'}; ledgers missing parts: {', '.join(partial) or '—'}."
                    if en else f"有成果却没有过程性台账的项目：{'、'.join(missing) or '无'}；台账缺少部分内容的项目：{'、'.join(partial) or '无'}。"
                )
        return out

    def to_dict(self, lang: str, share: float) -> dict[str, Any]:
        return {
            "org_code": self.org_code, "name": self.name, "county_code": self.county_code, "county": self.county,
            "projects_declared": self.projects_declared, "projects_with_outcomes": len(self.projects_with_outcomes),
            "outcome_rows": self.outcome_rows, "error_rows": self.error_rows, "screened_rows": self.screened_rows,
            "ledgers_missing": len(self.ledgers_missing), "ledgers_incomplete": len(self.ledgers_incomplete),
            "problems": [p for p in SEVERITY_ORDER if p in self.problems], "verdict": self.verdict, "reasons": self.reasons(lang, share),
        }


def judge(db: Any, share: float, ledgers: dict[str, int] | None) -> list[Institution]:
    """Every institution judged; ``ledgers``: the parts present (0–5) of each project's ledger by 项目编码,
    None when no ledgers were given (then nobody is judged on materials)."""
    out = []
    for row in db.execute(INSTITUTIONS_SQL).fetchall():
        inst = Institution(*row[:8], sorted(row[8]), sorted(row[9]))
        if inst.undeclared_rows:
            inst.problems.append("undeclared")
        if inst.outcome_rows and inst.screened_rows and reaches(inst.screened_rows, inst.outcome_rows, share):
            inst.problems.append("distorted")
        if ledgers is not None:
            inst.ledgers_missing = [p for p in inst.projects_with_outcomes if p not in ledgers]
            inst.ledgers_incomplete = [p for p in inst.projects_with_outcomes if p in ledgers and ledgers[p] < 5]
            if inst.ledgers_missing or inst.ledgers_incomplete:
                inst.problems.append("materials-missing")
        out.append(inst)
    return out


def county_rows(institutions: list[Institution]) -> list[list[Any]]:
    """Per county (by code, unknown last): its name, institutions, how many passed, how many have each
    problem, and their rows, rows with errors and rows screened."""
    counties: dict[str | None, list[Institution]] = {}
    for i in institutions:
        counties.setdefault(i.county_code, []).append(i)
    rows = []
    for code in sorted(counties, key=lambda c: c or "~"):
        group = counties[code]
        county = divisions.counties().get(code or "")
        rows.append(
            [county.name if county else "（未知）", len(group), sum(i.verdict == "ok" for i in group)]
            + [sum(p in i.problems for i in group) for p in SEVERITY_ORDER]
            + [sum(i.outcome_rows for i in group), sum(i.error_rows for i in group), sum(i.screened_rows for i in group)]
        )
    return rows


def reaches(part: int, whole: int, share: float) -> bool:
    """``part / whole >= share``, with the share taken as written (0.28 is 7/25 exactly, not the binary
    float a hair above it)."""
    from fractions import Fraction

    return Fraction(part, whole) >= Fraction(repr(share))


def percent(share: float) -> str:
    """A share as the user gave it, in percent: 0.05 → 5%, 0.275 → 27.5%."""
    return f"{round(share * 100, 6):g}%"
