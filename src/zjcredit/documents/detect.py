"""Tell which document a workbook is, from its sheet names, header rows and labels."""

from __future__ import annotations

import re

from zjcredit.documents.ledger.parts import looks_like_ledger
from zjcredit.domain.schema import ANNEX1, CATALOG_PROJECTS, OUTCOMES, header_key
from zjcredit.io.tables import find_header
from zjcredit.io.grid import WorkbookGrid

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
