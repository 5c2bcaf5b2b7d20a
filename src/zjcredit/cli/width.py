"""Text measured in display columns: a Chinese character takes two, so Click's wrapping (which counts
characters) made Chinese help lines half again as wide as the terminal.

:class:`DisplayWidthWrapper` wraps help text by display width and breaks Chinese text between characters,
never before a closing mark such as “，” nor after an opening one; :func:`short_help` cuts a command's
one-line summary the same way. :mod:`.click_zh` puts both into Typer, in either language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer._click._textwrap as click_textwrap
from typer._click._compat import strip_ansi

from zjcredit.report.fit import cells, char_cells

# Display width: measured as the report's tables measure it ------------------------------------------

def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (ANSI colours not counted; a Chinese character is two)."""
    return cells(strip_ansi(text))


# Never at the start of a line / never at the end of one.
_CLOSING = set("，。、；：？！）》」』】〕”’…·—") | set(")]}")
_OPENING = set("（《「『【〔“‘") | set("([{")


def _is_wide(ch: str) -> bool:
    return char_cells(ch) == 2


class DisplayWidthWrapper(click_textwrap.TextWrapper):
    """Click's text wrapper, measuring display columns and breaking Chinese text between characters (and
    never inside a hyphenated name such as a rule id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("break_on_hyphens", False)
        super().__init__(*args, **kwargs)

    def _split(self, text: str) -> list[str]:
        chunks: list[str] = []
        for chunk in super()._split(text):
            if chunk.isascii():
                chunks.append(chunk)
                continue
            # Each Chinese character is a chunk of its own; a closing mark stays with what precedes it,
            # an opening mark with what follows it, and a run of other characters stays together.
            units: list[str] = []
            for ch in chunk:
                last = units[-1][-1] if units else ""
                if last and (ch in _CLOSING or last in _OPENING or not (_is_wide(ch) or _is_wide(last))):
                    units[-1] += ch
                else:
                    units.append(ch)
            chunks.extend(units)
        return chunks

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int) -> None:
        space_left = max(width - cur_len, 1)
        last = reversed_chunks[-1]
        used = 0
        cut = 0
        for ch in last:
            w = char_cells(ch)
            if used + w > space_left and cut > 0:
                break
            used += w
            cut += 1
        cur_line.append(last[:cut])
        reversed_chunks[-1] = last[cut:]

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        # textwrap.TextWrapper._wrap_chunks (Python 3.11), measuring with cell_width.
        lines: list[str] = []
        chunks.reverse()
        while chunks:
            cur_line: list[str] = []
            cur_len = 0
            indent = self.subsequent_indent if lines else self.initial_indent
            width = self.width - cell_width(indent)
            if self.drop_whitespace and chunks[-1].strip() == "" and lines:
                del chunks[-1]
            while chunks:
                size = cell_width(chunks[-1])
                if cur_len + size <= width:
                    cur_line.append(chunks.pop())
                    cur_len += size
                else:
                    break
            if chunks and cell_width(chunks[-1]) > width:
                self._handle_long_word(chunks, cur_line, cur_len, width)
                cur_len = sum(cell_width(c) for c in cur_line)
            if self.drop_whitespace and cur_line and cur_line[-1].strip() == "":
                cur_len -= cell_width(cur_line[-1])
                del cur_line[-1]
            if cur_line:
                lines.append(indent + "".join(cur_line))
        return lines



def short_help(original: Callable[..., str], help: str, max_length: int = 45) -> str:
    """A command's one-line summary in a group's list, cut to ``max_length`` display columns.

    Click cuts at spaces and counts characters, so a Chinese summary (no spaces) came out as "..." or
    twice as wide as the column. Chinese text ends at its first sentence, or at the last clause mark
    (，；：、) that fits, with "…"."""
    text = " ".join(help.split("\n\n", 1)[0].split()).removeprefix("\b").strip()
    if text.isascii():
        return original(help, max_length)
    end = text.find("。")
    if end >= 0:
        text = text[: end + 1]
    if cell_width(text) <= max_length:
        return text
    cut, used, best, depth = 0, 0, 0, 0
    for i, ch in enumerate(text):
        used += char_cells(ch)
        if used > max_length - 1:
            break
        cut = i + 1
        depth += (ch in "（(《“") - (ch in "）)》”")
        if ch in "，；：、,;:" and i > 0 and depth == 0:
            best = i
    if cell_width(text[:best]) < max_length // 2:
        best = cut
    return text[:best].rstrip() + "…"

