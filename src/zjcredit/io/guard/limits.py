"""The guard's limits (documented for users in the README, section 可靠性与安全)."""

from __future__ import annotations

from collections.abc import Callable

from zjcredit.io.cells import EXCEL_MAX_COL, EXCEL_MAX_ROW  # noqa: F401  (the grid the readers can hold)

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

MAX_INPUT_BYTES = 1 * GIB
MAX_ENTRIES = 10_000
MAX_PART_BYTES = 2 * GIB
MAX_TOTAL_BYTES = 4 * GIB
MAX_RATIO = 300
RATIO_MIN_BYTES = 16 * MIB
MAX_PROLOG_BYTES = 64 * KIB
MAX_CELLS = 30_000_000
# Cells a sheet read cell by cell into a grid (forms, summaries, catalogs, annotated copies) may span: the
# reader holds the rectangle twice over (Rust, then Python), about 100 bytes a cell, and an annotated copy
# reads it again, so this keeps a grid well inside 2 GiB. Outcome sheets are read column-wise instead.
MAX_GRID_CELLS = 5_000_000
# A sheet larger than this is refused with a clear message (Excel's own limit is 1,048,576 rows).
MAX_ROWS = 1_100_000

# Sees each inflated chunk of a worksheet part: (part name, bytes).
Visitor = Callable[[str, bytes], None]
