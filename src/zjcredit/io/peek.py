"""The first rows of every sheet, without parsing whole sheets: enough to recognise a document's kind.

calamine parses a whole worksheet before it hands back even one row (about 19 s for a 1,000,000-row
outcome sheet). :func:`peek_grid` streams the worksheet XML of a large .xlsx/.xlsm instead and stops
after the first rows; shared strings are streamed only up to the largest index those rows use.

The result is always marked partial (``WorkbookGrid.complete`` is False): cells keep their raw values
(a date is its serial number, an error its text such as ``#REF!``), merged ranges are not read, so
anything that checks a document must read it again in full with :func:`zjcredit.io.workbook.read_grid`.
Small workbooks (every worksheet part below :data:`PEEK_MIN_PART_BYTES`) go through ``read_grid``
directly.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zjcredit.io import guard as safety
from zjcredit.io.workbook import SheetGrid, WorkbookGrid, read_grid

# A worksheet part larger than this (uncompressed bytes) makes the peek stream the XML.
PEEK_MIN_PART_BYTES = 16 * 1024 * 1024

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REF_RE = re.compile(r"([A-Za-z]{1,3})(\d{1,7})$")


def peek_grid(path: Path, display: str, nrows: int) -> WorkbookGrid:
    """The first ``nrows`` rows of each sheet; raises :class:`~zjcredit.io.workbook.Unreadable`."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        safety.precheck(path, display)  # what the file is, sizes, ratios, prologs: no DOCTYPE anywhere
        try:
            with zipfile.ZipFile(path) as zf:
                sheets = _worksheets(zf)
                if any(zf.getinfo(part).file_size > PEEK_MIN_PART_BYTES for _, part in sheets):
                    return WorkbookGrid(display, "xlsx", [_peek_sheet(zf, name, part, nrows, _strings_part(zf)) for name, part in sheets], complete=False)
        except Exception:  # noqa: BLE001, S110 - anything odd: the full reader says what is wrong
            pass
    return read_grid(path, display, nrows=nrows)


def _parse(zf: zipfile.ZipFile, part: str) -> Any:
    from defusedxml import ElementTree

    return ElementTree.fromstring(zf.read(part), forbid_dtd=True)


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part name) for ``part``'s relationships."""
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


def _worksheets(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part) of each worksheet in workbook order (chart and dialog sheets left out)."""
    book = _workbook_part(zf)
    rels = _rels(zf, book)
    out = []
    for el in _parse(zf, book).iter(f"{{{_MAIN_NS}}}sheet"):
        kind, part = rels.get(el.get(f"{{{_REL_NS}}}id", ""), ("", ""))
        if kind == "worksheet" and part in zf.NameToInfo:
            out.append((el.get("name", ""), part))
    if not out:
        raise ValueError("no worksheet")
    return out


def _strings_part(zf: zipfile.ZipFile) -> str | None:
    book = _workbook_part(zf)
    for kind, part in _rels(zf, book).values():
        if kind == "sharedStrings" and part in zf.NameToInfo:
            return part
    return None


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
            elif name in ("r",):
                walk(child)

    walk(el)
    return "".join(parts)


def _iter(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[str, Any]]:
    from defusedxml.ElementTree import iterparse

    with zf.open(part) as fh:
        yield from iterparse(fh, events=("start", "end"), forbid_dtd=True)


def _col_index(letters: str) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col - 1


def _peek_sheet(zf: zipfile.ZipFile, name: str, part: str, nrows: int, strings_part: str | None) -> SheetGrid:
    cells: dict[tuple[int, int], Any] = {}
    shared: dict[tuple[int, int], int] = {}
    row = -1
    col = -1
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
            col = _col_index(ref.group(1)) if ref else col + 1
            if ref:
                row = int(ref.group(2)) - 1
            if row < nrows and col < safety.EXCEL_MAX_COL:
                kind = el.get("t", "n")
                v = next((child.text for child in el if _local(child.tag) == "v"), None)
                if kind == "inlineStr":
                    is_ = next((child for child in el if _local(child.tag) == "is"), None)
                    value: Any = _text(is_) if is_ is not None else None
                elif v is None:
                    value = None
                elif kind == "s":
                    shared[(row, col)] = int(v)
                    value = None
                elif kind == "b":
                    value = v.strip() in ("1", "true")
                elif kind in ("str", "e", "d"):
                    value = v
                else:
                    try:
                        value = float(v)
                    except ValueError:
                        value = v
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
