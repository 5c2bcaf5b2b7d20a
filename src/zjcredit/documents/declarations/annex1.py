"""Reading Annex 1 summary tables: the table on each sheet and the 所在区域 line above it."""

from __future__ import annotations

import re

from zjcredit.documents.common import COLUMN_MISSING, HEADER_MISSING
from zjcredit.documents.declarations.form import SKIP_SHEETS
from zjcredit.domain import divisions, schema
from zjcredit.domain.divisions import Place
from zjcredit.domain.normalize import clean_text
from zjcredit.io.tables import Table, read_table
from zjcredit.io.cells import cell_ref
from zjcredit.io.grid import SheetGrid, WorkbookGrid
from zjcredit.report.findings import Finding, make, register

REGION_UNKNOWN = register(
    "region-unknown",
    "warning",
    "所在区域“{value}”中找不到浙江省的市或县（市、区）。请写明，如“杭州 市、西湖 区”。",
    "No Zhejiang city or county found in the region line '{value}'; name them, e.g. 杭州 市、西湖 区.",
    title_zh="所在区域无法识别",
    title_en="region not recognised",
)

_REGION_RE = re.compile(r"^所\s*在\s*区\s*域\s*[:：]?\s*(.*)$", re.S)
# The template's unit blanks (县（市、区）) and separators say nothing about the place.
_REGION_PLACEHOLDER_RE = re.compile(r"县?[（(]市[、,，]?区[）)]")
_REGION_UNITS_RE = re.compile(r"[市县区、,，]")


def _skip_sheet(sheet: SheetGrid) -> bool:
    return schema.header_key(sheet.name or "") in SKIP_SHEETS


def _region_line(sheet: SheetGrid, above: int) -> tuple[str | None, str | None, int | None]:
    """The 所在区域 line above the header: (joined text, cell, 1-based row)."""
    for r in range(min(above, sheet.height)):
        for c in range(sheet.width):
            if not sheet.is_origin(r, c):
                continue
            text = clean_text(sheet.value(r, c))
            if not text:
                continue
            m = _REGION_RE.match(text)
            if m is None:
                break  # only the first text of a line can be its label
            pieces = [m.group(1)]
            for cc in range(sheet.span(r, c)[3] + 1, sheet.width):
                if sheet.is_origin(r, cc):
                    t = clean_text(sheet.value(r, cc))
                    if t:
                        pieces.append(t)
            joined = "".join(pieces).strip()
            return joined, cell_ref(r, c), r + 1
    return None, None, None


def _region(grid: WorkbookGrid, sheet: SheetGrid, table: Table, findings: list[Finding]) -> Place | None:
    """The place the 所在区域 line above ``table`` names; None (and region-unknown) when it names none."""
    text, cell, row = _region_line(sheet, table.header_row - 1)
    cleaned = _REGION_PLACEHOLDER_RE.sub("", text or "")
    if not cleaned or not _REGION_UNITS_RE.sub("", cleaned):
        return None  # absent or left blank
    place = divisions.resolve_address(cleaned)
    if place.city_code is None and place.county_code is None:
        findings.append(make(REGION_UNKNOWN, grid.path, sheet=sheet.name, cell=cell, row=row, value=text))
        return None
    return place


def annex1_rows(grid: WorkbookGrid) -> tuple[list[tuple[str | None, Table]], Place | None, list[Finding]]:
    """The Annex 1 tables of a workbook, its 所在区域 and the structural findings.

    Returns ``(tables, place, findings)``: ``tables`` is a list of ``(sheet name, tables.Table)`` for every
    sheet with an Annex 1 header (records with only 序号 filled are dropped — pre-numbered blank rows);
    ``place`` is the city/county of the first 所在区域 line that names one (None when there is none);
    ``findings`` holds ``header-missing`` (no sheet has the header), ``column-missing`` (a required column
    absent) and ``region-unknown`` (a 所在区域 line naming no Zhejiang place).
    """
    path = grid.path
    tables: list[tuple[str | None, Table]] = []
    findings: list[Finding] = []
    place: Place | None = None
    for sheet in grid.sheets:
        if _skip_sheet(sheet):
            continue
        table = read_table(sheet, schema.ANNEX1)
        if table is None:
            continue
        table.records = [rec for rec in table.records if any(not rec.get(n).empty for n in schema.ANNEX1.names if n != "序号")]
        tables.append((sheet.name, table))
        for f in schema.ANNEX1.fields:
            if f.required and f.name not in table.columns:
                findings.append(make(COLUMN_MISSING, path, sheet=sheet.name, row=table.header_row, field=f.name))
        if place is None:
            place = _region(grid, sheet, table, findings)
    if not tables:
        expected = "、".join(schema.ANNEX1.names[:5])
        sheet_name = next((s.name for s in grid.sheets if not _skip_sheet(s)), None)
        findings.append(make(HEADER_MISSING, path, sheet=sheet_name, expected=expected))
    return tables, place, findings
