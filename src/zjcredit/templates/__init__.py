"""Write the blank official workbooks: Annex 1 (summary table), Annex 2 (declaration form) and the
learner-outcome sheet.

Every field, its width and whether it is a code/ID/phone comes from :mod:`zjcredit.domain.schema`; drop-down
lists come from :mod:`zjcredit.domain.vocab`. Only the *placement* of Annex 2's fields on the form is described
here. The bytes are deterministic: the same command gives the same file, so the committed
``templates/*.xlsx`` can be compared with what the command writes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from zjcredit.domain import schema, vocab
from zjcredit.errors import UsageError
from zjcredit.report.output import write_atomic

DEFAULT_NAMES: dict[str, str] = {"annex1": "annex1.xlsx", "annex2": "annex2.xlsx", "outcomes": "outcomes.xlsx"}

# Fixed metadata and zip timestamps make the output byte-identical from run to run.
FIXED_TIME = datetime(2019, 5, 5, 0, 0, 0)
ZIP_TIME = (2019, 5, 5, 0, 0, 0)
CREATOR = "zjcredit"

LISTS_SHEET = "代码表"
GUIDE_SHEET = "填表说明"
ANNEX1_ROWS = 30
ANNEX2_INTRO_ROWS = 6
ANNEX2_COURSE_ROWS = 5
ANNEX2_WIDTHS = (20, 34, 14, 34)
OUTCOME_ROWS = 200
GUIDE_WIDTH = 90

INTRO_LABEL = "培训项目介绍（培训目的、培训目标、培训对象及类型、培训内容、培训组织范围、培训规模、培训时间、培训地点等）"
# Annex 2 fields that take a whole line of the form (value merged across the remaining columns).
ANNEX2_WIDE = frozenset({"地址", "考核方式"})
# Number formats for value cells by field type; text_format fields get "@" whatever their type.
NUMBER_FORMATS = {"date": "yyyy-mm-dd"}
SCALE_FORMAT = '0"人"'


# Drop-down lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One list on the hidden 代码表 sheet and how cells use it."""

    field: str
    header: str  # deliberately not a canonical header, so no reader mistakes 代码表 for a table
    values: tuple[str, ...]
    strict_hint: bool  # True: an information box when the value is not in the list
    prompt: str
    error: str = ""


CHOICES: tuple[Choice, ...] = (
    Choice(
        "项目类别",
        "项目类别选项",
        vocab.CATEGORIES,
        True,
        f"请从下拉列表选择（共 {len(vocab.CATEGORIES)} 类）。确实无法归类的，可填写另外的类别并在末尾注明{vocab.NEW_CATEGORY_MARK}。",
        f"不在 {len(vocab.CATEGORIES)} 类之内的类别，须在末尾注明{vocab.NEW_CATEGORY_MARK}，如“研学旅行培训{vocab.NEW_CATEGORY_MARK}”。点“确定”保留所填内容。",
    ),
    Choice(
        "培训对象",
        "培训对象选项",
        vocab.TARGETS,
        False,
        "可从下拉列表选择；有多个对象时用顿号“、”分隔，如“企业职工、外来务工人员”。",
    ),
    Choice("培训形式", "培训形式建议", vocab.FORMS, False, "可从下拉列表选择常见形式，也可直接填写。"),
    Choice("成果形式", "成果形式建议", vocab.OUTCOME_FORMS, False, "可从下拉列表选择常见成果形式，也可直接填写。"),
    Choice("考核方式", "考核方式建议", vocab.ASSESSMENT_METHODS, False, "可从下拉列表选择常见考核方式，也可直接填写。"),
    Choice(
        "考核结果",
        "考核结果选项",
        vocab.RESULT_GRADES,
        True,
        f"请选择{'/'.join(vocab.RESULT_GRADES)}，或填写 0–100 的分数。",
        f"考核结果应为{'/'.join(vocab.RESULT_GRADES)}之一，或 0–100 的分数。",
    ),
)
CHOICE_BY_FIELD = {c.field: c for c in CHOICES}

# Input prompts for fields without a list (≤ 255 characters each, as Excel requires).
PROMPTS: dict[str, str] = {
    "机构代码": "请填写“学分银行”系统中为本机构（非学历教育办学机构）生成的机构代码。本格为文本格式，请勿改成数字。",
    "申报单位": "即“学分银行”系统中的非学历教育办学机构名称。",
    "地址": "请写明市、县（市、区）和门牌号，如“杭州市西湖区文三路100号”。",
    "联系电话": "手机号（11位）或座机（区号-号码，如 0571-89925320）。本格为文本格式。",
    "联系人（电话）": "姓名和电话，如“张三 13800138000”。",
    "培训规模": "填写人数（数字），如 50。",
    "培训时数": "填写数字，如 24。",
    "学时数": "填写数字，如 24。",
    "身份证号": "18位公民身份号码，末位可为 X。本列为文本格式，请勿改成数字，否则后三位会丢失。",
    "项目编码": "按季度培训项目目录中的项目编码填写，如 330106-2019H1-007。",
    "课程编码": "按项目目录中的课程编码填写，如 330106-2019H1-007-01。",
    "完成日期": "日期，如 2019-05-05。",
    "备注": "双证制的成果请在此注明“双证制”。",
    "填报时间": "日期，如 2019-05-05。",
}


# Styles ---------------------------------------------------------------------------------------------


class _Styles:
    """openpyxl style objects, built lazily so importing this module stays cheap."""

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


# Column widths are in Excel's character units (the width of "0" in the default 11 pt font, 7 px);
# a CJK character in 11 pt 宋体/等线 is about 15 px, i.e. a little over two units.
WIDE_UNITS = 2.1
LINE_HEIGHT = 16.0  # points per wrapped line of 11 pt text (Noto/宋体/等线 all fit)
ROW_PADDING = 4.0


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


def _value_cell(ws: Any, ref: str, st: _Styles, field: schema.Field | None = None, *, border: bool = True) -> Any:
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


def _label_cell(ws: Any, ref: str, text: str, st: _Styles, *, fill: bool = True) -> Any:
    cell = ws[ref]
    cell.value = text
    cell.font = st.label_font
    cell.alignment = st.center
    cell.border = st.border
    if fill:
        cell.fill = st.label_fill
    return cell


def _merge(ws: Any, ref: str, st: _Styles, *, border: bool = True) -> None:
    """Merge a range and draw its border on every cell (Excel draws borders per cell)."""
    ws.merge_cells(ref)
    if border:
        for row in ws[ref]:
            for cell in row:
                cell.border = st.border


def _title(ws: Any, text: str, last_col: int, st: _Styles, row: int = 1) -> None:
    from openpyxl.utils import get_column_letter

    ws.cell(row=row, column=1, value=text)
    ws.cell(row=row, column=1).font = st.title_font
    ws.cell(row=row, column=1).alignment = st.center
    ws.merge_cells(f"A{row}:{get_column_letter(last_col)}{row}")
    ws.row_dimensions[row].height = 32


class _Validations:
    """Collects cell ranges per field, then adds one data validation per field to the sheet."""

    def __init__(self, ranges: dict[str, str]) -> None:
        self.list_ranges = ranges  # field → absolute range on the hidden list sheet
        self.cells: dict[str, list[str]] = {}

    def add(self, field: str, ref: str) -> None:
        if field in CHOICE_BY_FIELD or field in PROMPTS:
            self.cells.setdefault(field, []).append(ref)

    def apply(self, ws: Any) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        for field, refs in self.cells.items():
            choice = CHOICE_BY_FIELD.get(field)
            if choice is not None:
                dv = DataValidation(
                    type="list",
                    formula1=self.list_ranges[field],
                    allow_blank=True,
                    showDropDown=False,  # (sic) False means the arrow IS shown
                    showErrorMessage=choice.strict_hint,
                    errorStyle="information",
                    errorTitle=field if choice.strict_hint else None,
                    error=choice.error or None,
                    showInputMessage=True,
                    promptTitle=field,
                    prompt=choice.prompt,
                )
            else:
                dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=field, prompt=PROMPTS[field])
            for ref in refs:
                dv.add(ref)
            ws.add_data_validation(dv)


def _table(ws: Any, fields: Sequence[schema.Field], header: int, rows: int, st: _Styles, dvs: _Validations) -> None:
    """A header row of ``fields`` at ``header`` and ``rows`` formatted empty rows below it, with their drop-downs."""
    from openpyxl.utils import get_column_letter

    first, end = header + 1, header + rows
    for c, field in enumerate(fields, start=1):
        letter = get_column_letter(c)
        cell = ws.cell(row=header, column=c, value=field.name)
        cell.font = st.label_font
        cell.fill = st.header_fill
        cell.alignment = st.center
        cell.border = st.border
        ws.column_dimensions[letter].width = field.width
        for r in range(first, end + 1):
            _value_cell(ws, f"{letter}{r}", st, field)
        dvs.add(field.name, f"{letter}{first}:{letter}{end}")


def _lists_sheet(wb: Any, fields: Sequence[str], st: _Styles) -> dict[str, str]:
    """Write the hidden 代码表 with the lists ``fields`` need; return field → range reference."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    col = 0
    for choice in CHOICES:
        if choice.field not in fields:
            continue
        col += 1
        letter = get_column_letter(col)
        ws.cell(row=1, column=col, value=choice.header).font = st.label_font
        for i, value in enumerate(choice.values, start=2):
            ws.cell(row=i, column=col, value=value)
        ws.column_dimensions[letter].width = 30
        ranges[choice.field] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(choice.values) + 1}"
    return ranges


def _guide_sheet(wb: Any, title: str, lines: Sequence[str], st: _Styles) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    # One wrapped column that fits a portrait A4 page; each paragraph's row is as tall as its text.
    ws.column_dimensions["A"].width = GUIDE_WIDTH
    ws["A1"] = title
    ws["A1"].font = st.title_font
    ws.row_dimensions[1].height = 32
    for i, line in enumerate(lines, start=2):
        cell = ws.cell(row=i, column=1, value=line)
        cell.font = st.body_font
        cell.alignment = st.top_left
    fit_row_heights(ws, 2, len(lines) + 1, min_lines=1)
    ws.sheet_view.showGridLines = False
    print_setup(ws, landscape=False, centered=True)


def _common_guide() -> list[str]:
    cats = "、".join(vocab.CATEGORIES)
    targets = "、".join(vocab.TARGETS)
    return [
        f"★ 项目类别（{len(vocab.CATEGORIES)} 类，可在下拉列表中选择）：{cats}。请选择最接近的类别；确实无法归类的，填写另外的类别并在末尾注明{vocab.NEW_CATEGORY_MARK}，如“研学旅行培训{vocab.NEW_CATEGORY_MARK}”。",
        f"★ 培训对象（可多选，用顿号“、”分隔）：{targets}等。",
        "★ 申报单位即“学分银行”系统中的“非学历教育办学机构”；机构代码请填写“学分银行”系统中为该机构生成的代码。",
        "★ 机构代码、联系电话、身份证号、项目编码、课程编码等格子已设为文本格式，请勿改为数字或常规格式，否则 Excel 会吞掉开头的 0 或把长号码变成科学计数法。",
        "★ 日期请写成 2019-05-05 的形式；培训规模、培训时数、学时数只填数字。",
        "★ 请勿改动表头文字、勿删除本说明页和隐藏的“代码表”页；可以在表格末尾续加行。",
    ]


# Annex 1 --------------------------------------------------------------------------------------------


def _annex1(wb: Any, st: _Styles) -> None:
    from openpyxl.utils import get_column_letter

    fields = schema.ANNEX1.fields
    last = len(fields)
    ws = wb.active
    ws.title = "申报汇总表"
    ranges = _lists_sheet(wb, schema.ANNEX1.names, st)
    dvs = _Validations(ranges)

    _title(ws, schema.ANNEX1.title_zh, last, st)
    # 所在区域：____市、____县（市、区）、____区 — blanks are cells to write in, units are fixed text.
    ws.merge_cells("A2:B2")
    ws["A2"] = "所在区域："
    parts = ("市、", "县（市、区）、", "区")
    col = 3
    for unit in parts:
        _value_cell(ws, f"{get_column_letter(col)}2", st, border=False).border = st.underline
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

    header = 5
    _table(ws, fields, header, ANNEX1_ROWS, st, dvs)
    ws.row_dimensions[header].height = 30
    dvs.apply(ws)

    ws.freeze_panes = f"A{header + 1}"
    ws.print_title_rows = f"{header}:{header}"
    # No fixed print area: rows a county appends below the 30 prepared ones must print too.
    print_setup(ws, landscape=True, centered=True)

    _guide_sheet(
        wb,
        "填表说明（附件1 申报汇总表）",
        [
            "1. 本表为浙学银〔2019〕2号附件1《浙江省成人学校社会培训项目申报汇总表》，由县（市、区）汇总辖区内各成人学校的申报项目，每个项目一行。",
            "2. 表头上方填写所在区域（市、县（市、区）、区）、填报人和填报时间。",
            "3. 序号从 1 起连续编号；联系人（电话）写成“姓名 电话”，如“张三 13800138000”。",
            *_common_guide(),
            "4. 报送：汇总表连同各校申报表报分中心和当地教育行政主管部门备案。报送前可运行 zjcredit validate 文件名 检查；也可用 zjcredit summary build 由各校申报表自动生成本表。",
        ],
        st,
    )


# Annex 2 --------------------------------------------------------------------------------------------


def _form_lines(fields: Sequence[schema.Field]) -> list[tuple[schema.Field, ...]]:
    """Place a form's fields two per line, in schema order; wide fields take a line of their own."""
    lines: list[tuple[schema.Field, ...]] = []
    pending: list[schema.Field] = []
    for field in fields:
        if field.name in ANNEX2_WIDE:
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


def _form_line(ws: Any, row: int, fields: tuple[schema.Field, ...], st: _Styles, dvs: _Validations) -> None:
    """One form line: label | value [| label | value]; a single field's value spans B:D."""
    if len(fields) == 1:
        field = fields[0]
        _label_cell(ws, f"A{row}", field.name, st)
        _value_cell(ws, f"B{row}", st, field)
        _merge(ws, f"B{row}:D{row}", st)
        dvs.add(field.name, f"B{row}")
    else:
        for (label_col, value_col), field in zip((("A", "B"), ("C", "D")), fields):
            _label_cell(ws, f"{label_col}{row}", field.name, st)
            cell = _value_cell(ws, f"{value_col}{row}", st, field)
            if field.name == "培训规模":
                cell.number_format = SCALE_FORMAT  # the form's “____人” without a stray 人 cell
            dvs.add(field.name, f"{value_col}{row}")
    ws.row_dimensions[row].height = 24


def _annex2(wb: Any, st: _Styles, projects: int) -> None:
    ws = wb.active
    ws.title = "申报表"
    project_fields = {f.name: f for f in schema.ANNEX2_PROJECT}
    block_fields = [f for f in schema.ANNEX2_PROJECT if f.name not in ("项目名称", "培训项目介绍")]
    ranges = _lists_sheet(wb, [f.name for f in schema.ANNEX2_PROJECT], st)
    dvs = _Validations(ranges)
    # Column A holds the widest label, “培训项目10：名称” in bold; the four columns fit a portrait A4 page.
    for letter, width in zip("ABCD", ANNEX2_WIDTHS):
        ws.column_dimensions[letter].width = width

    _title(ws, "浙江省成人学校社会培训项目申报表", 4, st)
    row = 2
    for line in _form_lines(schema.ANNEX2_HEADER):
        _form_line(ws, row, line, st, dvs)
        row += 1

    # The course table's header reads 学时 as on the notice (an accepted spelling of 课程学时).
    course_label, _, course_teacher = (f.name for f in schema.COURSE_FIELDS)
    from openpyxl.worksheet.pagebreak import Break

    for n in range(1, projects + 1):
        row += 1  # a blank line between blocks
        if n > 1:
            # A block is about half a page: each one after the first starts a new printed page.
            ws.row_breaks.append(Break(id=row - 1))
        # Block start: 培训项目N：名称 | project name (B:D)
        _label_cell(ws, f"A{row}", f"培训项目{n}：名称", st)
        ws[f"A{row}"].fill = st.header_fill
        _value_cell(ws, f"B{row}", st, project_fields["项目名称"])
        _merge(ws, f"B{row}:D{row}", st)
        ws.row_dimensions[row].height = 26
        row += 1
        for line in _form_lines(block_fields):
            _form_line(ws, row, line, st, dvs)
            row += 1
        # 培训项目介绍: the label on its own line, the text in a merged area below it.
        _label_cell(ws, f"A{row}", INTRO_LABEL, st)
        ws[f"A{row}"].alignment = st.left
        _merge(ws, f"A{row}:D{row}", st)
        ws.row_dimensions[row].height = 2 * LINE_HEIGHT + ROW_PADDING  # the label wraps to two lines
        row += 1
        _value_cell(ws, f"A{row}", st, project_fields["培训项目介绍"]).alignment = st.top_left
        _merge(ws, f"A{row}:D{row + ANNEX2_INTRO_ROWS - 1}", st)
        for r in range(row, row + ANNEX2_INTRO_ROWS):
            ws.row_dimensions[r].height = 24
        row += ANNEX2_INTRO_ROWS
        # The project's courses: 课程名称 (A:B) | 学时 | 授课教师.
        _label_cell(ws, f"A{row}", course_label, st)
        _merge(ws, f"A{row}:B{row}", st)
        _label_cell(ws, f"C{row}", "学时", st)
        _label_cell(ws, f"D{row}", course_teacher, st)
        ws.row_dimensions[row].height = 20
        row += 1
        for _ in range(ANNEX2_COURSE_ROWS):
            _value_cell(ws, f"A{row}", st)
            _merge(ws, f"A{row}:B{row}", st)
            _value_cell(ws, f"C{row}", st).alignment = st.center
            _value_cell(ws, f"D{row}", st)
            ws.row_dimensions[row].height = 20
            row += 1
    dvs.apply(ws)

    ws.print_area = f"A1:D{row - 1}"
    print_setup(ws, landscape=False, centered=True)

    _guide_sheet(
        wb,
        "填表说明（附件2 项目申报表）",
        [
            "1. 本表为浙学银〔2019〕2号附件2《浙江省成人学校社会培训项目申报表》，每所成人学校（受理点）填写一份，每个培训项目填写一块“培训项目N：名称”。",
            "2. 每个标签右侧的格子填写内容；请勿改动标签文字（如“项目类别”“培训规模”），以便检查工具按标签读取。",
            "3. 地址请写明市、县（市、区）和门牌号，如“杭州市西湖区文三路100号”。",
            "4. 每个项目都要写明项目类别、培训规模（人数）、培训对象、培训形式、培训时数、学时数、成果形式、师资安排、考核方式和培训项目介绍（培训目的、培训目标、培训对象及类型、培训内容、培训组织范围、培训规模、培训时间、培训地点等）。",
            "5. 课程表填写该项目的课程名称、学时和授课教师；生成项目目录时据此分配课程编码。未填课程的项目按一门与项目同名的课程处理。",
            "6. 项目块不够时，可运行 zjcredit template annex2 --projects 5（数字为需要的项目数）重新生成；未使用的项目块留空即可。",
            *_common_guide(),
            "7. 报送：申报表报分中心和当地教育行政主管部门备案。报送前可运行 zjcredit validate 文件名 检查。",
        ],
        st,
    )


# Outcomes -------------------------------------------------------------------------------------------


def _outcomes(wb: Any, st: _Styles) -> None:
    from openpyxl.utils import get_column_letter

    fields = schema.OUTCOMES.fields
    ws = wb.active
    ws.title = "学习成果"
    ranges = _lists_sheet(wb, schema.OUTCOMES.names, st)
    dvs = _Validations(ranges)
    _title(ws, schema.OUTCOMES.title_zh, len(fields), st)
    header = 2
    first, end = header + 1, header + OUTCOME_ROWS
    _table(ws, fields, header, OUTCOME_ROWS, st, dvs)
    ws.row_dimensions[header].height = 28
    dvs.apply(ws)
    ws.freeze_panes = f"A{first}"
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(fields))}{end}"
    ws.print_title_rows = f"{header}:{header}"
    print_setup(ws, landscape=True, centered=True)

    _guide_sheet(
        wb,
        "填表说明（学习成果登记表）",
        [
            "1. 每位学员的每门课程成果填写一行。项目编码、课程编码必须与分中心发布的季度培训项目目录一致（浙学银〔2019〕2号 三（二））。",
            "2. 身份证号填写 18 位公民身份号码（末位可为 X）。本列已设为文本格式；若身份证号显示为 3.30106E+17 之类，说明已被 Excel 当作数字，后三位已丢失，必须按文本重新录入。",
            "3. 联系电话填手机号（11 位）或座机（区号-号码）；机构代码为“学分银行”系统生成的本机构代码。",
            f"4. 考核结果填写{'、'.join(vocab.RESULT_GRADES)}之一，或 0–100 的分数；学时数不超过该课程在目录中的学时。",
            "5. 完成日期写成 2019-05-05 的形式，不能早于项目所在目录期次的开始，也不能晚于今天。",
            "6. 双证制的成果请在备注中注明“双证制”，年度考核统计时单列（浙学银〔2019〕2号 四（五））。",
            "7. 行数不够时可在表格末尾续加行，请保持各列格式不变。",
            "8. 报送前请运行 zjcredit outcomes check 文件名 --catalog 项目目录.xlsx 检查，再按分中心要求录入学分银行系统。",
        ],
        st,
    )


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


# Writing ---------------------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[..., None]] = {
    "annex1": lambda wb, st, projects: _annex1(wb, st),
    "annex2": lambda wb, st, projects: _annex2(wb, st, projects),
    "outcomes": lambda wb, st, projects: _outcomes(wb, st),
}


def build_workbook(kind: str, projects: int = 2) -> Any:
    """The template as an openpyxl Workbook (not yet saved)."""
    from openpyxl import Workbook

    if kind not in BUILDERS:
        raise UsageError(
            f"没有名为“{kind}”的模板；可用的模板：{'、'.join(BUILDERS)}。",
            f"There is no template named '{kind}'; available: {', '.join(BUILDERS)}.",
        )
    if not 1 <= projects <= 50:
        raise UsageError("--projects 须在 1 到 50 之间。", "--projects must be between 1 and 50.")
    wb = Workbook()
    BUILDERS[kind](wb, _Styles(), projects)
    # The hidden list sheet goes last, after the visible 填表说明.
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    wb.active = 0
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.title = {"annex1": schema.ANNEX1.title_zh, "annex2": "浙江省成人学校社会培训项目申报表", "outcomes": schema.OUTCOMES.title_zh}[kind]
    return wb


def workbook_bytes(wb: Any) -> bytes:
    """Save ``wb`` to bytes that depend only on its content: fixed times, fixed zip entry dates.

    openpyxl stamps ``modified`` and its own version at save time, and zip entries with the clock; all
    are replaced. Entries are stored uncompressed so the bytes do not depend on the zlib build either.
    """
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            elif info.filename == "docProps/app.xml":
                data = re.sub(rb"<Application>[^<]*</Application>", b"<Application>zjcredit</Application>", data)
                data = re.sub(rb"<AppVersion>[^<]*</AppVersion>", b"<AppVersion>1.0</AppVersion>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_STORED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            zout.writestr(entry, data)
    return out.getvalue()


def template_bytes(kind: str, projects: int = 2) -> bytes:
    return workbook_bytes(build_workbook(kind, projects))


def write_template(kind: str, target: Path, *, force: bool, projects: int = 2) -> Path:
    """Write the blank ``kind`` template to ``target`` atomically; refuse to overwrite without force."""
    if target.suffix.lower() != ".xlsx":
        raise UsageError(
            f"模板只能保存为 .xlsx 文件，请把 {target} 改为以 .xlsx 结尾的文件名。",
            f"Templates are written as .xlsx; give {target} a name ending in .xlsx.",
        )
    data = template_bytes(kind, projects)
    return write_atomic(target, lambda tmp: tmp.write_bytes(data), force=force)
