"""The per-project readiness of a run's ledgers: a table before the findings and the JSON key ``ledgers``
(one entry per ledger, and one per catalog project with outcomes but no ledger, with 0 parts)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from zjcredit.documents.ledger.model import Ledger
from zjcredit.documents.ledger.parts import PARTS
from zjcredit.report.findings import FileResult, SummaryTable


@dataclass
class Readiness:
    """How ready one project's ledger is for the province's verification (三(三))."""

    project_code: str | None
    project_name: str | None
    org_code: str | None
    institution: str | None
    path: str | None  # the workbook or folder; None: no ledger
    layout: str | None  # workbook | folder
    files: list[str] = field(default_factory=list)
    parts_present: int = 0  # parts present and holding records, 0–5
    parts_missing: list[str] = field(default_factory=lambda: list(PARTS))
    learners: int = 0
    sessions: int = 0  # sessions held
    attendance: float | None = None  # the roster's mean share of the sessions attended
    outcomes: int | None = None  # outcome records of the project (with --outcomes)
    errors: int = 0
    warnings: int = 0

    @property
    def complete(self) -> bool:
        """All five parts there, each holding records."""
        return self.parts_present == len(PARTS)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["complete"] = self.complete
        return out


def readiness_of(ledger: Ledger, project: Any, results: list[FileResult], outcomes: int | None) -> Readiness:
    """A ledger's readiness; ``project`` is its catalog project (or None), ``results`` its files' results."""
    present = ledger.parts_present
    shares = list(ledger.attendance().values())
    return Readiness(
        project_code=project.code if project is not None else ledger.code,
        project_name=(project.name if project is not None else None) or ledger.title("项目名称"),
        org_code=(project.org_code if project is not None else None) or ledger.title("机构代码"),
        institution=(project.org_name if project is not None else None) or ledger.title("申报单位"),
        path=ledger.path,
        layout=ledger.layout,
        files=list(ledger.files),
        parts_present=len(present),
        parts_missing=[p for p in PARTS if p not in present],
        learners=len(ledger.learners),
        sessions=len(ledger.held()),
        attendance=round(sum(shares) / len(shares), 4) if shares else None,
        outcomes=outcomes,
        errors=sum(r.errors for r in results),
        warnings=sum(r.warnings for r in results),
    )


def missing_ledger(project: Any, outcomes: int) -> Readiness:
    """A catalog project with outcome records and no ledger."""
    return Readiness(project.code, project.name, project.org_code, project.org_name, None, None, outcomes=outcomes)


def readiness_table(rows: list[Readiness]) -> SummaryTable:
    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    return SummaryTable(
        "台账完备情况（每个项目一行）",
        "Ledger readiness (one line per project)",
        ["项目编码", "申报单位", "台账", "部分", "缺少", "学员", "课次", "平均出勤", "成果", "错误", "警告"],
        ["project code", "institution", "ledger", "parts", "missing", "learners", "sessions", "mean attendance", "outcomes", "errors", "warnings"],
        [
            [
                r.project_code or "（无编码）", r.institution or "", r.path or "（没有台账）", f"{r.parts_present}/{len(PARTS)}",
                "、".join(r.parts_missing), r.learners, r.sessions, share(r.attendance),
                "—" if r.outcomes is None else r.outcomes, r.errors, r.warnings,
            ]
            for r in rows
        ],
    )
