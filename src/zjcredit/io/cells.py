"""Cell references: 0-based (row, column) positions and Excel's A1 notation."""

from __future__ import annotations

import re

_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
# Excel's grid: 1,048,576 rows × 16,384 columns (XFD).
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COL = 16_384


def column_letter(col: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str | bytes) -> int:
    """Excel letters → 0-based column index (A → 0, AA → 26)."""
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    value = 0
    for ch in text.upper():
        value = value * 26 + ord(ch) - 64
    return value - 1


def cell_ref(row: int, col: int) -> str:
    """0-based (row, col) → A1 reference."""
    return f"{column_letter(col)}{row + 1}"


def parse_cell(ref: str) -> tuple[int, int] | None:
    """A1 reference (``$`` allowed) → 1-based (row, col), as openpyxl counts; None for anything that is
    not one cell inside Excel's grid ('C7' → (7, 3))."""
    m = _REF_RE.match(ref.strip())
    if m is None:
        return None
    row, col = int(m.group(2)), column_index(m.group(1)) + 1
    if not (1 <= row <= EXCEL_MAX_ROW and 1 <= col <= EXCEL_MAX_COL):
        return None
    return row, col
