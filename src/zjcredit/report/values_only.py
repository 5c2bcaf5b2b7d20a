"""Making a copy of an input inert before it is marked and handed on: values only.

An input's formulas would run again wherever the copy is opened — a DDE command (``=cmd|'/c calc'!A0``), a
``HYPERLINK("http://…?"&C7)`` that sends a learner's ID away, ``=1/0`` — so each formula cell becomes the
value the input saved for it, or is left empty when it saved none (and the caller flags it). Defined names
and external links go too, and with them conditional formats and data validations, whose formulas Excel also
evaluates. Merged ranges that overlap (which Excel itself refuses) are reduced to the first of each overlap
so that every range's top-left cell is a real cell again.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjcredit.report.output import set_text

SHOWN_FORMULA = 80  # characters of a removed formula quoted in its cell's note


@dataclass
class Removed:
    """The formulas taken out of a copy: how many, and the cells left empty (sheet, cell, formula)."""

    count: int = 0
    emptied: list[tuple[str, str, str]] = field(default_factory=list)


def _is_formula(cell: Any) -> bool:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    return cell.data_type == "f" or isinstance(cell.value, (ArrayFormula, DataTableFormula))


def _formula_text(value: Any) -> str:
    text = getattr(value, "text", None) or str(value)
    return text if len(text) <= SHOWN_FORMULA else text[: SHOWN_FORMULA - 1] + "…"


def strip_formulas(wb: Any, source: Path) -> Removed:
    """Replace every formula of ``wb`` (loaded from ``source``) by its saved value; drop names and links."""
    removed = Removed()
    cached: Any = None
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if not _is_formula(cell):
                    continue
                if cached is None:
                    cached = _saved_values(source)
                formula = _formula_text(cell.value)
                value = _saved(cached, ws.title, cell.coordinate)
                removed.count += 1
                if value is None:
                    cell.value = None
                    removed.emptied.append((ws.title, cell.coordinate, formula))
                elif isinstance(value, str):
                    set_text(cell, value)  # an error value saved as #DIV/0! stays visible, as text
                else:
                    cell.value = value
    _drop_live_parts(wb)
    return removed


def _saved_values(source: Path) -> Any:
    """The input again, as the values it saved for its formulas (openpyxl's ``data_only``)."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(source, data_only=True, keep_vba=False, keep_links=False, rich_text=False)


def _saved(cached: Any, sheet: str, ref: str) -> Any:
    try:
        return cached[sheet][ref].value
    except (KeyError, AttributeError, ValueError):
        return None


def _drop_live_parts(wb: Any) -> None:
    """Defined names, external links, conditional formats and data validations: all hold formulas."""
    from openpyxl.formatting.formatting import ConditionalFormattingList

    wb.defined_names.clear()
    wb._external_links = []
    for ws in wb.worksheets:
        names = getattr(ws, "defined_names", None)
        if names is not None:
            names.clear()
        ws.conditional_formatting = ConditionalFormattingList()
        ws.data_validations.dataValidation = []


def tidy_merges(ws: Any) -> int:
    """Drop each merged range that overlaps one before it (in reading order); return how many were dropped.

    openpyxl turns every cell of a merged range but its top-left into a read-only ``MergedCell``; with
    overlapping ranges a range's top-left can be such a cell, and nothing can be written there.
    """
    from openpyxl.cell.cell import Cell, MergedCell

    covered: set[tuple[int, int]] = set()
    origins: set[tuple[int, int]] = set()
    dropped = 0
    for rng in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col, r.max_row, r.max_col)):
        cells = {(r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)}
        if cells & covered:
            ws.merged_cells.remove(rng)
            dropped += 1
            continue
        covered |= cells
        origins.add((rng.min_row, rng.min_col))
    if dropped:
        for (r, c), cell in list(ws._cells.items()):
            if isinstance(cell, MergedCell) and ((r, c) not in covered or (r, c) in origins):
                ws._cells[(r, c)] = Cell(ws, row=r, column=c)
    return dropped


def without_overlaps(ranges: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """``ranges`` (r0, c0, r1, c1) without those overlapping an earlier one: what may be merged in a copy."""
    kept: list[tuple[int, int, int, int]] = []
    for r0, c0, r1, c1 in ranges:
        if all(r1 < a or r0 > c or c1 < b or c0 > d for a, b, c, d in kept):
            kept.append((r0, c0, r1, c1))
    return kept
