"""Many body rows of a sheet written straight as worksheet XML, not cell by cell through openpyxl.

openpyxl spends about 50 µs a cell building and serialising a styled cell; a findings table of 10,000
rows × 10 columns took seconds. Here openpyxl builds the workbook as ever — the sheet's header, widths,
frozen panes, filter, print titles, page set-up, anything after the table — with ONE body row, the sample
(the table's first row, styled cell by cell as usual, which registers the cells' styles in the workbook).
A :class:`BulkRows` holds every body row (the sample's included), the style index of each cell (from
``cell.style_id`` of a styled cell) and each row's height. :func:`save_with_rows` saves the workbook
(:func:`zjcredit.report.output.save_output`, marked as ours), then writes each such sheet's part again
with the generated ``<row>`` elements in place of the sample row and its ``<dimension>`` widened to them.

The rows written here read back, in openpyxl and in Excel, as if openpyxl had written them: text goes
through :func:`zjcredit.report.output.xlsx_text` (no character XML cannot hold, Excel's ``_xHHHH_``
escapes protected, at most 32,767 characters, as openpyxl cuts it) and is always an inline string, so
text from an input never becomes a formula or an error value; numbers are written as openpyxl writes them.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from zjcredit.report.output import save_output, xlsx_text, xlsx_texts_unchanged

MAX_TEXT = 32_767  # characters a cell holds (openpyxl cuts longer text to this)
# A table of this many body rows or more is worth writing in bulk; through openpyxl a row of ten cells
# costs about 0.3 ms, and a shorter table is not worth the second pass over the package.
BULK_FROM = 50
# zlib's level for the package written again: an 8 MB findings sheet took 0.12 s at the default (6), 0.05 s
# at 3, and came out 730 KB instead of 620 KB.
COMPRESS_LEVEL = 3
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"\s*/>')
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')


@dataclass
class BulkRows:
    """Rows ``first``, ``first + 1`` … of the sheet ``ws``: their values (text, numbers, ``None``), the
    style index of each cell and each row's height in points (``None``: the default height).

    The workbook must hold the sample row at ``first`` and nothing in the rows after it that these
    rows take; :func:`save_with_rows` refuses it otherwise."""

    ws: Any
    first: int
    rows: list[Sequence[Any]] = field(default_factory=list)
    styles: list[Sequence[int]] = field(default_factory=list)
    heights: list[float | None] = field(default_factory=list)
    # The rows' XML made before (:func:`rows_ahead` of the same rows and heights from ``first``), used when
    # every cell takes one style (the first row's); None: made as the workbook is saved.
    xml: bytes | None = None

    def append(self, values: Sequence[Any], styles: Sequence[int], height: float | None = None) -> None:
        """One more row: ``styles[c]`` is the style index of its cell in column ``c + 1``."""
        self.rows.append(values)
        self.styles.append(styles)
        self.heights.append(height)

    @property
    def last(self) -> int:
        """The last row these rows take."""
        return self.first + len(self.rows) - 1

    @property
    def columns(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def save_with_rows(wb: Any, target: Any, kind: str, bulks: Sequence[BulkRows]) -> None:
    """Save ``wb`` to ``target`` (a path or a binary file) as :func:`save_output` does, each of ``bulks``
    written into its sheet. Without any rows to add this is :func:`save_output` itself."""
    bulks = [b for b in bulks if b.rows]
    if not bulks:
        save_output(wb, target, kind)
        return
    saved = io.BytesIO()
    save_output(wb, saved, kind)
    with zipfile.ZipFile(saved) as source:
        parts = sheet_parts(source)
        replaced: dict[str, list[BulkRows]] = {}
        for bulk in bulks:
            replaced.setdefault(parts[bulk.ws.title], []).append(bulk)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL) as out:
            for info in source.infolist():
                data = source.read(info)
                if info.filename in replaced:
                    data = with_rows(data, replaced[info.filename])
                out.writestr(info, data)


def sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's name → its part in the package, found through the relationships
    (:func:`zjcredit.io.sheetxml.worksheets`)."""
    from zjcredit.io.sheetxml import worksheets

    return dict(worksheets(package))


def with_rows(xml: bytes, bulks: Sequence[BulkRows]) -> bytes:
    """A worksheet part with each bulk's rows in place of its sample row, its dimension widened."""
    pieces = []
    position = 0
    for bulk in sorted(bulks, key=lambda b: b.first):
        start = xml.find(b'<row r="%d"' % bulk.first, position)
        if start < 0:
            raise ValueError(f"sheet {bulk.ws.title!r}: no sample row {bulk.first} to put the rows in place of")
        opened = xml.find(b">", start) + 1
        end = opened if xml[opened - 2 : opened] == b"/>" else xml.find(b"</row>", opened) + len(b"</row>")
        following = _ROW_NUMBER.search(xml, end)
        if following is not None and int(following.group(1)) <= bulk.last:
            raise ValueError(f"sheet {bulk.ws.title!r}: row {int(following.group(1))} is among the rows {bulk.first}–{bulk.last} written in bulk")
        pieces.append(xml[position:start])
        made = _styled(bulk.xml, bulk.styles[0]) if bulk.xml is not None and bulk.styles else None
        pieces.append(made if made is not None else "".join(_rows_xml(bulk)).encode("utf-8"))
        position = end
    pieces.append(xml[position:])
    return _widen_dimension(b"".join(pieces), max(b.last for b in bulks), max(b.columns for b in bulks))


def _widen_dimension(xml: bytes, last_row: int, last_column: int) -> bytes:
    from openpyxl.utils import column_index_from_string, get_column_letter

    found = _DIMENSION.search(xml)
    if found is None:
        return xml
    first_col, first_row = found.group(1).decode(), int(found.group(2))
    end_col = column_index_from_string((found.group(3) or found.group(1)).decode())
    end_row = int(found.group(4) or found.group(2))
    ref = f"{first_col}{first_row}:{get_column_letter(max(end_col, last_column))}{max(end_row, last_row)}"
    return xml[: found.start()] + f'<dimension ref="{ref}" />'.encode() + xml[found.end() :]


def rows_ahead(rows: list[Sequence[Any]], heights: list[float | None], first: int) -> bytes:
    """The ``<row>`` elements of ``rows`` from row ``first`` (``heights``: each row's), UTF-8, made before
    the workbook whose style they take: every cell's style is a mark that :func:`with_rows` replaces by
    the style of the table's sample row — one style for every cell, as a table without fills has. (An
    audit makes its findings table's rows on a thread while DuckDB counts; the mark is a character no
    cell's text holds.)"""
    columns = max((len(r) for r in rows), default=0)
    if rows and all(len(r) == columns for r in rows):
        return _columns_xml(rows, heights, first, columns)
    return "".join(_rows_xml(BulkRows(None, first, rows, [(_MARK,) * columns] * len(rows), heights))).encode("utf-8")


def _columns_xml(rows: list[Sequence[Any]], heights: list[float | None], first: int, columns: int) -> bytes:
    """:func:`rows_ahead` of rows of ``columns`` cells each, made a column at a time with Arrow: a text
    column's distinct texts are made into their cells' XML once and taken for each row, whole numbers
    are written by Arrow, and the rows' pieces joined by Arrow (the same bytes as :func:`_rows_xml`; for
    10,000 findings 0.16 s instead of 0.25 s of the thread that makes them, at the end of an audit's
    screens)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    from openpyxl.utils import get_column_letter

    text = pa.large_string()

    def join(*pieces: Any) -> Any:  # the pieces (columns, and texts for every row) joined row by row
        return pc.binary_join_element_wise(*(pa.scalar(p, text) if isinstance(p, str) else p for p in pieces), pa.scalar("", text))

    n = len(rows)
    numbers = pc.cast(pa.array(range(first, first + n), pa.int64()), text)
    given = pa.array([None if h is None else _number(h) for h in heights], text)
    parts: list[Any] = [pc.if_else(
        pc.is_null(given),
        join('<row r="', numbers, '">'),
        join('<row r="', numbers, '" ht="', given, '" customHeight="1">'),
    )]
    plain = xlsx_texts_unchanged(list({v for values in rows for v in values if type(v) is str}))
    style = f' s="{_MARK}"'
    for c, values in enumerate(zip(*rows)):
        kinds = set(map(type, values))
        if kinds <= {str, type(None)}:  # each distinct text made once
            encoded = pa.array(values, text).dictionary_encode()
            made = pa.array(['"' + _rest_of_cell(_MARK, v, plain=plain) for v in encoded.dictionary.to_pylist()], text)
            cells = made.take(encoded.indices)
            if encoded.null_count:
                cells = pc.if_else(pc.is_null(encoded.indices), pa.scalar('"' + _rest_of_cell(_MARK, None), text), cells)
        elif kinds == {int} and all(abs(v) < 10**15 for v in values):  # written as "%.16g" writes them
            digits = pc.cast(pa.array(values, pa.int64()), text)
            cells = join(f'"{style} t="n"><v>', digits, "</v></c>")
        else:
            cells = pa.array(['"' + _rest_of_cell(_MARK, v) for v in values], text)
        parts += [f'<c r="{get_column_letter(c + 1)}', numbers, cells]
    parts.append("</row>")
    joined = join(*parts)
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)
    return joined.buffers()[2].to_pybytes()[offsets[joined.offset] : offsets[joined.offset + n]]


_MARK = "\x01"


def _styled(xml: bytes, styles: Sequence[int]) -> bytes | None:
    """Rows made by :func:`rows_ahead` with their mark replaced by the style; None unless every column
    of the sample row has the same style."""
    if len(set(styles)) != 1:
        return None
    style = styles[0]
    return xml.replace(f' s="{_MARK}"'.encode(), f' s="{style}"'.encode() if style else b"")


def _rows_xml(bulk: BulkRows) -> Iterator[str]:
    """The ``<row>`` elements, as openpyxl writes them (inline strings, ``ht`` and ``customHeight``)."""
    from openpyxl.utils import get_column_letter

    opens = [f'<c r="{get_column_letter(c)}' for c in range(1, bulk.columns + 1)]
    # Each style's texts: the rest of the cell after its row number, made once for each (a findings table
    # repeats its file names, rules and fields on every row).
    texts: dict[int | str, dict[str, str]] = {}
    # Nearly always no text has anything xlsx_text changes: one search tells, instead of one per text.
    plain = xlsx_texts_unchanged(list({v for values in bulk.rows for v in values if type(v) is str}))
    for r, (values, styles, height) in enumerate(zip(bulk.rows, bulk.styles, bulk.heights), start=bulk.first):
        n = str(r)
        cells = [f'<row r="{n}" ht="{_number(height)}" customHeight="1">' if height is not None else f'<row r="{n}">']
        for opened, value, style in zip(opens, values, styles):
            if type(value) is str:
                known = texts.get(style)
                if known is None:
                    known = texts[style] = {}
                rest = known.get(value)
                if rest is None:
                    rest = known[value] = '"' + _rest_of_cell(style, value, plain=plain)
            else:
                rest = '"' + _rest_of_cell(style, value)
            cells.append(opened + n + rest)
        cells.append("</row>")
        yield "".join(cells)


def _rest_of_cell(style: int | str, value: Any, *, plain: bool = False) -> str:
    """A cell's element after its reference: the style, the type and the value (``plain``: the text is
    known to need none of :func:`xlsx_text`'s changes)."""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        text = value[:MAX_TEXT] if plain and type(value) is str else stored_text(str(value))
        if not text:
            return f'{s} t="inlineStr" />'
        stripped = text.strip()  # openpyxl's rule: text of spaces only is not marked (and reads back empty)
        space = ' xml:space="preserve"' if stripped and stripped != text else ""
        return f'{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if value is None:
        return f'{s} t="n" />'
    if isinstance(value, bool):
        return f'{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Real):
        return f'{s} t="n"><v>{_number(value)}</v></c>'
    raise TypeError(f"cannot write a {type(value).__name__} in bulk: {value!r}")


def escape(text: str) -> str:
    """``xml.sax.saxutils.escape``: &, < and > as entities (that module imports urllib.request, 30 ms of
    every run that writes a report workbook)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _number(value: Any) -> str:
    """A number as openpyxl writes it (``%.16g``; nothing for NaN and infinities)."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return "%.16g" % value  # noqa: UP031 - openpyxl's own format, to the character


def stored_text(value: str) -> str:
    """The text a cell holds for ``value``, as :func:`zjcredit.report.output.set_text` stores it."""
    return xlsx_text(value)[:MAX_TEXT]
