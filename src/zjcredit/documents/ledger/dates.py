"""Session dates as ledgers write them: real date cells, ``2019-03-05``, ``2019年3月5日``, and dates without a
year (``3月5日``, ``3/5``, ``3.5``) that take the year of the project's catalog period (CONTRACT.md).

Reading keeps what was written (:class:`DayText`); the year is supplied when the ledger's project is known
(:meth:`DayText.on`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from zjcredit.domain.normalize import clean_text, parse_date

_FULL_RE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY_RE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_SLASHED_RE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})$")
# 第3次, 第三课, 第 2 讲: a session without its date.
_ORDINAL_RE = re.compile(r"^第\s*([0-9]+|[一二三四五六七八九十百]+)\s*(次|课|讲|节|期|天)")
# The day in a sheet or file name: 签到表-0305, 签到表20190305.
_NAME_MMDD_RE = re.compile(r"(?<!\d)(\d{2})(\d{2})(?!\d)")


@dataclass(frozen=True)
class DayText:
    """A date as written: the year may be missing."""

    year: int | None
    month: int
    day: int

    def on(self, year: int | None) -> dt.date | None:
        """The date, the year taken from ``year`` when it was not written; None when not a real date."""
        y = self.year if self.year is not None else year
        if y is None:
            return None
        try:
            return dt.date(y, self.month, self.day)
        except ValueError:
            return None


def day_text(value: Any) -> DayText | None:
    """The date a cell holds, with or without a year; None when it holds none."""
    if isinstance(value, (dt.date, dt.datetime)):
        d = value.date() if isinstance(value, dt.datetime) else value
        return DayText(d.year, d.month, d.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value < 80000:  # an Excel serial number (1954–2119)
            d = parse_date(value)
            return DayText(d.year, d.month, d.day) if d else None
        return None
    text = clean_text(value)
    if not text:
        return None
    for pattern in (_FULL_RE, _COMPACT_RE):
        m = pattern.search(text) if pattern is _FULL_RE else pattern.match(text)
        if m:
            return DayText(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MONTH_DAY_RE.search(text) or _SLASHED_RE.match(text)
    if m:
        return DayText(None, int(m.group(1)), int(m.group(2)))
    return None


def day_in_name(name: str | None) -> DayText | None:
    """The date in a sheet's or file's name (``签到表（3月5日）``, ``签到表-0305``, ``签到表2019-03-05``)."""
    if not name:
        return None
    found = day_text(name)
    if found is not None:
        return found
    m = _NAME_MMDD_RE.search(name)
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        return DayText(None, int(m.group(1)), int(m.group(2)))
    return None


def is_ordinal(value: Any) -> bool:
    text = clean_text(value)
    return bool(text and _ORDINAL_RE.match(text.replace(" ", "")))


def looks_like_session(value: Any) -> bool:
    """A grid's session column header: a date (with or without year) or 第N次."""
    if value is None:
        return False
    return day_text(value) is not None or is_ordinal(value)
