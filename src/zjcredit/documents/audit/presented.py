"""Each finding's parts of the audit's report — its message, its row of the 问题明细 table and that row's
lines, its item in the JSON's findings — made on the findings' thread as a finding is placed, while the
screens' next queries run (DuckDB's work, which leaves Python's lock free). Once the last screen's
findings are placed, what is left is putting them in order: the table and the JSON are then made while
DuckDB counts the verdicts and figures, with time to spare for the table's worksheet XML too."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zjcredit.report.findings import Finding


class Presented:
    """The parts made so far, by the finding's ``id`` (the findings are kept, so that no id is reused):
    ``messages`` always, ``rows`` and ``lines`` with a ``table``, ``items`` with ``json``."""

    def __init__(self, lang: str, *, table: bool, json: bool) -> None:
        from zjcredit.documents.audit.workbook import detail_lines

        self.lang = lang
        self.json = json
        self.messages: dict[int, str] = {}
        self.rows: dict[int, list[Any]] = {}
        self.lines: dict[int, int] = {}
        self.items: dict[int, str | None] = {}
        self._kept: list[Finding] = []
        self._measure = detail_lines() if table else None

    def add(self, findings: Iterable[Finding]) -> None:
        """Make the parts of ``findings`` not made yet."""
        from zjcredit.documents.audit.workbook import detail_row
        from zjcredit.report.render import finding_item

        table_lang = "en" if self.lang == "en" else "zh"
        for f in findings:
            key = id(f)
            if key in self.messages:
                continue
            self._kept.append(f)
            message = self.messages[key] = f.message(self.lang)
            if self._measure is not None:
                row = self.rows[key] = detail_row(f, table_lang, message)
                self.lines[key] = self._measure(row)
            if self.json:
                self.items[key] = finding_item(f, self.lang, message)
