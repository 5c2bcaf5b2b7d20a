"""Writing the catalog workbook: sheets 项目目录 and 课程目录 (one header row, filters, frozen header) and a
说明 sheet saying what was built, from what, and how the codes were given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from zjcredit import __version__
from zjcredit.documents.catalog.codes import ORDER_ZH, Coded
from zjcredit.domain.schema import CATALOG_COURSES, CATALOG_PROJECTS, TableSchema


def write_catalog(output: Path, coded: Coded, period: str, date: dt.date, sources: list[str], previous: Path | None, review: Path | None, force: bool, inputs: list[Path]) -> None:
    """Write the workbook to ``output`` atomically (never over an input, over an existing file only with ``force``)."""
    from zjcredit.report.output import write_atomic
    from zjcredit.templates import workbook_bytes

    data = workbook_bytes(catalog_workbook(coded, period, date, sources, previous, review))
    write_atomic(output, lambda tmp: tmp.write_bytes(data), force=force, inputs=inputs)


def catalog_workbook(coded: Coded, period: str, date: dt.date, sources: list[str], previous: Path | None, review: Path | None) -> Any:
    from openpyxl import Workbook

    wb = Workbook()
    _table_sheet(wb.active, CATALOG_PROJECTS, coded.projects)
    wb.active.title = CATALOG_PROJECTS.title_zh
    _table_sheet(wb.create_sheet(CATALOG_COURSES.title_zh), CATALOG_COURSES, coded.courses)
    label = "第一、二季度合并" if period.endswith("H1") else ("第三季度" if period.endswith("Q3") else "第四季度")
    lines: list[tuple[str, Any]] = [
        ("目录", "季度培训项目目录（浙学银〔2019〕2号 三（一））"),
        ("目录期次", f"{period}（{period[:4]} 年{label}）"),
        ("编制日期", date),
        ("项目数", len(coded.projects)),
        ("课程数", len(coded.courses)),
        ("新编码项目数", coded.new_projects),
        ("沿用原编码项目数", coded.kept_codes + coded.carried_over),
        ("上一版目录", str(previous) if previous else "无"),
        ("审核结果表", str(review) if review else "无（通过检查的项目全部收录）"),
        ("编码规则", "项目编码 = 县（市、区）行政区划代码-期次-三位序号，如 330106-2019H1-007；课程编码 = 项目编码-两位序号，如 330106-2019H1-007-01。"),
        ("编号顺序", ORDER_ZH),
        ("课程", "申报时未列课程的项目，按一门与项目同名、学时数相同的课程编码。"),
        ("生成工具", f"zjcredit {__version__}"),
    ]
    lines.extend(("来源文件" if i == 0 else "", s) for i, s in enumerate(sources))
    _notes_sheet(wb.create_sheet("说明"), lines)
    props = wb.properties
    props.creator = "zjcredit"
    props.title = f"季度培训项目目录 {period}"
    props.created = dt.datetime.combine(date, dt.time())
    return wb


def _notes_sheet(ws: Any, lines: list[tuple[str, Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    from zjcredit.report.output import set_text
    from zjcredit.templates import fit_row_heights, print_setup

    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 80  # with A, fits a portrait A4 page; long lines wrap
    ws["A1"] = "说明"
    ws["A1"].font = Font(size=14, bold=True)
    for i, (key, value) in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=key).font = Font(bold=True)
        ws.cell(row=i, column=1).alignment = Alignment(vertical="top")
        cell = ws.cell(row=i, column=2)
        set_text(cell, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    fit_row_heights(ws, 2, len(lines) + 1, columns=(2,))
    print_setup(ws, landscape=False)


def _table_sheet(ws: Any, schema: TableSchema, rows: list[dict[str, Any]]) -> None:
    from copy import copy

    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from zjcredit.report.output import set_text
    from zjcredit.templates import fit_row_heights, print_setup

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    for c, f in enumerate(schema.fields, start=1):
        cell = ws.cell(row=1, column=c, value=f.name)
        cell.font, cell.fill, cell.border = head_font, fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = f.width
    # One styled cell per column, copied: assigning style objects cell by cell is slow in openpyxl.
    styles = []
    wrap = Alignment(wrap_text=True, vertical="center")
    middle = Alignment(vertical="center")
    for c, f in enumerate(schema.fields, start=1):
        proto = ws.cell(row=2, column=c)
        proto.border = border
        proto.number_format = "@" if f.text_format else "General"
        # Long 申报单位/项目名称 wrap instead of being cut at the next column; codes and numbers stay on one line.
        proto.alignment = wrap if f.type in ("text", "category", "targets") else middle
        styles.append(copy(proto._style))
    for r, row in enumerate(rows, start=2):
        for c, f in enumerate(schema.fields, start=1):
            cell = ws.cell(row=r, column=c)
            cell._style = copy(styles[c - 1])
            set_text(cell, row.get(f.name))
    fit_row_heights(ws, 2, len(rows) + 1)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(schema.fields))
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    ws.print_title_rows = "1:1"
    print_setup(ws, landscape=True)
