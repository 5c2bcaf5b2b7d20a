"""Column-wise reading for sheets of up to a million rows: every column as Arrow text, Excel row numbers
kept exact.

``.xlsx``/``.xlsm`` go through fastexcel (Rust calamine) straight into Arrow, ``.xls`` through
python-calamine, ``.csv`` through the CSV parser of :mod:`zjcredit.io.csvfile`. Every column is read as
text: fastexcel would otherwise guess a column's type from its first rows and silently turn later text
into null. Numbers come back as their exact value (a float ID cell 3.30106199001011e17 reads
``330106199001011008``), date cells as ``2019-05-05 00:00:00``.

Sheets are loaded with no header and no skipped rows, so the position of a value is its 0-based sheet
row; the header is found in the first rows of that very load (:func:`find_table`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from zjcredit.domain.normalize import clean_text
from zjcredit.domain.columns import bools
from zjcredit.domain.schema import TableSchema
from zjcredit.io import guard, sheetxml
from zjcredit.io.cells import column_letter
from zjcredit.io.grid import SheetGrid
from zjcredit.io.tables import HEADER_SCAN_ROWS, TABLE_END_RE, find_header

# (0-based absolute column, 0-based sheet rows) → True where the cell holds a number; None if unknown.
NumberProbe = Callable[[int, np.ndarray], "np.ndarray | None"]


@dataclass
class RawSheet:
    """One sheet as text columns; position i of every column is 0-based sheet row i."""

    name: str | None
    columns: dict[int, pa.Array]  # 0-based absolute column → string array
    nrows: int
    probe: NumberProbe | None = None


@dataclass
class ColumnTable:
    """The records of one sheet under its header: canonical field → text column, and each record's row."""

    path: str  # as displayed
    format: str  # xlsx | xls | csv
    sheet: str | None
    header_row: int  # 1-based
    columns: dict[str, int]  # canonical field → 0-based column
    data: dict[str, pa.Array]  # canonical field → text, one entry per record
    rows: np.ndarray  # 1-based Excel row (CSV: record number) of each record
    probe: NumberProbe | None = None
    extra_headers: dict[int, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.rows)

    def letter(self, name: str) -> str | None:
        col = self.columns.get(name)
        return None if col is None else column_letter(col)

    def numeric_cells(self, name: str, positions: np.ndarray) -> np.ndarray | None:
        """For records at ``positions``: did the field's cell hold a number (not text)? None if unknown."""
        if self.probe is None or name not in self.columns or len(positions) == 0:
            return None
        return self.probe(self.columns[name], self.rows[positions] - 1)


# Sheets -----------------------------------------------------------------------------------------------


def xlsx_sheets(path: Path, display: str, loaded: list[tuple[str, Any]], notes: sheetxml.SheetNotes | None = None) -> list[RawSheet]:
    """Sheets loaded by :func:`zjcredit.io.xlsxload.load_xlsx` (in this process or a child), with what
    the guard's pass over the XML noted (``notes``): Excel error values put back where fastexcel read
    empty cells, and a shared-string index that points nowhere refused (it would read as string 0)."""
    import re
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            parts = dict(sheetxml.worksheets(zf))
    except Exception as exc:  # noqa: BLE001 - the guard passed it, so this is damage it does not see
        from zjcredit.errors import damaged_workbook

        raise damaged_workbook(display, exc) from None
    first = _Lazy(lambda: sheetxml.first_shared_string(path))
    sheets = []
    for name, batch in loaded:
        guard.check_sheet_size(display, name, (batch.num_rows - 1, 0) if batch.num_rows else None)
        columns = {}
        for i, col_name in enumerate(batch.schema.names):
            # fastexcel names generated columns after their absolute index.
            m = re.fullmatch(r"__UNNAMED__(\d+)", col_name)
            columns[int(m.group(1)) if m else i] = batch.column(i)
        part = parts.get(name)
        nrows = batch.num_rows
        if part is not None:
            _check_string_zero(path, display, part, columns, notes, first)
            nrows = _restore_errors(columns, nrows, _error_cells(path, name, part, notes))
        numbers = notes.numbers if notes is not None else None
        sheets.append(RawSheet(name, columns, nrows, _XlsxProbe(path, name, numbers, columns)))
    if not sheets:
        from zjcredit.errors import Unreadable

        raise Unreadable(f"{display}：工作簿里没有可读取的工作表。", f"{display}: the workbook has no worksheet to read.")
    return sheets


class _Lazy:
    """A value computed on first use."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make
        self.done = False
        self.value: Any = None

    def get(self) -> Any:
        if not self.done:
            self.value, self.done = self.make(), True
        return self.value


def _check_string_zero(path: Path, display: str, part: str, columns: dict[int, pa.Array], notes: sheetxml.SheetNotes | None, first: _Lazy) -> None:
    """Refuse a sheet showing the workbook's string 0 in more cells than hold the value 0 in its XML: some
    shared-string index points nowhere (``<v>-1</v>``) and the reader showed string 0 instead. The full
    scan of the part decides; the deep check already made it when it ran."""
    import pyarrow.compute as pc

    if notes is None or part not in notes.seen:
        if not guard.deep_checked(path):
            guard.check_string_indices(path, display, part)
        return
    text = first.get()
    if not text or not text.strip():
        return
    shown = sum(pc.sum(pc.equal(arr, text)).as_py() or 0 for arr in columns.values())
    if shown > notes.zeros.get(part, 0):
        guard.check_string_indices(path, display, part)


def _error_cells(path: Path, name: str, part: str, notes: sheetxml.SheetNotes | None) -> list[tuple[int, int, str]]:
    if notes is not None and part in notes.seen:
        return [(r, c, text) for (r, c), text in sorted(notes.errors.get(part, {}).items())]
    return sheetxml.error_cells(path).get(name, [])


def _restore_errors(columns: dict[int, pa.Array], nrows: int, cells: list[tuple[int, int, str]]) -> int:
    """Put Excel error values (read as empty) back into the text columns; the sheet's new row count."""
    if not cells:
        return nrows
    height = max(nrows, max(r for r, _, _ in cells) + 1)
    if height > nrows:
        for c, arr in list(columns.items()):
            columns[c] = pa.concat_arrays([arr, pa.nulls(height - nrows, pa.string())])
    by_col: dict[int, list[tuple[int, str]]] = {}
    for r, c, text in cells:
        by_col.setdefault(c, []).append((r, text))
    for c, found in by_col.items():
        arr = columns.get(c)
        if arr is None:
            arr = pa.nulls(height, pa.string())
        values = arr.to_pylist() if len(found) * 8 > height else None
        if values is not None:
            for r, text in found:
                values[r] = text
            columns[c] = pa.array(values, type=pa.string())
        else:
            mask = np.zeros(height, dtype=bool)
            mask[[r for r, _ in found]] = True
            import pyarrow.compute as pc

            columns[c] = pc.replace_with_mask(arr, pa.array(mask), pa.array([t for _, t in found], type=pa.string()))
    return height


class _XlsxProbe:
    """Tell number cells from text cells for a few rows of one column: from the long number cells noted
    during the guard's pass when it has them, else by streaming the sheet's XML to just those cells."""

    def __init__(self, path: Path, sheet: str, numbers: sheetxml.BigNumberCells | None, columns: dict[int, pa.Array]) -> None:
        self.path = path
        self.sheet = sheet
        self.numbers = numbers
        self.columns = columns

    def __call__(self, col: int, rows: np.ndarray) -> np.ndarray | None:
        if self.numbers is not None and col in self.columns:
            try:
                import zipfile

                with zipfile.ZipFile(self.path) as zf:
                    part = sheetxml.sheet_part(zf, self.sheet)
                texts = self.columns[col].take(pa.array(rows)).to_pylist()
                answer = self.numbers.lookup(part, col, rows, texts)
            except Exception:  # noqa: BLE001 - the slower scan answers instead
                answer = None
            if answer is not None:
                found, unsure = answer
                if unsure.any():
                    rest = self._scan(col, rows[unsure])
                    if rest is None:
                        return None
                    found[unsure] = rest
                return found
        return self._scan(col, rows)

    def _scan(self, col: int, rows: np.ndarray) -> np.ndarray | None:
        try:
            return sheetxml.number_cells(self.path, self.sheet, col, rows)
        except Exception:  # noqa: BLE001 - unknown: the caller decides without
            return None


def xls_sheets(path: Path, display: str) -> list[RawSheet]:
    from zjcredit.io.excel import read_xls_columns

    sheets = []
    for name, texts, numeric, nrows in read_xls_columns(path, display):
        columns = {c: pa.array(vals, type=pa.string()) for c, vals in texts.items()}

        def probe(col: int, rows: np.ndarray, numeric: dict[int, np.ndarray] = numeric) -> np.ndarray | None:
            flags = numeric.get(col)
            if flags is None:
                return np.zeros(len(rows), dtype=bool)
            return flags[np.minimum(rows, len(flags) - 1)] & (rows < len(flags))

        sheets.append(RawSheet(name, columns, nrows, probe))
    return sheets


def csv_sheets(path: Path, display: str) -> list[RawSheet]:
    from zjcredit.io.csvfile import read_csv_columns

    parsed = read_csv_columns(path, display)
    if parsed.nrows > guard.MAX_ROWS:
        raise guard.sheet_too_long(display, "CSV", parsed.nrows)
    return [RawSheet(None, {c: blanks_as_nulls(arr) for c, arr in enumerate(parsed.columns)}, parsed.nrows, None)]


def blanks_as_nulls(arr: pa.Array) -> pa.Array:
    """The text column with every value of nothing but white space (the characters Python's str.strip()
    removes) or empty made null; ``arr`` itself when there is none."""
    import pyarrow.compute as pc

    if not _may_be_blank(arr):
        return arr
    blank = pc.fill_null(pc.or_(pc.utf8_is_space(arr), pc.equal(pc.binary_length(arr), 0)), False)
    return pc.if_else(blank, pa.scalar(None, pa.string()), arr) if pc.any(blank).as_py() else arr


# The first byte of each character ``pyarrow.compute.utf8_is_space`` takes for white space (tab … carriage
# return, U+001C–U+0020, and the UTF-8 leads of U+0085 … U+3000; a test holds the table to the function).
SPACE_LEADS = np.zeros(256, dtype=bool)
SPACE_LEADS[[*range(0x09, 0x0E), *range(0x1C, 0x21), 0xC2, 0xE1, 0xE2, 0xE3]] = True


def _may_be_blank(arr: pa.Array) -> bool:
    """False when no value of the string column ``arr`` is empty or starts with a byte that may begin
    white space: then none is blank, found from each value's first byte (a fifth of the time of
    testing every value for white space)."""
    if not isinstance(arr, pa.Array) or arr.type != pa.string():
        return True
    n = len(arr)
    if n == 0 or arr.null_count == n:
        return False
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + n + 1]
    lengths = np.diff(offsets)
    filled = lengths > 0
    if arr.null_count:
        valid = bools(arr.is_valid())
        if (valid & ~filled).any():  # an empty text
            return True
        filled &= valid
    elif not filled.all():
        return True
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    return bool(SPACE_LEADS[data[offsets[:-1][filled]]].any())


# Tables -----------------------------------------------------------------------------------------------


def find_table(display: str, fmt: str, sheet: RawSheet, schema: TableSchema, core: tuple[str, ...]) -> ColumnTable | None:
    """The records under the sheet's header row for ``schema``: rows with anything in them, up to a
    totals or signature line (one with none of the ``core`` fields). None when no header is found or the
    header names none of the ``core`` fields."""
    if sheet.nrows == 0 or not sheet.columns:
        return None
    found = find_header(_head_grid(sheet), schema)
    if found is None:
        return None
    header, columns, extras = found
    if not any(name in columns for name in core):
        return None
    start = header + 1
    body = {name: sheet.columns[c].slice(start) for name, c in columns.items()}
    n = sheet.nrows - start
    if n <= 0:
        empty = {k: v.slice(0, 0) for k, v in body.items()}
        return ColumnTable(display, fmt, sheet.name, header + 1, columns, empty, np.zeros(0, dtype=np.int64), sheet.probe, extras)
    filled = np.zeros(n, dtype=bool)
    for arr in sheet.columns.values():
        filled |= bools(arr.slice(start).is_valid())
    stop = _table_end(sheet, start, filled, body, core)
    keep = np.flatnonzero(filled[:stop])
    rows = keep.astype(np.int64) + start + 1
    data = body if len(keep) == n else {name: arr.take(pa.array(keep)) for name, arr in body.items()}
    return ColumnTable(display, fmt, sheet.name, header + 1, columns, data, rows, sheet.probe, extras)


def _head_grid(sheet: RawSheet) -> SheetGrid:
    scan = min(sheet.nrows, HEADER_SCAN_ROWS)
    width = max(sheet.columns) + 1
    grid_rows: list[list[Any]] = [[None] * width for _ in range(scan)]
    for c, arr in sheet.columns.items():
        for r, v in enumerate(arr.slice(0, scan).to_pylist()):
            grid_rows[r][c] = v
    return SheetGrid(sheet.name, grid_rows)


def _table_end(sheet: RawSheet, start: int, filled: np.ndarray, body: dict[str, pa.Array], core: tuple[str, ...]) -> int:
    """The position (after ``start``) of the first totals or signature line: a filled row without any
    ``core`` field whose first text reads like one; the table's length when there is none."""
    has_core = np.zeros(len(filled), dtype=bool)
    for name in core:
        if name in body:
            has_core |= bools(body[name].is_valid())
    for pos in np.flatnonzero(filled & ~has_core)[:5000].tolist():
        first = None
        for c in sorted(sheet.columns):
            v = sheet.columns[c][start + pos].as_py()
            if v is not None:
                first = clean_text(v)
                break
        if first and TABLE_END_RE.match(first.replace(" ", "")):
            return pos
    return len(filled)
