"""Writing outputs safely: atomically, never over an existing file without --force, never over an
input, and never as a live formula."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from zjcredit.errors import UsageError

# A cell starting with one of these would be run as a formula by Excel/WPS (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """Text that Excel/WPS would run as a formula, prefixed with an apostrophe (for CSV output).

    Rule for every CSV zjcredit writes (the findings report): a cell whose text begins with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return gets one leading ``'`` (the OWASP CSV-injection advice); any
    other text is written exactly. So a value read back is either identical or ``"'" + original``.
    Our own CSV reader (:func:`zjcredit.io.csvfile.parse_csv`) strips nothing.
    In xlsx no apostrophe is needed: :func:`set_text` stores the text as a string cell.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# Characters XML 1.0 cannot carry at all; openpyxl refuses them, so they are dropped from cell text.
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads ``_xHHHH_`` in cell text as an escaped character; a literal one is protected as ``_x005F_``.
_XESCAPE_RE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def xlsx_text(text: str) -> str:
    """The form of ``text`` to store in an xlsx so that Excel/WPS (and calamine) show ``text`` itself.

    XML turns a raw carriage return into a line feed, so CR is stored as Excel's own escape ``_x000D_``.
    (openpyxl does not decode these escapes when it reads; Excel, WPS and calamine do.)
    """
    text = _XML_ILLEGAL_RE.sub("", text)
    return _XESCAPE_RE.sub(r"_x005F_\1", text).replace("\r", "_x000D_")


def set_text(cell: Any, value: Any) -> None:
    """Put ``value`` in an openpyxl cell; text is always stored as a string cell, never as a formula.

    openpyxl would otherwise store text beginning with ``=`` as a live formula, and text that reads like
    an Excel error value (``#N/A``, ``#REF!`` …) as that error; ``+ - @`` and tab/CR are already strings
    there. Characters XML cannot hold are dropped (see :func:`xlsx_text`).
    """
    if isinstance(value, str):
        value = xlsx_text(value)
        cell.value = value
        cell.data_type = "s"
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
        # mkstemp creates the file private (0600); give the output the permissions of any new file.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(target: Path, write: Callable[[Path], None], *, force: bool, inputs: Iterable[Path] = ()) -> Path:
    """Check ``target`` may be written, then write it through ``write(tmp_path)`` atomically."""
    check_target(target, force, inputs)
    with atomic_path(target) as tmp:
        write(tmp)
    return target


def write_text_atomic(target: Path, text: str, *, force: bool, inputs: Iterable[Path] = (), encoding: str = "utf-8") -> Path:
    return write_atomic(target, lambda p: p.write_text(text, encoding=encoding), force=force, inputs=inputs)
