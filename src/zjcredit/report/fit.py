"""Tables that fit a terminal of 80 or 120 columns and still read well: the columns' widths chosen here,
each cell wrapped here, so that no line breaks inside a number, an ID or a code, or between a number and
its unit (``2,500 行``, ``第 18 位``, ``3 rows``); a line never starts with a closing mark (，。）) and never
ends with an opening one (（《); file names are shortened from the middle, keeping the distinguishing end.

rich then draws the cells as given (``no_wrap``); it is imported only inside :func:`draw`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_UNITS_ZH = "学时|小时|分钟|位|行|列|条|处|个|天|岁|人|次|年|月|日|号|分|秒|项|门|期|元|倍|周|名|份|页|字|所|家|张|MB|KB|GB|s"
_UNITS_EN = "rows?|records?|errors?|warnings?|infos?|files?|cells?|hours?|days?|years?|digits?|times|sessions?|learners?|projects?|findings?"
# A run that must stay on one line: an optional 第, letters/digits with the marks inside numbers and codes.
_RUN_RE = re.compile(r"(?:第\s?(?=\d)|\.(?=[A-Za-z]))?[0-9A-Za-z][0-9A-Za-z_.,:%/+\-–~×@#*'’]*")  # .xlsx whole
_UNIT_RE = re.compile(rf"\s?(?:{_UNITS_ZH})|\s(?:{_UNITS_EN})\b")
_CLOSE = set("，。；：、）》」』】！？…%,.;:!?)]}”’")
_OPEN = set("（《「『【“‘([{")
ELLIPSIS = "…"


def char_cells(ch: str) -> int:
    """Terminal columns one character takes: two for CJK and full-width, none for a combining mark."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cells(text: str) -> int:
    """Terminal columns ``text`` takes (CJK and full-width characters two)."""
    if text.isascii():
        return len(text)
    return sum(char_cells(ch) for ch in text)


def atoms(text: str) -> list[str]:
    """``text`` cut where a line may break: runs of letters and digits (with a number's unit) whole,
    every other character on its own, spaces as " " atoms; closing marks stay with what precedes them,
    opening marks with what follows."""
    out: list[str] = []
    i, n = 0, len(text)
    pending_open = ""
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            out.append(" ")
            i = j
            continue
        m = _RUN_RE.match(text, i)
        if m:
            piece, i = m.group(), m.end()
            if any(c.isdigit() for c in piece):
                u = _UNIT_RE.match(text, i)
                if u:
                    piece, i = piece + u.group(), u.end()
        else:
            piece, i = ch, i + 1
        if piece in _OPEN or (len(piece) == 1 and piece in _OPEN):
            pending_open += piece
            continue
        if len(piece) == 1 and piece in _CLOSE and pending_open:  # “、”: the marks stay in their order
            pending_open += piece
            continue
        if len(piece) == 1 and piece in _CLOSE and out and out[-1] != " ":
            out[-1] += piece
            continue
        out.append(pending_open + piece)
        pending_open = ""
    if pending_open:
        out.append(pending_open)
    return out


def _chop(atom: str, width: int) -> list[str]:
    """An atom wider than the column, cut by columns (the only break inside one)."""
    parts, cur = [], ""
    for ch in atom:
        if cur and cells(cur + ch) > width:
            parts.append(cur)
            cur = ""
        cur += ch
    return [*parts, cur] if cur else parts


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` columns, broken only between atoms (:func:`atoms`)."""
    width = max(width, 1)
    lines: list[str] = []
    for para in text.split("\n"):
        line, space = "", False
        for atom in atoms(para):
            if atom == " ":
                space = bool(line)
                continue
            sep = " " if space else ""
            space = False
            if cells(line + sep + atom) <= width:
                line += sep + atom
                continue
            if line:
                lines.append(line)
            if cells(atom) > width:
                *full, line = _chop(atom, width)
                lines.extend(full)
            else:
                line = atom
        lines.append(line)
    return lines


def longest_atom(text: str) -> int:
    return max((cells(a) for line in text.split("\n") for a in atoms(line)), default=0)


def widest_line(text: str) -> int:
    return max((cells(line) for line in text.split("\n")), default=0)


# File names ---------------------------------------------------------------------------------------------


def common_folder(paths: Sequence[str]) -> str:
    """The folder all ``paths`` share (with its trailing separator), or "" when they share none or there
    is only one."""
    if len(paths) < 2:
        return ""
    split = [re.split(r"(?<=[/\\])", p) for p in paths]
    common: list[str] = []
    for parts in zip(*split):
        if all(p == parts[0] for p in parts) and parts[0].endswith(("/", "\\")):
            common.append(parts[0])
        else:
            break
    # Every path keeps at least its own name.
    if any(len(s) <= len(common) for s in split):
        return ""
    return "".join(common)


def shorten_path(path: str, width: int) -> str:
    """``path`` in at most ``width`` columns when it can be: folders dropped from the front (…/), the
    file name and the nearest folders kept — the part that tells two files apart."""
    if cells(path) <= width:
        return path
    parts = re.split(r"(?<=[/\\])", path)
    kept = parts[-1]
    for part in reversed(parts[:-1]):
        if cells(ELLIPSIS + part + kept) > width:
            break
        kept = part + kept
    if kept != path and cells(ELLIPSIS + kept) <= width:
        return ELLIPSIS + kept
    name = parts[-1]
    stem, dot, ext = name.rpartition(".")
    if dot and 0 < len(ext) <= 5 and cells(ext) + 3 < width:
        # The name alone is too long: its middle goes, its start and its end stay.
        keep = width - cells(ELLIPSIS + "." + ext)
        head = _take(stem, (keep + 1) // 2)
        tail = _take_end(stem, keep - cells(head))
        return f"{head}{ELLIPSIS}{tail}.{ext}"
    return name


def _take(text: str, width: int) -> str:
    out = ""
    for ch in text:
        if cells(out + ch) > width:
            break
        out += ch
    return out


def _take_end(text: str, width: int) -> str:
    out = ""
    for ch in reversed(text):
        if cells(ch + out) > width:
            break
        out = ch + out
    return out


# Tables -------------------------------------------------------------------------------------------------


@dataclass
class Column:
    header: str
    justify: str = "left"
    path: bool = False  # file names: shortened, not wrapped
    max_width: int | None = None  # never wider than this (long values wrap)
    flex: bool = False  # takes what the other columns leave (at least FLEX_FLOOR); they keep their width
    keep: bool = False  # its lines are not broken while the table can fit otherwise (a cell's place)


@dataclass
class Grid:
    """Rows of texts (or (text, style) pairs) under ``columns``, with an optional title."""

    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    title: str | None = None
    note: str | None = None  # a line printed under the table (e.g. the shared folder of its files)


SEPARATOR = 2  # blank columns between two columns
HEADER_LEAST = 8  # a header is not broken into pieces narrower than this
KEEP_CAP = 14  # a kept column's lines longer than this may still wrap (at a space) when room is short
FLEX_FLOOR = 30  # a flexible column (a message) is given at least this many columns when it needs them


def _text(cell: Any) -> str:
    return cell[0] if isinstance(cell, tuple) else ("" if cell is None else str(cell))


def measure(grid: Grid) -> tuple[list[int], list[int]]:
    """Each column's natural width (its widest line) and least width (its longest unbreakable piece,
    capped; a header is not broken narrower than HEADER_LEAST, a kept column's lines not below KEEP_CAP)."""
    natural, minimum = [], []
    for k, col in enumerate(grid.columns):
        texts = [_text(r[k]) for r in grid.rows]
        nat = max([widest_line(col.header), *(widest_line(t) for t in texts)])
        if col.max_width:
            nat = min(nat, col.max_width)
        if col.path:
            least = max([min(widest_line(col.header), HEADER_LEAST), *(min(cells(t), 16) for t in texts)])
        elif col.keep:
            least = min(max([longest_atom(col.header), *(widest_line(t) for t in texts)]), KEEP_CAP)
        else:
            least = max([min(widest_line(col.header), HEADER_LEAST), *(longest_atom(t) for t in texts)])
        least = min(least, nat, 24)
        natural.append(max(nat, 1))
        minimum.append(max(least, 1))
    return natural, minimum


def fits(grid: Grid, total: int) -> bool:
    """Whether ``grid`` fits ``total`` columns as a table without breaking a number, a code or a name."""
    return sum(measure(grid)[1]) + SEPARATOR * (len(grid.columns) - 1) <= total


def widths(grid: Grid, total: int) -> list[int]:
    """Each column's width so that the table fits ``total`` columns: as wide as its content when that
    fits; otherwise every column gets at least its longest unbreakable piece (capped) and the rest is
    shared out by how much each column still lacks."""
    n = len(grid.columns)
    available = max(total - SEPARATOR * (n - 1), n)
    natural, minimum = measure(grid)
    if sum(natural) <= available:
        return natural
    flex = [k for k, col in enumerate(grid.columns) if col.flex]
    if flex:
        return _with_flex(natural, minimum, flex, available)
    return _shared(natural, minimum, available)


def _with_flex(natural: list[int], minimum: list[int], flex: list[int], available: int) -> list[int]:
    """The fixed columns as wide as their content; the flexible ones the rest — and when that is less
    than FLEX_FLOOR, the fixed columns give way (down to their unbreakable pieces) first."""
    result = list(natural)
    fixed = [k for k in range(len(natural)) if k not in flex]
    floor = sum(min(natural[k], max(FLEX_FLOOR, minimum[k])) for k in flex)
    lack = floor - (available - sum(result[k] for k in fixed))
    while lack > 0:
        give = [k for k in fixed if result[k] > minimum[k]]
        if not give:
            break
        k = max(give, key=lambda k: result[k] - minimum[k])
        result[k] -= 1
        lack -= 1
    rest = available - sum(result[k] for k in fixed)
    for k in flex:
        share = max(minimum[k], rest // len(flex))
        result[k] = min(natural[k], share)
    if sum(result) > available:
        return _shared(natural, minimum, available)
    return result


def _shared(natural: list[int], minimum: list[int], available: int) -> list[int]:
    n = len(natural)
    result = list(minimum)
    spare = available - sum(result)
    if spare < 0:  # even the unbreakable pieces do not fit: the widest columns give way
        while sum(result) > available and max(result) > 4:
            k = result.index(max(result))
            result[k] -= 1
        return result
    while spare > 0:
        lacking = [k for k in range(n) if result[k] < natural[k]]
        if not lacking:
            break
        need = sum(natural[k] - result[k] for k in lacking)
        given = 0
        for k in lacking:
            share = max(1, (natural[k] - result[k]) * spare // need)
            share = min(share, natural[k] - result[k], spare - given)
            result[k] += share
            given += share
            if given >= spare:
                break
        spare -= given
        if given == 0:
            break
    return result


def layout(grid: Grid, total: int) -> tuple[list[int], list[list[tuple[list[str], str | None]]], bool]:
    """Column widths, each row's cells as wrapped lines (styles kept), and whether the flexible column
    goes under the others (``stacked``): when it would get fewer than FLEX_FLOOR columns beside them,
    each row's message takes a line of its own, as wide as the terminal."""
    ws = widths(grid, total)
    flex = [k for k, col in enumerate(grid.columns) if col.flex]
    if len(flex) == 1:
        k = flex[0]
        wanted = min(FLEX_FLOOR, max([widest_line(grid.columns[k].header), *(widest_line(_text(r[k])) for r in grid.rows)]))
        stacked = ws[k] < wanted or sum(ws) + SEPARATOR * (len(ws) - 1) > total
    else:
        stacked = False
    if stacked:
        rest = Grid([c for c in grid.columns if not c.flex], [[c for k, c in enumerate(r) if k != flex[0]] for r in grid.rows])
        narrow = widths(rest, total)
        ws = [*narrow[: flex[0]], max(total - (narrow[0] + SEPARATOR if flex[0] > 0 else 0), 10), *narrow[flex[0]:]]
    rows = []
    for row in grid.rows:
        out = []
        for k, (col, cell) in enumerate(zip(grid.columns, row)):
            text, style = (cell if isinstance(cell, tuple) else (_text(cell), None))
            if col.path:
                lines = [shorten_path(text, ws[k])]
                if cells(lines[0]) > ws[k]:
                    lines = wrap(lines[0], ws[k])
            else:
                lines = wrap(text, ws[k])
            out.append((lines, style))
        rows.append(out)
    return ws, rows, stacked


def _pad(text: str, width: int, justify: str) -> str:
    gap = max(width - cells(text), 0)
    return " " * gap + text if justify == "right" else text + " " * gap


def draw(console: Any, grid: Grid, width: int | None = None) -> None:
    """Print ``grid`` on a rich console, fitted to ``width`` (the console's by default): its title, the
    header (bold) over a rule, the rows; the lines are printed as made here, never re-wrapped."""
    from rich.text import Text

    total = width or console.width
    if not any(col.flex for col in grid.columns) and not fits(grid, total):
        _cards(console, grid, total)
        return
    ws, rows, stacked = layout(grid, total)
    flex = next((k for k, col in enumerate(grid.columns) if col.flex), None) if stacked else None
    shown = [k for k in range(len(grid.columns)) if k != flex]
    sep = " " * SEPARATOR

    def emit(parts: list[tuple[str, str | None]]) -> None:
        line = Text()
        for i, (piece, style) in enumerate(parts):
            if i:
                line.append(sep)
            line.append(piece, style=style or "")
        line.rstrip()
        console.print(line, soft_wrap=True)

    if grid.title:
        console.print(Text(grid.title, style="bold"), soft_wrap=True)
    heads = {k: wrap(grid.columns[k].header, ws[k]) for k in shown}
    for i in range(max(len(h) for h in heads.values())):
        emit([(_pad(heads[k][i] if i < len(heads[k]) else "", ws[k], grid.columns[k].justify), "bold") for k in shown])
    console.print("─" * min(sum(ws[k] for k in shown) + SEPARATOR * (len(shown) - 1), total), style="dim", soft_wrap=True)
    for row in rows:
        height = max(len(row[k][0]) for k in shown)
        for i in range(height):
            emit([(_pad(row[k][0][i] if i < len(row[k][0]) else "", ws[k], grid.columns[k].justify), row[k][1]) for k in shown])
        if flex is not None and any(row[flex][0]):
            indent = " " * (ws[0] + SEPARATOR) if flex > 0 else ""
            for line in row[flex][0]:
                if line:
                    console.print(Text(indent + line, style=row[flex][1] or ""), soft_wrap=True)
    if grid.note:
        console.print(Text("\n".join(wrap(grid.note, total)), style="dim"), soft_wrap=True)


def _cards(console: Any, grid: Grid, total: int) -> None:
    """A table too wide for the terminal, one row after another: its first cell as a line of its own,
    then each other column as "header value", as many to a line as fit (a pair is broken only when it
    alone is wider than the terminal)."""
    from rich.text import Text

    if grid.title:
        console.print(Text(grid.title, style="bold"), soft_wrap=True)
    console.print("─" * min(total, 40), style="dim", soft_wrap=True)
    indent = "  "
    room = max(total - len(indent), 10)
    for row in grid.rows:
        first, style = (row[0] if isinstance(row[0], tuple) else (_text(row[0]), None))
        for line in wrap(first, total):
            console.print(Text(line, style=style or "bold"), soft_wrap=True)
        pairs = []
        for col, cell in zip(grid.columns[1:], row[1:]):
            text = _text(cell)
            if text:
                if col.path and cells(f"{col.header} {text}") > room:
                    text = shorten_path(text, max(room - cells(col.header) - 1, 12))
                pairs.append(f"{col.header} {text}")
        line = ""
        for pair in pairs:
            if line and cells(line + "   " + pair) <= room:
                line += "   " + pair
                continue
            if line:
                console.print(indent + line, soft_wrap=True, highlight=False)
            if cells(pair) > room:
                *full, line = wrap(pair, room)
                for piece in full:
                    console.print(indent + piece, soft_wrap=True, highlight=False)
            else:
                line = pair
        if line:
            console.print(indent + line, soft_wrap=True, highlight=False)
    if grid.note:
        console.print(Text("\n".join(wrap(grid.note, total)), style="dim"), soft_wrap=True)


def terminal_width(console: Any) -> int:
    """The console's width (rich takes COLUMNS when set, the terminal's otherwise, 80 for a file)."""
    return int(console.width)
