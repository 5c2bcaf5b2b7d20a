"""What a ledger's checks are given (:class:`LedgerContext`), and how they place their findings.

Checks are registered with :func:`~zjcredit.report.findings.check` for the kind ``ledger`` and one scope:

- ``ledger`` — every ledger, catalog or not (``zjcredit validate`` runs these alone);
- ``catalog`` — with the catalogs given (``ctx.project`` is the ledger's catalog project, or None);
- ``outcomes`` — with ``--outcomes`` (``ctx.outcomes`` holds the outcome rows of the ledger's project).

Each check yields findings built with :meth:`LedgerContext.at` (a value on a part's sheet) or
:meth:`LedgerContext.whole` (the ledger as a whole).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from zjcredit.documents.ledger.model import Ledger, PartSheet
from zjcredit.domain.normalize import is_excel_error
from zjcredit.io.tables import Value
from zjcredit.report.findings import Finding, Rule, make

KIND = "ledger"
KINDS = (KIND,)
PART_EN = {
    "学员信息表": "learner roster",
    "签到表": "sign-in sheets",
    "项目课程设计表": "course design",
    "开展情况记录": "session records",
    "学习成果评价表": "outcome evaluation",
}


@dataclass(frozen=True)
class OutcomeRow:
    """One outcome record of ``--outcomes``, as the ledger checks need it."""

    path: str
    sheet: str | None
    row: int
    project: str | None  # 项目编码 as compared
    id: str | None  # 身份证号 as compared
    name: str | None
    result: str | None
    cells: dict[str, str]  # field → A1 reference

    def at(self, rule: Rule, field: str, value: Any, **params: Any) -> Finding:
        return make(rule, self.path, sheet=self.sheet, cell=self.cells.get(field), row=self.row, field=field, value=value, **params)


@dataclass
class LedgerContext:
    ledger: Ledger
    today: dt.date
    min_attendance: float = 0.67
    period: str | None = None  # canonical catalog period (else the one in the 项目编码)
    catalog: bool = False  # catalogs were given
    project: Any = None  # CatalogProject of the ledger's code, when in a catalog
    courses: list[Any] = field(default_factory=list)  # its CatalogCourses
    outcomes: list[OutcomeRow] | None = None  # the outcome rows of its project (with --outcomes)

    @property
    def code(self) -> str | None:
        return self.ledger.code

    def at(self, rule: Rule, sheet: PartSheet, value: Value | None, field: str | None = None, *, row: int | None = None, **params: Any) -> Finding:
        """A finding at ``value``'s cell on ``sheet`` (at ``row``, or the header row, when it has none)."""
        where_row = value.row if value is not None and value.row is not None else row if row is not None else sheet.header_row
        return make(
            rule, sheet.path, sheet=sheet.sheet, cell=None if value is None else value.cell, row=where_row,
            field=field, value=None if value is None else value.raw, **params,
        )

    def whole(self, rule: Rule, value: Any = None, **params: Any) -> Finding:
        """A finding about the ledger as a whole: its workbook, or its folder."""
        return make(rule, self.ledger.path, value=value, **params)


def filled(value: Value) -> bool:
    """A value to check: not blank and not an Excel error value (reported once, as such)."""
    return not value.empty and not is_excel_error(value.raw)


def where_text(sheet: PartSheet, row: int | None, lang: str = "zh") -> str:
    """``签到表!第 7 行``-style place of a row, for messages pointing at another row."""
    prefix = f"{sheet.path} " if sheet.path else ""
    name = f"{sheet.sheet}!" if sheet.sheet else ""
    if lang == "en":
        return f"{prefix}{name}row {row}"
    return f"{prefix}{name}第 {row} 行"
