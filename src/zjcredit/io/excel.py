"""Excel workbooks through python-calamine: grids of .xlsx/.xlsm/.xls, and the columns of .xls sheets.

calamine reads Excel error values (#REF!, #VALUE! …) as empty cells; they are put back from the sheet
XML (.xlsx, :func:`zjcredit.io.sheetxml.error_cells`) or with xlrd (.xls), so that ``excel-error`` sees
them. The columns of .xlsx sheets are read with fastexcel instead (:mod:`zjcredit.io.xlsxload`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from zjcredit.errors import Unreadable, reraise_fatal
from zjcredit.errors import damaged_workbook as damaged
from zjcredit.errors import first_line as short
from zjcredit.io import guard, sheetxml
from zjcredit.io.grid import SheetGrid, WorkbookGrid


def _open(path: Path, display: str) -> Any:
    import python_calamine as pc

    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise guard.password_protected(display) from None
    except BaseException as exc:  # calamine raises several types for broken files, and panics
        reraise_fatal(exc)
        raise damaged(display, exc) from None


def _worksheets(wb: Any) -> list[Any]:
    return [meta for meta in wb.sheets_metadata if str(meta.typ).split(".")[-1] == "WorkSheet"]


def _no_worksheet(display: str) -> Unreadable:
    return Unreadable(
        f"{display}：工作簿里没有可读取的工作表（可能只有图表页）。",
        f"{display}: the workbook has no worksheet to read (perhaps only chart sheets).",
    )


def read_excel_grid(path: Path, display: str, nrows: int | None = None) -> WorkbookGrid:
    """Every worksheet as a grid with merged ranges; ``nrows`` reads only the first rows."""
    wb = _open(path, display)
    is_xls = path.suffix.lower() == ".xls"
    parts = _sheet_parts(path) if not is_xls else {}
    for meta in _worksheets(wb):  # before calamine allocates any sheet's rectangle
        guard.check_grid(path, display, meta.name, parts.get(meta.name) if not is_xls else None)
    errors = xls_error_cells(path) if is_xls else sheetxml.error_cells(path)
    sheets: list[SheetGrid] = []
    complete = True
    try:
        for meta in _worksheets(wb):
            sheet = wb.get_sheet_by_name(meta.name)
            if nrows is None:
                guard.check_sheet_size(display, meta.name, sheet.end)
            elif sheet.end is not None and sheet.end[0] >= nrows:
                complete = False
            rows = _rows(sheet, nrows)
            _restore_errors(rows, errors.get(meta.name, ()), nrows)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []]
            sheets.append(SheetGrid(meta.name, rows, merged))
    except Unreadable:
        raise
    except BaseException as exc:  # a panic of calamine's included
        reraise_fatal(exc)
        raise Unreadable(
            f"{display}：读取工作表时出错（{short(exc)}）。请用 Excel/WPS 打开后另存为 .xlsx 再检查。",
            f"{display}: the sheets could not be read ({short(exc)}); open it in Excel/WPS, save as .xlsx and check again.",
        ) from None
    if not sheets:
        raise _no_worksheet(display)
    return WorkbookGrid(display, "xls" if is_xls else "xlsx", sheets, complete=complete)


def _sheet_parts(path: Path) -> dict[str, str]:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            return dict(sheetxml.worksheets(zf))
    except Exception:  # noqa: BLE001 - calamine reports the damage itself
        return {}


def _rows(sheet: Any, nrows: int | None) -> list[list[Any]]:
    start_row, start_col = sheet.start or (0, 0)
    body = sheet.to_python(skip_empty_area=True, nrows=None if nrows is None else max(nrows - start_row, 0))
    rows: list[list[Any]] = [[] for _ in range(start_row)]
    pad = [None] * start_col
    rows.extend((pad + list(r)) if start_col else list(r) for r in body)
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    return rows


def _restore_errors(rows: list[list[Any]], cells: Any, nrows: int | None) -> None:
    for r, c, text in cells:
        if nrows is not None and r >= nrows:
            continue
        while len(rows) <= r:
            rows.append([])
        if len(rows[r]) <= c:
            rows[r].extend([None] * (c + 1 - len(rows[r])))
        rows[r][c] = text


def xls_error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Error cells of an old .xls workbook by sheet, read with xlrd (calamine drops them too).

    Best effort like :func:`zjcredit.io.sheetxml.error_cells`; an .xls without error cells costs one
    xlrd pass.
    """
    try:
        import xlrd

        out: dict[str, list[tuple[int, int, str]]] = {}
        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                cells = []
                for r in range(sheet.nrows):
                    for c, ctype in enumerate(sheet.row_types(r)):
                        if ctype == xlrd.XL_CELL_ERROR:
                            cells.append((r, c, xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#VALUE!")))
                if cells:
                    out[sheet.name] = cells
                book.unload_sheet(index)
        finally:
            book.release_resources()
        return out
    except Exception:  # noqa: BLE001 - best effort, see docstring
        return {}


def cell_text(v: Any) -> str | None:
    """A python-calamine value as text, the way fastexcel renders it."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v != v:
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d 00:00:00")
    if isinstance(v, dt.timedelta):
        return str(v)
    text = str(v)
    return text if text.strip() else None


def read_xls_columns(path: Path, display: str) -> list[tuple[str, dict[int, list[str | None]], dict[int, Any], int]]:
    """Every worksheet of an .xls as (name, text per column, number-cell flags per column, rows).

    An .xls sheet holds at most 65,536 rows, so a Python pass over its cells is fine.
    """
    import numpy as np

    wb = _open(path, display)
    errors = xls_error_cells(path)
    out = []
    try:
        for meta in _worksheets(wb):
            sheet = wb.get_sheet_by_name(meta.name)
            guard.check_sheet_size(display, meta.name, sheet.end)
            start_row, start_col = sheet.start or (0, 0)
            body = sheet.to_python(skip_empty_area=True)
            nrows = start_row + len(body)
            width = max((len(r) for r in body), default=0)
            texts: dict[int, list[str | None]] = {start_col + c: [None] * nrows for c in range(width)}
            numeric: dict[int, Any] = {start_col + c: np.zeros(nrows, dtype=bool) for c in range(width)}
            for r, row in enumerate(body, start=start_row):
                for c, v in enumerate(row):
                    if v is None or v == "":
                        continue
                    texts[start_col + c][r] = cell_text(v)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        numeric[start_col + c][r] = True
            for r, c, text in errors.get(meta.name, ()):
                if c in texts and r < nrows:
                    texts[c][r] = text
            out.append((meta.name, texts, numeric, nrows))
    except Unreadable:
        raise
    except BaseException as exc:  # a panic of calamine's included
        reraise_fatal(exc)
        raise damaged(display, exc) from None
    return out
