"""How a workbook zjcredit writes looks and prints: styles, text widths, row heights, page set-up, and
the label/value/header cells the forms are made of.

The templates use all of it; the summary and catalog builders and annotated copies use
:func:`lines_needed`, :func:`fit_row_heights` and :func:`print_setup` too, so every sheet wraps and
prints the same way. openpyxl is imported inside the functions so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zjcredit.domain import schema

# Column widths are in Excel's character units (the width of "0" in the default 11 pt font, 7 px);
# a CJK character in 11 pt 宋体/等线 is about 15 px, i.e. a little over two units.
WIDE_UNITS = 2.1
LINE_HEIGHT = 16.0  # points per wrapped line of 11 pt text (Noto/宋体/等线 all fit)
ROW_PADDING = 4.0

# Number formats for value cells by field type; text_format fields get "@" whatever their type.
NUMBER_FORMATS = {"date": "yyyy-mm-dd"}


class Styles:
    """openpyxl style objects, built when a workbook is built (not at import)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.underline = Border(bottom=thin)
        self.title_font = Font(name="宋体", size=16, bold=True)
        self.label_font = Font(name="宋体", size=11, bold=True)
        self.body_font = Font(name="宋体", size=11)
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.label_fill = PatternFill("solid", fgColor="F2F2F2")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")
        self.top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)


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


# Cells ------------------------------------------------------------------------------------------------


def value_cell(ws: Any, ref: str, st: Styles, field: schema.Field | None = None, *, border: bool = True) -> Any:
    """A cell to write in: body font, bordered, with the number format ``field`` needs (text, date)."""
    cell = ws[ref]
    cell.font = st.body_font
    cell.alignment = st.center if field is not None and field.type in ("int", "number") else st.left
    if border:
        cell.border = st.border
    if field is not None:
        if field.text_format:
            cell.number_format = "@"
        elif field.type in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[field.type]
    return cell


def label_cell(ws: Any, ref: str, text: str, st: Styles, *, fill: bool = True) -> Any:
    """A bold, bordered, centred label such as 项目类别."""
    cell = ws[ref]
    cell.value = text
    cell.font = st.label_font
    cell.alignment = st.center
    cell.border = st.border
    if fill:
        cell.fill = st.label_fill
    return cell


def merge(ws: Any, ref: str, st: Styles, *, border: bool = True) -> None:
    """Merge a range and draw its border on every cell (Excel draws borders per cell)."""
    ws.merge_cells(ref)
    if border:
        for row in ws[ref]:
            for cell in row:
                cell.border = st.border


def title(ws: Any, text: str, last_col: int, st: Styles, row: int = 1) -> None:
    """The sheet's title, merged across columns 1..``last_col`` of ``row``."""
    from openpyxl.utils import get_column_letter

    ws.cell(row=row, column=1, value=text)
    ws.cell(row=row, column=1).font = st.title_font
    ws.cell(row=row, column=1).alignment = st.center
    ws.merge_cells(f"A{row}:{get_column_letter(last_col)}{row}")
    ws.row_dimensions[row].height = 32


def table(ws: Any, fields: Sequence[schema.Field], header: int, rows: int, st: Styles) -> list[tuple[str, str]]:
    """A header row of ``fields`` at ``header`` and ``rows`` formatted empty rows below it.

    Returns (field name, cell range) for each column, for :meth:`Validations.extend
    <zjcredit.templates.lists.Validations.extend>` to give the columns their drop-downs.
    """
    from openpyxl.utils import get_column_letter

    first, end = header + 1, header + rows
    columns: list[tuple[str, str]] = []
    for c, field in enumerate(fields, start=1):
        letter = get_column_letter(c)
        cell = ws.cell(row=header, column=c, value=field.name)
        cell.font = st.label_font
        cell.fill = st.header_fill
        cell.alignment = st.center
        cell.border = st.border
        ws.column_dimensions[letter].width = field.width
        for r in range(first, end + 1):
            value_cell(ws, f"{letter}{r}", st, field)
        columns.append((field.name, f"{letter}{first}:{letter}{end}"))
    return columns
