"""Writing the catalog workbook a sub-center publishes: sheets 项目目录 and 课程目录, each under a title row
(``杭州市西湖区 2019年第一、二季度 社会培训项目目录``), numbered by 序号, with a 状态 column when rebuilt from a
previous version (作废 rows struck through); and a 说明 sheet saying what was built, from which files, which
files were left out and why, and how the codes were given.

Printed, every page of a table repeats its header row and carries the catalog's name and compile date
above and 第 N 页 共 M 页 below; widths are chosen so that A4 landscape (projects) or portrait (courses)
shows the text at 9 pt or more: long texts wrap, codes never do. The two columns the title already states
(所在市, 目录期次) stand last and outside the print area.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjcredit import __version__
from zjcredit.documents.catalog.codes import ORDER_ZH, VOID, Coded
from zjcredit.domain.schema import CATALOG_COURSES, CATALOG_PROJECTS, Field

SEQ, STATUS = "序号", "状态"
FONT_SIZE = 10
TITLE_SIZE = 14
# Printed columns of 项目目录, in order, with their widths; the columns after them are not printed.
PROJECT_WIDTHS: dict[str, float] = {
    SEQ: 5,
    STATUS: 6.5,
    "项目编码": 18,
    "项目名称": 16,
    "项目类别": 12,
    "培训对象": 12,
    "培训形式": 8.5,
    "培训规模": 6,
    "培训时数": 6,
    "学时数": 6,
    "成果形式": 8.5,
    "考核方式": 8.5,
    "申报单位": 18,
    "机构代码": 12,
    "所在县": 7.5,
}
UNPRINTED = {"所在市": 8, "目录期次": 9}
COURSE_PROJECT_NAME = "项目名称"  # shown beside each course for the reader; no catalog field
COURSE_WIDTHS: dict[str, float] = {SEQ: 5, STATUS: 6.5, "课程编码": 21, "项目编码": 18, COURSE_PROJECT_NAME: 16, "课程名称": 18, "课程学时": 6, "授课教师": 10}
PERIOD_PARTS = {"H1": "第一、二季度", "Q3": "第三季度", "Q4": "第四季度"}


@dataclass
class CatalogNotes:
    """What the 说明 sheet and the page headers say besides the codes."""

    period: str
    date: dt.date
    region: str  # 杭州市西湖区 / 杭州市 / 浙江省: whose catalog it is
    used: list[str] = field(default_factory=list)  # source files that gave projects, each with a note
    excluded: list[tuple[str, str]] = field(default_factory=list)  # (file, why it gave none)
    previous: Path | None = None
    review: Path | None = None

    @property
    def title(self) -> str:
        return catalog_title(self.region, self.period)


def catalog_title(region: str, period: str, what: str = "社会培训项目目录") -> str:
    """杭州市西湖区 2019年第一、二季度 社会培训项目目录."""
    return f"{region} {period[:4]}年{PERIOD_PARTS.get(period[4:], period[4:])} {what}"


def write_catalog(output: Path, coded: Coded, notes: CatalogNotes, force: bool, inputs: list[Path]) -> None:
    """Write the workbook to ``output`` atomically (never over an input, over an existing file only with ``force``)."""
    from zjcredit.report.output import mark_output, write_atomic
    from zjcredit.templates import workbook_bytes

    data = workbook_bytes(mark_output(catalog_workbook(coded, notes), "catalog"))
    write_atomic(output, lambda tmp: tmp.write_bytes(data), force=force, inputs=inputs)


def catalog_workbook(coded: Coded, notes: CatalogNotes) -> Any:
    from openpyxl import Workbook

    wb = Workbook()
    projects = wb.active
    projects.title = CATALOG_PROJECTS.title_zh
    fields = {f.name: f for f in (*CATALOG_PROJECTS.fields, *CATALOG_COURSES.fields)}
    printed = {k: v for k, v in PROJECT_WIDTHS.items() if k != STATUS or coded.with_status}
    columns = [(name, fields.get(name), width) for name, width in {**printed, **UNPRINTED}.items()]
    _table_sheet(projects, notes.title, notes, columns, len(printed), coded.projects, landscape=True)
    course_cols = {k: v for k, v in COURSE_WIDTHS.items() if k != STATUS or coded.with_status}
    names = {r["项目编码"]: r.get("项目名称") for r in coded.projects}
    courses = [{**r, COURSE_PROJECT_NAME: names.get(r["项目编码"])} for r in coded.courses]
    sheet = wb.create_sheet(CATALOG_COURSES.title_zh)
    columns = [(name, None if name == COURSE_PROJECT_NAME else fields.get(name), width) for name, width in course_cols.items()]
    _table_sheet(sheet, catalog_title(notes.region, notes.period, "社会培训项目课程目录"), notes, columns, len(columns), courses, landscape=False)
    _notes_sheet(wb.create_sheet("说明"), _note_lines(coded, notes), notes)
    props = wb.properties
    props.creator = "zjcredit"
    props.title = notes.title
    props.created = dt.datetime.combine(notes.date, dt.time())
    return wb


def _note_lines(coded: Coded, notes: CatalogNotes) -> list[tuple[str, Any]]:
    period = notes.period
    lines: list[tuple[str, Any]] = [
        ("目录", f"{notes.title}（浙学银〔2019〕2号 三（一））"),
        ("目录期次", f"{period}（{period[:4]} 年{PERIOD_PARTS.get(period[4:], period[4:])}{'合并' if period.endswith('H1') else ''}）"),
        ("编制日期", notes.date),
        ("项目数", len(coded.live_projects)),
        ("课程数", len(coded.live_courses)),
        ("新编码项目数", coded.new_projects),
        ("沿用原编码项目数", coded.kept_codes + coded.carried_over),
    ]
    if coded.with_status:
        lines.append(("作废项目数", coded.voided))
        lines.append(("状态", "新增：本版新编码的项目或课程；沿用：沿用上一版编码；补充课程：沿用编码并新增了课程；作废：审核未通过而撤销的项目及其课程（划线显示，编码不再使用，不能再据此存入学习成果）。"))
    lines += [
        ("上一版目录", str(notes.previous) if notes.previous else "无"),
        ("审核结果表", str(notes.review) if notes.review else "无（通过检查的项目全部收录）"),
        ("编码规则", "项目编码 = 县（市、区）行政区划代码-期次-三位序号，如 330106-2019H1-007；课程编码 = 项目编码-两位序号，如 330106-2019H1-007-01。"),
        ("编号顺序", ORDER_ZH),
        ("课程", "申报时未列课程的项目，按一门与项目同名、学时数相同的课程编码。"),
        ("打印", "“所在市”“目录期次”两列已写在标题中，不打印。"),
        ("生成工具", f"zjcredit {__version__}"),
    ]
    lines.extend(("使用的来源文件" if i == 0 else "", s) for i, s in enumerate(notes.used))
    lines.extend(("未使用的来源文件" if i == 0 else "", f"{path}：{why}") for i, (path, why) in enumerate(notes.excluded))
    return lines


class _Look:
    """The catalog's cell styles, built when a workbook is built."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name="宋体", size=TITLE_SIZE, bold=True)
        self.head = Font(name="宋体", size=FONT_SIZE, bold=True)
        self.text = Font(name="宋体", size=FONT_SIZE)
        self.code = Font(name="Arial", size=FONT_SIZE)  # same digit widths in Excel, WPS and LibreOffice
        self.fill = PatternFill("solid", fgColor="D9E1F2")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.wrap = Alignment(wrap_text=True, vertical="center")
        self.middle = Alignment(vertical="center")
        self.number = Alignment(horizontal="center", vertical="center")


def _table_sheet(ws: Any, title: str, notes: CatalogNotes, columns: list[tuple[str, Field | None, float]], printed: int, rows: list[dict[str, Any]], *, landscape: bool) -> None:
    """Title row, header row, one row per entry; print set-up with repeated header and page numbers."""
    from openpyxl.utils import get_column_letter

    from zjcredit.report.output import set_text
    from zjcredit.templates import fit_row_heights, page_header_footer, print_setup
    from zjcredit.templates.style import header_text

    look = _Look()
    last_printed = get_column_letter(printed)
    ws.cell(row=1, column=1, value=title).font = look.title
    ws.cell(row=1, column=1).alignment = look.center
    ws.merge_cells(f"A1:{last_printed}1")
    ws.row_dimensions[1].height = 30
    for c, (name, _, width) in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=c, value=header_text(name, width))
        cell.font, cell.fill, cell.border, cell.alignment = look.head, look.fill, look.border, look.center
        ws.column_dimensions[get_column_letter(c)].width = width
    protos = [_proto(ws, look, name, f) for name, f, _ in columns]
    struck = [_struck(ws, proto) for proto in protos]
    for i, row in enumerate(rows):
        r = i + 3
        styles = struck if row.get(STATUS) == VOID else protos
        for c, (name, _, _) in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=c)
            cell._style = styles[c - 1]
            set_text(cell, i + 1 if name == SEQ else row.get(name))
    last = len(rows) + 2
    fit_row_heights(ws, 2, last, min_lines=1)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(last, 3)}"
    ws.print_title_rows = "2:2"
    ws.print_area = f"A1:{last_printed}{max(last, 2)}"
    print_setup(ws, landscape=landscape, centered=True)
    page_header_footer(ws, header_left=title, header_right=f"编制日期：{notes.date.isoformat()}")


def _proto(ws: Any, look: _Look, name: str, f: Field | None) -> Any:
    """One column's cell style (built on a detached cell, then copied: per-cell style objects are slow)."""
    from copy import copy

    from openpyxl.cell.cell import Cell

    cell = Cell(ws)
    cell.border = look.border
    code = name == SEQ or (f is not None and f.type in ("code", "int", "number"))
    cell.font = look.code if code else look.text
    cell.number_format = "@" if f is not None and f.text_format else "General"
    if name in (SEQ, STATUS) or (f is not None and f.type in ("int", "number")):
        cell.alignment = look.number
    else:  # long 申报单位/项目名称 wrap; codes stay on one line
        cell.alignment = look.middle if code else look.wrap
    return copy(cell._style)


def _struck(ws: Any, style: Any) -> Any:
    """A 作废 row's style: the column's, struck through in grey."""
    from copy import copy

    from openpyxl.cell.cell import Cell

    cell = Cell(ws)
    cell._style = copy(style)
    font = copy(cell.font)
    font.strike = True
    font.color = "808080"
    cell.font = font
    return copy(cell._style)


def _notes_sheet(ws: Any, lines: list[tuple[str, Any]], notes: CatalogNotes) -> None:
    from openpyxl.styles import Alignment, Font

    from zjcredit.report.output import set_text
    from zjcredit.templates import fit_row_heights, page_header_footer, print_setup

    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 70  # with A, fits a portrait A4 page; long lines wrap
    ws["A1"] = "说明"
    ws["A1"].font = Font(name="宋体", size=TITLE_SIZE, bold=True)
    for i, (key, value) in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=key).font = Font(name="宋体", size=FONT_SIZE + 1, bold=True)
        ws.cell(row=i, column=1).alignment = Alignment(vertical="top", wrap_text=True)
        cell = ws.cell(row=i, column=2)
        set_text(cell, value)
        cell.font = Font(name="宋体", size=FONT_SIZE + 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    fit_row_heights(ws, 2, len(lines) + 1, columns=(1, 2))
    print_setup(ws, landscape=False)
    page_header_footer(ws, header_left=notes.title, header_right=f"编制日期：{notes.date.isoformat()}")


def catalog_region(projects: list[dict[str, Any]]) -> str:
    """Whose catalog it is, from its projects: one county (杭州市西湖区), one city (杭州市), else 浙江省."""
    places = {(r.get("所在市") or "", r.get("所在县") or "") for r in projects}
    cities = {city for city, _ in places}
    if len(places) == 1:
        city, county = next(iter(places))
        if city or county:
            return city + county
    if len(cities) == 1 and next(iter(cities)):
        return next(iter(cities))
    return "浙江省"
