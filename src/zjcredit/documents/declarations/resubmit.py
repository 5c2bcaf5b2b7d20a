"""A corrected resubmission replaces the original (`summary build`, `catalog build`).

A school that corrects its declaration sends the whole form again; both files often end up in the same
folder. When one institution (the same 机构代码, or the same 申报单位) has declarations in two or more files
of one run that are versions of one declaration (a project in common, a name marked as a later version,
or ``--prefer`` naming one), one file is used, never silently the older one:

1. a file named with ``--prefer`` (the clerk's word settles it);
2. the later date written on the form (the 日期 line under the signatures, or 填报时间/填表日期);
3. a name marked as a later version (修改、更正、修订、第二版、v2 …; a higher version number wins);
4. the later modification time of the file.

Each criterion counts only when it tells the files apart. The files not used get a warning
(``declaration-replaced``) naming the file used and why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zjcredit.documents.declarations.model import org_position
from zjcredit.domain.normalize import clean_text, code_key, name_key, parse_date
from zjcredit.errors import UsageError
from zjcredit.report.findings import Severity, make, register

# An item is a declarations.inputs.Item (not imported: inputs imports this module).
Item = Any

if TYPE_CHECKING:
    from zjcredit.io.grid import SheetGrid
    from zjcredit.io.sources import Source

DECLARATION_REPLACED = register(
    "declaration-replaced",
    "warning",
    "{org}在本次输入中有两份申报表：本文件和 {used}。{verdict}，因为{why}；{hint}。",
    "{org_en} has two declarations in this run: this file and {used}. {verdict_en} because {why_en}; {hint_en}.",
    title_zh="同一机构的申报表被较新的一份取代",
    title_en="declaration replaced by a newer one",
)

# Labels of the date a form was filled in or signed.
_DATE_LABELS = ("填报时间", "填报日期", "填表时间", "填表日期", "申报日期", "申报时间", "日期")
_LABEL_RE = re.compile(r"^(?:" + "|".join(_DATE_LABELS) + r")[:：]?(.*)$", re.S)
# A version number in a file name: v2, V3, 第二版, 第2版, 第二次, 二稿.
_VERSION_RE = re.compile(r"(?<![A-Za-z])[vV]\s*(\d+)|第\s*([0-9一二三四五六七八九十]+)\s*[版次稿]|([0-9一二三四五六七八九十]+)\s*稿")
_CORRECTED_RE = re.compile(r"修改|修订|更正|订正|改正|纠正|最终|终版|定稿|补正|重报|新版")
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九十")}


@dataclass(frozen=True)
class Submission:
    """One file's declaration(s) of an institution, and what tells how new it is."""

    path: str
    preferred: bool
    date: dt.date | None
    version: float  # from the file name: its version number, 1.5 for 修改/更正 without one, 0 for none
    mark: str  # the words of the file name that give its version
    mtime: float


def version_of(name: str) -> float:
    """How late a version a file name says it is (0: it says nothing)."""
    return _version(name)[0]


def _version(name: str) -> tuple[float, str]:
    """(how late a version a file name says it is, the words that say so); (0, "") when it says nothing."""
    best, mark = 0.0, ""
    for m in _VERSION_RE.finditer(name):
        text = next(g for g in m.groups() if g)
        number = int(text) if text.isdigit() else _chinese_number(text)
        if number > best:
            best, mark = float(number), m.group(0)
    corrected = _CORRECTED_RE.search(name)
    if best == 0 and corrected is not None:
        best, mark = 1.5, corrected.group(0)  # later than an unmarked original, earlier than an explicit 第二版
    return best, mark


def _chinese_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.get(text[1:], 0)
    if text.endswith("十"):
        return _NUMERALS.get(text[0], 0) * 10
    if len(text) == 2 and text[1] in _NUMERALS and text[0] in _NUMERALS:
        return _NUMERALS[text[0]] * 10 + _NUMERALS[text[1]]
    return _NUMERALS.get(text, 0)


def form_date(sheet: SheetGrid | None) -> dt.date | None:
    """The latest date written beside a 日期/填报时间 label on the form's sheet."""
    if sheet is None:
        return None
    best: dt.date | None = None
    for r, c, v in sheet.iter_cells():
        if not isinstance(v, str):
            continue
        m = _LABEL_RE.match(re.sub(r"\s+", "", v))
        if m is None:
            continue
        if m.group(1):  # 日期：2019-03-05 in one cell (other text after the label is not a date line)
            found = _date(m.group(1))
        else:
            found = None
            for cc in range(c + 1, c + 6):  # the nearest non-empty cell to the right
                if sheet.span(r, cc)[:2] == (r, c):  # the label's own merged range
                    continue
                value = sheet.value(r, cc)
                if value is not None and value != "":
                    found = _date(value)
                    break
        if found is not None and (best is None or found > best):
            best = found
    return best


def _date(value: object) -> dt.date | None:
    if isinstance(value, str):
        value = re.sub(r"\s+", "", clean_text(value) or "")
        if not value or "年月日" in value:
            return None
    found = parse_date(value)
    return found if found is not None and 2000 <= found.year <= 2100 else None


def check_prefer(prefer: Iterable[Path], sources: list[Source]) -> None:
    """Every ``--prefer`` file must be one of the inputs; a usage error otherwise, before anything is read."""
    given = {_resolved(s.path) for s in sources}
    for p in prefer:
        if _resolved(Path(p)) not in given:
            raise UsageError(
                f"--prefer {p} 不是本次输入的申报表之一。请写出输入文件夹中的那份申报表，如 --prefer 申报表夹/某校_申报表_修改.xlsx。",
                f"--prefer {p} is not one of this run's declarations; name the file in the input folder, e.g. --prefer declarations/school_v2.xlsx.",
            )


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except OSError:
        return p


def choose_resubmissions(items: list[Item], prefer: Iterable[Path] = (), *, building: bool = True) -> list[Item]:
    """The declarations to use: of an institution with declarations in several files, those of one file;
    each file left aside gets ``declaration-replaced``. Order is kept; a file holding the forms of several
    institutions loses only the replaced ones. Not ``building`` (``validate``: every file is checked), the
    finding is an info saying which file a summary or catalog would use."""
    preferred = {_resolved(Path(p)) for p in prefer}
    dropped: set[int] = set()
    for group in _institutions(items, preferred):
        files = list(dict.fromkeys(it.path for it in group))
        if len(files) < 2:
            continue
        subs = {path: _submission([it for it in group if it.path == path], preferred) for path in files}
        used = subs[files[0]]
        for path in files[1:]:
            if _newer(subs[path], used)[0]:
                used = subs[path]
        org = _org(group)
        for path in files:
            if path == used.path:
                continue
            mine = [it for it in group if it.path == path]
            dropped.update(id(it) for it in mine)
            why, why_en = _newer(used, subs[path])[1:]
            mine[0].input.result.findings.append(
                make(DECLARATION_REPLACED, path, **org_position(mine[0].decl), **org, used=used.path, why=why, why_en=why_en, **_verdict(used.path, path, building))
            )
    return [it for it in items if id(it) not in dropped]


def _verdict(used: str, this: str, building: bool) -> dict[str, Any]:
    if building:
        return {
            "verdict": f"使用的是 {used}", "verdict_en": f"{used} is used",
            "hint": f"本文件未使用。如要改用本文件，请加 --prefer {this}", "hint_en": f"this file is not. To use this one instead, add --prefer {this}",
        }
    return {
        "severity": Severity.INFO,
        "verdict": f"汇总或生成目录时将使用 {used}", "verdict_en": f"summary build and catalog build will use {used}",
        "hint": f"不使用本文件（届时加 --prefer {this} 可改用本文件）", "hint_en": f"not this file (add --prefer {this} to them to use this one)",
    }


def _institutions(items: list[Item], preferred: set[Path]) -> list[list[Item]]:
    """Items grouped by institution across files: the same 机构代码 or the same 申报单位, when the two
    files are a resubmission — they declare a project in common, or a file's name marks a later version,
    or ``--prefer`` names one of them. Two files of one institution with nothing in common are two
    declarations (and a 机构代码 shared by two schools is a conflict, :func:`.inputs.org_conflicts`)."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    projects = [{name_key(p.name) for p in it.decl.projects if p.name} for it in items]
    marked = [version_of(Path(it.path).stem) > 0 or _resolved(it.input.source.path) in preferred for it in items]
    by_key: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        for key in (f"code:{code_key(it.decl.org_code) or ''}", f"name:{name_key(it.decl.org_name)}"):
            if key not in ("code:", "name:"):
                by_key.setdefault(key, []).append(i)
    for members in by_key.values():
        for k, i in enumerate(members):
            for j in members[k + 1 :]:
                if items[i].path != items[j].path and (marked[i] or marked[j] or projects[i] & projects[j]):
                    parent[find(j)] = find(i)
    groups: dict[int, list[Item]] = {}
    for i, it in enumerate(items):
        groups.setdefault(find(i), []).append(it)
    return list(groups.values())


def _org(group: list[Item]) -> dict[str, str]:
    decl = group[0].decl
    name, code = decl.org_name, decl.org_code
    if name and code:
        return {"org": f"申报单位“{name}”（机构代码 {code}）", "org_en": f"The institution '{name}' (code {code})"}
    if name:
        return {"org": f"申报单位“{name}”", "org_en": f"The institution '{name}'"}
    return {"org": f"机构代码 {code}", "org_en": f"The institution with code {code}"}


def _submission(items: list[Item], preferred: set[Path]) -> Submission:
    inp = items[0].input
    path = items[0].path
    grid = inp.grid
    dates = []
    for it in items:
        sheet = next((s for s in grid.sheets if s.name == it.decl.sheet), None) if grid is not None else None
        d = form_date(sheet)
        if d is not None:
            dates.append(d)
    try:
        mtime = inp.source.path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return Submission(path, _resolved(inp.source.path) in preferred, max(dates) if dates else None, *_version(Path(path).stem), mtime)


def _newer(a: Submission, b: Submission) -> tuple[bool, str, str]:
    """Whether ``a`` is to be used rather than ``b``, and why (zh, en), criterion by criterion."""
    if a.preferred != b.preferred:
        return a.preferred, " --prefer 指定了它", "--prefer names it"
    if a.date is not None and b.date is not None and a.date != b.date:
        return a.date > b.date, f"表上填写的日期较新（{max(a.date, b.date)}，另一份为 {min(a.date, b.date)}）", f"the date written on the form is later ({max(a.date, b.date)} against {min(a.date, b.date)})"
    if a.version != b.version:
        later = a if a.version > b.version else b
        return a.version > b.version, f"文件名注明了“{later.mark}”", f"its file name says '{later.mark}'"
    if a.mtime != b.mtime:
        stamp = lambda t: dt.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")  # noqa: E731
        return a.mtime > b.mtime, f"文件的修改时间较新（{stamp(max(a.mtime, b.mtime))}，另一份为 {stamp(min(a.mtime, b.mtime))}）", f"the file was modified later ({stamp(max(a.mtime, b.mtime))} against {stamp(min(a.mtime, b.mtime))})"
    return a.path > b.path, "两份无法分出新旧，按文件名排在后面的一份", "the two cannot be told apart and it comes later by name"
