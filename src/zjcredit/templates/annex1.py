"""Annex 1, 浙江省成人学校社会培训项目申报汇总表: a county's one-row-per-project summary table.

Its columns are :data:`zjcredit.domain.schema.ANNEX1`; above them the 所在区域/填报人/填报时间 blanks.
:mod:`zjcredit.documents.summary` fills this same layout with the schools' declarations.
"""

from __future__ import annotations

from typing import Any

from zjcredit.domain import schema
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.guide import common_guide, guide_sheet
from zjcredit.templates.lists import Validations, lists_sheet
from zjcredit.templates.style import NUMBER_FORMATS, Styles, print_setup, table, title, value_cell

ROWS = 30  # empty table rows prepared below the header
HEADER_ROW = 5


def build(wb: Any, st: Styles, options: TemplateOptions) -> None:
    """The 申报汇总表 sheet: title, region/filler/date blanks, the table, then the guide."""
    fields = schema.ANNEX1.fields
    ws = wb.active
    ws.title = "申报汇总表"
    dvs = Validations(lists_sheet(wb, schema.ANNEX1.names, st))

    title(ws, schema.ANNEX1.title_zh, len(fields), st)
    _blanks(ws, st, dvs)
    dvs.extend(table(ws, fields, HEADER_ROW, ROWS, st))
    ws.row_dimensions[HEADER_ROW].height = 30
    dvs.apply(ws)

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    # No fixed print area: rows a county appends below the 30 prepared ones must print too.
    print_setup(ws, landscape=True, centered=True)
    guide_sheet(wb, "填表说明（附件1 申报汇总表）", _guide_lines(), st)


def _blanks(ws: Any, st: Styles, dvs: Validations) -> None:
    """Rows 2–4: 所在区域：____市、____县（市、区）、____区, 填报人：____ and 填报时间：____.

    The blanks are underlined cells to write in; the units between them are fixed text.
    """
    from openpyxl.utils import get_column_letter

    ws.merge_cells("A2:B2")
    ws["A2"] = "所在区域："
    col = 3
    for unit in ("市、", "县（市、区）、", "区"):
        value_cell(ws, f"{get_column_letter(col)}2", st, border=False).border = st.underline
        ws.cell(row=2, column=col + 1, value=unit).font = st.body_font
        col += 2
    for row, label in ((3, "填报人："), (4, "填报时间：")):
        ws.merge_cells(f"A{row}:B{row}")
        ws[f"A{row}"] = label
        ws.merge_cells(f"C{row}:E{row}")
        for c in range(3, 6):
            ws.cell(row=row, column=c).border = st.underline
        ws.cell(row=row, column=3).alignment = st.left
    ws["C4"].number_format = NUMBER_FORMATS["date"]
    dvs.add("填报时间", "C4")
    for row in (2, 3, 4):
        ws[f"A{row}"].font = st.label_font
        ws[f"A{row}"].alignment = st.right  # next to the blank it labels, as on a paper form
        ws.row_dimensions[row].height = 22


def _guide_lines() -> list[str]:
    return [
        "1. 本表为浙学银〔2019〕2号附件1《浙江省成人学校社会培训项目申报汇总表》，由县（市、区）汇总辖区内各成人学校的申报项目，每个项目一行。",
        "2. 表头上方填写所在区域（市、县（市、区）、区）、填报人和填报时间。",
        "3. 序号从 1 起连续编号；联系人（电话）写成“姓名 电话”，如“张三 13800138000”。",
        *common_guide(),
        "4. 报送：汇总表连同各校申报表报分中心和当地教育行政主管部门备案。报送前可运行 zjcredit validate 文件名 检查；也可用 zjcredit summary build 由各校申报表自动生成本表。",
    ]


TEMPLATE = Template(kind="annex1", file_name="annex1.xlsx", title=schema.ANNEX1.title_zh, build=build)
