"""How every sheet zjcredit writes prints and wraps: text widths, row heights, A4 page set-up, page headers
and footers, and the estimate of how large a sheet's text comes out on paper. Used by the templates, the
summary and catalog workbooks, and annotated copies alike. openpyxl is imported inside the functions, so
importing this module stays cheap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Column widths are in Excel's character units (the width of "0" in the default 11 pt font, 7 px);
# a CJK character in 11 pt 宋体/等线 is about 15 px, i.e. a little over two units.
WIDE_UNITS = 2.1
LINE_HEIGHT = 16.0  # points per wrapped line of 11 pt text (Noto/宋体/等线 all fit)
ROW_PADDING = 4.0
BASE_SIZE = 11.0  # the font size the two figures above are for

# Paper: A4 is 595 × 842 pt. One column-width unit prints about 5.6 pt wide (Excel: 7 px a unit plus 5 px
# of padding a column at 96 dpi; LibreOffice with Calibri's metrics measures 5.55 pt), so a sheet is as
# wide on paper as the sum of its printed columns' widths times this.
A4_POINTS = (595.3, 841.9)
POINTS_PER_UNIT = 5.6
SIDE_MARGIN = 0.4  # inches, left and right
TOP_MARGIN = 0.7  # inches, top and bottom: room for a page header or footer line
EDGE_MARGIN = 0.3  # inches from the paper's edge to the page header / footer
MIN_PRINTED_SIZE = 9.0  # no text of a sheet we write prints smaller than this (points)
PAGE_NUMBERS = "第 &P 页 共 &N 页"
PAPER_A4 = "9"  # the paper-size code of A4 in a sheet's page set-up


# Text widths and row heights -------------------------------------------------------------------------


class _CharUnits(dict[str, float]):
    """Column units of each character, looked up once per distinct character (``east_asian_width`` for
    every character of every cell was most of the time a large findings table took to measure)."""

    def __missing__(self, ch: str) -> float:
        import unicodedata

        units = WIDE_UNITS if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0
        self[ch] = units
        return units


_CHAR_UNITS = _CharUnits()


def text_units(text: str, size: float = BASE_SIZE) -> float:
    """How many column-width units ``text`` takes on one line in a ``size`` pt font (CJK and full-width
    characters count double)."""
    if text.isascii():
        units: float = len(text)  # every ASCII character is narrow: the sum of as many 1.0s
    else:
        units = sum(map(_CHAR_UNITS.__getitem__, text))  # the same floats added in the same order
    return units * size / BASE_SIZE


def lines_needed(text: str, width: float, size: float = BASE_SIZE) -> int:
    """Lines a wrapped cell of ``width`` units needs for ``text`` in a ``size`` pt font (each paragraph
    wraps on its own)."""
    usable = max(width - 1.0, 1.0)  # cell padding on both sides
    if "\n" not in text:
        if len(text) * WIDE_UNITS * size / BASE_SIZE <= usable:
            return 1  # fits even if every character is wide: no need to measure
        return max(1, -int(-text_units(text, size) // usable))
    total = 0
    for para in text.split("\n"):
        units = text_units(para, size)
        total += max(1, -int(-units // usable))
    return total


def lines_by_row(rows: Sequence[Sequence[Any]], widths: Sequence[float], size: float = BASE_SIZE) -> list[int]:
    """For each row, the most lines any of its cells needs (:func:`lines_needed` of ``str(value)`` in a
    cell ``widths[c]`` units wide; empty cells and ``None`` need none; at least 1). Each distinct value of a
    column is measured once: a findings table repeats its file names, rules and fields on every row."""
    columns = []
    for c, width in enumerate(widths):
        values = [v if v is None or type(v) is str else str(v) for v in (row[c] if c < len(row) else None for row in rows)]
        measured = {v: _cell_lines(v, width, size) for v in set(values)}
        columns.append(map(measured.__getitem__, values))
    return [max(lines) for lines in zip(*columns)] if columns else [1] * len(rows)


def _cell_lines(value: str | None, width: float, size: float) -> int:
    return 1 if value is None or value == "" else lines_needed(value, width, size)


class RowLines:
    """:func:`lines_by_row` a row at a time, for rows made one by one (each column's distinct values
    measured once, as there)."""

    def __init__(self, widths: Sequence[float], size: float = BASE_SIZE) -> None:
        self.widths = list(widths)
        self.size = size
        self._measured: list[dict[str | None, int]] = [{} for _ in self.widths]

    def __call__(self, row: Sequence[Any]) -> int:
        most = 1 if not self.widths else 0
        for c, (width, measured) in enumerate(zip(self.widths, self._measured)):
            v = row[c] if c < len(row) else None
            v = v if v is None or type(v) is str else str(v)
            lines = measured.get(v)
            if lines is None:
                lines = measured[v] = _cell_lines(v, width, self.size)
            most = max(most, lines)
        return most


def row_height(lines: int, size: float = BASE_SIZE) -> float | None:
    """The explicit height in points of a row of wrapped text ``lines`` high, or None for one line (the
    default height)."""
    return round(lines * line_height(size) + ROW_PADDING, 1) if lines > 1 else None


def heights_by_row(rows: Sequence[Sequence[Any]], widths: Sequence[float], size: float = BASE_SIZE) -> list[float | None]:
    """For each row, the explicit height in points its wrapped text needs (:func:`lines_by_row` lines and
    the padding), or None where one line is enough (the default height)."""
    return [row_height(n, size) for n in lines_by_row(rows, widths, size)]


def line_height(size: float = BASE_SIZE) -> float:
    """Points a wrapped line of ``size`` pt text takes."""
    return LINE_HEIGHT * size / BASE_SIZE


def _font_size(cell: Any) -> float:
    size = cell.font.sz if cell.font is not None else None
    return float(size) if size else BASE_SIZE


def fit_row_heights(ws: Any, first: int, last: int, *, columns: Sequence[int] | None = None, min_lines: int = 2) -> None:
    """Give rows ``first``..``last`` of ``ws`` an explicit height when a wrapped cell needs ``min_lines``
    or more lines. Neither Excel nor LibreOffice re-measures rows of a file written by openpyxl, so
    without this a long 申报单位 or message shows only its first line. Merged cells are skipped;
    rows that fit on one line keep the default (automatic) height. Each cell is measured in its own font size.
    """
    from openpyxl.utils import get_column_letter

    default_width = ws.sheet_format.baseColWidth or 8
    widths: dict[int, float] = {}
    merged = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)}
    for r, cells in enumerate(ws.iter_rows(min_row=first, max_row=last), start=first):  # not ws[r]: it measures the sheet each time
        lines = 1
        height = 0.0
        for cell in cells:
            c = cell.column
            if columns is not None and c not in columns:
                continue
            value = cell.value
            if value is None or (r, c) in merged:
                continue
            if c not in widths:
                widths[c] = ws.column_dimensions[get_column_letter(c)].width or default_width
            size = _font_size(cell)
            n = lines_needed(str(value), widths[c], size)
            lines = max(lines, n)
            height = max(height, n * line_height(size))
        if lines >= min_lines:
            ws.row_dimensions[r].height = round(height + ROW_PADDING, 1)


# Page set-up ------------------------------------------------------------------------------------------


def print_setup(ws: Any, *, landscape: bool, centered: bool = False) -> None:
    """A4, one page wide (as many pages down as needed), narrow margins: how every sheet we write prints."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if centered:
        ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = SIDE_MARGIN
    margins.top = margins.bottom = TOP_MARGIN
    margins.header = margins.footer = EDGE_MARGIN


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # a lone & starts a header code (&P, &N …)


def page_header_footer(ws: Any, *, header_left: str = "", header_right: str = "", footer_left: str = "", footer_right: str = "", size: int = 9) -> None:
    """A line above and below every printed page: the given texts, and 第 N 页 共 M 页 in the footer's middle."""
    for part, text in ((ws.oddHeader.left, header_left), (ws.oddHeader.right, header_right), (ws.oddFooter.left, footer_left), (ws.oddFooter.right, footer_right)):
        if text:
            part.text = _header_text(text)
            part.size = size
    ws.oddFooter.center.text = PAGE_NUMBERS
    ws.oddFooter.center.size = size


# How it comes out on paper -----------------------------------------------------------------------------


def printable_width(ws: Any) -> float:
    """Points across the page between the side margins."""
    paper = A4_POINTS[1] if ws.page_setup.orientation == "landscape" else A4_POINTS[0]
    return paper - 72 * ((ws.page_margins.left or 0) + (ws.page_margins.right or 0))


def print_range(ws: Any) -> tuple[int, int, int, int]:
    """(first row, first column, last row, last column) that prints: the print area, else the used range."""
    from openpyxl.utils.cell import range_boundaries

    areas = ws.print_area
    if areas:
        area = str(areas).split(",")[0]
        min_col, min_row, max_col, max_row = range_boundaries(area.split("!")[-1].replace("$", ""))
        return min_row, min_col, max_row, max_col
    return 1, 1, ws.max_row, ws.max_column


def column_width(ws: Any, col: int) -> float:
    """A column's width in units (Excel's default 8.43 for a column never given one); 0 when hidden."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(col)
    dim = ws.column_dimensions.get(letter) if letter in ws.column_dimensions else None
    if dim is not None and dim.hidden:
        return 0.0
    if dim is not None and dim.customWidth and dim.width:
        return float(dim.width)
    for d in ws.column_dimensions.values():  # a <col min max> group covering several columns
        if d.min and d.max and d.min <= col <= d.max and d.customWidth:
            return 0.0 if d.hidden else float(d.width)
    return float(ws.sheet_format.defaultColWidth or 8.43)


def print_scale(ws: Any) -> float:
    """The factor text is printed at: fit to one page wide shrinks a sheet wider than the paper."""
    _, first_col, _, last_col = print_range(ws)
    points = POINTS_PER_UNIT * sum(column_width(ws, c) for c in range(first_col, last_col + 1))
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth:
        return min(1.0, printable_width(ws) / points) if points else 1.0
    return (ws.page_setup.scale or 100) / 100


def smallest_printed_size(ws: Any) -> float:
    """The size in points of the smallest text that prints (font size × :func:`print_scale`)."""
    first_row, first_col, last_row, last_col = print_range(ws)
    smallest = None
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, min_col=first_col, max_col=last_col):
        for cell in row:
            if cell.value is None or cell.value == "":
                continue
            size = _font_size(cell)
            smallest = size if smallest is None else min(smallest, size)
    return (smallest or BASE_SIZE) * print_scale(ws)


# Styles on many cells ---------------------------------------------------------------------------------


class CellStyles:
    """Named cell styles set by copying a styled cell's style indices. Setting ``cell.font``, ``cell.border``
    … on each cell makes openpyxl hash and compare the style objects every time, which for the thousands
    of cells of a findings table costs seconds; the first cell of each name is styled that way, the rest
    take a copy of its indices (what openpyxl's own worksheet copy does)."""

    def __init__(self, styles: dict[str, dict[str, Any]]) -> None:
        self.styles = styles
        self._done: dict[str, Any] = {}

    def apply(self, cell: Any, name: str) -> None:
        from copy import copy

        done = self._done.get(name)
        if done is not None:
            cell._style = copy(done)  # noqa: SLF001 - see the class docstring
            return
        for attr, value in self.styles[name].items():
            setattr(cell, attr, value)
        self._done[name] = copy(cell._style)  # noqa: SLF001
