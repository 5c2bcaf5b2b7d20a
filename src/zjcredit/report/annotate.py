"""`--annotate DIR`: a marked copy of each input, its problem cells filled and commented, plus a sheet
listing every finding (问题清单).

Inputs are never touched: ``.xlsx``/``.xlsm`` are loaded into memory with openpyxl and saved as a new
``.xlsx`` (macros dropped); ``.xls`` and ``.csv`` are rebuilt from the values the checks read. Every text
that came from a spreadsheet is written as text (:func:`zjcredit.report.output.set_text`), never as a formula.
"""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from zjcredit.report import output
from zjcredit.report.findings import FileResult, Finding, Report, Severity
from zjcredit.io.grid import SheetGrid
from zjcredit.io.readers import read_grid
from zjcredit.errors import Unreadable

# A sheet with more rows than this is not copied cell by cell: the copy holds only the findings list.
LARGE_ROWS = 100_000
# Uncompressed size of one worksheet part above which it is treated as large when it has no <dimension>.
LARGE_PART_BYTES = 60 * 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
# The findings sheet is for people: beyond this many rows it stops and points to the JSON/CSV report,
# which always lists every finding (writing a million rows through openpyxl takes minutes).
LIST_LIMIT = 50_000
# Cells beyond this many still get their fill but no comment (Excel slows down on huge comment layers).
COMMENT_LIMIT = 20_000
EXCEL_MAX_COLS = 16_384

FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
SEVERITY_LABELS = {
    "zh": {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
}
LIST_SHEET = {"zh": "问题清单", "en": "Findings"}
LIST_HEADERS = {
    "zh": ("级别", "工作表", "单元格", "行", "项目", "字段", "规则", "说明", "读到的值"),
    "en": ("Severity", "Sheet", "Cell", "Row", "Project", "Field", "Rule", "Message", "Value as read"),
}
LIST_WIDTHS = (8, 14, 8, 7, 6, 14, 22, 70, 30)
COMMENT_AUTHOR = "zjcredit"

_CELL_RE = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")


def annotate(report: Report, out_dir: Path, *, lang: str = "zh", force: bool = False) -> list[Path]:
    """Write ``out_dir/<stem>.checked.xlsx`` for every readable input of ``report``; return the paths.

    Every target is checked before anything is written, so a refusal (an existing file without
    ``force``, a target that is an input) leaves nothing half done.
    """
    lang = "en" if lang == "en" else "zh"
    results = [fr for fr in report.files if not fr.unreadable]
    inputs = [Path(fr.path) for fr in report.files]
    targets = [out_dir / f"{name}.checked.xlsx" for name in unique_names([fr.path for fr in results])]
    for target in targets:
        output.check_target(target, force, inputs)
    written: list[Path] = []
    for fr, target in zip(results, targets):
        written.append(output.write_atomic(target, lambda tmp, fr=fr: _write_copy(fr, tmp, lang), force=force, inputs=inputs))
    return written


def unique_names(paths: Sequence[str]) -> list[str]:
    """Output stems for ``paths``: the file stem, or when stems collide (case-insensitively) the folder
    names joined in, then the extension, then a number — deterministic for the same list."""
    def stem_of(p: str) -> str:
        return Path(p).stem

    def with_dirs(p: str) -> str:
        parts = [x for x in Path(p).parent.parts if x not in ("", ".", "..", "/", "\\") and not x.endswith((":", ":\\"))]
        return "_".join([*parts, Path(p).stem]) if parts else Path(p).stem

    def with_suffix(p: str) -> str:
        return f"{with_dirs(p)}_{Path(p).suffix.lstrip('.').lower()}"

    names = [stem_of(p) for p in paths]
    for refine in (with_dirs, with_suffix):
        counts = _counts(names)
        names = [refine(p) if counts[n.casefold()] > 1 else n for p, n in zip(paths, names)]
    seen: dict[str, int] = {}
    result = []
    for n in names:
        k = n.casefold()
        seen[k] = seen.get(k, 0) + 1
        result.append(n if seen[k] == 1 else f"{n}-{seen[k]}")
    return [_safe_filename(n) for n in result]


def _counts(names: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for n in names:
        counts[n.casefold()] += 1
    return counts


def _safe_filename(name: str) -> str:
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", name).strip(" .")
    return name or "input"


# Building the copy -----------------------------------------------------------------------------------


def _write_copy(fr: FileResult, tmp: Path, lang: str) -> None:
    source = Path(fr.path)
    large = _is_large(source, fr)
    if large:
        _write_list_only(fr, tmp, lang, note=_large_note(lang))
        return
    try:
        wb, csv_sheet = _load_copy(source, fr.path)
    except Unreadable as exc:
        _write_list_only(fr, tmp, lang, note=exc.en if lang == "en" else exc.zh)
        return
    _mark_cells(wb, fr.findings, lang, csv_sheet)
    ws = wb.create_sheet(LIST_SHEET[lang])
    _fill_list(ws, fr.findings, lang, csv_sheet, links=True)
    wb.active = wb.index(ws)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    wb.save(tmp)


def _load_copy(source: Path, display: str) -> tuple[Any, str | None]:
    """The workbook to mark: openpyxl's copy of an .xlsx, or one rebuilt from the values read.

    Returns the workbook and, for a CSV, the name given to its single sheet.
    """
    suffix = source.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import warnings

        from openpyxl import load_workbook

        try:
            with warnings.catch_warnings():  # "extension not supported" notes are noise for a clerk
                warnings.simplefilter("ignore")
                return load_workbook(source, keep_vba=False, keep_links=False, rich_text=False), None
        except Exception:  # openpyxl is stricter than calamine: fall back to the values read
            pass
    grid = read_grid(source, display)
    csv_sheet = _sheet_title(source.stem) if grid.format == "csv" else None
    return _rebuild(grid.sheets, csv_sheet), csv_sheet


def _rebuild(sheets: Sequence[SheetGrid], csv_sheet: str | None) -> Any:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for i, grid in enumerate(sheets, start=1):
        title = csv_sheet if csv_sheet is not None else _sheet_title(grid.name or f"Sheet{i}")
        while title.casefold() in used:
            title = _sheet_title(f"{title[:27]}_{i}")
        used.add(title.casefold())
        ws = wb.create_sheet(title)
        for r, row in enumerate(grid.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "" or not grid.is_origin(r - 1, c - 1):
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(value, str):
                    output.set_text(cell, _xml_safe(value))  # an error code read from .xls stays one
                elif isinstance(value, (bool, int, float, dt.date, dt.time, dt.timedelta)):
                    cell.value = value
                    if isinstance(value, dt.datetime):
                        cell.number_format = "yyyy-mm-dd hh:mm:ss" if value.time() != dt.time() else "yyyy-mm-dd"
                    elif isinstance(value, dt.date):
                        cell.number_format = "yyyy-mm-dd"
                else:
                    output.set_text(cell, _xml_safe(str(value)))
        for r0, c0, r1, c1 in grid.merged:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    if not wb.worksheets:
        wb.create_sheet(csv_sheet or "Sheet1")
    return wb


def _mark_cells(wb: Any, findings: Sequence[Finding], lang: str, csv_sheet: str | None) -> None:
    """Fill each finding's cell by its worst severity and attach one comment with all its messages."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.worksheet import Worksheet

    by_cell: dict[tuple[str, int, int], list[Finding]] = defaultdict(list)
    merged: dict[str, list[tuple[int, int, int, int]]] = {}
    for f in findings:
        target = _cell_target(wb, f, csv_sheet)
        if target is None or not isinstance(wb[target[0]], Worksheet):
            continue
        sheet, row, col = target
        ranges = merged.get(sheet)
        if ranges is None:
            ranges = merged[sheet] = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in wb[sheet].merged_cells.ranges]
        # A cell inside a merged range is marked at the range's top-left cell, the only one shown.
        for r0, c0, r1, c1 in ranges:
            if r0 <= row <= r1 and c0 <= col <= c1:
                row, col = r0, c0
                break
        by_cell[(sheet, row, col)].append(f)
    labels = SEVERITY_LABELS[lang]
    for n, ((sheet, row, col), cell_findings) in enumerate(by_cell.items()):
        ws = wb[sheet]
        cell = ws.cell(row=row, column=col)
        worst = max(f.severity for f in cell_findings)
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
        if n >= COMMENT_LIMIT:
            continue
        lines = [f"{labels[f.severity]} [{f.rule}] {f.message(lang)}" for f in sorted(cell_findings, key=lambda f: -f.severity)]
        text = _xml_safe("\n".join(lines))
        if cell.comment is not None and cell.comment.author != COMMENT_AUTHOR:
            text = f"{text}\n\n{'Original comment' if lang == 'en' else '原批注'}：{cell.comment.text}"
        comment = Comment(text, COMMENT_AUTHOR)
        comment.width = 360
        comment.height = min(40 + 18 * sum(1 + len(line) // 24 for line in lines), 400)
        cell.comment = comment


def _cell_target(wb: Any, f: Finding, csv_sheet: str | None) -> tuple[str, int, int] | None:
    """(sheet, 1-based row, 1-based column) of the cell a finding points at, if it is in the copy."""
    if not f.cell:
        return None
    sheet = csv_sheet if csv_sheet is not None else f.sheet
    if sheet is None or sheet not in wb.sheetnames:
        return None
    pos = parse_cell(f.cell)
    if pos is None:
        return None
    return (sheet, *pos)


def parse_cell(ref: str) -> tuple[int, int] | None:
    """'C7' → (7, 3); None for anything that is not one cell inside Excel's grid."""
    m = _CELL_RE.match(ref.strip().upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    row = int(m.group(2))
    if not (1 <= row <= EXCEL_MAX_ROWS and 1 <= col <= EXCEL_MAX_COLS):
        return None
    return row, col


# The findings list -----------------------------------------------------------------------------------


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    # Most severe first; within a severity the checks' own order (sheet by sheet, row by row).
    return sorted(findings, key=lambda f: -f.severity)


def _list_rows(findings: Sequence[Finding], lang: str, csv_sheet: str | None) -> Iterable[tuple[Finding, list[Any]]]:
    labels = SEVERITY_LABELS[lang]
    for f in _ordered(findings):
        sheet = csv_sheet if (csv_sheet is not None and f.cell) else f.sheet
        yield f, [labels[f.severity], sheet, f.cell, f.row, f.project, f.field, f.rule, f.message(lang), f.value]


def _fill_list(ws: Any, findings: Sequence[Finding], lang: str, csv_sheet: str | None, *, links: bool) -> None:
    """Write the findings list into a normal worksheet: header, rows, autofilter, frozen pane, and a
    landscape page one sheet wide with the header on every printed page."""
    from copy import copy

    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    from zjcredit.report.layout import LINE_HEIGHT, ROW_PADDING, lines_needed

    headers = LIST_HEADERS[lang]
    header_row = 1
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, (text, width) in enumerate(zip(headers, LIST_WIDTHS), start=1):
        cell = ws.cell(row=header_row, column=c, value=text)
        cell.font = bold
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    message_width, value_width = LIST_WIDTHS[7], LIST_WIDTHS[8]
    # One style per column, built on a detached cell and copied: assigning style objects cell by cell
    # is slow in openpyxl, and the list can hold tens of thousands of rows.
    protos = []
    for c in range(1, len(headers) + 1):
        scratch = Cell(ws)
        scratch.border = border
        scratch.alignment = wrap if c >= 8 else top
        protos.append(scratch._style)
    limit = LIST_LIMIT
    r = header_row
    count = 0
    for f, values in _list_rows(findings, lang, csv_sheet):
        if count >= limit:
            _put(ws.cell(row=r + 1, column=1), _truncated_note(lang, len(findings) - count))
            break
        r += 1
        count += 1
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            cell._style = copy(protos[c - 1])
            _put(cell, value)
        # Long messages and values wrap; the row is made as tall as they need (Excel does not re-measure).
        lines = max(lines_needed(str(values[7] or ""), message_width), lines_needed(str(values[8] or ""), value_width))
        if lines > 1:
            ws.row_dimensions[r].height = lines * LINE_HEIGHT + ROW_PADDING
        ws.cell(row=r, column=1).fill = PatternFill("solid", fgColor=FILLS[f.severity])
        if links and values[1] in ws.parent.sheetnames and f.cell and parse_cell(f.cell):
            sheet = str(values[1]).replace("'", "''")
            ws.cell(row=r, column=3).hyperlink = Hyperlink(ref=f"C{r}", location=f"'{sheet}'!{f.cell}")
            ws.cell(row=r, column=3).font = Font(color="0563C1", underline="single")
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A{header_row}:{last}{max(r, header_row)}"
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    from zjcredit.report.layout import print_setup

    print_setup(ws, landscape=True)


def _write_list_only(fr: FileResult, tmp: Path, lang: str, note: str) -> None:
    """A workbook holding only the findings list, streamed (for inputs too large to copy)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(LIST_SHEET[lang])
    headers = LIST_HEADERS[lang]
    for c, width in enumerate(LIST_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(headers))}{max(2, min(len(fr.findings), LIST_LIMIT) + 2)}"

    def text_cell(value: Any, **style: Any) -> Any:
        cell = WriteOnlyCell(ws)
        _put(cell, value)
        for k, v in style.items():
            setattr(cell, k, v)
        return cell

    ws.append([text_cell(note, font=Font(bold=True, color="9C0006"))])
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    ws.append([text_cell(h, font=Font(bold=True), fill=head_fill) for h in headers])
    fills = {s: PatternFill("solid", fgColor=color) for s, color in FILLS.items()}
    limit = LIST_LIMIT
    for i, (f, values) in enumerate(_list_rows(fr.findings, lang, None)):
        if i >= limit:
            ws.append([text_cell(_truncated_note(lang, len(fr.findings) - i))])
            break
        # Plain values stream much faster than cells; only guarded text and the coloured cell need one.
        row: list[Any] = [text_cell(v) if isinstance(v, str) and _needs_guard(v) else v for v in values]
        row[0] = text_cell(values[0], fill=fills[f.severity])
        ws.append(row)
    wb.save(tmp)


def _large_note(lang: str) -> str:
    if lang == "en":
        return f"The input has a sheet of more than {LARGE_ROWS:,} rows, so it was not copied; this workbook lists the findings only."
    return f"原文件有工作表超过 {LARGE_ROWS:,} 行，未复制原表；本工作簿只列出问题清单。"


def _truncated_note(lang: str, rest: int) -> str:
    if lang == "en":
        return f"… {rest:,} more findings are not listed here; the JSON or CSV report (--format json|csv) lists them all."
    return f"……另有 {rest:,} 条问题未在此列出；JSON 或 CSV 报告（--format json|csv）列出全部问题。"


# Helpers ---------------------------------------------------------------------------------------------


def _is_large(source: Path, fr: FileResult) -> bool:
    """Whether some sheet of ``source`` has more than LARGE_ROWS rows, judged without parsing it."""
    if fr.records > LARGE_ROWS:
        return True
    suffix = source.suffix.lower()
    try:
        if suffix == ".csv":
            with source.open("rb") as fh:
                lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
            return lines > LARGE_ROWS
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_large(source)
    except OSError:
        return False
    return False  # .xls holds at most 65,536 rows per sheet


_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\$?[0-9]*:?\$?[A-Z]*\$?([0-9]+)\"")


def _xlsx_large(source: Path) -> bool:
    try:
        with zipfile.ZipFile(source) as zf:
            for info in zf.infolist():
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                with zf.open(info) as fh:
                    head = fh.read(4096)
                m = _DIMENSION_RE.search(head)
                if m:
                    if int(m.group(1)) > LARGE_ROWS:
                        return True
                elif info.file_size > LARGE_PART_BYTES or _count_rows(zf, info.filename) > LARGE_ROWS:
                    return True
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return False


def _count_rows(zf: zipfile.ZipFile, name: str) -> int:
    """Row elements in a worksheet part without a <dimension>, counted while streaming it."""
    rows = 0
    tail = b""
    with zf.open(name) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            data = tail + chunk
            rows += data.count(b"<row ") + data.count(b":row ")
            tail = data[-5:]
            rows -= tail.count(b"<row ") + tail.count(b":row ")  # counted again with the next chunk
            if rows > LARGE_ROWS:
                break
    return rows + tail.count(b"<row ") + tail.count(b":row ")


def _sheet_title(name: str) -> str:
    """A valid Excel sheet title: no []:*?/\\, at most 31 characters, not empty."""
    title = _SHEET_BAD_CHARS.sub("_", _ILLEGAL_XML.sub("", name)).strip("'")[:31]
    return title or "Sheet1"


def _put(cell: Any, value: Any) -> None:
    """Write a value from a spreadsheet as inert data: text stays text (never a formula, never an
    Excel error code such as #REF!), control characters are made visible."""
    if isinstance(value, str):
        output.set_text(cell, _xml_safe(value))
        cell.data_type = "s"
    else:
        cell.value = value


def _needs_guard(text: str) -> bool:
    """Text openpyxl would not store as plain text (a formula, an error code) or could not store."""
    from openpyxl.cell.cell import ERROR_CODES

    return text.startswith("=") or text in ERROR_CODES or _ILLEGAL_XML.search(text) is not None


def _xml_safe(text: str) -> str:
    """Control characters XML cannot hold, made visible instead of making openpyxl fail."""
    return _ILLEGAL_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
