"""The records under a part's header, once its header row is known (found once per sheet, with the
columns of every part: :func:`.parts.header_columns`). The rules are :func:`zjcredit.io.tables.read_table`'s:
blank rows are skipped, a totals or signature line (合计, 填表人, 备注 …) ends the table, a header cell merged
over two rows pushes the data one row down."""

from __future__ import annotations

import re

from zjcredit.domain.normalize import clean_text
from zjcredit.io.cells import column_letter
from zjcredit.io.grid import SheetGrid
from zjcredit.io.tables import TABLE_END_RE, Record, Value


def records_under(sheet: SheetGrid, header: int, columns: dict[str, int]) -> list[Record]:
    """The rows under 0-based ``header`` as records of ``columns`` (canonical field → 0-based column)."""
    start = max([header + 1] + [sheet.span(header, c)[2] + 1 for c in columns.values()])
    letters = {name: column_letter(c) for name, c in columns.items()}
    out: list[Record] = []
    for r in range(start, sheet.height):
        row = sheet.rows[r]
        # Only a merged range's top-left cell is content; its other cells are blank in Excel.
        first = next((v for c, v in enumerate(row) if v is not None and v != "" and sheet.is_origin(r, c)), None)
        if first is None:
            continue
        if isinstance(first, str) and TABLE_END_RE.match(re.sub(r"\s+", "", first)):
            break
        values = {}
        for name, c in columns.items():
            raw = sheet.value(r, c)
            values[name] = Value(raw, clean_text(raw), f"{letters[name]}{r + 1}", r + 1)
        out.append(Record(r + 1, values))
    return out
