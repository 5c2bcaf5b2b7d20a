"""The learner-outcome sheet (学习成果登记表): one row per learner and course, the input of
``zjcredit outcomes check``. Its columns are :data:`zjcredit.domain.schema.OUTCOMES`.

Two forms: the blank template (``zjcredit template outcomes``), and one prefilled for an institution from a
catalog (``zjcredit template outcomes --catalog``, :func:`build_for_institution`): its 机构代码 filled in by a
formula, its own 项目编码 and 课程编码 as drop-downs, the chosen course's name and hours shown beside the code
by a look-up formula, and 学时数 and 完成日期 held to the catalog. Every formula is ours; an empty row's
formulas give "" (read as an empty cell), so blank rows stay blank for the checker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from zjcredit.domain import schema, vocab
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.guide import guide_sheet
from zjcredit.templates.lists import LISTS_SHEET, Validations, lists_sheet
from zjcredit.templates.style import Styles, header_text, print_setup, table, title, value_cell

ROWS = 200  # empty table rows prepared below the header
HEADER_ROW = 2
# Widths that print the twelve columns on A4 landscape at nearly full size.
WIDTHS: dict[str, float] = {
    "序号": 5,
    "姓名": 8,
    "身份证号": 21,
    "联系电话": 13,
    "机构代码": 12,
    "项目编码": 18,
    "课程编码": 21,
    "学时数": 6.5,
    "考核结果": 8,
    "完成日期": 11,
    "成果形式": 10,
    "备注": 12,
}
HEADER_HEIGHT = 36


def build(wb: Any, st: Styles, options: TemplateOptions) -> None:
    """The 学习成果 sheet: title, a filterable table with frozen header, then the guide."""
    from openpyxl.utils import get_column_letter

    fields = schema.OUTCOMES.fields
    ws = wb.active
    ws.title = "学习成果"
    dvs = Validations(lists_sheet(wb, schema.OUTCOMES.names, st))
    title(ws, schema.OUTCOMES.title_zh, len(fields), st)
    first, end = HEADER_ROW + 1, HEADER_ROW + ROWS
    dvs.extend(table(ws, fields, HEADER_ROW, ROWS, st, WIDTHS))
    ws.row_dimensions[HEADER_ROW].height = HEADER_HEIGHT
    dvs.apply(ws)
    last = get_column_letter(len(fields))
    ws.freeze_panes = f"A{first}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{end}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    # The prepared rows are empty but bordered: a print area makes every printer print them as a form
    # (LibreOffice leaves out trailing runs of identically formatted empty rows otherwise).
    ws.print_area = f"A1:{last}{end}"
    print_setup(ws, landscape=True, centered=True)
    guide_sheet(wb, "填表说明（学习成果登记表）", _guide_lines(), st)


def _guide_lines() -> list[str]:
    return [
        "1. 每位学员的每门课程成果填写一行。项目编码、课程编码必须与分中心发布的季度培训项目目录一致（浙学银〔2019〕2号 三（二））。",
        "2. 身份证号填写 18 位公民身份号码（末位可为 X）。本列已设为文本格式；若身份证号显示为 3.30106E+17 之类，说明已被 Excel 当作数字，后三位已丢失，必须按文本重新录入。",
        "3. 联系电话填手机号（11 位）或座机（区号-号码）；机构代码为“学分银行”系统生成的本机构代码。",
        f"4. 考核结果填写{'、'.join(vocab.RESULT_GRADES)}之一，或 0–100 的分数；学时数不超过该课程在目录中的学时。",
        "5. 完成日期写成 2019-05-05 的形式，不能早于项目所在目录期次的开始，也不能晚于今天。",
        "6. 双证制的成果请在备注中注明“双证制”，年度考核统计时单列（浙学银〔2019〕2号 四（五））。",
        "7. 行数不够时可在表格中间插入行（插入的行会一并打印），请保持各列格式不变。",
        "8. 填好后交分中心检查，再按分中心要求录入学分银行系统。",
    ]


TEMPLATE = Template(kind="outcomes", file_name="学习成果表.xlsx", title=schema.OUTCOMES.title_zh, build=build)


# Prefilled for one institution ---------------------------------------------------------------------------

# The two look-up columns (grey): no outcome field, so the readers pass over them.
AUTO_NAME = "课程名称"
AUTO_HOURS = "课程学时"
NOT_OURS = "不是本机构的课程编码"
NARROWER = {"备注": 10}  # room for the two look-up columns on the same A4 width
WRONG_PROJECT = "课程不属于所填项目"


@dataclass(frozen=True)
class CatalogCourseLine:
    code: str
    project_code: str
    name: str | None
    hours: float | None


@dataclass(frozen=True)
class InstitutionCatalog:
    """What an institution's prefilled sheet offers: its code and name, its catalog projects and courses."""

    org_code: str
    org_name: str | None
    periods: tuple[str, ...]
    projects: tuple[tuple[str, str | None], ...]  # (项目编码, 项目名称)
    courses: tuple[CatalogCourseLine, ...]
    earliest: dt.date | None  # the earliest start of its periods: no 完成日期 before it
    rows: int = ROWS


def _columns() -> list[tuple[str, schema.Field | None, float]]:
    """The prefilled sheet's columns: the outcome fields, with the two look-up columns after 课程编码."""
    out: list[tuple[str, schema.Field | None, float]] = []
    for f in schema.OUTCOMES.fields:
        out.append((f.name, f, WIDTHS[f.name]))
        if f.name == "课程编码":
            out.extend([(AUTO_NAME, None, 16), (AUTO_HOURS, None, 6.5)])
    return [(n, f, NARROWER.get(n, w)) for n, f, w in out]


def build_for_institution(wb: Any, st: Styles, inst: InstitutionCatalog) -> None:
    """The 学习成果 sheet prefilled for ``inst`` (see the module docstring), then its guide."""
    from openpyxl.utils import get_column_letter

    ws = wb.active
    ws.title = "学习成果"
    dvs = Validations(lists_sheet(wb, ["考核结果", "成果形式"], st))
    lookup = _lookup_lists(wb[LISTS_SHEET], inst, st)
    columns = _columns()
    letter = {name: get_column_letter(i) for i, (name, _, _) in enumerate(columns, start=1)}
    header, first = 3, 4
    end = header + inst.rows
    title(ws, schema.OUTCOMES.title_zh, len(columns), st)
    _institution_line(ws, inst, len(columns), st)
    for c, (name, field, width) in enumerate(columns, start=1):
        cell = ws.cell(row=header, column=c, value=header_text(name, width))
        cell.font, cell.fill, cell.alignment, cell.border = st.label_font, st.header_fill, st.center, st.border
        ws.column_dimensions[get_column_letter(c)].width = width
        for r in range(first, end + 1):
            body = value_cell(ws, f"{letter[name]}{r}", st, field)
            if field is None or name == "机构代码":
                body.fill = st.auto_fill
    ws.row_dimensions[header].height = HEADER_HEIGHT
    _formulas(ws, letter, lookup, first, end)
    for name in ("联系电话", "考核结果", "成果形式", "备注"):
        dvs.add(name, f"{letter[name]}{first}:{letter[name]}{end}")
    dvs.apply(ws)
    from openpyxl.worksheet.datavalidation import DataValidation

    auto = DataValidation(allow_blank=True, showInputMessage=True, promptTitle="自动填写", prompt="灰色的格子由公式自动填写，请勿改动。")
    for name in ("机构代码", AUTO_NAME, AUTO_HOURS):
        auto.add(f"{letter[name]}{first}:{letter[name]}{end}")
    ws.add_data_validation(auto)
    _validations(ws, letter, lookup, inst, first, end)
    last = get_column_letter(len(columns))
    ws.freeze_panes = f"C{first}"
    ws.auto_filter.ref = f"A{header}:{last}{end}"
    ws.print_title_rows = f"{header}:{header}"
    print_setup(ws, landscape=True, centered=True)
    guide_sheet(wb, "填表说明（学习成果登记表）", _institution_guide(inst), st)


def _institution_line(ws: Any, inst: InstitutionCatalog, width: int, st: Styles) -> None:
    from zjcredit.report.output import set_text

    text = f"机构代码：{inst.org_code}　　申报单位：{inst.org_name or '—'}　　目录期次：{'、'.join(inst.periods) or '—'}"
    set_text(ws.cell(row=2, column=1), text)
    ws.cell(row=2, column=1).font = st.label_font
    ws.cell(row=2, column=1).alignment = st.left_plain
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.row_dimensions[2].height = 22


@dataclass(frozen=True)
class _Lookup:
    org: str  # absolute reference of the cell holding the 机构代码
    projects: str  # range of the project codes
    course_codes: str  # range of the course codes
    table: str  # course code | name | hours, whole columns, for VLOOKUP


def _lookup_lists(ls: Any, inst: InstitutionCatalog, st: Styles) -> _Lookup:
    """The institution's codes on the hidden 代码表, right of the shared lists. Their headers are
    deliberately no canonical header, so no reader takes 代码表 for a catalog or an outcome sheet."""
    from openpyxl.utils import get_column_letter

    from zjcredit.report.output import set_text

    start = ls.max_column + 1
    heads = ("本机构代码值", "本机构项目编码", "本机构课程编码", "目录课程名称", "目录课程学时")
    for i, head in enumerate(heads):
        ls.cell(row=1, column=start + i, value=head).font = st.label_font
        ls.column_dimensions[get_column_letter(start + i)].width = 24
    set_text(ls.cell(row=2, column=start), inst.org_code)
    for r, (code, _) in enumerate(inst.projects, start=2):
        set_text(ls.cell(row=r, column=start + 1), code)
    for r, course in enumerate(inst.courses, start=2):
        set_text(ls.cell(row=r, column=start + 2), course.code)
        set_text(ls.cell(row=r, column=start + 3), course.name)
        ls.cell(row=r, column=start + 4, value=course.hours)
    org, proj, code, hours = (get_column_letter(start + i) for i in (0, 1, 2, 4))
    sheet = f"'{LISTS_SHEET}'"
    return _Lookup(
        org=f"{sheet}!${org}$2",
        projects=f"{sheet}!${proj}$2:${proj}${max(2, len(inst.projects) + 1)}",
        course_codes=f"{sheet}!${code}$2:${code}${max(2, len(inst.courses) + 1)}",
        table=f"{sheet}!${code}:${hours}",
    )


def _formulas(ws: Any, letter: dict[str, str], lookup: _Lookup, first: int, end: int) -> None:
    """机构代码 once a learner is entered; the chosen course's name and hours. A blank row gives ""."""
    name, phone = letter["姓名"], letter["联系电话"]
    project, course = letter["项目编码"], letter["课程编码"]
    for r in range(first, end + 1):
        p, c = f"${project}{r}", f"${course}{r}"
        ws[f"{letter['机构代码']}{r}"] = f'=IF(COUNTA(${name}{r}:${phone}{r})=0,"",{lookup.org})'
        ws[f"{letter[AUTO_NAME]}{r}"] = (
            f'=IF({c}="","",IF(ISNA(MATCH({c},{lookup.course_codes},0)),"{NOT_OURS}",'
            f'IF(AND({p}<>"",LEFT({c},LEN({p})+1)<>{p}&"-"),"{WRONG_PROJECT}",VLOOKUP({c},{lookup.table},2,FALSE))))'
        )
        ws[f"{letter[AUTO_HOURS]}{r}"] = f'=IF({c}="","",IFERROR(VLOOKUP({c},{lookup.table},3,FALSE),""))'


def _validations(ws: Any, letter: dict[str, str], lookup: _Lookup, inst: InstitutionCatalog, first: int, end: int) -> None:
    """Drop-downs limited to the institution's codes; 学时数 within the course's hours; 完成日期 within the
    periods and not after today; an 18-character resident ID."""
    from openpyxl.worksheet.datavalidation import DataValidation

    def add(column: str, dv: Any) -> None:
        dv.add(f"{letter[column]}{first}:{letter[column]}{end}")
        ws.add_data_validation(dv)

    def rule(kind: str, formula1: str, title: str, error: str, prompt: str, style: str = "stop", **kw: Any) -> Any:
        return DataValidation(type=kind, formula1=formula1, allow_blank=True, showErrorMessage=True, errorStyle=style, errorTitle=title, error=error, showInputMessage=True, promptTitle=title, prompt=prompt, **kw)

    add("项目编码", rule("list", lookup.projects, "项目编码", "只能选择本机构在目录中的项目编码。", "请从下拉列表选择本机构的项目编码。"))
    add("课程编码", rule("list", lookup.course_codes, "课程编码", "只能选择本机构在目录中的课程编码。", "请从下拉列表选择课程编码；右侧显示课程名称和学时。"))
    hours, course = letter["学时数"], letter["课程编码"]
    cap = f"IFERROR(VLOOKUP(${course}{first},{lookup.table},3,FALSE),{hours}{first})"
    add("学时数", rule("custom", f"AND(ISNUMBER({hours}{first}),{hours}{first}>0,{hours}{first}<={cap})", "学时数", "学时数须为大于 0 的数字，且不超过该课程在目录中的学时。", "填写数字，不超过右侧课程学时。"))
    start = inst.earliest or dt.date(2000, 1, 1)
    add(
        "完成日期",
        rule("date", f"DATE({start.year},{start.month},{start.day})", "完成日期", f"完成日期须在 {start.isoformat()} 之后，且不晚于今天。", "日期，如 2019-05-05。", operator="between", formula2="TODAY()"),
    )
    ident = letter["身份证号"]
    add("身份证号", rule("custom", f"OR(LEN({ident}{first})=18,LEN({ident}{first})=15)", "身份证号", "身份证号应为 18 位（末位可为 X）。", "18位公民身份号码，末位可为 X。本列为文本格式。", style="warning"))


def _institution_guide(inst: InstitutionCatalog) -> list[str]:
    return [
        f"1. 本表是{inst.org_name or inst.org_code}（机构代码 {inst.org_code}）的学习成果登记表，按分中心发布的季度培训项目目录（{'、'.join(inst.periods) or '—'}）预先设置。每位学员的每门课程成果填写一行。",
        "2. 项目编码、课程编码请从下拉列表中选择，列表中只有本机构在目录中的项目和课程；选好课程编码后，右侧灰色的“课程名称”“课程学时”两列会显示该课程的名称和学时，请核对。",
        f"3. 若右侧显示“{WRONG_PROJECT}”，说明课程编码与所填项目编码不对应，请改选。",
        "4. 灰色的格子由公式自动填写：机构代码在填写姓名后自动填入，课程名称和课程学时随课程编码显示，请勿改动。",
        "5. 身份证号填写 18 位公民身份号码（末位可为 X），本列为文本格式；联系电话填手机号（11 位）或座机（区号-号码）。",
        f"6. 学时数不超过该课程的学时；考核结果选{'、'.join(vocab.RESULT_GRADES)}之一，或填 0–100 的分数；完成日期不能早于目录期次的开始，也不能晚于今天。",
        "7. 双证制的成果请在备注中注明“双证制”，年度考核统计时单列（浙学银〔2019〕2号 四（五））。",
        "8. 行数不够时可在表格中间插入行，或复制整行粘贴到末尾，以保留各列的下拉列表和公式。",
        "9. 填好后交分中心检查，再按分中心要求录入学分银行系统。",
    ]


def institution_title(inst: InstitutionCatalog) -> str:
    """The prefilled workbook's document title."""
    return f"{schema.OUTCOMES.title_zh}（{inst.org_name or inst.org_code}）"

