"""How the templates look: styles, and the label/value/header cells the forms are made of. Widths, row
heights and page set-up come from :mod:`zjcredit.report.layout` (re-exported here), which every sheet
zjcredit writes shares. openpyxl is imported inside the functions so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zjcredit.domain import schema
from zjcredit.report.layout import (  # noqa: F401  (the templates' layout)
    LINE_HEIGHT,
    ROW_PADDING,
    WIDE_UNITS,
    fit_row_heights,
    lines_needed,
    page_header_footer,
    print_setup,
    text_units,
)

# Number formats for value cells by field type; text_format fields get "@" whatever their type.
NUMBER_FORMATS = {"date": "yyyy-mm-dd"}


class Styles:
    """openpyxl style objects, built when a workbook is built (not at import)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.underline = Border(bottom=thin)
        self.mark_font = Font(name="黑体", size=14)  # 附件1 / 附件2, top left as on the notice
        self.title_font = Font(name="宋体", size=16, bold=True)
        self.label_font = Font(name="宋体", size=11, bold=True)
        self.body_font = Font(name="宋体", size=11)
        # Codes, IDs and phone numbers: Arial's digits are as wide in Excel, WPS and LibreOffice (whose
        # Liberation Sans copies its metrics), so a column sized for a code holds it everywhere.
        self.code_font = Font(name="Arial", size=11)
        self.note_font = Font(name="宋体", size=10, color="595959")
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.auto_fill = PatternFill("solid", fgColor="EDEDED")  # cells a formula fills in
        self.label_fill = PatternFill("solid", fgColor="F2F2F2")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")
        self.left_plain = Alignment(horizontal="left", vertical="center")
        self.top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)


# Cells ------------------------------------------------------------------------------------------------


def value_cell(ws: Any, ref: str, st: Styles, field: schema.Field | None = None, *, border: bool = True) -> Any:
    """A cell to write in: body font, bordered, with the number format ``field`` needs (text, date)."""
    cell = ws[ref]
    cell.font = st.code_font if field is not None and field.type in ("code", "id", "phone") else st.body_font
    if field is not None and field.type in ("int", "number"):
        cell.alignment = st.center
    else:  # codes, IDs and phone numbers stay on one line: a code broken in two is misread
        cell.alignment = st.left_plain if field is not None and field.type in ("code", "id", "phone") else st.left
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


def annex_mark(ws: Any, text: str, st: Styles) -> None:
    """The notice's 附件N mark in A1, above the title."""
    ws["A1"] = text
    ws["A1"].font = st.mark_font
    ws["A1"].alignment = st.left_plain
    ws.row_dimensions[1].height = 22


def signature_line(ws: Any, row: int, st: Styles, parts: Sequence[tuple[str, str, str]]) -> None:
    """A line an office signs at the foot of a form: each part is (label column, label text, blank
    columns such as ``"B"`` or ``"B:C"``); the label sits right-aligned before an underlined blank."""
    for label_col, text, blank in parts:
        cell = ws[f"{label_col}{row}"]
        cell.value = text
        cell.font = st.label_font
        cell.alignment = st.right
        first, _, last = blank.partition(":")
        last = last or first
        for col in range(ws[f"{first}{row}"].column, ws[f"{last}{row}"].column + 1):
            ws.cell(row=row, column=col).border = st.underline
        if first != last:
            ws.merge_cells(f"{first}{row}:{last}{row}")
    ws.row_dimensions[row].height = 32


def title(ws: Any, text: str, last_col: int, st: Styles, row: int = 1) -> None:
    """The sheet's title, merged across columns 1..``last_col`` of ``row``."""
    from openpyxl.utils import get_column_letter

    ws.cell(row=row, column=1, value=text)
    ws.cell(row=row, column=1).font = st.title_font
    ws.cell(row=row, column=1).alignment = st.center
    ws.merge_cells(f"A{row}:{get_column_letter(last_col)}{row}")
    ws.row_dimensions[row].height = 32


def header_text(name: str, width: float) -> str:
    """A four- or six-character header too wide for its column, broken between its two words (培训/规模)
    instead of wherever the cell would wrap (培训规/模). Readers match headers with white space removed."""
    if "\n" in name or len(name) not in (4, 6) or text_units(name) <= width - 1.5:
        return name
    half = len(name) // 2
    return f"{name[:half]}\n{name[half:]}"


def table(ws: Any, fields: Sequence[schema.Field], header: int, rows: int, st: Styles, widths: dict[str, float] | None = None) -> list[tuple[str, str]]:
    """A header row of ``fields`` at ``header`` and ``rows`` formatted empty rows below it; column widths
    from ``widths`` (chosen so the table prints legibly on A4), else the schema's.

    Returns (field name, cell range) for each column, for :meth:`Validations.extend
    <zjcredit.templates.lists.Validations.extend>` to give the columns their drop-downs.
    """
    from openpyxl.utils import get_column_letter

    first, end = header + 1, header + rows
    columns: list[tuple[str, str]] = []
    for c, field in enumerate(fields, start=1):
        letter = get_column_letter(c)
        width = (widths or {}).get(field.name, field.width)
        cell = ws.cell(row=header, column=c, value=header_text(field.name, width))
        cell.font = st.label_font
        cell.fill = st.header_fill
        cell.alignment = st.center
        cell.border = st.border
        ws.column_dimensions[letter].width = width
        for r in range(first, end + 1):
            value_cell(ws, f"{letter}{r}", st, field)
        columns.append((field.name, f"{letter}{first}:{letter}{end}"))
    return columns
