"""Annex 2, 浙江省成人学校社会培训项目申报表: one school's declaration form, as label | value lines.

The fields come from :data:`zjcredit.domain.schema.ANNEX2_HEADER` (the school) and ``ANNEX2_PROJECT``
(each project block); only their *placement* on the form is decided here: two fields per line, wide
fields alone, then per project the 培训项目介绍 area and a course table. The reader of filled forms is
:mod:`zjcredit.documents.declarations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zjcredit.domain import schema
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.guide import common_guide, guide_sheet
from zjcredit.templates.lists import Validations, lists_sheet
from zjcredit.templates.style import LINE_HEIGHT, ROW_PADDING, Styles, annex_mark, label_cell, merge, print_setup, signature_line, title, value_cell

MARK = "附件2"
TITLE = "浙江省成人学校社会培训项目申报表"
INTRO_LABEL = "培训项目介绍（培训目的、培训目标、培训对象及类型、培训内容、培训组织范围、培训规模、培训时间、培训地点等）"
INTRO_ROWS = 6  # rows of the merged 培训项目介绍 text area
COURSE_ROWS = 5  # empty course lines per project
# Column A holds the widest label, “培训项目10：名称” in bold; the four columns fit a portrait A4 page.
WIDTHS = (19, 33, 14, 28)
# The lines an office signs below the last project: (label column, label, blank columns) per line.
SIGNATURES = (
    (("A", "申报单位（盖章）：", "B"), ("C", "负责人（签字）：", "D")),
    (("C", "日期：", "D"),),
)
# Fields that take a whole line of the form (value merged across the remaining columns).
WIDE = frozenset({"地址", "考核方式"})
SCALE_FORMAT = '0"人"'  # the form's “____人” without a stray 人 cell

_PROJECT_FIELDS = {f.name: f for f in schema.ANNEX2_PROJECT}
# The block's label | value lines; 项目名称 heads the block and 培训项目介绍 has its own area.
_BLOCK_FIELDS = [f for f in schema.ANNEX2_PROJECT if f.name not in ("项目名称", "培训项目介绍")]


def build(wb: Any, st: Styles, options: TemplateOptions) -> None:
    """The 申报表 sheet: title, the school's lines, ``options.projects`` project blocks, then the guide."""
    ws = wb.active
    ws.title = "申报表"
    dvs = Validations(lists_sheet(wb, [f.name for f in schema.ANNEX2_PROJECT], st))
    for letter, width in zip("ABCD", WIDTHS):
        ws.column_dimensions[letter].width = width

    annex_mark(ws, MARK, st)
    title(ws, TITLE, 4, st, row=2)
    row = 3
    for line in form_lines(schema.ANNEX2_HEADER):
        _form_line(ws, row, line, st, dvs)
        row += 1
    for n in range(1, options.projects + 1):
        row = _project_block(ws, row + 1, n, st, dvs)  # a blank line between blocks
    row = _signatures(ws, row + 1, st)
    dvs.apply(ws)

    ws.print_area = f"A1:D{row - 1}"
    print_setup(ws, landscape=False, centered=True)
    guide_sheet(wb, "填表说明（附件2 项目申报表）", _guide_lines(), st)


def form_lines(fields: Sequence[schema.Field]) -> list[tuple[schema.Field, ...]]:
    """Place a form's fields two per line, in schema order; wide fields take a line of their own."""
    lines: list[tuple[schema.Field, ...]] = []
    pending: list[schema.Field] = []
    for field in fields:
        if field.name in WIDE:
            if pending:
                lines.append(tuple(pending))
                pending = []
            lines.append((field,))
            continue
        pending.append(field)
        if len(pending) == 2:
            lines.append(tuple(pending))
            pending = []
    if pending:
        lines.append(tuple(pending))
    return lines


def _form_line(ws: Any, row: int, fields: tuple[schema.Field, ...], st: Styles, dvs: Validations) -> None:
    """One form line: label | value [| label | value]; a single field's value spans B:D."""
    if len(fields) == 1:
        field = fields[0]
        label_cell(ws, f"A{row}", field.name, st)
        value_cell(ws, f"B{row}", st, field)
        merge(ws, f"B{row}:D{row}", st)
        dvs.add(field.name, f"B{row}")
    else:
        for (label_col, value_col), field in zip((("A", "B"), ("C", "D")), fields):
            label_cell(ws, f"{label_col}{row}", field.name, st)
            cell = value_cell(ws, f"{value_col}{row}", st, field)
            if field.name == "培训规模":
                cell.number_format = SCALE_FORMAT
            dvs.add(field.name, f"{value_col}{row}")
    ws.row_dimensions[row].height = 24


def _project_block(ws: Any, row: int, n: int, st: Styles, dvs: Validations) -> int:
    """Project block ``n`` from ``row``: name, field lines, 培训项目介绍, courses. Returns the next free row."""
    from openpyxl.worksheet.pagebreak import Break

    if n > 1:
        # A block is about half a page: each one after the first starts a new printed page.
        ws.row_breaks.append(Break(id=row - 1))
    # Block start: 培训项目N：名称 | project name (B:D)
    label_cell(ws, f"A{row}", f"培训项目{n}：名称", st)
    ws[f"A{row}"].fill = st.header_fill
    value_cell(ws, f"B{row}", st, _PROJECT_FIELDS["项目名称"])
    merge(ws, f"B{row}:D{row}", st)
    ws.row_dimensions[row].height = 26
    row += 1
    for line in form_lines(_BLOCK_FIELDS):
        _form_line(ws, row, line, st, dvs)
        row += 1
    row = _intro(ws, row, st)
    return _courses(ws, row, st)


def _intro(ws: Any, row: int, st: Styles) -> int:
    """培训项目介绍: the label on its own line, the text in a merged area below it. Returns the next row."""
    label_cell(ws, f"A{row}", INTRO_LABEL, st)
    ws[f"A{row}"].alignment = st.left
    merge(ws, f"A{row}:D{row}", st)
    ws.row_dimensions[row].height = 2 * LINE_HEIGHT + ROW_PADDING  # the label wraps to two lines
    row += 1
    value_cell(ws, f"A{row}", st, _PROJECT_FIELDS["培训项目介绍"]).alignment = st.top_left
    merge(ws, f"A{row}:D{row + INTRO_ROWS - 1}", st)
    for r in range(row, row + INTRO_ROWS):
        ws.row_dimensions[r].height = 24
    return row + INTRO_ROWS


def _courses(ws: Any, row: int, st: Styles) -> int:
    """The project's courses: 课程名称 (A:B) | 学时 | 授课教师, then empty lines. Returns the next row."""
    # The header reads 学时 as on the notice (an accepted spelling of 课程学时).
    course_label, _, course_teacher = (f.name for f in schema.COURSE_FIELDS)
    label_cell(ws, f"A{row}", course_label, st)
    merge(ws, f"A{row}:B{row}", st)
    label_cell(ws, f"C{row}", "学时", st)
    label_cell(ws, f"D{row}", course_teacher, st)
    ws.row_dimensions[row].height = 20
    row += 1
    for _ in range(COURSE_ROWS):
        value_cell(ws, f"A{row}", st)
        merge(ws, f"A{row}:B{row}", st)
        value_cell(ws, f"C{row}", st).alignment = st.center
        value_cell(ws, f"D{row}", st)
        ws.row_dimensions[row].height = 20
        row += 1
    return row


def _signatures(ws: Any, row: int, st: Styles) -> int:
    """申报单位（盖章） | 负责人（签字）, then 日期, below the last project. Returns the next free row."""
    for parts in SIGNATURES:
        signature_line(ws, row, st, parts)
        row += 1
    ws[f"D{row - 1}"] = "年　　月　　日"
    ws[f"D{row - 1}"].font = st.body_font
    ws[f"D{row - 1}"].alignment = st.right
    return row


def _guide_lines() -> list[str]:
    return [
        "1. 本表为浙学银〔2019〕2号附件2《浙江省成人学校社会培训项目申报表》，每所成人学校（受理点）填写一份，每个培训项目填写一块“培训项目N：名称”。",
        "2. 每个标签右侧的格子填写内容；请勿改动标签文字（如“项目类别”“培训规模”），汇总时按标签读取各项内容。",
        "3. 地址请写明市、县（市、区）和门牌号，如“杭州市西湖区文三路100号”。",
        "4. 每个项目都要写明项目类别、培训规模（人数）、培训对象、培训形式、培训时数、学时数、成果形式、师资安排、考核方式和培训项目介绍（培训目的、培训目标、培训对象及类型、培训内容、培训组织范围、培训规模、培训时间、培训地点等）。",
        "5. 课程表填写该项目的课程名称、学时和授课教师；生成项目目录时据此分配课程编码。未填课程的项目按一门与项目同名的课程处理。",
        "6. 项目块不够时，请向县（市、区）经办人索取项目块更多的申报表；未使用的项目块留空即可。",
        "7. 表末由申报单位盖章、负责人签字并写明日期。",
        "8. 报送：申报表报分中心和当地教育行政主管部门备案。",
        *common_guide(),
    ]


TEMPLATE = Template(kind="annex2", file_name="附件2_项目申报表.xlsx", title=TITLE, build=build)
