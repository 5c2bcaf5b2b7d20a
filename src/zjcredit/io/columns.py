"""Column-wise reading of large outcome sheets: every column as text, Excel row numbers kept exact.

``.xlsx``/``.xlsm`` go through fastexcel (Rust calamine) straight into Arrow, ``.xls`` through
python-calamine, ``.csv`` through pandas' C parser. Every column is read as text: fastexcel would
otherwise guess a column's type from its first rows and silently turn later text into null. Numbers come
back as their exact value (a float ID cell 3.30106199001011e17 reads ``330106199001011008``), date cells
as ``2019-05-05 00:00:00``.

Sheets are loaded with no header and no skipped rows, so the position of a value is its 0-based sheet
row; the header is found in the first rows of that very load (a separate peek would parse the whole
sheet a second time: calamine reads a sheet in one piece).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zjcredit.io import isolate, guard as safety
from zjcredit.domain.normalize import clean_text
from zjcredit.domain.schema import OUTCOMES, TableSchema
from zjcredit.io.tables import HEADER_SCAN_ROWS, find_header
from zjcredit.io.workbook import SheetGrid, column_letter, decode_csv
from zjcredit.errors import Unreadable
from zjcredit.io.xlsxload import damaged as _damaged
from zjcredit.io.xlsxload import load_xlsx

# A row whose first text starts like this ends the table (totals and signature lines).
_STOP_RE = re.compile(r"^(合计|总计|小计|填表人|填报人|制表人|审核人|负责人|注[:：])")

# (0-based absolute column, 0-based sheet rows) → True where the cell holds a number; None if unknown.
NumericProbe = Callable[[int, np.ndarray], "np.ndarray | None"]


@dataclass
class RawSheet:
    """One sheet as text columns; position i of every column is 0-based sheet row i."""

    name: str | None
    columns: dict[int, pa.Array]  # 0-based absolute column → string array
    nrows: int
    probe: NumericProbe | None = None


@dataclass
class OutcomeTable:
    """The outcome records of one sheet: canonical field → text column, and each record's Excel row."""

    path: str  # as displayed
    format: str  # xlsx | xls | csv
    sheet: str | None
    header_row: int  # 1-based
    columns: dict[str, int]  # canonical field → 0-based column
    data: dict[str, pa.Array]  # canonical field → text, one entry per record
    rows: np.ndarray  # 1-based Excel row (CSV: line) of each record
    probe: NumericProbe | None = None
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


def read_outcome_tables(path: Path, display: str, schema: TableSchema = OUTCOMES, idle: Callable[[], None] | None = None) -> list[OutcomeTable]:
    """Every sheet of the file that has an outcome header; [] when none has. Raises Unreadable.

    ``idle`` is called while a child process reads a large file and this one only waits."""
    fmt, sheets = read_sheets(path, display, idle)
    tables = []
    for sheet in sheets:
        table = _outcome_table(display, fmt, sheet, schema)
        if table is not None:
            tables.append(table)
    return tables


def read_sheets(path: Path, display: str, idle: Callable[[], None] | None = None) -> tuple[str, list[RawSheet]]:
    suffix = path.suffix.lower()
    if isolate.wants_isolation(path):
        # Cheap guards first; the deep scan then runs while a child process loads the sheets.
        safety.precheck(path, display)
        numbers = BigNumberCells()  # gathered in the same pass, so Excel-mangled IDs need no second scan
        with isolate.claim(path, isolate.XLSX_LOADER) or isolate.IsolatedLoad(isolate.XLSX_LOADER, path, display) as job:
            isolate.run_yielding(safety.deep_check, path, display, visit=numbers)
            _warm_imports()  # while the child still reads
            if idle is not None:
                idle()
            loaded = job.result()
        return "xlsx", _raw_sheets(path, display, loaded, numbers)
    if suffix in (".xlsx", ".xlsm"):
        numbers = BigNumberCells()
        safety.deep_check(path, display, visit=numbers)  # precheck included
        return "xlsx", _raw_sheets(path, display, load_xlsx(path, display), numbers)
    safety.preflight(path, display)
    if suffix == ".xls":
        return "xls", _read_xls(path, display)
    if suffix == ".csv":
        return "csv", [_read_csv(path, display)]
    raise Unreadable(
        f"{display}：不支持的文件类型“{suffix or '无扩展名'}”，请另存为 .xlsx、.xls 或 .csv。",
        f"{display}: unsupported file type '{suffix or 'no extension'}'; save it as .xlsx, .xls or .csv.",
    )


def _warm_imports() -> None:
    """Import what the checks will need (pyarrow converts some arrays to numpy through pandas: half a
    second of imports) while the parent only waits for the child."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        pass


def _raw_sheets(path: Path, display: str, loaded: list[tuple[str, pa.RecordBatch]], numbers: BigNumberCells | None = None) -> list[RawSheet]:
    sheets = []
    for name, batch in loaded:
        safety.check_sheet_size(display, name, (batch.num_rows - 1, 0) if batch.num_rows else None)
        columns = {}
        for i, col_name in enumerate(batch.schema.names):
            # fastexcel names generated columns after their absolute index.
            m = re.fullmatch(r"__UNNAMED__(\d+)", col_name)
            columns[int(m.group(1)) if m else i] = batch.column(i)
        sheets.append(RawSheet(name, columns, batch.num_rows, _XlsxProbe(path, name, numbers, columns)))
    if not sheets:
        raise Unreadable(f"{display}：工作簿里没有可读取的工作表。", f"{display}: the workbook has no worksheet to read.")
    return sheets


class BigNumberCells:
    """A :data:`zjcredit.io.guard.Visitor` that notes, during the deep check's pass over the sheet XML, every
    number cell whose stored value is 16 characters or longer: the form an Excel-mangled 18-digit ID
    takes (``<c r="C5" s="2"><v>3.30106199001011E+17</v></c>``, or plain digits from other writers).

    Only a number of at most ten significant digits can be written shorter (``3.301062E+17``), so
    :meth:`lookup` leaves those cells to the slower scan. A part whose cells could escape the note (a
    namespace prefix such as ``<x:c>``, a long value in a cell without an ``r`` attribute) is marked
    incomplete and every question about it goes to the slower scan.
    """

    _VALUE = re.compile(rb"<v>[^<]{16}")
    _TAG = re.compile(rb"<c[\s>/]")
    _REF = re.compile(rb'\sr="([A-Za-z]{1,3})(\d{1,7})"')
    _TYPE = re.compile(rb'\st="(\w+)"')
    _KEEP = 4096  # bytes carried into the next chunk: the longest cell tag read back to

    def __init__(self) -> None:
        self.cells: dict[str, set[int]] = {}  # part → {0-based column << 24 | 0-based row}
        self.incomplete: set[str] = set()
        self._tail: dict[str, bytes] = {}

    def __call__(self, part: str, chunk: bytes) -> None:
        if part in self.incomplete:
            return
        cells = self.cells.setdefault(part, set())
        tail = self._tail.get(part, b"")
        buf = tail + chunk
        if b":v>" in buf or b":c " in buf:
            self.incomplete.add(part)
            return
        # A value cut by the chunk's end is found whole in the next buffer (which starts with this one's
        # tail); one found twice lands in the set once.
        for m in self._VALUE.finditer(buf):
            at = m.start()
            lt = buf.rfind(b"<c", 0, at)
            while lt >= 0 and not self._TAG.match(buf, lt):
                lt = buf.rfind(b"<c", 0, lt)
            gt = buf.find(b">", lt) if lt >= 0 else -1
            if lt < 0 or gt < 0 or gt > at:
                if at >= len(tail):
                    self.incomplete.add(part)  # the cell's tag is not in the buffer
                    return
                continue  # seen whole in the previous buffer
            tag = buf[lt:gt]
            ref = self._REF.search(tag)
            if ref is None:
                self.incomplete.add(part)
                return
            kind = self._TYPE.search(tag)
            if kind is None or kind.group(1) == b"n":
                cells.add(_column_index(ref.group(1)) << 24 | (int(ref.group(2)) - 1))
        self._tail[part] = buf[-self._KEEP :]

    def lookup(self, part: str | None, col: int, rows: np.ndarray, texts: list[str | None]) -> tuple[np.ndarray, np.ndarray] | None:
        """For cells (col, rows) whose values read ``texts``: (held such a number, cannot tell here); None
        when this pass cannot answer for the part at all."""
        if part is None or part not in self.cells or part in self.incomplete:
            return None
        cells = self.cells[part]
        found = np.fromiter((col << 24 | int(r) in cells for r in rows), dtype=bool, count=len(rows))
        # A number with ten or fewer significant digits may be stored in fewer than 16 characters.
        short = np.array([bool(t) and len(t.rstrip("0").lstrip("0").replace(".", "")) <= 10 for t in texts], dtype=bool)
        return found, ~found & short


def _column_index(letters: bytes) -> int:
    value = 0
    for ch in letters.upper():
        value = value * 26 + ch - 64
    return value - 1


class _XlsxProbe:
    """Tell number cells from text cells for a few rows of one column.

    Answers from the :class:`BigNumberCells` gathered during the deep check when it has them; otherwise
    scans the sheet's XML for just those cells (a stream through the zip member, seconds at a million
    rows), and falls back to a second fastexcel load of that one column as booleans, which is non-null
    exactly for number cells, when the XML does not name its cells.
    """

    def __init__(self, path: Path, sheet: str, numbers: BigNumberCells | None = None, columns: dict[int, pa.Array] | None = None) -> None:
        self.path = path
        self.sheet = sheet
        self.numbers = numbers
        self.columns = columns or {}

    def __call__(self, col: int, rows: np.ndarray) -> np.ndarray | None:
        if self.numbers is not None and col in self.columns:
            try:
                with zipfile.ZipFile(self.path) as zf:
                    part = _sheet_part(zf, self.sheet)
                texts = self.columns[col].take(pa.array(rows)).to_pylist()
                answer = self.numbers.lookup(part, col, rows, texts)
            except Exception:
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
            found = _scan_cell_types(self.path, self.sheet, col, rows)
        except Exception:
            found = None
        if found is not None:
            return found
        try:
            import fastexcel

            batch = fastexcel.read_excel(str(self.path)).load_sheet(
                self.sheet, header_row=None, skip_rows=0, use_columns=[col], dtypes={col: "boolean"}, eager=True
            )
            flags = batch.column(0).is_valid().to_numpy(zero_copy_only=False)
        except Exception:
            return None
        out = np.zeros(len(rows), dtype=bool)
        inside = rows < len(flags)
        out[inside] = flags[rows[inside]]
        return out


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    from defusedxml import ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rid = None
    for el in wb.iter(f"{ns_main}sheet"):
        if el.get("name") == sheet:
            rid = el.get(f"{ns_rel}id")
    if rid is None:
        return None
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for el in rels:
        if el.get("Id") == rid:
            target = el.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _scan_cell_types(path: Path, sheet: str, col: int, rows: np.ndarray) -> np.ndarray | None:
    letter = column_letter(col)
    order = np.argsort(rows, kind="stable")
    out = np.zeros(len(rows), dtype=bool)
    with zipfile.ZipFile(path) as zf:
        part = _sheet_part(zf, sheet)
        if part is None:
            return None
        with zf.open(part) as fh:
            k = 0
            buf = b""
            start = 0
            needle = f' r="{letter}{int(rows[order[0]]) + 1}"'.encode()
            while k < len(order):
                chunk = fh.read(1 << 23)
                if not chunk:
                    return None  # a cell without an r attribute: let fastexcel tell
                keep = max(start, len(buf) - 512)
                buf = buf[keep:] + chunk
                start = max(0, start - keep)
                while k < len(order):
                    at = buf.find(needle, start)
                    if at < 0:
                        break
                    start = at + len(needle)
                    lt = buf.rfind(b"<", 0, at)
                    gt = buf.find(b">", at)
                    if lt < 0 or gt < 0:
                        break
                    tag = buf[lt:gt]
                    if not re.match(rb"<(\w+:)?c\s", tag):
                        return None
                    m = re.search(rb'\st="(\w+)"', tag)
                    out[order[k]] = m is None or m.group(1) == b"n"
                    k += 1
                    if k < len(order):
                        needle = f' r="{letter}{int(rows[order[k]]) + 1}"'.encode()
    return out


def _cell_text(v: Any) -> str | None:
    """A python-calamine value as text, the way fastexcel renders it."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v != v:
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d 00:00:00")
    if isinstance(v, dt.timedelta):
        return str(v)
    text = str(v)
    return text if text.strip() else None


def _read_xls(path: Path, display: str) -> list[RawSheet]:
    import python_calamine as pc_

    try:
        wb = pc_.CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise _damaged(display, exc) from None
    sheets = []
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ).split(".")[-1] != "WorkSheet":
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            safety.check_sheet_size(display, meta.name, sheet.end)
            start_row, start_col = sheet.start or (0, 0)
            body = sheet.to_python(skip_empty_area=True)
            nrows = start_row + len(body)
            width = max((len(r) for r in body), default=0)
            texts: dict[int, list[str | None]] = {start_col + c: [None] * nrows for c in range(width)}
            numeric: dict[int, np.ndarray] = {start_col + c: np.zeros(nrows, dtype=bool) for c in range(width)}
            for r, row in enumerate(body, start=start_row):
                for c, v in enumerate(row):
                    if v is None or v == "":
                        continue
                    texts[start_col + c][r] = _cell_text(v)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        numeric[start_col + c][r] = True
            columns = {c: pa.array(vals, type=pa.string()) for c, vals in texts.items()}

            def probe(col: int, rows: np.ndarray, numeric: dict[int, np.ndarray] = numeric) -> np.ndarray | None:
                flags = numeric.get(col)
                if flags is None:
                    return np.zeros(len(rows), dtype=bool)
                return flags[np.minimum(rows, len(flags) - 1)] & (rows < len(flags))

            sheets.append(RawSheet(meta.name, columns, nrows, probe))
    except Unreadable:
        raise
    except Exception as exc:
        raise _damaged(display, exc) from None
    return sheets


def _read_csv(path: Path, display: str) -> RawSheet:
    import csv

    import pandas as pd

    text, _ = decode_csv(path, display)
    try:
        delimiter = csv.Sniffer().sniff(text[:20000], delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    width = max((line.count(delimiter) for line in text.splitlines()), default=0) + 1
    if not text.strip():
        return RawSheet(None, {}, 0, None)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=list(range(width)),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            engine="c",
            quotechar='"',
        )
    except Exception as exc:
        raise Unreadable(
            f"{display}：CSV 文件格式有误，无法读取（{str(exc)[:160]}）。请用 Excel/WPS 打开后另存为 .xlsx 或“CSV UTF-8”。",
            f"{display}: the CSV file is malformed ({str(exc)[:160]}); open it in Excel/WPS and save it as .xlsx or 'CSV UTF-8'.",
        ) from None
    del text
    columns: dict[int, pa.Array] = {}
    for c in range(width):
        arr = pa.array(frame[c].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        trimmed = pc.utf8_trim_whitespace(arr)
        columns[c] = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), arr)
    n = len(frame)
    del frame
    return RawSheet(None, columns, n, None)


def _outcome_table(display: str, fmt: str, sheet: RawSheet, schema: TableSchema) -> OutcomeTable | None:
    if sheet.nrows == 0 or not sheet.columns:
        return None
    scan = min(sheet.nrows, HEADER_SCAN_ROWS)
    width = max(sheet.columns) + 1
    grid_rows: list[list[Any]] = [[None] * width for _ in range(scan)]
    for c, arr in sheet.columns.items():
        for r, v in enumerate(arr.slice(0, scan).to_pylist()):
            grid_rows[r][c] = v
    found = find_header(SheetGrid(sheet.name, grid_rows), schema)
    if found is None:
        return None
    header, columns, extras = found
    if "身份证号" not in columns and "姓名" not in columns:
        return None
    start = header + 1
    body = {name: sheet.columns[c].slice(start) for name, c in columns.items()}
    n = sheet.nrows - start
    if n <= 0:
        return OutcomeTable(display, fmt, sheet.name, header + 1, columns, {k: v.slice(0, 0) for k, v in body.items()}, np.zeros(0, dtype=np.int64), sheet.probe, extras)
    # Records are the rows with anything in any column of the sheet (blank rows skipped).
    filled = np.zeros(n, dtype=bool)
    for arr in sheet.columns.values():
        filled |= arr.slice(start).is_valid().to_numpy(zero_copy_only=False)
    # A totals or signature line ends the table; it has no ID and no name.
    core = np.zeros(n, dtype=bool)
    for name in ("身份证号", "姓名", "项目编码", "课程编码"):
        if name in body:
            core |= body[name].is_valid().to_numpy(zero_copy_only=False)
    loose = np.flatnonzero(filled & ~core)
    stop = n
    for pos in loose[:5000]:
        first = None
        for c in sorted(sheet.columns):
            v = sheet.columns[c][start + int(pos)].as_py()
            if v is not None:
                first = clean_text(v)
                break
        if first and _STOP_RE.match(first.replace(" ", "")):
            stop = int(pos)
            break
    keep = np.flatnonzero(filled[:stop])
    rows = keep.astype(np.int64) + start + 1
    if len(keep) == n:
        data = body
    else:
        idx = pa.array(keep)
        data = {name: arr.take(idx) for name, arr in body.items()}
    return OutcomeTable(display, fmt, sheet.name, header + 1, columns, data, rows, sheet.probe, extras)
