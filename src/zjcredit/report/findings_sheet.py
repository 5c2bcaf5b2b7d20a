"""The 问题清单 sheet of an annotated copy: every finding on one line — its level, where it is
(``申报表!C7``), the rule's title, the message, the field and the value read — made to be read on screen
(filters, frozen header, a link to each cell) and on paper (A4 landscape, header repeated on every page,
long texts wrapped, 10 pt, page numbers).

Text that came from a spreadsheet is written as inert text (:func:`put`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from zjcredit.report import bulk_rows, output
from zjcredit.report.bulk_rows import BulkRows
from zjcredit.report.findings import RULES, FileResult, Finding, Severity

LIST_SHEET = {"zh": "问题清单", "en": "Findings"}
LIST_HEADERS = {
    "zh": ("级别", "位置", "问题", "说明", "字段", "读到的值", "规则"),
    "en": ("Severity", "Where", "Problem", "Message", "Field", "Value as read", "Rule"),
}
LIST_WIDTHS = (6, 15, 16, 44, 16, 18, 18)  # A4 landscape at full size
WRAPPED = (2, 3, 4, 5, 6, 7)  # 1-based columns that wrap; the row is made as tall as they need
FONT_SIZE = 10
HEADER_ROW = 2  # row 1 says what the list is about
# The findings sheet is for people: beyond this many rows it stops and points to the JSON/CSV report,
# which always lists every finding (writing a million rows through openpyxl takes minutes).
LIST_LIMIT = 50_000
FITTED_ROWS = 5000  # a longer table keeps the default row heights: measuring it costs more than it helps
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
SEVERITY_LABELS = {
    "zh": {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
}

_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")


def rule_title(rule: str, lang: str) -> str:
    """The rule's title in ``lang`` (its id when it has none)."""
    r = RULES.get(rule)
    if r is None:
        return rule
    return (r.title_en if lang == "en" else r.title_zh) or rule


def where(f: Finding, sheet: str | None, lang: str) -> str:
    """申报表!C7, or 申报表 第 7 行 for a row, or the whole file."""
    if f.cell:
        return f"{sheet}!{f.cell}" if sheet else f.cell
    if f.row:
        return (f"{sheet} row {f.row}" if sheet else f"row {f.row}") if lang == "en" else (f"{sheet} 第 {f.row} 行" if sheet else f"第 {f.row} 行")
    return "(whole file)" if lang == "en" else "（整个文件）"


def _field(f: Finding, lang: str) -> str | None:
    if f.project is None:
        return f.field
    project = f"project {f.project}" if lang == "en" else f"项目{f.project}"
    return f"{project}: {f.field}" if lang == "en" and f.field else (f"{project}：{f.field}" if f.field else project)


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    # Most severe first; within a severity the checks' own order (sheet by sheet, row by row).
    return sorted(findings, key=lambda f: -f.severity)


def list_rows(findings: Sequence[Finding], lang: str, csv_sheet: str | None) -> Iterable[tuple[Finding, str | None, list[Any]]]:
    """(finding, its sheet in the copy, the list's values) in the list's order."""
    labels = SEVERITY_LABELS[lang]
    for f in ordered(findings):
        sheet = csv_sheet if (csv_sheet is not None and f.cell) else f.sheet
        yield f, sheet, [labels[f.severity], where(f, sheet, lang), rule_title(f.rule, lang), f.message(lang), _field(f, lang), f.value, f.rule]


def summary_line(name: str, findings: Sequence[Finding], lang: str, extra: str = "") -> str:
    """Row 1: whose findings, how many of each level, and anything the copy changed (``extra``)."""
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    if lang == "en":
        text = f"{name}: {len(findings)} finding(s) — {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} info."
    else:
        text = f"{name}：共 {len(findings)} 个问题（错误 {counts[Severity.ERROR]}，警告 {counts[Severity.WARNING]}，提示 {counts[Severity.INFO]}）。"
    return f"{text} {extra}".strip()


def fill_list(ws: Any, findings: Sequence[Finding], lang: str, csv_sheet: str | None, *, links: bool, summary: str) -> None:
    """The findings list in a normal worksheet: the summary line, header, rows, filters, frozen header,
    a link from each position to its cell, and the print set-up."""
    from copy import copy

    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    from zjcredit.report.layout import fit_row_heights, page_header_footer, print_setup

    headers = LIST_HEADERS[lang]
    last = get_column_letter(len(headers))
    put(ws.cell(row=1, column=1), summary)
    ws.cell(row=1, column=1).font = Font(name="宋体", size=FONT_SIZE + 1, bold=True)
    ws.cell(row=1, column=1).alignment = Alignment(wrap_text=True, vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 34
    protos = _header(ws, HEADER_ROW, headers, LIST_WIDTHS, WRAPPED, wrap_header=False)
    fills = {s: PatternFill("solid", fgColor=color) for s, color in FILLS.items()}
    link_font = Font(name="宋体", size=FONT_SIZE, color="0563C1", underline="single")
    r = HEADER_ROW
    for count, (f, sheet, values) in enumerate(list_rows(findings, lang, csv_sheet)):
        if count >= LIST_LIMIT:
            put(ws.cell(row=r + 1, column=1), truncated_note(lang, len(findings) - count))
            break
        r += 1
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            cell._style = copy(protos[c - 1])
            put(cell, value)
        ws.cell(row=r, column=1).fill = fills[f.severity]
        if links and sheet in ws.parent.sheetnames and f.cell:
            quoted = str(sheet).replace("'", "''")
            ws.cell(row=r, column=2).hyperlink = Hyperlink(ref=f"B{r}", location=f"'{quoted}'!{f.cell}")
            ws.cell(row=r, column=2).font = link_font
    if r - HEADER_ROW <= 5000:  # measuring every row of a huge list costs more than it helps
        fit_row_heights(ws, HEADER_ROW + 1, r, columns=WRAPPED)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(r, HEADER_ROW)}"
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    print_setup(ws, landscape=True)
    page_header_footer(ws, header_left=ws.title)


def write_list_only(fr: FileResult, tmp: Path, lang: str, note: str) -> None:
    """A workbook holding only the findings list, streamed (for inputs too large to copy)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from zjcredit.report.layout import print_setup

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(LIST_SHEET[lang])
    headers = LIST_HEADERS[lang]
    for c, width in enumerate(LIST_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(headers))}{max(HEADER_ROW, min(len(fr.findings), LIST_LIMIT) + HEADER_ROW)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    print_setup(ws, landscape=True)

    def text_cell(value: Any, **style: Any) -> Any:
        cell = WriteOnlyCell(ws)
        put(cell, value)
        for k, v in style.items():
            setattr(cell, k, v)
        return cell

    ws.append([text_cell(note, font=Font(bold=True, color="9C0006"))])
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    ws.append([text_cell(h, font=Font(bold=True), fill=head_fill) for h in headers])
    fills = {s: PatternFill("solid", fgColor=color) for s, color in FILLS.items()}
    for i, (f, _, values) in enumerate(list_rows(fr.findings, lang, None)):
        if i >= LIST_LIMIT:
            ws.append([text_cell(truncated_note(lang, len(fr.findings) - i))])
            break
        # Plain values stream much faster than cells; only guarded text and the coloured cell need one.
        row: list[Any] = [text_cell(v) if isinstance(v, str) and needs_guard(v) else v for v in values]
        row[0] = text_cell(values[0], fill=fills[f.severity])
        ws.append(row)
    output.save_output(wb, tmp, "annotated")


def truncated_note(lang: str, rest: int) -> str:
    if lang == "en":
        return f"… {rest:,} more findings are not listed here; the JSON or CSV report (--format json|csv) lists them all."
    return f"……另有 {rest:,} 条问题未在此列出；JSON 或 CSV 报告（--format json|csv）列出全部问题。"


def put(cell: Any, value: Any) -> None:
    """Write a value from a spreadsheet as inert data: text stays text (never a formula, never an
    Excel error code such as #REF!), control characters are made visible."""
    if isinstance(value, str):
        output.set_text(cell, xml_safe(value))
        cell.data_type = "s"
    else:
        cell.value = value


def needs_guard(text: str) -> bool:
    """Text openpyxl would not store as plain text (a formula, an error code) or could not store."""
    from openpyxl.cell.cell import ERROR_CODES

    return text.startswith("=") or text in ERROR_CODES or _ILLEGAL_XML.search(text) is not None


def xml_safe(text: str) -> str:
    """Control characters XML cannot hold, made visible instead of making openpyxl fail."""
    return _ILLEGAL_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


# The findings report as a workbook (`--output 问题清单.xlsx`) ------------------------------------------

REPORT_SHEETS = {
    "zh": ("问题清单", "问题汇总", "文件"),
    "en": ("Findings", "By rule", "Files"),
}
REPORT_HEADERS = {
    "zh": ("文件", "工作表", "单元格", "行", "项目", "字段", "规则", "名称", "级别", "说明", "读到的值"),
    "en": ("File", "Sheet", "Cell", "Row", "Project", "Field", "Rule", "Title", "Severity", "Message", "Value as read"),
}
# Printed one page wide on A4 landscape, these widths keep 10 pt text above 9 pt on paper.
REPORT_WIDTHS = (22, 9, 6, 6, 5, 10, 16, 14, 5, 33, 20)
REPORT_WRAPPED = (1, 2, 6, 7, 8, 10, 11)  # 1-based columns that wrap
COUNT_HEADERS = {"zh": ("规则", "名称", "级别", "处数"), "en": ("Rule", "Title", "Severity", "Findings")}
COUNT_WIDTHS = (26, 30, 8, 10)
FILE_HEADERS = {"zh": ("文件", "类型", "记录数", "错误", "警告", "提示"), "en": ("File", "Kind", "Records", "Errors", "Warnings", "Infos")}
FILE_WIDTHS = (60, 10, 10, 8, 8, 8)


def write_report_workbook(report: Any, tmp: Path, lang: str) -> None:
    """The findings report for clerks: 问题清单 (one row per finding, each rule's title beside its id,
    the severity in words, filters, frozen header, widths, A4 landscape), 问题汇总 (findings by rule) and
    文件 (each input's counts). Headers in ``lang``; marked as zjcredit's report (never read as an input)."""
    from openpyxl import Workbook

    lang = "en" if lang == "en" else "zh"
    findings = [f for fr in report.files for f in sorted(fr.findings, key=lambda f: (-int(f.severity), _position(f)))]
    wb = Workbook()
    bulks: list[BulkRows] = []
    names = REPORT_SHEETS[lang]
    ws = wb.active
    ws.title = names[0]
    labels = SEVERITY_LABELS[lang]
    rows = (
        [f.path, f.sheet, f.cell, f.row, f.project, f.field, f.rule, rule_title(f.rule, lang), labels[f.severity], f.message(lang), f.value]
        for f in findings
    )
    severities = [f.severity for f in findings]
    _table_sheet(ws, REPORT_HEADERS[lang], REPORT_WIDTHS, rows, wrapped=REPORT_WRAPPED, fills=severities, fill_column=9,
                 limit=LIST_LIMIT, rest=len(findings) - LIST_LIMIT, lang=lang, bulks=bulks)
    counts: dict[tuple[str, Severity], int] = {}
    for f in findings:
        counts[(f.rule, f.severity)] = counts.get((f.rule, f.severity), 0) + 1
    ordered_counts = sorted(counts.items(), key=lambda kv: (-int(kv[0][1]), -kv[1], kv[0][0]))
    total = ("Total" if lang == "en" else "合计", "", "", len(findings))
    _table_sheet(wb.create_sheet(names[1]), COUNT_HEADERS[lang], COUNT_WIDTHS,
                 [*([rule, rule_title(rule, lang), labels[sev], n] for (rule, sev), n in ordered_counts), total],
                 wrapped=(2,), fills=[sev for (_, sev), _ in ordered_counts], fill_column=3, bulks=bulks)
    _table_sheet(wb.create_sheet(names[2]), FILE_HEADERS[lang], FILE_WIDTHS,
                 ([fr.path, fr.kind or "", fr.records, fr.errors, fr.warnings, fr.infos] for fr in report.files), wrapped=(1,), bulks=bulks)
    bulk_rows.save_with_rows(wb, tmp, "report", bulks)


def _position(f: Finding) -> tuple[Any, ...]:
    col = 0
    for ch in "".join(c for c in (f.cell or "") if c.isalpha()):
        col = col * 26 + ord(ch.upper()) - 64
    return (f.sheet or "", f.row if f.row is not None else -1, col, f.project or 0, f.rule)


def _table_sheet(ws: Any, headers: Sequence[str], widths: Sequence[int], rows: Iterable[Sequence[Any]], *, wrapped: Sequence[int] = (),
                 fills: Sequence[Severity] = (), fill_column: int = 0, limit: int | None = None, rest: int = 0, lang: str = "zh",
                 bulks: list[BulkRows]) -> None:
    """A plain table on a sheet: bold header on row 1, frozen, filtered, columns sized, long texts
    wrapped (rows made tall enough while the table is small), printed A4 landscape with the header on
    every page. A long table's rows are left in ``bulks`` (:mod:`zjcredit.report.bulk_rows`): only its
    first row is written here, as the sample of their styles."""
    from copy import copy
    from itertools import islice

    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    from zjcredit.report.layout import fit_row_heights, page_header_footer, print_setup

    protos = _header(ws, 1, headers, widths, wrapped, wrap_header=True)
    colours = {s: PatternFill("solid", fgColor=color) for s, color in FILLS.items()}
    body = list(rows if limit is None else islice(rows, limit + 1))
    more = limit is not None and len(body) > limit
    body = body[:limit]
    bulk = BulkRows(ws, 2) if len(body) >= bulk_rows.BULK_FROM else None
    heights = _heights(body, widths, wrapped) if bulk is not None and len(body) <= FITTED_ROWS else [None] * len(body)
    ids: dict[Severity | None, tuple[int, ...]] = {}
    for i, values in enumerate(body):
        r = i + 2
        severity = fills[i] if fill_column and i < len(fills) else None
        if bulk is None or i == 0:
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c)
                cell._style = copy(protos[c - 1])
                put(cell, value)
            if severity is not None:
                ws.cell(row=r, column=fill_column).fill = colours[severity]
        if bulk is not None:
            if severity not in ids:
                ids[severity] = _style_ids(ws, protos, fill_column, colours[severity] if severity is not None else None)
            bulk.append([xml_safe(v) if isinstance(v, str) else v for v in values], ids[severity], heights[i])
    r = len(body) + 1
    if more:
        put(ws.cell(row=r + 1, column=1), truncated_note(lang, rest))
    last = get_column_letter(len(headers))
    if bulk is not None:
        bulks.append(bulk)
    elif r - 1 <= FITTED_ROWS:
        fit_row_heights(ws, 2, r, columns=wrapped)
    ws.auto_filter.ref = f"A1:{last}{max(r, 1)}"
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    print_setup(ws, landscape=True)
    page_header_footer(ws, header_left=ws.title)


def _heights(body: Sequence[Sequence[Any]], widths: Sequence[int], wrapped: Sequence[int]) -> list[float | None]:
    """Each row's height as :func:`zjcredit.report.layout.fit_row_heights` makes it (the wrapped columns'
    text as stored, in the body's font size), measured from the values."""
    from zjcredit.report.layout import heights_by_row

    def shown(value: Any) -> Any:
        return bulk_rows.stored_text(xml_safe(value)) if isinstance(value, str) else value

    cells = [[shown(row[c - 1]) if c <= len(row) else None for c in wrapped] for row in body]
    return heights_by_row(cells, [widths[c - 1] for c in wrapped], FONT_SIZE)


def _style_ids(ws: Any, protos: Sequence[Any], fill_column: int, fill: Any) -> tuple[int, ...]:
    """The style index of each column's body cell, the ``fill_column`` one filled with ``fill`` if given."""
    from copy import copy

    from openpyxl.cell.cell import Cell

    ids = []
    for c, proto in enumerate(protos, start=1):
        cell = Cell(ws)
        cell._style = copy(proto)
        if c == fill_column and fill is not None:
            cell.fill = fill
        ids.append(cell.style_id)
    return tuple(ids)


def _header(ws: Any, row: int, headers: Sequence[str], widths: Sequence[int], wrapped: Sequence[int], *, wrap_header: bool) -> list[Any]:
    """The bold, shaded header on ``row`` with the columns' widths; returns each column's body style.

    One style per column, built on a detached cell and copied: assigning style objects cell by cell is
    slow in openpyxl, and a list can hold tens of thousands of rows."""
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=row, column=c, value=text)
        cell.font = Font(name="宋体", size=FONT_SIZE, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=wrap_header or None)
        ws.column_dimensions[get_column_letter(c)].width = width
    protos = []
    for c in range(1, len(headers) + 1):
        scratch = Cell(ws)
        scratch.border = border
        scratch.font = Font(name="宋体", size=FONT_SIZE)
        scratch.alignment = Alignment(wrap_text=c in wrapped, vertical="top")
        protos.append(scratch._style)
    return protos
