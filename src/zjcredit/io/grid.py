"""Grids: every cell value of a (small) workbook at its position, with merged ranges.

Forms, summaries, catalogs and review sheets are read into grids (:func:`zjcredit.io.readers.read_grid`);
outcome sheets with up to a million rows are read column-wise instead (:mod:`zjcredit.io.columns`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass
class SheetGrid:
    """One sheet: values at 0-based absolute positions, and merged ranges (inclusive)."""

    name: str | None
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    _origin: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.merged = usable_merges(self.merged, len(self.rows), self.width)
        for r0, c0, r1, c1 in self.merged:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._origin[(r, c)] = (r0, c0, r1, c1)

    @property
    def height(self) -> int:
        return len(self.rows)

    @cached_property
    def width(self) -> int:
        # Cached: a grid is complete when built, and readers ask for the width once per row.
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        """The value shown at (row, col): a merged range shows its top-left value everywhere."""
        span = self._origin.get((row, col))
        if span is not None:
            row, col = span[0], span[1]
        if 0 <= row < len(self.rows):
            r = self.rows[row]
            if 0 <= col < len(r):
                v = r[col]
                return None if v == "" else v
        return None

    def span(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The merged range covering (row, col), or the cell itself."""
        return self._origin.get((row, col), (row, col, row, col))

    def is_origin(self, row: int, col: int) -> bool:
        span = self._origin.get((row, col))
        return span is None or (span[0], span[1]) == (row, col)

    def iter_cells(self) -> Iterator[tuple[int, int, Any]]:
        """Non-empty cells in reading order (merged ranges once, at their top-left)."""
        for r, row in enumerate(self.rows):
            for c, v in enumerate(row):
                if v is not None and v != "" and self.is_origin(r, c):
                    yield r, c, v


def usable_merges(merged: list[tuple[int, int, int, int]], height: int, width: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges as the grid keeps them: cut to the cells that hold data (a range reaching XFD1048576
    would otherwise stand for 17 billion cells), single cells left out, and a range that overlaps one
    before it dropped (Excel never writes overlapping ranges; a crafted file does, to make readers and
    writers trip). What is left covers each data cell at most once, so it costs no more than the grid."""
    ranges = [
        (r0, c0, min(r1, height - 1), min(c1, width - 1))
        for r0, c0, r1, c1 in merged
        if 0 <= r0 <= r1 and 0 <= c0 <= c1 and r0 < height and c0 < width and (r0, c0) != (r1, c1)
    ]
    ranges = [r for r in ranges if (r[0], r[1]) != (r[2], r[3])]
    if not ranges:
        return []
    import numpy as np

    top, left = min(r[0] for r in ranges), min(r[1] for r in ranges)
    taken = np.zeros((max(r[2] for r in ranges) - top + 1, max(r[3] for r in ranges) - left + 1), dtype=bool)
    kept = []
    for r0, c0, r1, c1 in ranges:
        block = taken[r0 - top : r1 - top + 1, c0 - left : c1 - left + 1]
        if not block.any():
            block[...] = True
            kept.append((r0, c0, r1, c1))
    return kept


@dataclass
class WorkbookGrid:
    path: str
    format: str  # xlsx | xls | csv
    sheets: list[SheetGrid]
    encoding: str | None = None
    # False when the grid holds only the first rows (``read_grid(nrows=…)`` on a longer sheet, or a
    # streamed peek of a large sheet): checks must read the file again in full.
    complete: bool = True
