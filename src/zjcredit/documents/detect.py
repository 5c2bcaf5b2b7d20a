"""Tell which document a workbook is, from its sheet names, header rows and labels."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from zjcredit.documents.ledger.parts import looks_like_ledger
from zjcredit.domain.schema import ANNEX1, CATALOG_PROJECTS, OUTCOMES, header_key
from zjcredit.errors import Unreadable, UsageError
from zjcredit.io.tables import find_header
from zjcredit.io.grid import WorkbookGrid

# What each kind is called, to name a file as what it is (documents.kinds gives each Kind its title here).
KIND_TITLES: dict[str, tuple[str, str]] = {
    "annex1": ("申报汇总表（附件1）", "a summary (Annex 1)"),
    "annex2": ("项目申报表（附件2）", "a declaration (Annex 2)"),
    "catalog": ("项目目录", "a catalog"),
    "outcomes": ("学习成果表", "an outcome sheet"),
    "ledger": ("过程性台账", "a process ledger"),
}

PROJECT_BLOCK_RE = re.compile(r"^培训项目\s*([0-9０-９]+|[一二三四五六七八九十百零〇两]+)\s*([:：].*)?$", re.S)


def detect_kind(grid: WorkbookGrid) -> str | None:
    names = {header_key(s.name or "") for s in grid.sheets}
    if "项目目录" in names:
        return "catalog"
    # Before the declarations: a ledger's title blocks hold 申报单位 and 项目名称 labels too.
    if looks_like_ledger(grid):
        return "ledger"
    for sheet in grid.sheets:
        found = find_header(sheet, OUTCOMES)
        if found and "身份证号" in found[1] and ({"项目编码", "课程编码"} & found[1].keys()):
            return "outcomes"
    for sheet in grid.sheets:
        found = find_header(sheet, CATALOG_PROJECTS)
        if found and "项目编码" in found[1] and "申报单位" in found[1]:
            return "catalog"
    for sheet in grid.sheets:
        found = find_header(sheet, ANNEX1)
        if found and len(found[1]) >= 6:
            return "annex1"
    for sheet in grid.sheets:
        for _, _, v in sheet.iter_cells():
            if isinstance(v, str):
                key = re.sub(r"\s+", "", v)
                if PROJECT_BLOCK_RE.match(key) or key.startswith("申报单位"):
                    return "annex2"
    for sheet in grid.sheets:
        for _, _, v in sheet.iter_cells():
            if isinstance(v, str):
                key = re.sub(r"\s+", "", v)
                if "申报汇总表" in key:
                    return "annex1"
                if "项目申报表" in key:
                    return "annex2"
    return None


# Rows enough to tell a document's kind (title lines, the header, a form's first labels).
PEEK_ROWS = 60


def peek_kind(path: Path, display: str) -> str | None:
    """The kind of the file at ``path`` from its first rows, or None when it cannot be told or read: to name
    an input given to a command that reads another kind as what it is ("这是项目目录"), rather than
    report a missing header."""
    from zjcredit.io.readers import peek_grid

    try:
        return detect_kind(peek_grid(path, display, PEEK_ROWS))
    except Unreadable:
        return None


def kind_titles(kind: str | None) -> tuple[str, str]:
    """What a document kind is called (zh, en), e.g. 项目目录 / a catalog."""
    return KIND_TITLES.get(kind or "", ("无法识别的表格", "an unrecognised file"))


def nothing_checked(results: list[Any], expected: tuple[str, str]) -> UsageError:
    """The sentence for a run whose every input was of another kind than the command reads."""
    shown = results[:4]
    zh = "；".join(f"{r.path} 是{kind_titles(r.kind)[0]}" for r in shown) + (f" 等 {len(results)} 个文件" if len(results) > len(shown) else "")
    en = "; ".join(f"{r.path} is {kind_titles(r.kind)[1]}" for r in shown) + (f" and {len(results) - len(shown)} more" if len(results) > len(shown) else "")
    return UsageError(
        f"没有检查任何{expected[0]}：{zh}。请给出{expected[0]}。",
        f"Nothing was checked, no input is {expected[1]}: {en}. Give {expected[1]}.",
    )
