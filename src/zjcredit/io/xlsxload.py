"""Load every sheet of an .xlsx as Arrow text columns with fastexcel.

Kept apart from the other readers so that :mod:`zjcredit.io.isolate`'s child, whose start-up is on
the critical path of a large check, imports nothing but fastexcel (and pyarrow, which fastexcel hands
its sheets in) before it starts reading.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from zjcredit.errors import Unreadable, reraise_fatal
from zjcredit.errors import damaged_workbook as damaged


def load_xlsx(path: Path, display: str) -> list[tuple[str, Any]]:
    """Every non-empty sheet as (name, ``pyarrow.RecordBatch`` of text columns), with no header and no
    skipped rows, so position i of a column is 0-based sheet row i. Runs in-process or in
    :mod:`zjcredit.io.isolate`'s child. Raises Unreadable."""
    import fastexcel

    if not zipfile.is_zipfile(path):
        with path.open("rb") as fh:
            head = fh.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE: an encrypted xlsx, or an .xls renamed
            raise Unreadable(
                f"{display}：工作簿设有打开密码或实为旧版 .xls 文件，无法读取。请在 Excel/WPS 中取消密码并另存为 .xlsx 再检查。",
                f"{display}: the workbook is password-protected or is really an old .xls file; remove the password in Excel/WPS, save as .xlsx and check again.",
            )
        raise damaged(display, ValueError("not a zip archive"))
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except BaseException as exc:  # a Rust panic included
        reraise_fatal(exc)
        raise damaged(display, exc) from None
    loaded = []
    for name in names:
        try:
            # Every column as text: fastexcel would otherwise guess a column's type from its first rows
            # and silently turn later text (``16学时``) into null.
            batch = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string", whitespace_as_null=True, eager=True)
        except BaseException as exc:  # a Rust panic included
            reraise_fatal(exc)
            msg = str(exc)
            if "empty" in msg.lower() or "no rows" in msg.lower():
                continue
            raise damaged(display, exc) from None
        loaded.append((name, batch))
    return loaded
