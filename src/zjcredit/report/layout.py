"""How every sheet zjcredit writes prints and wraps: text widths, row heights, A4 page set-up. Used by the
templates, the summary and catalog workbooks, and annotated copies alike. openpyxl is imported inside the
functions, so importing this module stays cheap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Column widths are in Excel's character units (the width of "0" in the default 11 pt font, 7 px);
# a CJK character in 11 pt 宋体/等线 is about 15 px, i.e. a little over two units.
WIDE_UNITS = 2.1
LINE_HEIGHT = 16.0  # points per wrapped line of 11 pt text (Noto/宋体/等线 all fit)
ROW_PADDING = 4.0


# Text widths and row heights -------------------------------------------------------------------------


def text_units(text: str) -> float:
    """How many column-width units ``text`` takes on one line (CJK and full-width characters count double)."""
    import unicodedata

    return sum(WIDE_UNITS if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0 for ch in text)


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped cell of ``width`` units needs for ``text`` (each paragraph wraps on its own)."""
    usable = max(width - 1.5, 1.0)  # cell padding on both sides
    if len(text) * WIDE_UNITS <= usable and "\n" not in text:
        return 1  # fits even if every character is wide: no need to measure
    total = 0
    for para in text.split("\n"):
        units = text_units(para)
        total += max(1, -int(-units // usable))
    return total


def fit_row_heights(ws: Any, first: int, last: int, *, columns: Sequence[int] | None = None, min_lines: int = 2) -> None:
    """Give rows ``first``..``last`` of ``ws`` an explicit height when a wrapped cell needs ``min_lines``
    or more lines. Neither Excel nor LibreOffice re-measures rows of a file written by openpyxl, so
    without this a long 申报单位 or message shows only its first line. Merged cells are skipped;
    rows that fit on one line keep the default (automatic) height.
    """
    from openpyxl.utils import get_column_letter

    default_width = ws.sheet_format.baseColWidth or 8
    widths: dict[int, float] = {}
    merged = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)}
    for r in range(first, last + 1):
        lines = 1
        for cell in ws[r]:
            c = cell.column
            if columns is not None and c not in columns:
                continue
            value = cell.value
            if value is None or (r, c) in merged:
                continue
            if c not in widths:
                widths[c] = ws.column_dimensions[get_column_letter(c)].width or default_width
            lines = max(lines, lines_needed(str(value), widths[c]))
        if lines >= min_lines:
            ws.row_dimensions[r].height = round(lines * LINE_HEIGHT + ROW_PADDING, 1)


def print_setup(ws: Any, *, landscape: bool, centered: bool = False) -> None:
    """A4, one page wide (as many pages down as needed), narrow side margins: how every sheet we write prints."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if centered:
        ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
