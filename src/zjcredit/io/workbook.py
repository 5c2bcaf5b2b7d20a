"""Read any supported input into grids of cell values that remember where they came from.

One reader for ``.xlsx``/``.xlsm``/``.xls`` (python-calamine) and ``.csv`` (UTF-8 with or without BOM,
GB18030/GBK). Forms and tables are small, so a grid holds every cell; outcome sheets with up to a
million rows take the column-wise path in :mod:`zjcredit.io.columns` instead.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from zjcredit.errors import Unreadable
from zjcredit.io import guard as safety

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUFFIXES = (*EXCEL_SUFFIXES, ".csv")



def column_letter(col: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based (row, col) → A1 reference."""
    return f"{column_letter(col)}{row + 1}"


@dataclass
class SheetGrid:
    """One sheet: values at 0-based absolute positions, and merged ranges (inclusive)."""

    name: str | None
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    _origin: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for r0, c0, r1, c1 in self.merged:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._origin[(r, c)] = (r0, c0, r1, c1)

    @property
    def height(self) -> int:
        return len(self.rows)

    @cached_property
    def width(self) -> int:
        # Cached: a grid is complete when built, and readers ask for the width once per row.
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        """The value shown at (row, col): a merged range shows its top-left value everywhere."""
        span = self._origin.get((row, col))
        if span is not None:
            row, col = span[0], span[1]
        if 0 <= row < len(self.rows):
            r = self.rows[row]
            if 0 <= col < len(r):
                v = r[col]
                return None if v == "" else v
        return None

    def span(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The merged range covering (row, col), or the cell itself."""
        return self._origin.get((row, col), (row, col, row, col))

    def is_origin(self, row: int, col: int) -> bool:
        span = self._origin.get((row, col))
        return span is None or (span[0], span[1]) == (row, col)

    def iter_cells(self) -> Iterator[tuple[int, int, Any]]:
        """Non-empty cells in reading order (merged ranges once, at their top-left)."""
        for r, row in enumerate(self.rows):
            for c, v in enumerate(row):
                if v is not None and v != "" and self.is_origin(r, c):
                    yield r, c, v


@dataclass
class WorkbookGrid:
    path: str
    format: str  # xlsx | xls | csv
    sheets: list[SheetGrid]
    encoding: str | None = None
    # False when the grid holds only the first rows (``read_grid(nrows=…)`` on a longer sheet, or a
    # :func:`zjcredit.io.peek.peek_grid` of a large sheet): checks must read the file again in full.
    complete: bool = True


def read_grid(path: Path, display: str, nrows: int | None = None) -> WorkbookGrid:
    """Read a file into grids, or raise :class:`Unreadable` with a sentence saying why.

    ``nrows`` reads only the first rows of each sheet (enough to recognise a document's kind); the grid
    is then marked ``complete`` only when no sheet has anything further down.
    """
    suffix = path.suffix.lower()
    safety.preflight(path, display)
    if suffix == ".csv":
        text, encoding = decode_csv(path, display)
        try:
            rows, exhausted = _parse_csv(text, safety.MAX_ROWS + 1 if nrows is None else nrows)
        except csv.Error as exc:  # e.g. a field longer than the csv module's limit
            raise Unreadable(
                f"{display}：CSV 文件格式有误（{_short(exc)}），可能引号不成对或不是表格。请在 Excel/WPS 中打开后另存为 .xlsx。",
                f"{display}: the CSV is malformed ({_short(exc)}), perhaps an unbalanced quote or not a table; open it in Excel/WPS and save it as .xlsx.",
            ) from None
        if nrows is None and len(rows) > safety.MAX_ROWS:
            raise safety.sheet_too_long(display, "CSV", len(rows))
        return WorkbookGrid(display, "csv", [SheetGrid(None, rows)], encoding, complete=nrows is None or exhausted)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, display, nrows)
    raise Unreadable(
        f"{display}：不支持的文件类型“{suffix or '无扩展名'}”，请另存为 .xlsx、.xls 或 .csv。",
        f"{display}: unsupported file type '{suffix or 'no extension'}'; save it as .xlsx, .xls or .csv.",
    )


def _read_excel(path: Path, display: str, nrows: int | None = None) -> WorkbookGrid:
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise Unreadable(
            f"{display}：工作簿设有打开密码，无法读取。请在 Excel/WPS 中取消密码后另存再检查。",
            f"{display}: the workbook is password-protected; remove the password in Excel/WPS, save, and check again.",
        ) from None
    except Exception as exc:  # calamine raises several types for broken files
        raise Unreadable(
            f"{display}：不是有效的 Excel 文件或文件已损坏（{_short(exc)}）。请用 Excel/WPS 打开后另存为 .xlsx 再检查。",
            f"{display}: not a valid Excel file, or the file is damaged ({_short(exc)}); open it in Excel/WPS, save as .xlsx and check again.",
        ) from None
    sheets: list[SheetGrid] = []
    complete = True
    # calamine reads Excel error values (#REF!, #VALUE! …) as empty cells; put them back from the XML.
    suffix = path.suffix.lower()
    errors = _xlsx_error_cells(path) if suffix in (".xlsx", ".xlsm") else _xls_error_cells(path) if suffix == ".xls" else {}
    try:
        metas = wb.sheets_metadata
        for meta in metas:
            if str(meta.typ).split(".")[-1] not in ("WorkSheet",):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            if nrows is None:
                safety.check_sheet_size(display, meta.name, sheet.end)
            elif sheet.end is not None and sheet.end[0] >= nrows:
                complete = False
            start_row, start_col = sheet.start or (0, 0)
            body = sheet.to_python(skip_empty_area=True, nrows=None if nrows is None else max(nrows - start_row, 0))
            rows: list[list[Any]] = [[] for _ in range(start_row)]
            pad = [None] * start_col
            rows.extend((pad + list(r)) if start_col else list(r) for r in body)
            while rows and all(v is None or v == "" for v in rows[-1]):
                rows.pop()
            merged = []
            for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
                merged.append((r0, c0, r1, c1))
            for r, c, text in errors.get(meta.name, ()):
                if nrows is not None and r >= nrows:
                    continue
                while len(rows) <= r:
                    rows.append([])
                if len(rows[r]) <= c:
                    rows[r].extend([None] * (c + 1 - len(rows[r])))
                rows[r][c] = text
            sheets.append(SheetGrid(meta.name, rows, merged))
    except Unreadable:
        raise
    except Exception as exc:
        raise Unreadable(
            f"{display}：读取工作表时出错（{_short(exc)}）。请用 Excel/WPS 打开后另存为 .xlsx 再检查。",
            f"{display}: the sheets could not be read ({_short(exc)}); open it in Excel/WPS, save as .xlsx and check again.",
        ) from None
    if not sheets:
        raise Unreadable(
            f"{display}：工作簿里没有可读取的工作表（可能只有图表页）。",
            f"{display}: the workbook has no worksheet to read (perhaps only chart sheets).",
        )
    return WorkbookGrid(display, "xls" if path.suffix.lower() == ".xls" else "xlsx", sheets, complete=complete)


_ERROR_CELL_RE = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_REF_ATTR_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_V_RE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _xls_error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """The same for old .xls workbooks, read with xlrd (calamine drops their error cells too).

    Best effort like :func:`_xlsx_error_cells`; an .xls without error cells costs one xlrd pass.
    """
    try:
        import xlrd

        out: dict[str, list[tuple[int, int, str]]] = {}
        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                cells = []
                for r in range(sheet.nrows):
                    for c, ctype in enumerate(sheet.row_types(r)):
                        if ctype == xlrd.XL_CELL_ERROR:
                            code = sheet.cell_value(r, c)
                            cells.append((r, c, xlrd.error_text_from_code.get(code, "#VALUE!")))
                if cells:
                    out[sheet.name] = cells
                book.unload_sheet(index)
        finally:
            book.release_resources()
        return out
    except Exception:  # noqa: BLE001 - best effort, see docstring
        return {}


def _xlsx_error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Cells holding an Excel error value, by sheet name: (0-based row, 0-based col, "#REF!").

    Best effort: a workbook this cannot parse gives no error cells (calamine reports real damage).
    """
    import zipfile

    from defusedxml import ElementTree

    out: dict[str, list[tuple[int, int, str]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
            for sheet in book.iter():
                if not sheet.tag.endswith("}sheet"):
                    continue
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                target = targets.get(rid, "")
                member = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if member not in names:
                    continue
                data = zf.read(member)
                if b't="e"' not in data:
                    continue
                cells = []
                for m in _ERROR_CELL_RE.finditer(data):
                    ref = _REF_ATTR_RE.search(m.group(1))
                    v = _V_RE.search(m.group(2))
                    if ref is None or v is None:
                        continue
                    col = 0
                    for ch in ref.group(1).decode():
                        col = col * 26 + ord(ch) - 64
                    cells.append((int(ref.group(2)) - 1, col - 1, v.group(1).decode("utf-8", "replace")))
                out[sheet.get("name", "")] = cells
    except Exception:  # noqa: BLE001 - best effort, see docstring
        return {}
    return out


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


CSV_ENCODINGS = ("utf-8", "gb18030")


def decode_csv(path: Path, display: str) -> tuple[str, str]:
    """Decode a CSV as UTF-8 (BOM or not), UTF-16 (BOM or not) or GB18030/GBK; refuse, naming what was
    tried, otherwise. Binary content (NUL bytes, control characters) is refused, never decoded as text."""
    with path.open("rb") as fh:  # read-only
        data = fh.read()
    candidates: list[tuple[bytes, str, str]] = []
    if data.startswith(b"\xef\xbb\xbf"):
        candidates.append((data[3:], "utf-8", "utf-8-sig"))
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates.append((data, "utf-16", "utf-16"))
    else:
        utf16 = _utf16_without_bom(data)
        if utf16:
            candidates.append((data, utf16, utf16))
        candidates.extend((data, enc, enc) for enc in CSV_ENCODINGS)
    for raw, codec, name in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if _binary_text(text):
            raise Unreadable(
                f"{display}：文件内容不是文本（含有空字符或控制字符），不是 CSV 表格，可能已损坏。请在 Excel/WPS 中打开原表后另存为“CSV UTF-8”或 .xlsx。",
                f"{display}: the content is not text (it holds NUL or control characters), so it is not a CSV table and may be damaged; save the original as 'CSV UTF-8' or .xlsx.",
            )
        return text, name
    raise Unreadable(
        f"{display}：无法识别 CSV 文件的编码（已尝试 UTF-8、UTF-8 BOM、UTF-16、GB18030/GBK）。请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx。",
        f"{display}: the CSV encoding could not be recognised (tried UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK); save it as 'CSV UTF-8' or .xlsx.",
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes fill one byte of most pairs, as in UTF-16 text of
    Latin letters and digits (Windows 'Unicode text' exports); None otherwise."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    odd = sample[1 : pairs * 2 : 2].count(0)
    even = sample[0 : pairs * 2 : 2].count(0)
    if odd >= pairs * 0.3 and even * 4 < odd:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd * 4 < even:
        return "utf-16-be"
    return None


_CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\r\n\f") | {"\x7f"}


def _binary_text(text: str) -> bool:
    """True when decoded text holds NUL or other control characters: a binary file, not a table."""
    return any(ch in _CONTROL for ch in text[:65536]) or "\x00" in text


def parse_csv(text: str, nrows: int | None = None) -> list[list[Any]]:
    """Rows of a decoded CSV, cells exactly as written: nothing is stripped or unescaped (a leading
    apostrophe, as in zjcredit's own findings CSV, stays part of the text)."""
    return _parse_csv(text, nrows)[0]


def _parse_csv(text: str, nrows: int | None = None) -> tuple[list[list[Any]], bool]:
    """:func:`parse_csv`, and whether the text ended before ``nrows`` rows were read."""
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    exhausted = True
    for row in reader:
        if nrows is not None and len(rows) >= nrows:
            exhausted = False
            break
        rows.append([v if v != "" else None for v in row])
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows, exhausted
