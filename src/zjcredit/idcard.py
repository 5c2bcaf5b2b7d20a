"""Resident ID numbers (公民身份号码, GB 11643-1999), checked without python-stdnum.

A region code is the county of first issue, so it is never judged against the birth year: abolished
codes (330103 下城区) and new ones (330113 临平区) are both valid, and every province is accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from zjcredit import divisions
from zjcredit.normalize import fold_width

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SCI_RE = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdCheck:
    """The normalised number and the rule it breaks (None when valid)."""

    number: str | None
    rule: str | None
    lowercase_x: bool = False
    birth: dt.date | None = None


def looks_like_excel_number(raw: object) -> bool:
    """True when Excel stored the ID as a number: a float cell or scientific notation text."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float)):
        return abs(raw) >= 1e11
    if isinstance(raw, str):
        s = raw.strip()
        return bool(_SCI_RE.match(s)) or bool(re.fullmatch(r"\d{16,19}\.0+", s))
    return False


def check_id(raw: object, today: dt.date | None = None) -> IdCheck:
    """Validate one ID cell value (text or number) and name the first rule it breaks."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return IdCheck(None, "required")
    if looks_like_excel_number(raw):
        return IdCheck(None, "id-excel-number")
    text = fold_width(str(raw)).strip().replace(" ", "")
    lower = text.endswith("x")
    text = text.upper()
    if re.fullmatch(r"\d{15}", text):
        return IdCheck(text, "id-legacy-15")
    if len(text) != 18:
        return IdCheck(text, "id-length")
    if not re.fullmatch(r"\d{17}[\dX]", text):
        return IdCheck(text, "id-characters")
    province = text[:2]
    if province not in divisions.PROVINCES:
        return IdCheck(text, "id-region", lower)
    if province == "33" and not divisions.region_code_known(text[:6]):
        return IdCheck(text, "id-region", lower)
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return IdCheck(text, "id-birthdate", lower)
    if birth.year < 1900 or birth > (today or dt.date.today()):
        return IdCheck(text, "id-birthdate", lower, birth)
    if check_char(text[:17]) != text[17]:
        return IdCheck(text, "id-checksum", lower, birth)
    return IdCheck(text, None, lower, birth)


def make_id(region: str, birth: dt.date, sequence: int) -> str:
    """A valid ID for tests and examples."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
