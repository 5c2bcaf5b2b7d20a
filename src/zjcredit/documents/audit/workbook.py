"""The verification report workbook: 核查结论 (one row per institution), 县区汇总 (per county), 年度数据 (the
yearly figures with native charts by county and by category) and 问题明细 (every finding, up to a limit).
Print-ready: A4 landscape, one page wide, header rows repeated, frozen and filtered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjcredit.documents.audit.options import AuditOptions
from zjcredit.documents.audit.verdicts import PROBLEM_EN, PROBLEM_ZH, Institution, county_rows
from zjcredit.report import bulk_rows
from zjcredit.report.bulk_rows import BulkRows, save_with_rows
from zjcredit.report.findings import RULES, Finding, Report, Severity
from zjcredit.report.layout import CellStyles, heights_by_row, print_setup
from zjcredit.report.output import set_text, write_atomic

# The findings sheet is for people; the JSON or CSV report lists every finding.
DETAIL_LIMIT = 10_000
VERDICT_FILL = {"ok": "E2EFDA", "distorted": "FFC7CE", "undeclared": "FCE4D6", "materials-missing": "FFF2CC"}
SEVERITY = {"zh": {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}, "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}}
TEXT = {
    "zh": {
        "verdicts": "核查结论", "counties": "县区汇总", "figures": "年度数据", "details": "问题明细",
        "title": "学习成果存入核查结论", "made": "生成日期",
        "verdict_head": ["县（市、区）", "申报单位", "机构代码", "申报项目数", "有成果的项目数", "成果记录数", "有错误的记录", "筛查标出的记录", "缺台账的项目", "台账不完整的项目", "结论", "问题说明"],
        "county_head": ["县（市、区）", "机构数", "通过", "数据严重失真", "申报备案未落实", "缺乏相关材料", "成果记录数", "有错误的记录", "筛查标出的记录"],
        "figure_head": ["成果数（不含双证制）", "学员数", "学时合计", "双证制成果", "未计入（有错误）"],
        "by": {"by_county": "按县（市、区）", "by_institution": "按机构", "by_category": "按项目类别", "by_target": "按培训对象"},
        "detail_head": ["文件", "工作表", "单元格", "行", "字段", "规则", "规则说明", "级别", "说明", "读到的值"],
        "more": "……另有 {n:,} 条问题未在此列出；JSON 或 CSV 报告（--format json|csv）列出全部问题。",
        "unknown": "（未知）", "chart_county": "各县（市、区）成果数", "chart_category": "各项目类别成果数", "count": "成果数",
    },
    "en": {
        "verdicts": "Verdicts", "counties": "By county", "figures": "Figures", "details": "Findings",
        "title": "Verification of deposited learning outcomes", "made": "made on",
        "verdict_head": ["County", "Institution", "Code", "Projects declared", "Projects with outcomes", "Outcome rows", "Rows with errors", "Rows screened", "Projects without ledger", "Ledgers incomplete", "Verdict", "Reasons"],
        "county_head": ["County", "Institutions", "ok", "Distorted", "Undeclared", "Materials missing", "Outcome rows", "Rows with errors", "Rows screened"],
        "figure_head": ["Outcomes (no 双证制)", "Learners", "Hours", "双证制 outcomes", "Excluded (errors)"],
        "by": {"by_county": "By county", "by_institution": "By institution", "by_category": "By category", "by_target": "By target group"},
        "detail_head": ["File", "Sheet", "Cell", "Row", "Field", "Rule", "Rule title", "Severity", "Message", "Value as read"],
        "more": "… {n:,} more findings are not listed here; the JSON or CSV report (--format json|csv) lists them all.",
        "unknown": "(unknown)", "chart_county": "Outcomes by county", "chart_category": "Outcomes by category", "count": "outcomes",
    },
}


def write_report(
    target: Path, report: Report, institutions: list[Institution], figures: dict[str, list[dict[str, Any]]], options: AuditOptions, ready: Details | None = None,
) -> None:
    """The report workbook at ``target``; ``ready``: its 问题明细 table made before (:func:`details` of the
    same report)."""
    lang = "en" if options.lang == "en" else "zh"

    def build(tmp: Path) -> None:
        bulks: list[BulkRows] = []
        save_with_rows(_workbook(report, institutions, figures, options, lang, bulks, ready), tmp, "audit", bulks)

    write_atomic(target, build, force=options.force)


def _workbook(
    report: Report, institutions: list[Institution], figures: dict[str, list[dict[str, Any]]], options: AuditOptions, lang: str, bulks: list[BulkRows],
    ready: Details | None = None,
) -> Any:
    """The workbook; the rows of its long tables are left in ``bulks``, to be written as it is saved."""
    from openpyxl import Workbook

    t = TEXT[lang]
    wb = Workbook()
    _verdicts(wb.active, institutions, options, t, lang, bulks)
    _counties(wb.create_sheet(t["counties"]), institutions, t, bulks)
    _figures(wb.create_sheet(t["figures"]), figures, t, bulks)
    _details(wb.create_sheet(t["details"]), report, t, lang, bulks, ready)
    return wb


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    return {
        "title": Font(size=14, bold=True), "head": Font(bold=True),
        "cells": CellStyles({
            "head": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="D9E1F2"), "border": border,
                     "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)},
            "body": {"border": border, "alignment": Alignment(wrap_text=True, vertical="top")},
        }),
    }


def _table(ws: Any, top: int, head: list[str], rows: list[list[Any]], widths: list[float], bulks: list[BulkRows] | None,
           *, fill_column: int = 0, fills: Sequence[str] = (), heights: list[float | None] | None = None, xml: bytes | None = None) -> int:
    """A bordered table with a bold header at row ``top``, each row as high as its longest wrapped text
    needs, row ``i``'s cell in ``fill_column`` filled with colour ``fills[i]``; returns the row after it.
    A long table's rows go to ``bulks`` (unless it is None): only the first is written here, as the
    sample of their styles; ``xml``, their worksheet XML made before (:func:`bulk_rows.rows_ahead` of
    these rows and ``heights``, from row ``top + 1``; a table without fills)."""
    from openpyxl.utils import get_column_letter

    styles = _styles()["cells"]
    for c, text in enumerate(head, start=1):
        cell = ws.cell(row=top, column=c)
        set_text(cell, text)
        styles.apply(cell, "head")
    for c, width in enumerate(widths, start=1):
        letter = get_column_letter(c)
        if ws.column_dimensions[letter].width in (None, 13.0) or width > (ws.column_dimensions[letter].width or 0):
            ws.column_dimensions[letter].width = width
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, len(head) + 1)]
    # The text is measured here, from the values: not cell by cell afterwards.
    if heights is None:  # (given: measured with these widths before)
        heights = _heights([head, *rows], widths)
    if heights[0] is not None:
        ws.row_dimensions[top].height = heights[0]
    bulk = BulkRows(ws, top + 1) if bulks is not None and len(rows) >= bulk_rows.BULK_FROM else None
    ids: dict[str | None, tuple[int, ...]] = {}
    for i, (row, height) in enumerate(zip(rows, heights[1:])):
        r = top + 1 + i
        colour = fills[i] if fill_column else None
        in_sheet = bulk is None or i == 0  # every row, or a bulk's sample
        if in_sheet or colour not in ids:
            cells = [_body_cell(ws, r, c, value, styles, colour if c == fill_column else None, in_sheet=in_sheet) for c, value in enumerate(row, start=1)]
            if in_sheet and height is not None:
                ws.row_dimensions[r].height = height
            if bulk is not None and colour not in ids:
                ids[colour] = tuple(cell.style_id for cell in cells)
        if bulk is not None:
            bulk.append(row, ids[colour], height)
    if bulk is not None and bulks is not None:
        if xml is not None and not fill_column:
            bulk.xml = xml
        bulks.append(bulk)
    return top + len(rows) + 1


def _heights(rows: list[list[Any]], widths: Sequence[float]) -> list[float | None]:
    """Each row's height for its wrapped text in columns ``widths`` wide (0.9 of them: the printer's font
    runs a little wider than the estimate on long CJK text)."""
    return heights_by_row(rows, [w * 0.9 for w in widths])


def _body_cell(ws: Any, r: int, c: int, value: Any, styles: CellStyles, fill: str | None, *, in_sheet: bool) -> Any:
    """The body cell at (``r``, ``c``) with ``value``, styled, filled with ``fill`` if given; unless it is
    ``in_sheet``, a detached cell that only gives its style's index to the rows written in bulk."""
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import PatternFill

    cell = ws.cell(row=r, column=c) if in_sheet else Cell(ws)
    set_text(cell, value)
    styles.apply(cell, "body")
    if fill is not None:
        cell.fill = PatternFill("solid", fgColor=fill)
    return cell


def _title(ws: Any, text: str, span: int) -> None:
    st = _styles()
    cell = ws.cell(row=1, column=1)
    set_text(cell, text)
    cell.font = st["title"]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)


def _finish(ws: Any, header_row: int, last_row: int, columns: int, *, landscape: bool = True) -> None:
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if last_row > header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last_row}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    print_setup(ws, landscape=landscape)


def _verdicts(ws: Any, institutions: list[Institution], options: AuditOptions, t: dict[str, Any], lang: str, bulks: list[BulkRows]) -> None:
    ws.title = t["verdicts"]
    head = t["verdict_head"]
    _title(ws, f"{t['title']}（{t['made']} {(options.today or dt.date.today()).isoformat()}）", len(head))
    names = PROBLEM_EN if lang == "en" else PROBLEM_ZH
    rows = [
        [i.county or t["unknown"], i.name or "", i.org_code, i.projects_declared, len(i.projects_with_outcomes), i.outcome_rows, i.error_rows, i.screened_rows,
         "、".join(i.ledgers_missing), "、".join(i.ledgers_incomplete), names[i.verdict], "\n".join(i.reasons(lang, options.distorted_share))]
        for i in institutions
    ]
    fills = [VERDICT_FILL[i.verdict] for i in institutions]
    last = _table(ws, 2, head, rows, [14, 28, 16, 9, 9, 10, 10, 10, 18, 18, 12, 58], bulks, fill_column=11, fills=fills) - 1
    _finish(ws, 2, last, len(head))


def _counties(ws: Any, institutions: list[Institution], t: dict[str, Any], bulks: list[BulkRows]) -> None:
    _title(ws, t["counties"], len(t["county_head"]))
    rows = [[t["unknown"] if r[0] == "（未知）" else r[0], *r[1:]] for r in county_rows(institutions)]
    last = _table(ws, 2, t["county_head"], rows, [14, 9, 9, 12, 14, 12, 11, 12, 12], bulks) - 1
    _finish(ws, 2, last, len(t["county_head"]))


def _figures(ws: Any, figures: dict[str, list[dict[str, Any]]], t: dict[str, Any], bulks: list[BulkRows] | None = None) -> None:
    _title(ws, t["figures"], 6)
    top = 3
    anchors: dict[str, tuple[int, int]] = {}
    from openpyxl.worksheet.pagebreak import Break

    for key, rows in figures.items():
        if key in CHARTED and top > 3:  # a charted table starts a printed page, its chart beside it
            ws.row_breaks.append(Break(id=top - 1))
        ws.cell(row=top, column=1, value=t["by"][key]).font = _styles()["head"]
        label = _labeller(key, t)
        body = [[label(r), r["outcomes"], r["learners"], r["hours"], r["dual_outcomes"], r["excluded_rows"]] for r in rows]
        end = _table(ws, top + 1, [t["by"][key], *t["figure_head"]], body, [30, 12, 10, 11, 11, 13], bulks)
        anchors[key] = (top + 1, end - 1)
        top = end + 2
    for key in CHARTED:  # beside its own table, however long the tables above it are
        first, last = anchors[key]
        if last > first:
            _chart(ws, first, last, t[CHARTED[key]], t["count"], f"H{first - 1}")
    print_setup(ws, landscape=True)


# The tables drawn as charts, and the title of each chart.
CHARTED = {"by_county": "chart_county", "by_category": "chart_category"}


def _labeller(key: str, t: dict[str, Any]) -> Any:
    if key == "by_county":
        return lambda r: r["county"] or r["county_code"] or t["unknown"]
    if key == "by_institution":
        return lambda r: f"{r['name'] or ''} {r['org_code'] or t['unknown']}".strip()
    if key == "by_category":
        return lambda r: r["category"] or t["unknown"]
    return lambda r: r["target"] or t["unknown"]


def _chart(ws: Any, header: int, last: int, title: str, axis: str, anchor: str) -> None:
    """Native horizontal bars of the outcomes column (Excel/WPS can edit them)."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.y_axis.title = axis
    chart.legend = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.tickLblSkip = 1  # every county or category named, not every other one
    chart.add_data(Reference(ws, min_col=2, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    chart.height = max(7.5, 0.8 * (last - header) + 3)  # room for every label
    chart.width = 18
    ws.add_chart(chart, anchor)


# The widths of the 问题明细 table's columns (character units).
DETAIL_WIDTHS = [26, 10, 7, 7, 10, 18, 18, 6, 60, 24]


@dataclass(frozen=True)
class Details:
    """The 问题明细 table made ready: its rows (at most :data:`DETAIL_LIMIT`), how many findings it leaves
    out, and the height of each row (the head's first). Made apart from the workbook, so that an audit
    can make it on a thread while DuckDB counts the verdicts and figures — with its body rows' worksheet
    XML too (``xml``: :func:`~zjcredit.report.bulk_rows.rows_ahead`, from row :data:`DETAIL_FIRST`)."""

    rows: list[list[Any]]
    more: int
    heights: list[float | None]
    xml: bytes | None = None


# The 问题明细 table's head row (its title above it) and its first body row.
DETAIL_HEAD = 2
DETAIL_FIRST = DETAIL_HEAD + 1


def detail_row(f: Finding, lang: str, message: str) -> list[Any]:
    """A finding as a row of the 问题明细 table (``lang``: "zh" or "en")."""
    rule = RULES.get(f.rule)
    title = (rule.title_en if lang == "en" else rule.title_zh) if rule else ""
    return [f.path, f.sheet or "", f.cell or "", f.row or "", f.field or "", f.rule, title, SEVERITY[lang][f.severity], message, f.value or ""]


def detail_lines() -> Any:
    """What measures a 问题明细 row's lines (:class:`~zjcredit.report.layout.RowLines`, as :func:`_heights`)."""
    from zjcredit.report.layout import RowLines

    return RowLines([w * 0.9 for w in DETAIL_WIDTHS])


def details(
    report: Report, lang: str, messages: dict[int, str] | None = None, ordered: list[Finding] | None = None, made: Any = None,
) -> Details:
    """The 问题明细 table of ``report``'s findings: errors first, then warnings and infos (each in the files'
    order), so what the limit cuts is the least. Made already: ``messages``, the findings' messages (by
    ``id``); ``ordered``, the findings in the files' order (:func:`~zjcredit.report.render.ordered_findings`);
    ``made``, findings' rows and their lines (``rows``, ``lines``: by ``id``, as :func:`detail_row` and
    :func:`detail_lines` make them)."""
    from zjcredit.report.layout import row_height
    from zjcredit.report.render import ordered_findings

    lang = "en" if lang == "en" else "zh"
    findings = sorted(ordered if ordered is not None else ordered_findings(report), key=lambda f: -int(f.severity))
    if made is None:
        rows = [detail_row(f, lang, messages[id(f)] if messages is not None else f.message(lang)) for f in findings[:DETAIL_LIMIT]]
        heights = _heights([TEXT[lang]["detail_head"], *rows], DETAIL_WIDTHS)
        return Details(rows, max(0, len(findings) - DETAIL_LIMIT), heights)
    measure = detail_lines()
    rows, heights = [], _heights([TEXT[lang]["detail_head"]], DETAIL_WIDTHS)
    for f in findings[:DETAIL_LIMIT]:
        row = made.rows.get(id(f))
        lines = made.lines.get(id(f))
        if row is None or lines is None:
            row = detail_row(f, lang, messages[id(f)] if messages is not None else f.message(lang))
            lines = measure(row)
        rows.append(row)
        heights.append(row_height(lines))
    return Details(rows, max(0, len(findings) - DETAIL_LIMIT), heights)


def _details(ws: Any, report: Report, t: dict[str, Any], lang: str, bulks: list[BulkRows], ready: Details | None) -> None:
    made = ready if ready is not None else details(report, lang)
    head = t["detail_head"]
    _title(ws, t["details"], len(head))
    last = _table(ws, DETAIL_HEAD, head, made.rows, DETAIL_WIDTHS, bulks, heights=made.heights, xml=made.xml) - 1
    if made.more:
        set_text(ws.cell(row=last + 1, column=1), t["more"].format(n=made.more))
    _finish(ws, 2, last, len(head))


def write_figures(target: Path, figures: dict[str, list[dict[str, Any]]], options: AuditOptions) -> None:
    """`zjcredit stats -o`: the figures sheet alone, with its charts."""
    from openpyxl import Workbook

    lang = "en" if options.lang == "en" else "zh"

    def build(tmp: Path) -> None:
        wb = Workbook()
        wb.active.title = TEXT[lang]["figures"]
        bulks: list[BulkRows] = []
        _figures(wb.active, figures, TEXT[lang], bulks)
        save_with_rows(wb, tmp, "stats", bulks)

    write_atomic(target, build, force=options.force)
