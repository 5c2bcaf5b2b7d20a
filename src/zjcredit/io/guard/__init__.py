"""Guards applied before any parser sees an input: disguised and damaged files, zip bombs, XML attacks,
sheets whose cell range would exhaust memory.

:func:`preflight` is called by every reader of :mod:`zjcredit.io.readers` before
calamine, fastexcel or openpyxl open a file. It only reads the file (opened ``rb``) and raises
:class:`zjcredit.errors.Unreadable` with one sentence naming the file, the cause and what to do.

It is two stages, callable apart: :func:`precheck` (milliseconds: what the file really is, the zip's
central directory, declared sizes and ratios, every part's XML prolog) and :func:`deep_check` (seconds
at a million rows: every part inflated, cell references scanned). A large outcome sheet is loaded by a
child process (:mod:`zjcredit.io.isolate`) while the parent runs :func:`deep_check`; everything else runs
both stages before parsing.

Limits (documented for users in the guide, section 可靠性与安全):

- ``MAX_INPUT_BYTES``: an input file larger than 1 GiB is refused.
- ``MAX_ENTRIES``: an .xlsx with more than 10,000 parts is refused.
- ``MAX_PART_BYTES`` / ``MAX_TOTAL_BYTES``: one part may inflate to at most 2 GiB and all parts together
  to 4 GiB. A 1,048,576-row outcome sheet written by openpyxl is about 600 MiB of XML.
- ``MAX_RATIO``: a part larger than ``RATIO_MIN_BYTES`` (16 MiB) must not compress better than 300:1.
  Real sheets measure 12–30:1 (sheets of identical long text rows up to ~150:1); zip bombs ~1,000:1.
- The declared sizes are not trusted: every part is inflated as a stream (bounded memory, nothing kept)
  and refused as soon as it yields more than it declared.
- ``MAX_PROLOG_BYTES``: XML parts must reach their root element within 64 KiB, and a ``<!DOCTYPE`` (the
  carrier of entity expansion and external entities) is refused; legitimate OOXML never has one.
- ``MAX_CELLS``: the rectangle a sheet's cells span (rows × columns) may not exceed 30 million cells,
  because the reader allocates that rectangle whole: one value in XFD1048576 would otherwise ask for
  hundreds of GiB.
- ``MAX_ROWS``: a sheet with more rows than this is refused (Excel's own limit is 1,048,576).
- A legacy .xls (an OLE compound file) has its structure walked against the file's real size before any
  parser opens it, and its cells kept inside the legacy grid (:mod:`zjcredit.io.guard.cfb`).
"""

from __future__ import annotations

from pathlib import Path

from zjcredit.io.formats import format_of
from zjcredit.io.guard.archive import check_string_indices, check_zip, xml_prolog_verdict  # noqa: F401  (public)
from zjcredit.io.guard.cfb import check_cfb
from zjcredit.io.guard.cellrefs import scan_cell_refs  # noqa: F401  (public)
from zjcredit.io.guard.limits import *  # noqa: F403  (the limits are part of the guard's interface)
from zjcredit.io.guard.limits import MAX_INPUT_BYTES, MAX_ROWS, MIB, Visitor
from zjcredit.io.guard.refusals import GridTooLarge, refused
from zjcredit.io.guard.sniff import ZIP_MAGIC, check_container

# Verdicts per (file, size, mtime): None passed, else the (zh, en) refusal. _CHEAP_CACHE holds
# :func:`precheck`'s, _CACHE the full verdict of :func:`preflight`/:func:`deep_check`.
_CACHE: dict[tuple[str, int, int], tuple[str, str] | None] = {}
_CHEAP_CACHE: dict[tuple[str, int, int], tuple[str, str] | None] = {}
# The cell rectangle of each sheet part as the checks measured it (an upper bound), per file version;
# "" for a legacy .xls (its largest sheet).
_RECTANGLES: dict[tuple[str, int, int], dict[str, int]] = {}



def preflight(path: Path, display: str) -> None:
    """Refuse an input that is empty, too big, damaged, crafted or not what its name says, before parsing.

    :func:`precheck` then :func:`deep_check`. The verdict is remembered per (file, size, modification
    time), so the two or three readers that open the same file pay for the inspection once.
    """
    precheck(path, display)
    deep_check(path, display)


def precheck(path: Path, display: str) -> None:
    """The cheap part of :func:`preflight` (milliseconds at any size): what the file really is, the zip's
    central directory, declared sizes and compression ratios, the XML prolog of every part, and that a
    worksheet exists. Parts are not inflated past their prolog, so a part that lies about its size or a
    sheet with far-away cells passes here; only :func:`deep_check` (or an isolated reader) may follow."""
    _verdict(path, display, _CHEAP_CACHE, deep=False)


def deep_check(path: Path, display: str, visit: Visitor | None = None) -> None:
    """All of :func:`preflight`: :func:`precheck`, then every part of an .xlsx/.xlsm inflated as a bounded
    stream (it must yield exactly what it declares) and the cells of each sheet scanned for a rectangle
    the readers can hold. Seconds at a million rows.

    ``visit(part_name, chunk)``, if given, sees every inflated chunk of every worksheet part, in order,
    so a caller can gather facts from the sheet XML in the same pass; it is not called when the verdict
    was already known (the file is not inflated again) or for parts after a refusal."""
    precheck(path, display)
    _verdict(path, display, _CACHE, deep=True, visit=visit)


def stream_check(path: Path, display: str, visit: Visitor) -> None:
    """:func:`deep_check` without the scan of cell references, and remembering nothing: every part
    inflated as a bounded stream (it must yield exactly what it declares), ``visit`` shown every sheet
    chunk. For a file a child process loads under a memory cap, which stands in for the rectangle scan
    (should the child fail, :func:`deep_check` then names the cause)."""
    precheck(path, display)
    if (fmt := format_of(path)) is not None and fmt.container == "zip":
        try:
            check_zip(path, display, deep=True, visit=visit, rectangle=False)
        except OSError as exc:
            raise refused(*read_failure(display, exc)) from None


def read_failure(display: str, exc: BaseException) -> tuple[str, str]:
    """The sentence (zh, en) for a file that could not be read: no permission said as such."""
    if isinstance(exc, PermissionError):
        return (
            f"{display}：没有读取这个文件的权限。请让文件的所有者或管理员开放读取权限，或把文件复制到自己的文件夹后再检查。",
            f"{display}: no permission to read this file; ask its owner or an administrator for read access, or copy it into a folder of your own and check the copy.",
        )
    return (
        f"{display}：读取文件时出错（{type(exc).__name__}）。请确认文件完整、未被其他程序占用。",
        f"{display}: the file could not be read ({type(exc).__name__}); check that it is complete and not locked by another program.",
    )


def deep_checked(path: Path) -> bool:
    """True when :func:`deep_check` already passed this version of the file (nothing left to guard)."""
    try:
        return _CACHE.get(file_key(path), False) is None
    except OSError:
        return False


def file_key(path: Path) -> tuple[str, int, int]:
    """(resolved path, size, modification time): one version of one file."""
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _verdict(path: Path, display: str, cache: dict[tuple[str, int, int], tuple[str, str] | None], *, deep: bool, visit: Visitor | None = None) -> None:
    try:
        key = file_key(path)
    except OSError as exc:
        raise refused(
            f"{display}：无法打开文件（{exc.strerror}）。请检查文件是否存在、是否有读取权限。",
            f"{display}: cannot open the file ({exc.strerror}); check that it exists and can be read.",
        ) from None
    if key in cache:
        verdict = cache[key]
        if verdict is not None:
            raise refused(*verdict)
        return
    try:
        rectangles = _inspect(path, display, key[1], deep=deep, visit=visit)
        if rectangles:
            _RECTANGLES.setdefault(key, {}).update(rectangles)
    except Exception as exc:
        zh, en = getattr(exc, "zh", None), getattr(exc, "en", None)
        if zh is None or en is None:  # an OSError while reading, or a bug in a guard: still one sentence
            zh, en = read_failure(display, exc)
        cache[key] = (zh, en)
        raise refused(zh, en) from None
    cache[key] = None


def _inspect(path: Path, display: str, size: int, *, deep: bool, visit: Visitor | None = None) -> dict[str, int]:
    fmt = format_of(path)
    container = fmt.container if fmt is not None else None
    if deep:  # what the file is was settled by precheck; only a zip container has more to inspect
        if container == "zip":
            with path.open("rb") as fh:
                is_zip = fh.read(4) == ZIP_MAGIC
            if is_zip:
                return check_zip(path, display, deep=True, visit=visit)
        return {}
    if size == 0:
        raise refused(
            f"{display}：文件是空的（0 字节）。请重新导出或另存后再检查。",
            f"{display}: the file is empty (0 bytes); export or save it again.",
        )
    if size > MAX_INPUT_BYTES:
        raise refused(
            f"{display}：文件有 {size / MIB:,.0f} MiB，超过上限 {MAX_INPUT_BYTES // MIB:,} MiB。请拆分后分别检查。",
            f"{display}: the file is {size / MIB:,.0f} MiB, above the limit of {MAX_INPUT_BYTES // MIB:,} MiB; split it and check the parts.",
        )
    with path.open("rb") as fh:
        head = fh.read(4096)
    if container is not None:
        check_container(path, display, container, head)
    if container == "zip":
        check_zip(path, display, deep=False)
    elif container == "ole":
        return {"": check_cfb(path, display)}
    return {}


# Sheet limits applied by the readers ----------------------------------------------------------------


def check_grid(path: Path, display: str, sheet: str, part: str | None) -> None:
    """Refuse, before the grid reader allocates it, a sheet spanning more than :data:`MAX_GRID_CELLS` cells
    (``part``: its worksheet part in an .xlsx; None for a legacy .xls). The guard's measure counts every
    cell reference; only when that is too large are the cells that hold a value measured exactly
    (whole-sheet formatting writes empty cells, which the reader skips)."""
    from zjcredit.io.guard.limits import MAX_GRID_CELLS

    try:
        measured = _RECTANGLES.get(file_key(path), {})
    except OSError:
        return
    cells = measured.get(part if part is not None else "", 0)
    if cells <= MAX_GRID_CELLS:
        return
    rows = cols = 0
    if part is not None:
        from zjcredit.io import sheetxml

        rows, cols = sheetxml.value_extent(path, part)
        cells = rows * cols
        if cells <= MAX_GRID_CELLS:
            return
    where_zh = f"（{rows:,} 行 × {cols:,} 列）" if rows else ""
    where_en = f" ({rows:,} rows × {cols:,} columns)" if rows else ""
    raise GridTooLarge(
        f"{display}：工作表“{sheet}”的单元格范围有 {cells:,} 个单元格{where_zh}，超过逐格读取的上限 {MAX_GRID_CELLS:,} 个。"
        "通常是远处某个单元格误填了内容：请删除多余的行列后另存；学习成果表请用 outcomes check 检查。",
        f"{display}: sheet '{sheet}' spans {cells:,} cells{where_en}, above the limit of {MAX_GRID_CELLS:,} for reading cell by cell; "
        "usually a stray value far away: delete the extra rows and columns and save again (check outcome sheets with outcomes check).",
    )



def sheet_too_long(display: str, sheet: str, rows: int) -> Exception:
    return refused(
        f"{display}：工作表“{sheet}”有 {rows:,} 行，超过上限 {MAX_ROWS:,} 行。请删除多余的空行或拆分文件。",
        f"{display}: sheet '{sheet}' has {rows:,} rows, above the limit of {MAX_ROWS:,}; delete empty rows or split the file.",
    )


def check_sheet_size(display: str, sheet: str, end: tuple[int, int] | None) -> None:
    """Refuse a sheet whose last used row (0-based ``end``) is beyond :data:`MAX_ROWS`."""
    if end and end[0] + 1 > MAX_ROWS:
        raise sheet_too_long(display, sheet, end[0] + 1)
