"""The outcome sheets of ``zjcredit ledger check --outcomes``: their records by project, as the ledger checks
need them (who, which project, which 考核结果, and where). The sheets' own rules are ``outcomes check``'s."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zjcredit.documents.common import HEADER_MISSING, unreadable_result
from zjcredit.documents.ledger.context import OutcomeRow
from zjcredit.domain.normalize import clean_text, code_key, fold_width
from zjcredit.errors import Unreadable
from zjcredit.io.sources import Source, discover
from zjcredit.report.findings import FileResult, make

if TYPE_CHECKING:
    from zjcredit.io.columns import ColumnTable

FIELDS = ("项目编码", "身份证号", "姓名", "考核结果")


@dataclass
class OutcomeIndex:
    """Outcome records by 项目编码 (as compared), and one result per outcome file (where findings go)."""

    by_project: dict[str, list[OutcomeRow]] = field(default_factory=dict)
    results: list[FileResult] = field(default_factory=list)

    def add(self, row: OutcomeRow) -> None:
        if row.project:
            self.by_project.setdefault(row.project, []).append(row)


def _id(text: str | None) -> str | None:
    if not text:
        return None
    return "".join(fold_width(text).split()).upper() or None


def rows_of(tables: Iterable[ColumnTable]) -> list[OutcomeRow]:
    """The records of outcome tables as :class:`OutcomeRow` (``zjcredit audit`` hands over its own)."""
    out = []
    for table in tables:
        data = {name: table.data[name].to_pylist() if name in table.data else [None] * table.n for name in FIELDS}
        cells = {name: table.letter(name) for name in FIELDS}
        for k, row in enumerate(table.rows.tolist()):
            out.append(
                OutcomeRow(
                    table.path, table.sheet, int(row), code_key(data["项目编码"][k]), _id(data["身份证号"][k]),
                    clean_text(data["姓名"][k]), clean_text(data["考核结果"][k]),
                    {name: f"{letter}{row}" for name, letter in cells.items() if letter},
                )
            )
    return out


def read_outcomes(paths: list[Path], exclude: set[Path]) -> OutcomeIndex:
    """Every outcome record under ``paths`` (files or folders), by project; an unreadable file or one
    without an outcome header is a finding of its own."""
    from zjcredit.documents.outcomes.check import read_outcome_tables

    index = OutcomeIndex()
    for source in discover(list(paths)):
        if _resolved(source) in exclude:
            continue
        try:
            tables = read_outcome_tables(source.path, source.display)
        except Unreadable as exc:
            index.results.append(unreadable_result(source.display, exc, "outcomes"))
            continue
        result = FileResult(source.display, "outcomes", sum(t.n for t in tables), [])
        if not tables:
            result.findings.append(make(HEADER_MISSING, source.display, expected="姓名、身份证号、项目编码、考核结果"))
        index.results.append(result)
        for row in rows_of(tables):
            index.add(row)
    return index


def _resolved(source: Source) -> Path:
    try:
        return source.path.resolve()
    except OSError:
        return source.path
