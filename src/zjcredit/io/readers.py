"""Reading any supported input: one registry keyed by format, every reader behind the guard.

- :func:`read_grid` — every cell of a (small) workbook: forms, summaries, catalogs, review sheets;
- :func:`peek_grid` — the first rows only, to recognise what a file is (a huge .xlsx is streamed);
- :func:`read_sheets` — column-wise, for outcome sheets of up to a million rows.

Each raises :class:`~zjcredit.errors.Unreadable` with one sentence naming the file, the cause and what to
do. A new input format is one entry in :mod:`zjcredit.io.formats` and one :class:`Reader` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zjcredit.errors import Unreadable
from zjcredit.io import guard
from zjcredit.io.formats import CSV, XLS, XLSX, FileFormat, format_of
from zjcredit.io.grid import SheetGrid, WorkbookGrid

# .xlsx inputs at least this large (bytes) are loaded in a child process while the guard's deep check
# runs here (:mod:`zjcredit.io.isolate`); smaller ones are guarded first and read in this process. The
# measurements behind it are in the README (Performance).
ISOLATE_MIN_BYTES = 1024**2
# A file is read ahead (:func:`read_ahead`) when at most this large: its child's memory (about 12 × the
# file) must fit beside the checks of the file before it.
READ_AHEAD_MAX_BYTES = 24 * 1024**2
# A worksheet part larger than this (uncompressed) makes :func:`peek_grid` stream the XML.
PEEK_MIN_PART_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Reader:
    format: FileFormat
    grid: Callable[[Path, str, int | None], WorkbookGrid]
    sheets: Callable[[Path, str, Callable[[], None]], list]  # -> list[RawSheet]
    peek: Callable[[Path, str, int], WorkbookGrid] | None = None


def _excel_grid(path: Path, display: str, nrows: int | None) -> WorkbookGrid:
    from zjcredit.io.excel import read_excel_grid

    return read_excel_grid(path, display, nrows)


def _csv_grid(path: Path, display: str, nrows: int | None) -> WorkbookGrid:
    from zjcredit.io.csvfile import csv_rows, read_csv_columns

    parsed = read_csv_columns(path, display, nrows)
    if nrows is None and parsed.nrows > guard.MAX_ROWS:
        raise guard.sheet_too_long(display, "CSV", parsed.nrows)
    return WorkbookGrid(display, "csv", [SheetGrid(None, csv_rows(parsed))], parsed.encoding, complete=parsed.complete)


def _xlsx_sheets(path: Path, display: str, meanwhile: Callable[[], None]) -> list:
    """Columns of an .xlsx, with what the guard's pass over the sheet XML noted (long number cells, an
    Excel-mangled ID; error values; cells holding 0). A large one is loaded in a child under a memory cap while that pass (and ``meanwhile``)
    runs here; the cap stands in for the scan of cell references, which runs only if the child fails."""
    from zjcredit.io import isolate, sheetxml
    from zjcredit.io.columns import xlsx_sheets
    from zjcredit.io.xlsxload import load_xlsx

    notes = sheetxml.SheetNotes()
    if path.stat().st_size >= ISOLATE_MIN_BYTES and not guard.deep_checked(path):
        guard.precheck(path, display)

        def guard_then_prepare() -> None:
            guard.stream_check(path, display, visit=notes)
            meanwhile()

        try:
            loaded = isolate.load_while_guarding(path, display, guard_then_prepare)
        except Unreadable:
            guard.deep_check(path, display)  # a crafted file gets the guard's own sentence
            raise
    else:
        guard.deep_check(path, display, visit=notes)
        meanwhile()
        loaded = load_xlsx(path, display)
    return xlsx_sheets(path, display, loaded, notes)


def _xls_sheets(path: Path, display: str, meanwhile: Callable[[], None]) -> list:
    from zjcredit.io.columns import xls_sheets

    guard.preflight(path, display)
    meanwhile()
    return xls_sheets(path, display)


def _csv_sheets(path: Path, display: str, meanwhile: Callable[[], None]) -> list:
    from zjcredit.io.columns import csv_sheets

    guard.preflight(path, display)
    meanwhile()
    return csv_sheets(path, display)


def _xlsx_peek(path: Path, display: str, nrows: int) -> WorkbookGrid:
    """A huge sheet is streamed (its first rows, partial grid); anything else is read as usual."""
    from zjcredit.io import sheetxml

    guard.precheck(path, display)  # what the file is, sizes, ratios, prologs: no DOCTYPE anywhere
    try:
        if sheetxml.largest_sheet_bytes(path) > PEEK_MIN_PART_BYTES:
            sheets = sheetxml.peek_sheets(path, nrows)
            if sheets:
                return WorkbookGrid(display, "xlsx", sheets, complete=False)
    except Exception:  # noqa: BLE001, S110 - anything odd: the full reader says what is wrong
        pass
    try:
        return read_grid(path, display, nrows=nrows)
    except guard.GridTooLarge:
        # Too large to read cell by cell (a far-away value): the first rows streamed tell the kind, and an
        # outcome sheet is then read column-wise; any other kind is refused when read in full.
        sheets = sheetxml.peek_sheets(path, nrows)
        if not sheets:
            raise
        return WorkbookGrid(display, "xlsx", sheets, complete=False)


READERS: dict[str, Reader] = {
    XLSX.name: Reader(XLSX, _excel_grid, _xlsx_sheets, _xlsx_peek),
    XLS.name: Reader(XLS, _excel_grid, _xls_sheets),
    CSV.name: Reader(CSV, _csv_grid, _csv_sheets),
}


def reader_for(path: Path, display: str) -> Reader:
    """The reader of ``path``'s format; the file becomes an input of the run (never an output)."""
    from zjcredit.io.sources import note_input

    note_input(path)
    fmt = format_of(path)
    if fmt is None:
        suffix = path.suffix.lower()
        raise Unreadable(
            f"{display}：不支持的文件类型“{suffix or '无扩展名'}”，请另存为 .xlsx、.xls 或 .csv。",
            f"{display}: unsupported file type '{suffix or 'no extension'}'; save it as .xlsx, .xls or .csv.",
        )
    return READERS[fmt.name]


def read_grid(path: Path, display: str, nrows: int | None = None) -> WorkbookGrid:
    """Every cell of every sheet, after the guard. ``nrows`` reads only the first rows of each sheet
    (enough to recognise a document's kind); the grid is then ``complete`` only when nothing is below."""
    reader = reader_for(path, display)
    guard.preflight(path, display)
    return reader.grid(path, display, nrows)


def peek_grid(path: Path, display: str, nrows: int) -> WorkbookGrid:
    """The first ``nrows`` rows of each sheet, as cheaply as the format allows."""
    reader = reader_for(path, display)
    if reader.peek is not None:
        return reader.peek(path, display, nrows)
    return read_grid(path, display, nrows=nrows)


def read_sheets(path: Path, display: str, meanwhile: Callable[[], None] | None = None) -> tuple[str, list]:
    """(format name, every sheet as :class:`~zjcredit.io.columns.RawSheet`), after the guard.

    ``meanwhile()`` is work of the caller's that does not need this file; it is done once the file passed
    the guard, while a child still loads a large one (the time would otherwise be spent waiting)."""
    reader = reader_for(path, display)
    return reader.format.name, reader.sheets(path, display, meanwhile or _nothing)


def _nothing() -> None:
    pass


def read_ahead(path: Path, display: str) -> None:
    """Start loading ``path`` in a child now, if it is an .xlsx that would be loaded in one, so that it is
    read while the caller still checks the file before it (:func:`read_sheets` takes the load over)."""
    from zjcredit.io import isolate

    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader says why when its turn comes
    if format_of(path) is XLSX and ISOLATE_MIN_BYTES <= size <= READ_AHEAD_MAX_BYTES and not guard.deep_checked(path):
        isolate.head_start(path, display)
