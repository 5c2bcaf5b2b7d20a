"""Turn the PATH arguments into the list of input files, in a stable order.

A file named on the command line is always an input. Inside a folder, only spreadsheets are read; what
is passed over is kept in :attr:`Sources.skipped` so that the report can list it (a school's .docx
declaration must not vanish unnoticed): files that are no spreadsheet, Excel's lock files, hidden files
and folders, and zjcredit's own outputs (:mod:`zjcredit.io.marker`) — a re-run never reads the last run's
summary or annotated copies as inputs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zjcredit.errors import UsageError
from zjcredit.io.formats import SUFFIXES
from zjcredit.io.marker import OUTPUT_KINDS, output_kind


@dataclass(frozen=True)
class Source:
    path: Path
    display: str  # as given, or as found under a given directory


# Documents a declaration is often sent as, and spreadsheets of other programs (said what to do with).
_DOCUMENTS = frozenset({".doc", ".docx", ".wps", ".pdf", ".odt", ".rtf", ".jpg", ".jpeg", ".png"})
_OTHER_SHEETS = frozenset({".et", ".ett", ".ods", ".numbers", ".xlsb", ".xltx", ".xlt"})


@dataclass(frozen=True)
class Skipped:
    """A file (or hidden folder) found in an input folder and not read, and why."""

    path: Path
    display: str
    why: str  # "not-spreadsheet", "lock", "hidden", "hidden-folder" or "output"
    detail: str = ""  # the file's extension, or the kind of output

    @property
    def reason(self) -> tuple[str, str]:
        """Why it was not read, one sentence each in zh and en."""
        if self.why == "output":
            zh, en = OUTPUT_KINDS.get(self.detail, ("输出文件", "output"))
            return (
                f"这是 zjcredit 生成的{zh}，不作为输入读取；如需检查它，请在命令行直接写出这个文件。",
                f"This is a {en} written by zjcredit; it is not read as an input. To check it, name the file itself on the command line.",
            )
        if self.why == "lock":
            return (
                "这是 Excel 或 WPS 打开表格时留下的临时文件（以 ~ 开头），不是数据，没有读取。",
                "This is a temporary file Excel or WPS leaves while a workbook is open (its name starts with ~), not data; it was not read.",
            )
        if self.why == "hidden":
            return ("这是隐藏文件（名称以 . 开头），没有读取。", "This is a hidden file (its name starts with a dot); it was not read.")
        if self.why == "hidden-folder":
            return ("这是隐藏文件夹（名称以 . 开头），其中的文件没有读取。", "This is a hidden folder (its name starts with a dot); the files in it were not read.")
        suffix = self.detail or "无扩展名"
        suffix_en = self.detail or "no extension"
        zh = f"这不是表格文件（{suffix}），没有读取：zjcredit 只读取 .xlsx、.xlsm、.xls 和 .csv 文件"
        en = f"This is not a spreadsheet ({suffix_en}) and was not read: zjcredit reads .xlsx, .xlsm, .xls and .csv files"
        if self.detail in _DOCUMENTS:
            zh += "；Word、PDF 的申报表请按模板填成 Excel 表格后再放入"
            en += "; fill a Word or PDF declaration into the Excel template and add that instead"
        elif self.detail in _OTHER_SHEETS:
            zh += "；请用 WPS 或 Excel 打开后另存为 .xlsx 再放入"
            en += "; open it in WPS or Excel and save it as .xlsx"
        return zh + "。", en + "."

    @property
    def short(self) -> tuple[str, str]:
        """A few words for a list of skipped files."""
        if self.why == "output":
            zh, en = OUTPUT_KINDS.get(self.detail, ("输出文件", "output"))
            return f"zjcredit 生成的{zh}", f"a {en} written by zjcredit"
        return {
            "lock": ("临时文件", "a temporary file"),
            "hidden": ("隐藏文件", "a hidden file"),
            "hidden-folder": ("隐藏文件夹", "a hidden folder"),
        }.get(self.why, ("不是表格文件", "not a spreadsheet"))


class Sources(list[Source]):
    """The input files, in order, and what was passed over in the folders (:attr:`skipped`)."""

    def __init__(self, items: Iterable[Source] = (), skipped: Iterable[Skipped] = ()) -> None:
        super().__init__(items)
        self.skipped: list[Skipped] = list(skipped)


# Every file this process has read or been given to read, by (device, inode): outputs may never replace
# one of them, whatever name (a symlink, a hard link, another spelling of the path) they are given by.
_INPUTS: dict[tuple[int, int], Path] = {}


def note_input(path: Path | str) -> None:
    """Remember ``path`` as an input of this run (see :func:`input_at`); a missing file is ignored."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return
    _INPUTS[(st.st_dev, st.st_ino)] = Path(path)


def input_at(path: Path | str) -> Path | None:
    """The input of this run that ``path`` names (through any symlink or hard link), or None. An input
    remembered here is one only while its own name still leads to the same file: once it is deleted, its
    inode number may be given to a new file (a later run in the same process writing its output)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    key = (st.st_dev, st.st_ino)
    remembered = _INPUTS.get(key)
    if remembered is None:
        return None
    try:
        again = os.stat(remembered)
    except (OSError, ValueError):
        again = None
    if again is None or (again.st_dev, again.st_ino) != key:
        del _INPUTS[key]  # gone: the number now names another file
        return None
    return remembered


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """Every file under ``root`` and every hidden folder (not entered), each list in sorted order."""
    files: list[Path] = []
    hidden: list[Path] = []
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        for d in list(dirs):
            if d.startswith("."):
                hidden.append(here / d)
                dirs.remove(d)
        files.extend(here / n for n in names)
    key = lambda q: q.as_posix()
    return sorted(files, key=key), sorted(hidden, key=key)


def _passed_over(child: Path, reads: tuple[str, ...]) -> tuple[str, str] | None:
    """Why a file found in a folder is not read (why, detail), or None when it is an input."""
    name = child.name
    if name.startswith("~"):  # ~$x.xlsx: Excel's lock file; ~WRL1234.tmp: Word's
        return "lock", ""
    if name.startswith("."):
        return "hidden", ""
    if child.suffix.lower() not in SUFFIXES:
        return "not-spreadsheet", child.suffix.lower()
    kind = output_kind(child)
    if kind is not None and kind not in reads:
        return "output", kind
    return None


def discover(paths: list[str] | list[Path], *, reads: Iterable[str] = ()) -> Sources:
    """Files as given, and directories read recursively in sorted order.

    Inside directories, files that are no spreadsheet, Excel's lock files (``~$*.xlsx``), hidden files and
    folders, and zjcredit's own outputs are passed over and listed in ``skipped``; ``reads`` names the
    kinds of our outputs the command does take from a folder (``catalog build`` reads summaries). A file
    named on the command line is always an input. A missing path is a usage error.
    """
    reads = tuple(reads)
    found = Sources()
    seen: set[Path] = set()
    for given in paths:
        p = Path(given)
        try:
            exists, is_dir = p.exists(), p.is_dir()
        except PermissionError:
            raise UsageError(
                f"无法打开 {given}：没有进入它所在文件夹的权限。请让文件夹的所有者或管理员开放权限，或把文件复制到自己的文件夹后再检查。",
                f"Cannot open {given}: no permission to enter the folder it is in; ask the folder's owner or an administrator for access, or copy the files into a folder of your own.",
            ) from None
        if not exists:
            raise UsageError(f"找不到 {given}：请检查路径是否正确。", f"{given} does not exist; check the path.")
        if is_dir:
            files, hidden = _walk(p)
            for folder in hidden:
                found.skipped.append(Skipped(folder, str(Path(given) / folder.relative_to(p)), "hidden-folder"))
            for child in files:
                display = str(Path(given) / child.relative_to(p))
                if not child.is_file():
                    continue
                key = child.resolve()
                if key in seen:
                    continue
                seen.add(key)
                why = _passed_over(child, reads)
                if why is not None:
                    found.skipped.append(Skipped(child, display, *why))
                    continue
                found.append(Source(child, display))
        else:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(Source(p, str(given)))
    for source in found:
        note_input(source.path)
    return found


def nothing_to_check(paths: Iterable[str | Path], skipped: list[Skipped], what: str = "表格文件", what_en: str = "spreadsheet") -> UsageError:
    """The sentence for a run that found nothing to check under ``paths``: what was there instead."""
    given = "、".join(str(p) for p in paths)
    given_en = ", ".join(str(p) for p in paths)
    zh = f"在 {given} 中没有找到可以检查的{what}（.xlsx、.xlsm、.xls 或 .csv），没有检查任何文件"
    en = f"No {what_en} (.xlsx, .xlsm, .xls or .csv) to check was found in {given_en}; nothing was checked"
    if skipped:
        shown = skipped[:3]
        more = len(skipped) - len(shown)
        zh += "；跳过了 " + "、".join(f"{s.display}（{s.short[0]}）" for s in shown) + (f" 等 {len(skipped)} 个文件" if more else "")
        en += "; passed over: " + ", ".join(f"{s.display} ({s.short[1]})" for s in shown) + (f" and {more} more" if more else "")
        if any(s.why == "output" for s in skipped):
            zh += "。要检查 zjcredit 生成的文件，请在命令行直接写出文件名"
            en += ". To check a file zjcredit wrote, name it on the command line"
    return UsageError(zh + "。", en + ".")
