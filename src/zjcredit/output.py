"""Writing outputs safely: atomically, never over an existing file without --force, never over an
input, and never as a live formula."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from zjcredit.errors import UsageError

# A cell starting with one of these would be run as a formula by Excel/WPS (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """Text that Excel would treat as a formula gets a leading apostrophe-free guard: a quote mark.

    In xlsx we also write the cell with data_type 's' (see :func:`set_text`), so the text stays text;
    for CSV the leading single quote is the OWASP-recommended neutraliser.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def set_text(cell: Any, value: Any) -> None:
    """Put ``value`` in an openpyxl cell; text is always stored as a string, never as a formula."""
    if isinstance(value, str):
        cell.value = value
        if value.startswith("="):
            cell.data_type = "s"  # openpyxl would otherwise store it as a formula
    else:
        cell.value = value


def check_target(target: Path, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse to write over an input, or over an existing file without --force."""
    resolved = target.resolve()
    for source in inputs:
        with contextlib.suppress(OSError):
            if source.resolve() == resolved:
                raise UsageError(
                    f"输出文件 {target} 就是输入文件之一；为保护原件，请换一个输出文件名。",
                    f"The output {target} is one of the inputs; choose another output name so the original stays intact.",
                )
    if target.exists() and not force:
        raise UsageError(
            f"文件 {target} 已存在；如需覆盖，请加 --force。",
            f"{target} already exists; add --force to overwrite it.",
        )
    if target.exists() and target.is_dir():
        raise UsageError(f"{target} 是一个文件夹，不能作为输出文件。", f"{target} is a folder, not an output file.")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_atomic(target: Path, write: Callable[[Path], None], *, force: bool, inputs: Iterable[Path] = ()) -> Path:
    """Check ``target`` may be written, then write it through ``write(tmp_path)`` atomically."""
    check_target(target, force, inputs)
    with atomic_path(target) as tmp:
        write(tmp)
    return target


def write_text_atomic(target: Path, text: str, *, force: bool, inputs: Iterable[Path] = (), encoding: str = "utf-8") -> Path:
    return write_atomic(target, lambda p: p.write_text(text, encoding=encoding), force=force, inputs=inputs)
