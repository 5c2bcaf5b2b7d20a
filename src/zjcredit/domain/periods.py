"""Catalog periods: YYYYH1 (Q1+Q2 merged), YYYYQ3, YYYYQ4; YYYYQ1 and YYYYQ2 mean YYYYH1."""

from __future__ import annotations

import datetime as dt
import re

from zjcredit.errors import UsageError

_PERIOD_RE = re.compile(r"^(\d{4})\s*(H1|Q[1-4])$", re.I)


def parse_period(text: str) -> str:
    """Canonical period text, or a usage error naming the accepted forms."""
    m = _PERIOD_RE.match(str(text).strip().upper()) if text else None
    if not m or not (2000 <= int(m.group(1)) <= 2100):
        raise UsageError(
            f"期次“{text}”无效。期次写成年份加 H1（第一、二季度合并，如 2019H1）、Q3 或 Q4（如 2019Q3）；2019Q1、2019Q2 视同 2019H1。",
            f"Invalid period '{text}'. Write the year and H1 (Q1 and Q2 merged, e.g. 2019H1), Q3 or Q4 (e.g. 2019Q3); 2019Q1 and 2019Q2 mean 2019H1.",
        )
    year, part = m.group(1), m.group(2).upper()
    if part in ("Q1", "Q2"):
        part = "H1"
    return f"{year}{part}"


def is_period(text: str | None) -> bool:
    try:
        parse_period(text or "")
    except UsageError:
        return False
    return True


def period_start(period: str) -> dt.date:
    p = parse_period(period)
    year, part = int(p[:4]), p[4:]
    return {"H1": dt.date(year, 1, 1), "Q3": dt.date(year, 7, 1), "Q4": dt.date(year, 10, 1)}[part]


def period_end(period: str) -> dt.date:
    p = parse_period(period)
    year, part = int(p[:4]), p[4:]
    return {"H1": dt.date(year, 6, 30), "Q3": dt.date(year, 9, 30), "Q4": dt.date(year, 12, 31)}[part]
