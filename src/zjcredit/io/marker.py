"""zjcredit's own outputs, told apart from inputs without loading them.

Every workbook zjcredit writes as an output (a summary, a catalog, an annotated copy, a findings or audit
report, figures, a catalog diff) carries ``zjcredit:<kind>`` in its document keywords
(``docProps/core.xml``; :func:`zjcredit.report.output.mark_output` sets it). A file found inside an input
folder with that mark is skipped, so that a re-run never reads the last run's output as one more input.

Blank forms are not outputs: the templates, the prefilled outcome sheets, review sheets and ledger templates
are written for a school or an office to fill in, and the filled form is their document. They carry no mark
(Excel and WPS keep document keywords when a file is edited and saved, so a mark on a form would follow
the filled form around and hide it).

A findings report written as CSV has no properties: it is told by its header line, the findings' keys.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

PREFIX = "zjcredit:"
# What each output kind is called in a message (zh, en).
OUTPUT_KINDS: dict[str, tuple[str, str]] = {
    "summary": ("申报汇总表", "summary"),
    "catalog": ("项目目录", "catalog"),
    "annotated": ("批注副本", "annotated copy"),
    "report": ("检查报告", "findings report"),
    "audit": ("核查报告", "audit report"),
    "stats": ("统计表", "figures workbook"),
    "diff": ("目录对比表", "catalog comparison"),
}
_KEYWORDS_RE = re.compile(rb"<(?:[A-Za-z0-9_]+:)?keywords\b[^>]*>([^<]*)<")
_MARK_RE = re.compile(r"zjcredit:([a-z]+)")
# core.xml is a few hundred bytes; anything much larger is not ours.
_CORE_LIMIT = 64 * 1024
# The header line of the findings CSV (report.findings.FINDING_KEYS; io cannot import report).
_CSV_HEADER = b"path,sheet,cell,row,project,field,rule,severity,message,value"


def keywords(kind: str) -> str:
    """The keywords an output of ``kind`` carries."""
    return PREFIX + kind


def output_kind(path: Path) -> str | None:
    """The kind of zjcredit output ``path`` is, or None for any other file (a damaged one included).

    Reads at most the zip directory and ``docProps/core.xml`` (or a CSV's first line): cheap enough for
    every file of a folder, and never an exception.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_CSV_HEADER) + 3)
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(path)
        if head.removeprefix(b"\xef\xbb\xbf").startswith(_CSV_HEADER):
            return "report"
    except Exception:  # noqa: BLE001 - whatever a damaged file does, it is simply not ours
        return None
    return None


def _zip_kind(path: Path) -> str | None:
    with zipfile.ZipFile(path) as zf:
        try:
            info = zf.getinfo("docProps/core.xml")
        except KeyError:
            return None
        if info.file_size > _CORE_LIMIT or info.compress_size > _CORE_LIMIT:
            return None
        data = zf.read(info)
    found = _KEYWORDS_RE.search(data)
    if found is None:
        return None
    mark = _MARK_RE.search(found.group(1).decode("utf-8", "replace"))
    return mark.group(1) if mark is not None and mark.group(1) in OUTPUT_KINDS else None
