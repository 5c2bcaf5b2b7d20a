"""Annex 1, 浙江省成人学校社会培训项目申报汇总表: a county's one-row-per-project summary table.

As on the notice: the 附件1 mark top left, the title, the 所在区域/填报人/填报时间 lines, then the table
whose columns are :data:`zjcredit.domain.schema.ANNEX1`. :mod:`zjcredit.documents.summary` fills this same
layout with the schools' declarations.
"""

from __future__ import annotations

from typing import Any

from zjcredit.domain import schema
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.guide import common_guide, guide_sheet
from zjcredit.templates.lists import Validations, lists_sheet
from zjcredit.templates.style import NUMBER_FORMATS, Styles, annex_mark, print_setup, table, title, value_cell

MARK = "附件1"
ROWS = 20  # empty table rows prepared below the header: the blank form is one printed page
TITLE_ROW = 2
HEADER_ROW = 7  # after a thin spacer row, so the 填报时间 blank's underline is not the table's top edge
# Column widths that print the eleven columns on A4 landscape at full size (11 pt): long texts wrap.
WIDTHS: dict[str, float] = {
    "序号": 5,
    "项目名称": 19,
    "项目类别": 16,
    "培训规模": 6.5,
    "培训对象": 16,
    "培训形式": 10,
    "培训时数": 6.5,
    "学时数": 6.5,
    "申报单位": 19,
    "机构代码": 13,
    "联系人（电话）": 20,
}
HEADER_HEIGHT = 36  # two lines of bold 11 pt: 培训/规模 wraps in its narrow column


def build(wb: Any, st: Styles, options: TemplateOptions) -> None:
    """The 申报汇总表 sheet: mark, title, region/filler/date blanks, the table, then the guide."""
    fields = schema.ANNEX1.fields
    ws = wb.active
    ws.title = "申报汇总表"
    dvs = Validations(lists_sheet(wb, schema.ANNEX1.names, st))

    annex_mark(ws, MARK, st)
    title(ws, schema.ANNEX1.title_zh, len(fields), st, row=TITLE_ROW)
    _blanks(ws, st, dvs)
    dvs.extend(table(ws, fields, HEADER_ROW, ROWS, st, WIDTHS))
    ws.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT
    dvs.apply(ws)

    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    # No fixed print area: rows a county appends below the 30 prepared ones must print too.
    print_setup(ws, landscape=True, centered=True)
    guide_sheet(wb, "填表说明（附件1 申报汇总表）", _guide_lines(), st)


def _blanks(ws: Any, st: Styles, dvs: Validations) -> None:
    """Rows 3–5: 所在区域：____, 填报人：____ and 填报时间：____, each an underlined blank to write in.

    The region is one blank (“杭州市 西湖区” when filled) rather than the notice's ____市、____县（市、区）、____区,
    which reads “杭州 市、西湖 县（市、区）” once filled in.
    """
    for row, label, last in ((3, "所在区域：", "F"), (4, "填报人：", "E"), (5, "填报时间：", "E")):
        ws.merge_cells(f"A{row}:B{row}")
        ws[f"A{row}"] = label
        ws[f"A{row}"].font = st.label_font
        ws[f"A{row}"].alignment = st.right  # next to the blank it labels, as on a paper form
        ws.merge_cells(f"C{row}:{last}{row}")
        for col in range(3, ws[f"{last}{row}"].column + 1):
            ws.cell(row=row, column=col).border = st.underline
        value_cell(ws, f"C{row}", st, border=False).alignment = st.left_plain
        ws.row_dimensions[row].height = 22
    ws.row_dimensions[6].height = 8
    ws["C5"].number_format = NUMBER_FORMATS["date"]
    dvs.add("所在区域", "C3")
    dvs.add("填报时间", "C5")


def _guide_lines() -> list[str]:
    return [
        "1. 本表为浙学银〔2019〕2号附件1《浙江省成人学校社会培训项目申报汇总表》，由县（市、区）汇总辖区内各成人学校的申报项目，每个项目一行。",
        "2. 表格上方填写所在区域（如“杭州市 西湖区”）、填报人和填报时间。",
        "3. 序号从 1 起连续编号；联系人（电话）写成“姓名 电话”，如“张三 13800138000”。行数不够时可在表格末尾续加行。",
        "4. 报送：汇总表连同各校申报表报分中心和当地教育行政主管部门备案。",
        *common_guide(),
    ]


TEMPLATE = Template(kind="annex1", file_name="附件1_申报汇总表.xlsx", title=schema.ANNEX1.title_zh, build=build)
