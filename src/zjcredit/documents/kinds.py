"""The document kinds zjcredit recognises, and what checks each one (``zjcredit validate``).

A kind's checker is given the source, the grid already read (None for kinds that read the file
themselves, column-wise) and the validate options. The imports inside the checkers keep ``zjcredit
--help`` light. A new kind is one :class:`Kind` here (and its recognition in :mod:`.detect`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zjcredit.documents.detect import KIND_TITLES

if TYPE_CHECKING:
    from zjcredit.io.grid import WorkbookGrid
    from zjcredit.io.sources import Source
    from zjcredit.report.findings import FileResult


@dataclass(frozen=True)
class ValidateOptions:
    """``zjcredit validate``'s options for the checks: the 机构代码 pattern of declarations, the day and
    screen thresholds of outcome sheets, and the day and attendance threshold of ledgers."""

    org_code_pattern: str | None = None
    outcomes: Any = None  # OutcomeOptions; None: the defaults
    ledger: Any = None  # LedgerOptions; None: the defaults

    @property
    def declarations(self) -> Any:
        from zjcredit.documents.declarations.options import DeclarationOptions

        return DeclarationOptions(self.org_code_pattern)


Checker = Callable[["Source", "WorkbookGrid | None", ValidateOptions], "FileResult"]


@dataclass(frozen=True)
class Kind:
    name: str
    title_zh: str
    title_en: str
    check: Checker | None = None  # None: recognised, but not checked by this version
    streamed: bool = False  # the checker reads the file itself
    extra: dict[str, Any] = field(default_factory=dict)


def _annex1(source: Source, grid: WorkbookGrid | None, options: ValidateOptions) -> FileResult:
    from zjcredit.documents.declarations.check import check_annex1

    assert grid is not None
    return check_annex1(grid, options.declarations)


def _annex2(source: Source, grid: WorkbookGrid | None, options: ValidateOptions) -> FileResult:
    from zjcredit.documents.declarations.check import check_annex2

    assert grid is not None
    return check_annex2(grid, options.declarations)


def _catalog(source: Source, grid: WorkbookGrid | None, options: ValidateOptions) -> FileResult:
    from zjcredit.documents.catalog.rules import check_catalog

    assert grid is not None
    return check_catalog(grid)


def _outcomes(source: Source, grid: WorkbookGrid | None, options: ValidateOptions) -> FileResult:
    from zjcredit.documents.outcomes.check import check_outcome_file

    return check_outcome_file(source, options.outcomes)


def _ledger(source: Source, grid: WorkbookGrid | None, options: ValidateOptions) -> FileResult:
    from zjcredit.documents.ledger.check import check_ledger_source

    assert grid is not None
    return check_ledger_source(source, grid, options.ledger)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("annex1", *KIND_TITLES["annex1"], _annex1),
        Kind("annex2", *KIND_TITLES["annex2"], _annex2),
        Kind("catalog", *KIND_TITLES["catalog"], _catalog),
        Kind("outcomes", *KIND_TITLES["outcomes"], _outcomes, streamed=True),
        Kind("ledger", *KIND_TITLES["ledger"], _ledger),
    )
}
