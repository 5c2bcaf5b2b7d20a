"""`--annotate DIR`: a marked copy of each input, its problem cells filled and commented, a short note
beside each flagged row that prints (a comment does not), plus a sheet listing every finding (问题清单,
:mod:`zjcredit.report.findings_sheet`).

Inputs are never touched: ``.xlsx``/``.xlsm`` are loaded into memory with openpyxl and saved as a new
``.xlsx`` holding values only (macros, formulas, defined names and external links dropped:
:mod:`zjcredit.report.values_only`); ``.xls`` and ``.csv`` are rebuilt from the values the checks read. Every
text that came from a spreadsheet is written as text (:func:`zjcredit.report.output.set_text`), never as a
formula. A copy never replaces another one: without ``--force`` it is put in place only if its name is still
free when it is done (two runs annotating into one folder at once cannot overwrite each other's copy).
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from zjcredit.errors import Unreadable, UsageError
from zjcredit.io.grid import SheetGrid
from zjcredit.io.readers import read_grid
from zjcredit.report import output
from zjcredit.report.findings import FileResult, Finding, Report
from zjcredit.report.findings_sheet import FILLS, LIST_SHEET, SEVERITY_LABELS, fill_list, put, rule_title, summary_line, write_list_only, xml_safe
from zjcredit.report.values_only import Removed, strip_formulas, tidy_merges, without_overlaps

# A sheet with more rows than this is not copied cell by cell: the copy holds only the findings list.
LARGE_ROWS = 100_000
# Uncompressed size of one worksheet part above which it is treated as large when it has no <dimension>.
LARGE_PART_BYTES = 60 * 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
# Cells beyond this many still get their fill but no comment or note (Excel slows down on huge comment layers).
COMMENT_LIMIT = 20_000
EXCEL_MAX_COLS = 16_384
COMMENT_AUTHOR = "zjcredit"
NOTE_WIDTH = 32  # the printed notes column beside a marked sheet
NOTE_HEADER = {"zh": "问题说明", "en": "Findings"}
EMPTIED_FILL = "FFEB9C"
DEFAULT_ROW_HEIGHT = 15.0

_CELL_RE = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")
# A cell under an ID or phone header is masked whole when it is made of a number's characters only.
_NUMBERLIKE_RE = re.compile(r"[0-9Xx.Ee+\-()（）\s]+")


def annotate(report: Report, out_dir: Path, *, lang: str = "zh", force: bool = False, mask: bool = False) -> list[Path]:
    """Write ``out_dir/<stem>.checked.xlsx`` for every readable input of ``report``; return the paths.

    With ``mask`` (``--mask-ids``) the copies show no resident ID or phone number: every cell of an ID or
    phone column, and any ID or mobile number elsewhere, masked in place (:mod:`zjcredit.report.mask`);
    ``report``'s findings are expected masked already (their messages and values).

    Every target is checked before anything is written, so a refusal (an existing file without
    ``force``, a target that is an input) leaves nothing half done.
    """
    lang = "en" if lang == "en" else "zh"
    # A folder (a ledger kept as one file per part) has no cells of its own: its parts get the copies.
    results = [fr for fr in report.inputs if not fr.unreadable and not fr.skipped and not Path(fr.path).is_dir()]
    inputs = [Path(fr.path) for fr in report.files if not fr.skipped]  # our own copies passed over may be replaced
    targets = [out_dir / f"{name}.checked.xlsx" for name in unique_names([fr.path for fr in results])]
    for target in targets:
        output.check_target(target, force, inputs)
    written: list[Path] = []
    for fr, target in zip(results, targets):
        if force:
            written.append(output.write_atomic(target, lambda tmp, fr=fr: _write_copy(fr, tmp, lang, mask), force=True, inputs=inputs))
        else:
            written.append(_write_new(target, lambda tmp, fr=fr: _write_copy(fr, tmp, lang, mask), written))
    return written


def _write_new(target: Path, write: Any, done: list[Path]) -> Path:
    """Write ``target`` (through :func:`~zjcredit.report.output.atomic_path`, under a staging name of this
    run) and put it in place only if no file has taken the name meanwhile — another run annotating into
    the same folder: a hard link, which never replaces a file; where the file system has none, an
    exclusive create first. The staging file is removed either way."""
    staging = target.parent / f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.staging"
    try:
        with output.atomic_path(staging) as tmp:
            write(tmp)
        try:
            os.link(staging, target)
        except FileExistsError:
            raise _taken(target, done) from None
        except OSError:  # no hard links on this file system
            try:
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                raise _taken(target, done) from None
            except OSError as exc:
                raise output.output_failed(target, exc) from None
            os.replace(staging, target)
    finally:
        with contextlib.suppress(OSError):
            staging.unlink()
    return target


def _taken(target: Path, done: list[Path]) -> UsageError:
    written_zh = f"已写好的副本：{'、'.join(str(p) for p in done)}。" if done else "本次没有写入任何副本。"
    written_en = f"Copies written: {', '.join(str(p) for p in done)}." if done else "No copy was written."
    return UsageError(
        f"副本 {target} 在写入期间已由另一次运行写出，未覆盖它。{written_zh}请换一个 --annotate 文件夹再运行，或加 --force 覆盖。",
        f"The copy {target} was written by another run meanwhile and was not overwritten. {written_en} Use another --annotate folder, or add --force to overwrite.",
    )


def unique_names(paths: Sequence[str]) -> list[str]:
    """Output stems for ``paths``: the file stem, or when stems collide (case-insensitively) the nearest
    folder names joined in, one level at a time until they differ (西湖区_申报表, 上城区_申报表, not the
    whole path), then the extension, then a number — deterministic for the same list."""

    def folders(p: str) -> list[str]:
        return [x for x in Path(p).parent.parts if x not in ("", ".", "..", "/", "\\") and not x.endswith((":", ":\\"))]

    def with_dirs(p: str, depth: int) -> str:
        parts = folders(p)[-depth:] if depth else []
        return "_".join([*parts, Path(p).stem])

    names = [Path(p).stem for p in paths]
    deepest = max((len(folders(p)) for p in paths), default=0)
    for depth in range(1, deepest + 1):
        counts = _counts(names)
        if all(counts[n.casefold()] == 1 for n in names):
            break
        names = [with_dirs(p, depth) if counts[n.casefold()] > 1 or n != Path(p).stem else n for p, n in zip(paths, names)]
    counts = _counts(names)
    names = [f"{n}_{Path(p).suffix.lstrip('.').lower()}" if counts[n.casefold()] > 1 else n for p, n in zip(paths, names)]
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


def _write_copy(fr: FileResult, tmp: Path, lang: str, mask: bool = False) -> None:
    source = Path(fr.path)
    if _is_large(source, fr):
        write_list_only(fr, tmp, lang, note=_large_note(lang))
        return
    try:
        wb, csv_sheet, removed = _load_copy(source, fr.path)
    except Unreadable as exc:
        write_list_only(fr, tmp, lang, note=exc.en if lang == "en" else exc.zh)
        return
    if mask:
        _mask_cells(wb)
    _mark_cells(wb, fr.findings, lang, csv_sheet)
    _mark_emptied(wb, removed, lang)
    ws = wb.create_sheet(LIST_SHEET[lang])
    fill_list(ws, fr.findings, lang, csv_sheet, links=True, summary=summary_line(source.name, fr.findings, lang, _removed_note(removed, lang)))
    wb.active = wb.index(ws)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    output.save_output(wb, tmp, "annotated")


def _removed_note(removed: Removed, lang: str) -> str:
    """What the 问题清单 says when the copy's formulas were taken out."""
    if not removed.count:
        return ""
    emptied = len(removed.emptied)
    if lang == "en":
        rest = f"; {emptied} had no saved value and were left empty (marked yellow)" if emptied else ""
        return f"The input's {removed.count} formula(s) were removed: this copy holds their saved values only{rest}; defined names and external links were dropped too."
    rest = f"；其中 {emptied} 个没有保存的计算结果，已清空并标为黄色" if emptied else ""
    return f"原表中的 {removed.count} 个公式已移除，副本只保留它们保存的计算结果{rest}；名称定义和外部链接也已删除。"


def _mark_emptied(wb: Any, removed: Removed, lang: str) -> None:
    """A formula cell left empty (no saved value) is filled and says what it held."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    for sheet, ref, formula in removed.emptied[:COMMENT_LIMIT]:
        cell = wb[sheet][ref]
        cell.fill = PatternFill("solid", fgColor=EMPTIED_FILL)
        text = f"This cell held the formula {formula} with no saved value; it was removed." if lang == "en" else f"这里原是公式 {formula}，没有保存的计算结果，已移除。"
        cell.comment = Comment(xml_safe(text), COMMENT_AUTHOR, width=300, height=80)


def _load_copy(source: Path, display: str) -> tuple[Any, str | None, Removed]:
    """The workbook to mark: openpyxl's copy of an .xlsx with values only, or one rebuilt from the values
    read. Returns the workbook, for a CSV the name given to its single sheet, and the formulas removed."""
    suffix = source.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import warnings

        from openpyxl import load_workbook

        wb = None
        try:
            with warnings.catch_warnings():  # "extension not supported" notes are noise for a clerk
                warnings.simplefilter("ignore")
                wb = load_workbook(source, keep_vba=False, keep_links=False, rich_text=False)
            removed = strip_formulas(wb, source)
        except Exception:  # openpyxl is stricter than calamine: fall back to the values read
            wb = None
        if wb is not None:
            for ws in wb.worksheets:
                tidy_merges(ws)
            return wb, None, removed
    grid = read_grid(source, display)
    csv_sheet = _sheet_title(source.stem) if grid.format == "csv" else None
    return _rebuild(grid.sheets, csv_sheet), csv_sheet, Removed()


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
                    output.set_text(cell, xml_safe(value))  # an error code read from .xls stays one
                elif isinstance(value, (bool, int, float, dt.date, dt.time, dt.timedelta)):
                    cell.value = value
                    if isinstance(value, dt.datetime):
                        cell.number_format = "yyyy-mm-dd hh:mm:ss" if value.time() != dt.time() else "yyyy-mm-dd"
                    elif isinstance(value, dt.date):
                        cell.number_format = "yyyy-mm-dd"
                else:
                    output.set_text(cell, xml_safe(str(value)))
        for r0, c0, r1, c1 in without_overlaps([m for m in grid.merged if (m[0], m[1]) != (m[2], m[3])]):
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    if not wb.worksheets:
        wb.create_sheet(csv_sheet or "Sheet1")
    return wb


def _mask_cells(wb: Any) -> None:
    """Mask personal numbers in the copy (``--mask-ids``): a column under a 身份证号 or 联系电话 header (any
    accepted spelling) whole, whatever its values look like; IDs and mobile numbers anywhere else; the
    workbook's own comments too. Cells keep their place, so the marks still point at the right rows."""
    from zjcredit.domain.schema import canonical_field
    from zjcredit.report.findings import display_value
    from zjcredit.report.mask import ID_FIELDS, PHONE_FIELDS, mask_text, mask_value

    personal = tuple(ID_FIELDS | PHONE_FIELDS)
    for ws in wb.worksheets:
        columns: dict[int, str] = {}
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if value is None or isinstance(value, bool):
                    continue
                if cell.comment is not None:
                    cell.comment.text = mask_text(cell.comment.text)
                if isinstance(value, str):
                    field = canonical_field(value, personal) if len(value) <= 12 else None
                    if field is not None:
                        columns[cell.column] = field
                        continue
                    text = value
                elif isinstance(value, (int, float)):
                    text = display_value(value)
                else:
                    continue
                field = columns.get(cell.column)
                numberlike = field is not None and _NUMBERLIKE_RE.fullmatch(text) is not None and sum(ch.isdigit() for ch in text) >= 6
                masked = mask_value(field, text) if numberlike else mask_text(text)
                if masked != text:
                    output.set_text(cell, masked)


def _mark_cells(wb: Any, findings: Sequence[Finding], lang: str, csv_sheet: str | None) -> None:
    """Fill each finding's cell by its worst severity, attach one comment with all its messages, and write
    a short note beside the flagged row that prints with the sheet."""
    from openpyxl.cell.cell import MergedCell
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
    notes: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for n, ((sheet, row, col), cell_findings) in enumerate(by_cell.items()):
        ws = wb[sheet]
        cell = ws.cell(row=row, column=col)
        worst = max(f.severity for f in cell_findings)
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
        if n >= COMMENT_LIMIT or isinstance(cell, MergedCell):
            continue
        ordered = sorted(cell_findings, key=lambda f: -f.severity)
        notes[sheet][row].append(f"{cell.coordinate} " + "、".join(dict.fromkeys(rule_title(f.rule, lang) for f in ordered)))
        lines = [f"{labels[f.severity]} [{f.rule}] {f.message(lang)}" for f in ordered]
        text = xml_safe("\n".join(lines))
        if cell.comment is not None and cell.comment.author != COMMENT_AUTHOR:
            text = f"{text}\n\n{'Original comment' if lang == 'en' else '原批注'}：{cell.comment.text}"
        comment = Comment(text, COMMENT_AUTHOR)
        comment.width = 360
        comment.height = min(40 + 18 * sum(1 + len(line) // 24 for line in lines), 400)
        cell.comment = comment
    for sheet, rows in notes.items():
        _notes_beside(wb[sheet], rows, lang)


def _notes_beside(ws: Any, rows: dict[int, list[str]], lang: str) -> None:
    """The flagged cells of each row, named with their rule's title, in a column right of the sheet's
    content: a printed marked form says what is wrong where (comments do not print). The sheet is made to
    print one page wide, turned to landscape when that keeps it legible."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from zjcredit.report.layout import MIN_PRINTED_SIZE, print_range, print_scale

    first_row, first_col, last_row, last_col = print_range(ws)
    col = max(ws.max_column, last_col) + 1
    letter = get_column_letter(col)
    ws.column_dimensions[letter].width = NOTE_WIDTH
    font = Font(name="宋体", size=9, color="C00000")
    wrap = Alignment(wrap_text=True, vertical="top")
    if 1 not in rows:
        put(ws.cell(row=1, column=col), NOTE_HEADER[lang])
        ws.cell(row=1, column=col).font = Font(name="宋体", size=9, bold=True, color="C00000")
    for row, texts in rows.items():
        cell = ws.cell(row=row, column=col)
        put(cell, "；".join(texts) if lang != "en" else "; ".join(texts))
        cell.font, cell.alignment = font, wrap
        needed = _note_height(str(cell.value))
        height = ws.row_dimensions[row].height
        if (height is None and needed > DEFAULT_ROW_HEIGHT) or (height is not None and height < needed):
            ws.row_dimensions[row].height = needed  # rows are not re-measured when the file is opened
    if ws.print_area:
        ws.print_area = f"{get_column_letter(first_col)}{first_row}:{letter}{max(last_row, max(rows))}"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.cellComments = "atEnd"  # Excel also prints the full messages after the sheet
    if ws.page_setup.orientation != "landscape" and print_scale(ws) * 11 < MIN_PRINTED_SIZE:
        ws.page_setup.orientation = "landscape"


def _note_height(text: str) -> float:
    from zjcredit.report.layout import ROW_PADDING, line_height, lines_needed

    return lines_needed(text, NOTE_WIDTH, 9) * line_height(9) + ROW_PADDING


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
