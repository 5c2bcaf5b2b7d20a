"""Guards applied before any parser sees an input (zip bombs, XML attacks, disguised files)."""

from __future__ import annotations

from pathlib import Path


# A sheet larger than this is refused with a clear message (Excel's own limit is 1,048,576 rows).
MAX_ROWS = 1_100_000


def preflight(path: Path, display: str) -> None:
    """Refuse an input that is empty or not what its name says, before parsing it."""
    from zjcredit.workbook import Unreadable

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Unreadable(f"{display}：无法打开文件（{exc.strerror}）。", f"{display}: cannot open the file ({exc.strerror}).") from None
    if size == 0:
        raise Unreadable(f"{display}：文件是空的（0 字节）。请重新导出或另存。", f"{display}: the file is empty (0 bytes); export or save it again.")


def check_sheet_size(display: str, sheet: str, end: tuple[int, int] | None) -> None:
    from zjcredit.workbook import Unreadable

    if end and end[0] + 1 > MAX_ROWS:
        raise Unreadable(
            f"{display}：工作表“{sheet}”有 {end[0] + 1:,} 行，超过上限 {MAX_ROWS:,} 行。请删除多余的空行或拆分文件。",
            f"{display}: sheet '{sheet}' has {end[0] + 1:,} rows, above the limit of {MAX_ROWS:,}; delete empty rows or split the file.",
        )
