"""Find a table's header row wherever it is, and read its records with their positions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from zjcredit.domain.normalize import clean_text
from zjcredit.domain.schema import TableSchema, canonical_field, header_key
from zjcredit.io.cells import cell_ref
from zjcredit.io.grid import SheetGrid

HEADER_SCAN_ROWS = 40
# A data row whose first text starts like this ends the table (totals and signature lines).
TABLE_END_RE = re.compile(r"^(合计|总计|小计|填表人|填报人|制表人|审核人|负责人|备注|说明|注[:：])")


@dataclass(frozen=True)
class Value:
    """A cell's value as read, with its position; ``text`` is the cleaned text (None when empty)."""

    raw: Any
    text: str | None
    cell: str | None  # A1 reference, None for a value not tied to a cell
    row: int | None  # 1-based

    @property
    def empty(self) -> bool:
        return self.text is None


EMPTY = Value(None, None, None, None)


@dataclass
class Record:
    """One row of a table (or one project block of a form): canonical field → value."""

    row: int  # 1-based row of the record's first line
    values: dict[str, Value]
    project: int | None = None

    def get(self, name: str) -> Value:
        return self.values.get(name, EMPTY)

    def text(self, name: str) -> str | None:
        return self.get(name).text


@dataclass
class Table:
    sheet: str | None
    header_row: int  # 1-based
    columns: dict[str, int]  # canonical field → 0-based column
    records: list[Record] = field(default_factory=list)
    extra_headers: dict[int, str] = field(default_factory=dict)  # unrecognised header texts by column

    def cell_of(self, name: str, row: int) -> str | None:
        col = self.columns.get(name)
        return None if col is None else cell_ref(row - 1, col)


def find_header(sheet: SheetGrid, schema: TableSchema, scan_rows: int = HEADER_SCAN_ROWS) -> tuple[int, dict[str, int], dict[int, str]] | None:
    """The 0-based header row and its columns, or None when no row names enough of the schema's fields.

    A header may span two rows (a merged group title over sub-headers); the lower row wins per column.
    """
    allowed = schema.names
    best: tuple[int, dict[str, int], dict[int, str]] | None = None
    for r in range(min(scan_rows, sheet.height)):
        columns: dict[str, int] = {}
        extras: dict[int, str] = {}
        for c in range(sheet.width):
            v = sheet.value(r, c)
            if v is None or not isinstance(v, str):
                continue
            name = canonical_field(v, allowed)
            if name is None:
                key = header_key(v)
                if key:
                    extras[c] = key
                continue
            if name not in columns:
                columns[name] = c
        if len(columns) >= schema.min_headers and (best is None or len(columns) > len(best[1])):
            best = (r, columns, extras)
            if len(columns) == len(allowed):
                break
    return best


def read_table(sheet: SheetGrid, schema: TableSchema) -> Table | None:
    """Read the records under the header; stop at totals/signature lines; skip blank rows."""
    found = find_header(sheet, schema)
    if found is None:
        return None
    header, columns, extras = found
    table = Table(sheet.name, header + 1, columns, extra_headers=extras)
    start = header + 1
    # A header row merged over two rows (e.g. 联系人 / （电话）) pushes the data one row down.
    for c in columns.values():
        r0, _, r1, _ = sheet.span(header, c)
        start = max(start, r1 + 1)
    for r in range(start, sheet.height):
        values: dict[str, Value] = {}
        first_text = None
        nonempty = False
        for c in range(sheet.width):
            # Only a merged range's top-left cell is content; its other cells are blank in Excel.
            v = sheet.value(r, c) if sheet.is_origin(r, c) else None
            if v is None:
                continue
            nonempty = True
            if first_text is None:
                first_text = clean_text(v)
        if not nonempty:
            continue
        if first_text and TABLE_END_RE.match(first_text.replace(" ", "")):
            break
        for name, c in columns.items():
            raw = sheet.value(r, c)
            values[name] = Value(raw, clean_text(raw), cell_ref(r, c), r + 1)
        table.records.append(Record(r + 1, values))
    return table

