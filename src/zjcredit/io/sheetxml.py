"""The one place that reads worksheet XML inside an .xlsx/.xlsm directly (not through calamine).

- which part holds which sheet (:func:`worksheets`, :func:`sheet_part`), through the package
  relationships as Excel writes them;
- Excel error values (``#REF!`` …), which calamine reads as empty cells (:func:`error_cells`);
- whether given cells hold numbers or text (:func:`number_cells`), and the long number cells noted during
  the guard's pass over the XML (:class:`BigNumberCells`): an ID Excel stored as a number;
- the first rows of a huge sheet without parsing all of it (:func:`peek_sheets`);
- whether a sheet has more rows than a limit (:func:`has_more_rows`).

Every XML parse goes through defusedxml; the guard (:mod:`zjcredit.io.guard`) has passed the file first.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from zjcredit.io.cells import EXCEL_MAX_COL, column_index
from zjcredit.io.grid import SheetGrid

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REF_RE = re.compile(r"([A-Za-z]{1,3})(\d{1,7})$")


# Parts -----------------------------------------------------------------------------------------------


def _parse(zf: zipfile.ZipFile, part: str) -> Any:
    from defusedxml import ElementTree

    return ElementTree.fromstring(zf.read(part), forbid_dtd=True)


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) for ``part``'s relationships ('' for the package's own)."""
    base = posixpath.dirname(part)
    rels_part = posixpath.join(base, "_rels", posixpath.basename(part) + ".rels")
    out: dict[str, tuple[str, str]] = {}
    if rels_part not in zf.NameToInfo:
        return out
    for rel in _parse(zf, rels_part).iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], name)
    return out


def _workbook_part(zf: zipfile.ZipFile) -> str:
    for kind, part in _rels(zf, "").values():
        if kind == "officeDocument":
            return part
    return "xl/workbook.xml"


def worksheets(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part) of each worksheet in workbook order (chart and dialog sheets left out)."""
    book = _workbook_part(zf)
    rels = _rels(zf, book)
    out = []
    for el in _parse(zf, book).iter(f"{{{_MAIN_NS}}}sheet"):
        kind, part = rels.get(el.get(f"{{{_REL_NS}}}id", ""), ("", ""))
        if kind == "worksheet" and part in zf.NameToInfo:
            out.append((el.get("name", ""), part))
    return out


def sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The part holding the worksheet named ``sheet``."""
    return next((part for name, part in worksheets(zf) if name == sheet), None)


def first_shared_string(path: Path) -> str | None:
    """The workbook's shared string 0 (what a shared-string cell with a broken index reads as); None
    when there is no shared-strings table."""
    with zipfile.ZipFile(path) as zf:
        part = _strings_part(zf)
        if part is None:
            return None
        texts = _shared_strings(zf, part, 0)
    return texts[0] if texts else None


def _strings_part(zf: zipfile.ZipFile) -> str | None:
    for kind, part in _rels(zf, _workbook_part(zf)).values():
        if kind == "sharedStrings" and part in zf.NameToInfo:
            return part
    return None


# Error values ----------------------------------------------------------------------------------------

_ERROR_CELL_RE = re.compile(rb"""<(?:\w+:)?c\b([^>]*\bt=["']e["'][^>]*)>(.*?)</(?:\w+:)?c>""", re.S)
_REF_ATTR_RE = re.compile(rb"""\br=["']([A-Z]{1,3})(\d+)["']""")
_V_RE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Cells holding an Excel error value, by sheet name: (0-based row, 0-based col, "#REF!").

    Streams each sheet part (bounded memory). Best effort: a workbook this cannot parse gives no error
    cells (calamine reports real damage).
    """
    out: dict[str, list[tuple[int, int, str]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for name, part in worksheets(zf):
                notes = SheetNotes()
                with zf.open(part) as fh:
                    for chunk in iter(lambda: fh.read(1 << 22), b""):
                        notes(part, chunk)
                cells = notes.errors.get(part)
                if cells:
                    out[name] = [(r, c, text) for (r, c), text in sorted(cells.items())]
    except Exception:  # noqa: BLE001 - best effort, see docstring
        return {}
    return out


class SheetNotes:
    """What the guard's pass over the sheet XML notes for the readers (a :data:`zjcredit.io.guard.Visitor`),
    per worksheet part:

    - ``numbers``: the long number cells (:class:`BigNumberCells`), an ID Excel stored as a number;
    - ``errors``: cells holding an Excel error value, {(0-based row, col): "#DIV/0!"}; fastexcel and
      calamine read them as empty cells, and they are put back so that ``excel-error`` sees them;
    - ``zeros``: how many cells hold the value 0 (``><v>0</v>``): a shared-string cell whose index is no
      number reads as string 0, so a sheet showing string 0 more often than this is scanned in full
      (:func:`string_zero_suspect`).
    """

    _KEEP = 16384  # bytes carried into the next chunk: the longest error cell found whole

    def __init__(self) -> None:
        self.numbers = BigNumberCells()
        self.errors: dict[str, dict[tuple[int, int], str]] = {}
        self.zeros: dict[str, int] = {}
        self.seen: set[str] = set()
        self._tail: dict[str, bytes] = {}

    def __call__(self, part: str, chunk: bytes) -> None:
        self.seen.add(part)
        self.numbers(part, chunk)
        tail = self._tail.get(part, b"")
        buf = tail + chunk
        # An occurrence that ends inside the carried tail was counted with the previous chunk.
        self.zeros[part] = self.zeros.get(part, 0) + buf.count(b"><v>0</v>", max(len(tail) - 8, 0))
        if b'="e"' in buf or b"='e'" in buf:
            cells = self.errors.setdefault(part, {})
            for m in _ERROR_CELL_RE.finditer(buf):
                ref = _REF_ATTR_RE.search(m.group(1))
                v = _V_RE.search(m.group(2))
                if ref is not None and v is not None:
                    cells[(int(ref.group(2)) - 1, column_index(ref.group(1).decode()))] = v.group(1).decode("utf-8", "replace")
        self._tail[part] = buf[-self._KEEP :]


# Number cells ----------------------------------------------------------------------------------------


class BigNumberCells:
    """A guard visitor (:data:`zjcredit.io.guard.Visitor`) that notes, during the guard's pass over the
    sheet XML, every number cell whose stored value is 16 characters or longer: the form an Excel-mangled
    18-digit ID takes (``<c r="C5" s="2"><v>3.30106199001011E+17</v></c>``, or plain digits from other
    writers).

    Only a number of at most ten significant digits can be written shorter (``3.301062E+17``), so
    :meth:`lookup` leaves those cells to :func:`number_cells`. A part whose cells could escape the note
    (a namespace prefix such as ``<x:c>``, a long value in a cell without an ``r`` attribute) is marked
    incomplete and every question about it goes to :func:`number_cells`.
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
                cells.add(column_index(ref.group(1)) << 24 | (int(ref.group(2)) - 1))
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


def number_cells(path: Path, sheet: str, col: int, rows: np.ndarray) -> np.ndarray | None:
    """For the cells of 0-based column ``col`` at 0-based ``rows``: True where the cell holds a number.

    Streams the sheet's XML to just those cells (seconds at a million rows); None when the XML does not
    name its cells (no ``r`` attributes) or the sheet is not found.
    """
    from zjcredit.io.cells import column_letter

    letter = column_letter(col)
    order = np.argsort(rows, kind="stable")
    out = np.zeros(len(rows), dtype=bool)
    if len(rows) == 0:
        return out
    with zipfile.ZipFile(path) as zf:
        part = sheet_part(zf, sheet)
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
                    return None  # a cell without an r attribute
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


# First rows of huge sheets ---------------------------------------------------------------------------


def peek_sheets(path: Path, nrows: int) -> list[SheetGrid]:
    """The first ``nrows`` rows of every worksheet, streamed: nothing past them is parsed, and the shared
    strings only up to the largest index those rows use. Values are raw (a date is its serial number,
    an error its text); merged ranges are not read."""
    with zipfile.ZipFile(path) as zf:
        strings = _strings_part(zf)
        return [_peek_sheet(zf, name, part, nrows, strings) for name, part in worksheets(zf)]


def largest_sheet_bytes(path: Path) -> int:
    """The uncompressed size of the largest worksheet part."""
    with zipfile.ZipFile(path) as zf:
        return max((zf.getinfo(part).file_size for _, part in worksheets(zf)), default=0)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(el: Any) -> str:
    """The text of an ``<is>`` or ``<si>`` element: its ``<t>`` runs, phonetic runs (``<rPh>``) left out."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node:
            name = _local(child.tag)
            if name == "t":
                parts.append(child.text or "")
            elif name == "r":
                walk(child)

    walk(el)
    return "".join(parts)


def _iter(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[str, Any]]:
    from defusedxml.ElementTree import iterparse

    with zf.open(part) as fh:
        yield from iterparse(fh, events=("start", "end"), forbid_dtd=True)


def _cell_value(el: Any, shared: dict[tuple[int, int], int], pos: tuple[int, int]) -> Any:
    kind = el.get("t", "n")
    v = next((child.text for child in el if _local(child.tag) == "v"), None)
    if kind == "inlineStr":
        is_ = next((child for child in el if _local(child.tag) == "is"), None)
        return _text(is_) if is_ is not None else None
    if v is None:
        return None
    if kind == "s":
        shared[pos] = int(v)
        return None
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind in ("str", "e", "d"):
        return v
    try:
        return float(v)
    except ValueError:
        return v


def _peek_sheet(zf: zipfile.ZipFile, name: str, part: str, nrows: int, strings_part: str | None) -> SheetGrid:
    cells: dict[tuple[int, int], Any] = {}
    shared: dict[tuple[int, int], int] = {}
    row = col = -1
    for event, el in _iter(zf, part):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row = int(r) - 1 if r and r.isdigit() else row + 1
                col = -1
                if row >= nrows:
                    break
            continue
        if tag == "c":
            ref = _REF_RE.match(el.get("r") or "")
            col = column_index(ref.group(1)) if ref else col + 1
            if ref:
                row = int(ref.group(2)) - 1
            if row < nrows and col < EXCEL_MAX_COL:
                value = _cell_value(el, shared, (row, col))
                if value is not None and value != "":
                    cells[(row, col)] = value
            el.clear()
        elif tag == "row":
            el.clear()
        elif tag == "sheetData":
            break
    if shared and strings_part is not None:
        texts = _shared_strings(zf, strings_part, max(shared.values()))
        for pos, index in shared.items():
            if 0 <= index < len(texts) and texts[index] != "":
                cells[pos] = texts[index]
    height = max((r for r, _ in cells), default=-1) + 1
    rows: list[list[Any]] = [[] for _ in range(height)]
    for (r, c), value in sorted(cells.items()):
        line = rows[r]
        if len(line) <= c:
            line.extend([None] * (c + 1 - len(line)))
        line[c] = value
    return SheetGrid(name, rows)


def _shared_strings(zf: zipfile.ZipFile, part: str, last: int) -> list[str]:
    """Shared strings 0..``last``, streamed: the rest of the table is never read."""
    texts: list[str] = []
    for event, el in _iter(zf, part):
        if event == "end" and _local(el.tag) == "si":
            texts.append(_text(el))
            el.clear()
            if len(texts) > last:
                break
    return texts


# The cells that hold a value -------------------------------------------------------------------------

_VALUE_CELL_RE = re.compile(rb"""<(?:\w+:)?c\s[^>]*?\br\s*=\s*["']([A-Za-z]{1,4})(\d{1,8})["'][^>]*(?<!/)>\s*<(?:\w+:)?(?:v|is|f)[\s>/]""")


def value_extent(path: Path, part: str) -> tuple[int, int]:
    """(rows, columns) up to the last cell of ``part`` that holds a value, a formula or inline text, which
    is what the readers allocate; streamed. Cells without an ``r`` are not placed (the guard's own count
    bounds them)."""
    rows = cols = 0
    tail = b""
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            buf = tail + chunk
            for m in _VALUE_CELL_RE.finditer(buf):
                rows = max(rows, int(m.group(2)))
                cols = max(cols, column_index(m.group(1)) + 1)
            tail = buf[-4096:]
    return rows, cols


# Row counts ------------------------------------------------------------------------------------------

_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\$?[0-9]*:?\$?[A-Z]*\$?([0-9]+)\"")


def has_more_rows(path: Path, limit: int, large_part: int) -> bool:
    """Whether some worksheet has more than ``limit`` rows, judged from its ``<dimension>`` or, without
    one, by counting ``<row`` elements while streaming (parts above ``large_part`` bytes count as more)."""
    try:
        with zipfile.ZipFile(path) as zf:
            for _, part in worksheets(zf):
                with zf.open(part) as fh:
                    head = fh.read(4096)
                m = _DIMENSION_RE.search(head)
                if m:
                    if int(m.group(1)) > limit:
                        return True
                elif zf.getinfo(part).file_size > large_part or _count_rows(zf, part, limit) > limit:
                    return True
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False
    return False


def _count_rows(zf: zipfile.ZipFile, part: str, limit: int) -> int:
    rows = 0
    tail = b""
    with zf.open(part) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            data = tail + chunk
            rows += data.count(b"<row ") + data.count(b":row ")
            tail = data[-5:]
            rows -= tail.count(b"<row ") + tail.count(b":row ")  # counted again with the next chunk
            if rows > limit:
                break
    return rows + tail.count(b"<row ") + tail.count(b":row ")
