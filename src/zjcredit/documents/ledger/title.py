"""The title block above a part's table, read by its labels as Annex 2 forms are (CONTRACT.md):
``项目编码：330106-2019H1-001`` in one cell (several ``label：value`` pairs may share a cell), or a label cell
and its value in the nearest non-empty cell to the right on the same row (a merged range is one cell).

Besides the project's 项目编码, 项目名称, 申报单位 and 机构代码, a sign-in sheet kept one per session carries its
``日期：…`` (and perhaps ``课次：…``) here.
"""

from __future__ import annotations

import re

from zjcredit.domain import schema
from zjcredit.domain.normalize import clean_text
from zjcredit.io.cells import cell_ref
from zjcredit.io.grid import SheetGrid
from zjcredit.io.tables import Value

LABELS: tuple[str, ...] = tuple(f.name for f in schema.LEDGER_TITLE) + ("日期", "课次")


def _spellings() -> list[str]:
    out = {s for name in LABELS for s in (name, *schema.ALIASES.get(name, ()))}
    return sorted(out, key=len, reverse=True)


# A label followed by a colon, at the start of a cell or after white space or punctuation.
_LABEL_RE = re.compile(r"(?:^|(?<=[\s，,；;、|]))(" + "|".join(re.escape(s) for s in _spellings()) + r")\s*[:：]")


def label_of(text: str | None) -> str | None:
    """The title field a cell's whole text names (``项 目 编 码``, ``项目代码：``), if any."""
    if not text:
        return None
    return schema.canonical_field(text.lstrip("*★※ "), LABELS)


def _inline(text: str) -> list[tuple[str, str]]:
    """``项目编码：X　项目名称：Y`` → [(项目编码, X), (项目名称, Y)]."""
    matches = [m for m in _LABEL_RE.finditer(text) if label_of(m.group(1))]
    pairs = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        pairs.append((label_of(m.group(1)) or "", text[m.end() : end].strip(" ，,；;、|")))
    return pairs


def read_title(sheet: SheetGrid, above: int) -> tuple[dict[str, Value], list[Value]]:
    """The labelled values in rows ``0 .. above-1`` (first occurrence of each label), and the texts of the
    cells that are no label or value (titles such as ``国学经典诵读签到表 2019年3月5日``)."""
    found: dict[str, Value] = {}
    others: list[Value] = []
    for r in range(min(above, sheet.height)):
        cells = _row_cells(sheet, r)
        used: set[int] = set()
        for i, (c, raw, text) in enumerate(cells):
            if i in used:
                continue
            pairs = _inline(text)
            if pairs:
                for name, value in pairs:
                    if value:
                        found.setdefault(name, Value(raw, clean_text(value), cell_ref(r, c), r + 1))
                    elif i + 1 < len(cells) and label_of(cells[i + 1][2]) is None:
                        used.add(i + 1)  # 项目编码： | 330106-…
                        nc, nraw, ntext = cells[i + 1]
                        found.setdefault(name, Value(nraw, ntext, cell_ref(r, nc), r + 1))
                continue
            label = label_of(text)
            if label is None:
                others.append(Value(raw, text, cell_ref(r, c), r + 1))
                continue
            if i + 1 < len(cells) and label_of(cells[i + 1][2]) is None and not _inline(cells[i + 1][2]):
                used.add(i + 1)
                nc, nraw, ntext = cells[i + 1]
                found.setdefault(label, Value(nraw, ntext, cell_ref(r, nc), r + 1))
            else:  # a blank value: it belongs just right of the label
                found.setdefault(label, Value(None, None, cell_ref(r, sheet.span(r, c)[3] + 1), r + 1))
    return found, others


def _row_cells(sheet: SheetGrid, r: int) -> list[tuple[int, object, str]]:
    """Non-empty cells starting on row ``r`` (merged ranges once, at their top-left), left to right."""
    out = []
    for c in range(sheet.width):
        if not sheet.is_origin(r, c):
            continue
        raw = sheet.value(r, c)
        text = clean_text(raw)
        if text is not None:
            out.append((c, raw, text))
    return out
