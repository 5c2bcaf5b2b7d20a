"""The process ledger (过程性台账) of one training project: the five parts of 规范内容 二(二) as five sheets,
each under the same title block (项目名称, 项目编码, 机构代码, 申报单位), then the 填表说明.

The parts' columns are :data:`zjcredit.domain.schema.LEDGER_PARTS`; here is only their placement. The sign-in
sheet is a grid: one row per learner, one column per session (第1次 … with the session's date in the cell
below), a √ / × / 请假 drop-down in each mark cell. Blank (``zjcredit template ledger``), or filled for one
catalog project (``--catalog --project``: :class:`LedgerHeading`, the title blocks and the course design
filled in). The reader of kept ledgers is :mod:`zjcredit.documents.ledger`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from zjcredit.domain import schema
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.guide import guide_sheet
from zjcredit.templates.lists import LISTS_SHEET, Validations, lists_sheet
from zjcredit.templates.save import stamp_properties, workbook_bytes
from zjcredit.templates.style import (
    Styles,
    label_cell,
    merge,
    page_header_footer,
    print_setup,
    title,
    value_cell,
)

TITLE = "社会培训项目过程性台账"
FILE_NAME = "过程台账.xlsx"
SESSIONS = 10  # session columns of the sign-in grid (more can be added on the right)
SESSION_WIDTH = 9.5
LEARNER_ROWS = 50
DESIGN_ROWS = 12
RECORD_ROWS = 20
TITLE_ROWS = ("项目名称", ("项目编码", "机构代码"), "申报单位")  # the title block, one entry per line
HEADER_ROW = 2 + len(TITLE_ROWS)  # under the sheet title and the title block
MARKS = ("√", "×", "请假")
ROW_HEIGHT = 20  # prepared lines are written in by hand
SIGNIN_HEIGHT = 24  # … and signed in
SIGNIN_NOTE = "说明：在“第N次”下面一格填写这次课的日期（如 3月5日）；到课打 √，缺勤打 × 或留空，请假写“请假”；也可由学员本人签名。课次不够时在右侧续加列。"
DAY_FORMAT = 'm"月"d"日"'
# (label, value) columns of a title line need at least these widths (character units).
LABEL_WIDTH, VALUE_WIDTH = 10, 18
ROSTER, SIGNIN, DESIGN, RECORDS, EVALUATION = schema.LEDGER_PARTS


@dataclass(frozen=True)
class LedgerHeading:
    """One catalog project, as its ledger is filled in from the catalog."""

    code: str
    name: str | None = None
    org_name: str | None = None
    org_code: str | None = None
    courses: tuple[tuple[str | None, float | None, str | None], ...] = ()  # (课程名称, 学时, 授课教师)
    learners: int = LEARNER_ROWS  # rows prepared on the roster, sign-in and evaluation sheets

    def value(self, name: str) -> str | None:
        return {"项目名称": self.name, "项目编码": self.code, "机构代码": self.org_code, "申报单位": self.org_name}.get(name)


@dataclass(frozen=True)
class LedgerOptions(TemplateOptions):
    heading: LedgerHeading | None = None


@dataclass
class _Sheet:
    """A part's sheet being laid out: its columns' fields and widths."""

    ws: Any
    fields: list[schema.Field]
    widths: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.widths = self.widths or [f.width for f in self.fields]

    @property
    def last(self) -> int:
        return len(self.widths)


def build(wb: Any, st: Styles, options: TemplateOptions) -> None:
    """The five part sheets, the guide and the hidden lists (考核方式, 考核结果)."""
    heading = getattr(options, "heading", None)
    rows = heading.learners if heading is not None else LEARNER_ROWS
    ranges = lists_sheet(wb, ["考核方式", "考核结果"], st)
    first = wb.active
    _table_sheet(wb, ROSTER, heading, rows, st, Validations(ranges))
    _signin_sheet(wb, heading, rows, st)
    design_rows = max(DESIGN_ROWS, len(heading.courses) + 4) if heading is not None else DESIGN_ROWS
    _table_sheet(wb, DESIGN, heading, design_rows, st, Validations(ranges))
    _table_sheet(wb, RECORDS, heading, RECORD_ROWS, st, Validations(ranges))
    _table_sheet(wb, EVALUATION, heading, rows, st, Validations(ranges))
    wb.remove(first)
    guide_sheet(wb, "填表说明（过程性台账）", _guide_lines(), st)


def _segments(widths: Sequence[float]) -> list[tuple[int, int]]:
    """Split the columns (1-based, inclusive) into label | value | label | value runs wide enough to hold
    their text; the last run takes the rest."""
    targets = (LABEL_WIDTH, VALUE_WIDTH, LABEL_WIDTH, VALUE_WIDTH)
    out: list[tuple[int, int]] = []
    col = 1
    for k, target in enumerate(targets):
        start, total = col, 0.0
        while col <= len(widths) and (total < target or (k == len(targets) - 1)):
            total += widths[col - 1]
            col += 1
        out.append((start, max(start, col - 1)))
    return out


def _span(ws: Any, row: int, cols: tuple[int, int], st: Styles) -> str:
    from openpyxl.utils import get_column_letter

    ref = f"{get_column_letter(cols[0])}{row}"
    if cols[1] > cols[0]:
        merge(ws, f"{ref}:{get_column_letter(cols[1])}{row}", st)
    return ref


def _title_block(sheet: _Sheet, part: str, heading: LedgerHeading | None, st: Styles) -> None:
    """Row 1: the part's title; rows 2–4: the project's label | value lines (read back by label)."""
    ws = sheet.ws
    title(ws, f"{part}", sheet.last, st)
    label1, value1, label2, value2 = _segments(sheet.widths)
    for row, line in enumerate(TITLE_ROWS, start=2):
        pairs = [(line, label1, (value1[0], sheet.last))] if isinstance(line, str) else [(line[0], label1, value1), (line[1], label2, value2)]
        for name, label_cols, value_cols in pairs:
            label_cell(ws, _span(ws, row, label_cols, st), name, st)
            ref = _span(ws, row, value_cols, st)
            cell = value_cell(ws, ref, st, schema.LEDGER_TITLE[[f.name for f in schema.LEDGER_TITLE].index(name)])
            if heading is not None and heading.value(name):
                cell.value = heading.value(name)
        ws.row_dimensions[row].height = 22


def _columns(sheet: _Sheet, st: Styles) -> None:
    from openpyxl.utils import get_column_letter

    for c, width in enumerate(sheet.widths, start=1):
        sheet.ws.column_dimensions[get_column_letter(c)].width = width


def _header(sheet: _Sheet, st: Styles, row: int = HEADER_ROW) -> None:
    for c, f in enumerate(sheet.fields, start=1):
        cell = sheet.ws.cell(row=row, column=c, value=f.name)
        cell.font, cell.fill, cell.alignment, cell.border = st.label_font, st.header_fill, st.center, st.border
    sheet.ws.row_dimensions[row].height = 24


def _table_sheet(wb: Any, part: str, heading: LedgerHeading | None, rows: int, st: Styles, dvs: Validations) -> None:
    """A part kept as a plain table: title block, header, ``rows`` formatted lines."""
    from openpyxl.utils import get_column_letter

    table_schema = schema.LEDGER_PARTS[part][0]
    sheet = _Sheet(wb.create_sheet(part), list(table_schema.fields))
    _columns(sheet, st)
    _title_block(sheet, part, heading, st)
    _header(sheet, st)
    first, end = HEADER_ROW + 1, HEADER_ROW + rows
    for c, f in enumerate(sheet.fields, start=1):
        letter = get_column_letter(c)
        for r in range(first, end + 1):
            value_cell(sheet.ws, f"{letter}{r}", st, f)
        dvs.add(f.name, f"{letter}{first}:{letter}{end}")
    _numbered(sheet.ws, first, end, st)
    if part == DESIGN and heading is not None:
        col = {f.name: c for c, f in enumerate(sheet.fields, start=1)}
        for k, course in enumerate(heading.courses, start=1):
            for name, value in zip(("课程名称", "学时", "授课教师"), course):
                sheet.ws.cell(row=first + k - 1, column=col[name], value=value)
    dvs.apply(sheet.ws)
    _finish(sheet, first, end, False, heading)


def _numbered(ws: Any, first: int, end: int, st: Styles, height: float = ROW_HEIGHT) -> None:
    """序号 1, 2, … down column A of the prepared lines, each line tall enough to write in by hand (a line
    holding only its 序号 is no record)."""
    for r in range(first, end + 1):
        cell = ws.cell(row=r, column=1, value=r - first + 1)
        cell.alignment = st.center
        ws.row_dimensions[r].height = height


def _finish(sheet: _Sheet, first: int, end: int, landscape: bool, heading: LedgerHeading | None, header_rows: int = 1) -> None:
    """Frozen header, printed on every page under a line naming the part (and the project), page numbers."""
    from openpyxl.utils import get_column_letter

    ws = sheet.ws
    last = get_column_letter(sheet.last)
    ws.freeze_panes = f"A{first}"
    ws.print_title_rows = f"{first - header_rows}:{first - 1}"
    # The prepared lines are empty but bordered: a print area prints them as a form everywhere.
    ws.print_area = f"A1:{last}{end}"
    print_setup(ws, landscape=landscape, centered=True)
    project = " ".join(t for t in (heading.code, heading.name) if t) if heading is not None else ""
    page_header_footer(ws, header_left=f"过程性台账 · {ws.title}", header_right=project)


def _signin_sheet(wb: Any, heading: LedgerHeading | None, rows: int, st: Styles) -> None:
    """The sign-in grid: 序号 | 姓名 | 身份证号 | 第1次 … 第10次, the dates in the row under 第N次."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fields = [schema.LEDGER_SIGNIN.field(n) for n in ("序号", "姓名", "身份证号")]
    widths = [f.width for f in fields] + [SESSION_WIDTH] * SESSIONS
    sheet = _Sheet(wb.create_sheet(SIGNIN), fields, widths)
    ws = sheet.ws
    _columns(sheet, st)
    _title_block(sheet, SIGNIN, heading, st)
    date_row = HEADER_ROW + 1
    _header(sheet, st)
    for c in range(1, len(fields) + 1):
        letter = get_column_letter(c)
        merge(ws, f"{letter}{HEADER_ROW}:{letter}{date_row}", st)
    first, end = date_row + 1, date_row + rows
    for k in range(SESSIONS):
        c = len(fields) + 1 + k
        label = ws.cell(row=HEADER_ROW, column=c, value=f"第{k + 1}次")
        label.font, label.fill, label.alignment, label.border = st.label_font, st.header_fill, st.center, st.border
        day = value_cell(ws, f"{get_column_letter(c)}{date_row}", st)
        day.number_format, day.alignment = DAY_FORMAT, st.center
    ws.row_dimensions[date_row].height = 22
    for c, f in enumerate(sheet.widths, start=1):
        letter = get_column_letter(c)
        for r in range(first, end + 1):
            cell = value_cell(ws, f"{letter}{r}", st, fields[c - 1] if c <= len(fields) else None)
            if c > len(fields):
                cell.alignment = st.center
    _numbered(ws, first, end, st, SIGNIN_HEIGHT)
    note = ws.cell(row=end + 1, column=1, value=SIGNIN_NOTE)
    note.font, note.alignment = st.body_font, st.left
    ws.merge_cells(f"A{end + 1}:{get_column_letter(sheet.last)}{end + 1}")
    ws.row_dimensions[end + 1].height = 30
    marks = f"{get_column_letter(len(fields) + 1)}{first}:{get_column_letter(sheet.last)}{end}"
    days = f"{get_column_letter(len(fields) + 1)}{date_row}:{get_column_letter(sheet.last)}{date_row}"
    mark_dv = DataValidation(
        type="list", formula1='"' + ",".join(MARKS) + '"', allow_blank=True, showErrorMessage=False,
        showInputMessage=True, promptTitle="签到", prompt="到课打 √，缺勤打 ×（或留空），请假写“请假”；也可由学员本人签名。",
    )
    mark_dv.add(marks)
    day_dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle="日期", prompt="这次课的日期，如 3月5日 或 2019-03-05。")
    day_dv.add(days)
    ws.add_data_validation(mark_dv)
    ws.add_data_validation(day_dv)
    _finish(sheet, first, end + 1, True, heading, header_rows=2)


def _guide_lines() -> list[str]:
    return [
        "1. 每个培训项目一份过程性台账（浙学银〔2019〕2号 规范内容 二（二））：学员信息表、签到表、项目课程设计表、开展情况记录、学习成果评价表，各占一个工作表。请勿改动工作表名称和表头文字。也可以把五个部分分别存为五个文件（以部分名称命名，如“签到表.xlsx”），放在以项目编码命名的文件夹里。",
        "2. 每张表上方的项目名称、项目编码、机构代码、申报单位按季度培训项目目录填写；zjcredit template ledger --catalog 项目目录.xlsx --project 项目编码 生成的台账已填好这几栏和课程设计表。",
        "3. 学员信息表：每位学员一行。身份证号填 18 位公民身份号码（本列为文本格式，请勿改成数字，否则后三位会丢失）；联系电话填手机号或座机（区号-号码）。",
        "4. 签到表：每位学员一行，姓名、身份证号与学员信息表一致；每次课一列，在“第N次”下面一格填这次课的日期（如 3月5日；不写年份时按项目所在目录期次的年份）。到课打 √，缺勤打 × 或留空，请假写“请假”（按缺勤计）；也可由学员本人签名。课次多于 10 次时在右侧续加列。",
        "5. 项目课程设计表：按目录中的课程填写课程名称、学时、授课教师和授课日期；同一门课分几次上的可以写几行。各行学时合计应等于项目的学时数。",
        "6. 开展情况记录：每次课一行，写明日期、地点、培训内容、参加人数和记录人。参加人数应与签到表中当天签到的人数一致；每个有签到的日期都应有记录。",
        "7. 学习成果评价表：每位学员一行，考核结果从下拉列表选择（合格、不合格、优秀、良好、中等、及格）或填 0–100 的分数。出勤不到三分之二的学员考核合格，检查时会提示核实；存入学分银行的学习成果应与本表的考核结果一致。",
        "8. 日期写成 2019-03-05 或 3月5日；行数不够时可在表格中间插入行，请保持各列格式不变。",
        "9. 检查：zjcredit ledger check 台账文件或文件夹 --catalog 项目目录.xlsx（加 --outcomes 成果表.xlsx 可同时核对学习成果）。",
    ]


TEMPLATE = Template(kind="ledger", file_name=FILE_NAME, title=TITLE, build=build)


def filled_bytes(heading: LedgerHeading) -> bytes:
    """The ledger of one catalog project, its title blocks and course design filled in (deterministic bytes,
    made as the registry makes every template: hidden lists last, first sheet active, our properties)."""
    from openpyxl import Workbook

    wb = Workbook()
    build(wb, Styles(), LedgerOptions(heading=heading))
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    wb.active = 0
    stamp_properties(wb, f"{TITLE}（{heading.code}）")
    return workbook_bytes(wb)
