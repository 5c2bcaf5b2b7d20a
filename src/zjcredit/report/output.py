"""Writing outputs safely: atomically, never over an existing file without --force, never over an
input, and never as a live formula."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from zjcredit.errors import OutputFailed, UsageError

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
# Anything :func:`xlsx_text` changes (CR is \x0d): most text has none, and one search is cheaper than the edits.
_XLSX_CHANGES_RE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


def xlsx_texts_unchanged(texts: list[str]) -> bool:
    """Whether :func:`xlsx_text` leaves every one of ``texts`` as it is: one search over them all (joined by
    line feeds, which it leaves alone and which no escape it looks for can span)."""
    return _XLSX_CHANGES_RE.search("\n".join(texts)) is None


def xlsx_text(text: str) -> str:
    """The form of ``text`` to store in an xlsx so that Excel/WPS (and calamine) show ``text`` itself.

    XML turns a raw carriage return into a line feed, so CR is stored as Excel's own escape ``_x000D_``.
    (openpyxl does not decode these escapes when it reads; Excel, WPS and calamine do.)
    """
    if _XLSX_CHANGES_RE.search(text) is None:
        return text
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


def mark_output(wb: Any, kind: str) -> Any:
    """Mark an openpyxl workbook as zjcredit's output of ``kind`` (see :mod:`zjcredit.io.marker`), so that
    a later run finding it in an input folder skips it; returns ``wb``. Every output workbook is marked
    here, just before it is saved; blank forms (templates, prefilled sheets) are not."""
    from zjcredit.io.marker import OUTPUT_KINDS, keywords

    assert kind in OUTPUT_KINDS, kind
    wb.properties.keywords = keywords(kind)
    wb.properties.lastModifiedBy = "zjcredit"
    return wb


def save_output(wb: Any, target: Any, kind: str) -> None:
    """Save an openpyxl workbook that is zjcredit's output of ``kind``, marked (:func:`mark_output`)."""
    mark_output(wb, kind).save(target)


def check_target(target: Path, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse, before anything is written, a target that is an input, an existing file without --force,
    a folder, or a place that cannot take a new file.

    An input is any of ``inputs`` and any file this run has read (:func:`zjcredit.io.sources.input_at`),
    matched by device and inode, so neither a symlink nor a hard link nor another spelling of the path
    lets an output replace an input; ``force`` never overrides this.
    """
    if _is_input(target, inputs):
        raise UsageError(
            f"输出文件 {target} 就是输入文件之一；为保护原件，请换一个输出文件名。",
            f"The output {target} is one of the inputs; choose another output name so the original stays intact.",
        )
    if target.is_dir():
        raise UsageError(f"{target} 是一个文件夹，不能作为输出文件。请写出文件名，如 {target / '结果.xlsx'}。", f"{target} is a folder, not an output file; name a file, e.g. {target / 'result.xlsx'}.")
    if target.exists() and not force:
        raise UsageError(
            f"文件 {target} 已存在；如需覆盖，请加 --force。",
            f"{target} already exists; add --force to overwrite it.",
        )
    check_folder(target.parent, target)


def _is_input(target: Path, inputs: Iterable[Path]) -> bool:
    from zjcredit.io.sources import input_at

    if input_at(target) is not None:
        return True
    try:
        st = os.stat(target)
        key: tuple[int, int] | None = (st.st_dev, st.st_ino)
    except (OSError, ValueError):
        key = None
    resolved = target.resolve()
    for source in inputs:
        with contextlib.suppress(OSError, ValueError):
            if source.resolve() == resolved:
                return True
            if key is not None:
                other = os.stat(source)
                if (other.st_dev, other.st_ino) == key:
                    return True
    return False


def check_folder(folder: Path, target: Path | None = None) -> None:
    """Refuse a folder that cannot take a new file (a file in its place, no permission, a read-only
    disk), before anything is written; a missing folder is fine when it can be created."""
    folder = folder if str(folder) else Path(".")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():  # a dangling link: creating the folder would fail
            raise output_failed(target or folder, FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT)))
        existing = existing.parent
    if not existing.is_dir():
        raise output_failed(target or folder, NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise output_failed(target or folder, PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
    with contextlib.suppress(OSError, AttributeError):
        if os.statvfs(existing).f_flag & os.ST_RDONLY:
            raise output_failed(target or folder, OSError(errno.EROFS, os.strerror(errno.EROFS)))


_CAUSES = {
    errno.ENOSPC: ("磁盘空间不足", "the disk is full", "请清理磁盘空间或换一个位置后重试"),
    errno.EDQUOT: ("超出磁盘配额", "the disk quota is exceeded", "请清理磁盘空间或换一个位置后重试"),
    errno.EACCES: ("没有写入权限", "permission denied", "请换一个有写入权限的位置，或请管理员开放权限"),
    errno.EPERM: ("没有写入权限", "permission denied", "请换一个有写入权限的位置，或请管理员开放权限"),
    errno.EROFS: ("所在位置是只读的", "the location is read-only", "请换一个可以写入的位置"),
    errno.ENOENT: ("所在文件夹不存在或已被移走", "its folder does not exist or was moved", "请检查路径，或换一个位置"),
    errno.ENOTDIR: ("路径中的某一级是文件而不是文件夹", "part of the path is a file, not a folder", "请检查路径，或换一个位置"),
    errno.EISDIR: ("这是一个文件夹", "it is a folder", "请写出文件名"),
    errno.ENAMETOOLONG: ("文件名太长", "the name is too long", "请换一个短一些的文件名"),
    errno.EFBIG: ("文件超过了允许的大小", "the file exceeds the size allowed", "请换一个位置"),
    errno.EIO: ("磁盘读写出错", "an input/output error occurred", "请检查磁盘后重试"),
}


def output_failed(target: Path, exc: OSError) -> OutputFailed:
    """One sentence for an output that could not be written: which file, why, and what to do."""
    zh_cause, en_cause, zh_todo = _CAUSES.get(exc.errno or 0, (exc.strerror or type(exc).__name__, exc.strerror or type(exc).__name__, "请换一个位置后重试"))
    return OutputFailed(
        f"无法写入 {target}：{zh_cause}。{zh_todo}；没有留下不完整的文件。",
        f"Cannot write {target}: {en_cause}. Choose another place or fix the cause and try again; no partial file was left behind.",
    )


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place only if the block succeeds.

    On any failure (Ctrl-C and SIGTERM included) the temporary file is removed and ``target`` is as it
    was; an OSError (a full disk, a folder that became read-only …) becomes :class:`OutputFailed`, one
    sentence. A writer that failed half-way (openpyxl's zip file on a full disk) is finalised here, quietly,
    so that Python prints no "Exception ignored" message about it later.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise output_failed(target, exc) from None
    tmp_path = Path(tmp)
    failure: OutputFailed | None = None
    try:
        yield tmp_path
        # mkstemp creates the file private (0600); give the output the permissions of any new file.
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    except OSError as exc:
        failure = output_failed(target, exc)
        _forget_failed_writer(exc)
    except BaseException:
        _discard(tmp)
        raise
    if failure is not None:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise failure


def _discard(name: str) -> None:
    """Remove a temporary file on the way out of a failure, even one of memory running out: what failed
    may be freed by a collection, and the removal itself allocates next to nothing."""
    for _ in range(3):
        try:
            os.unlink(name)
            return
        except OSError:
            return
        except MemoryError:
            import gc

            gc.collect()


def _forget_failed_writer(exc: BaseException) -> None:
    """Drop what a writer that failed half-way left open, quietly: openpyxl's zip file, closing onto the
    same full disk when it is collected, would print "Exception ignored in ZipFile.__del__"."""
    global _QUIET_ZIP_FINALISERS
    if not _QUIET_ZIP_FINALISERS:
        _QUIET_ZIP_FINALISERS = True
        previous = sys.unraisablehook

        def hook(unraisable: Any) -> None:
            if isinstance(unraisable.exc_value, OSError) and getattr(unraisable.object, "__qualname__", "") == "ZipFile.__del__":
                return
            previous(unraisable)

        sys.unraisablehook = hook
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = None
        exc = exc.__context__  # type: ignore[assignment]
    gc.collect()


_QUIET_ZIP_FINALISERS = False


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
