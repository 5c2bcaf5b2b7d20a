"""Turn cell values typed by hand into clean values. Never raises: failure is ``None``."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

# Full-width ASCII (！ to ～) → half-width; the ideographic space → space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
# Only digits, letters and a few marks are folded; brackets and colons stay as typed for vocabularies.
_FOLD = {cp: to for cp, to in _FULLWIDTH.items() if chr(to).isalnum() or chr(to) in " .-+/@#_"}
_INVISIBLE_RE = re.compile("[\u00a0\u2000-\u200b\u202f\u205f\ufeff\u2060]")
_SPACES_RE = re.compile(r"[ \t\r\n]+")

EXCEL_ERRORS = frozenset({"#REF!", "#VALUE!", "#N/A", "#NAME?", "#DIV/0!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"})


def fold_width(text: str) -> str:
    """Full-width digits and letters to half-width (１２３ → 123, ＡＢ → AB)."""
    return text.translate(_FOLD)


def clean_text(value: Any) -> str | None:
    """Text of a cell with invisible and repeated spaces removed; None when empty."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, (dt.datetime, dt.date)):
        text = value.isoformat()[:10] if not isinstance(value, dt.datetime) or value.time() == dt.time() else value.isoformat(" ")
    else:
        text = str(value)
    text = _INVISIBLE_RE.sub(" ", text.replace("\u3000", " "))
    text = _SPACES_RE.sub(" ", text).strip()
    return fold_width(text) or None


def compact(text: str | None) -> str:
    """Text with every space removed, for codes and comparisons."""
    return "" if text is None else re.sub(r"\s+", "", text)


def code_key(value: Any) -> str | None:
    """A code (项目编码, 课程编码, 机构代码) for comparisons: cleaned, no spaces, upper-case; None when empty."""
    text = clean_text(value)
    return compact(text).upper() or None if text else None


_NAME_NOISE_RE = re.compile(r"[\s\u200b\ufeff《》〈〉“”‘’\"'「」]+")


def name_key(text: str | None) -> str:
    """A name (of a project, an institution, a person) for comparisons: NFKC, no white space, no quotes or
    book-title marks, case-folded; '' when empty."""
    if not text:
        return ""
    return _NAME_NOISE_RE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


def plain_number(number: float | None) -> int | float | None:
    """A number as it should be written into a cell or a JSON document: an int when it is whole; None for
    what is not a usable number (not finite, or beyond :data:`MAX_NUMBER`)."""
    if number is None:
        return None
    try:
        value = float(number)
    except OverflowError:  # an integer too large for a float
        return None
    if not math.isfinite(value) or abs(value) >= MAX_NUMBER:
        return None
    return int(value) if value.is_integer() else number


def number_text(number: float) -> str:
    """A number in a message: ``16``, ``16.5``."""
    number = float(number)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def is_excel_error(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


_NUMBER_RE = re.compile(r"^[约大概共计]*\s*([+-]?\d+(?:[.,]\d+)*)\s*(人次|人|学时|课时|小时|个小时|时|h|H|天|分)?\s*(左右)?$")


# No count, number of hours or sequence number comes near this; Excel keeps 15 significant digits, so a
# number this large is no longer the number typed. Beyond it (and NaN, ±infinity) a value is no number.
MAX_NUMBER = 1e15


def parse_number(value: Any) -> float | None:
    """A number from a cell: real numbers, numbers stored as text, ``50人``, ``24学时``, ``１６``.

    None for what is not a usable number: not finite (NaN, ±infinity) or :data:`MAX_NUMBER` and beyond."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return usable_number(value)
    text = clean_text(value)
    if not text:
        return None
    m = _NUMBER_RE.match(text.replace(" ", ""))
    if not m:
        return None
    digits = m.group(1)
    if "," in digits:
        # 1,200 (thousands) — but 1,5 is not a number we accept
        if not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", digits):
            return None
        digits = digits.replace(",", "")
    try:
        return usable_number(float(digits))
    except (ValueError, OverflowError):  # pragma: no cover - the pattern only lets numbers through
        return None


def usable_number(value: float | int) -> float | None:
    """``value`` as a float when it is finite and below :data:`MAX_NUMBER` in size, else None."""
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and abs(number) < MAX_NUMBER else None


def out_of_range(value: Any) -> bool:
    """True for a cell holding a number that :func:`parse_number` rejects for its size or for not being
    finite (``1e308``, ``inf``, ``NaN`` number cells): a finding of its own, not "not a number"."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and usable_number(value) is None


def as_int(number: float | None) -> int | None:
    if number is None or not float(number).is_integer():
        return None
    return int(number)


EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_RES = (
    re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def excel_serial_to_date(serial: float) -> dt.date | None:
    if not (1 <= serial < 2958466):  # 9999-12-31
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value: Any) -> dt.date | None:
    """Dates from real date cells, Excel serial numbers, and text such as ``2019.5.5``, ``2019年5月5日``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return excel_serial_to_date(float(value))
    text = clean_text(value)
    if not text:
        return None
    for pattern in _DATE_RES:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return excel_serial_to_date(float(text))
    return None


# Phones -------------------------------------------------------------------------------------------

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:-\d{1,5})?$")


def normalize_phone(value: Any) -> str | None:
    """Digits of a phone number with ``+86``, spaces, brackets and hyphens folded; landlines keep one hyphen."""
    text = clean_text(value)
    if not text:
        return None
    s = re.sub(r"[\s()（）]", "", text)
    s = re.sub(r"^(\+?86|0086)-?(?=1[3-9]\d{9}$)", "", s)
    s = re.sub(r"^(\+?86|0086)-?(?=[1-9]\d{1,2}-?\d{7,8}$)", "0", s)
    if MOBILE_RE.match(s.replace("-", "")):
        return s.replace("-", "")
    m = _LANDLINE_RE.match(s)
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    return s


def phone_kind(phone: str | None) -> str | None:
    """'mobile', 'landline', or None when the text is neither."""
    if not phone:
        return None
    if MOBILE_RE.match(phone):
        return "mobile"
    if _LANDLINE_RE.match(phone):
        return "landline"
    return None


_PHONE_IN_TEXT_RE = re.compile(r"(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4}|0\d{2,3}[- ]?\d{7,8})")


def split_contact(value: Any) -> tuple[str | None, str | None]:
    """联系人（电话）: ``王老师 13812345678`` → (name, phone); either part may be missing."""
    text = clean_text(value)
    if not text:
        return None, None
    m = _PHONE_IN_TEXT_RE.search(text)
    if not m:
        return text.strip(" ()（）:：,，/") or None, None
    phone = m.group(1)
    name = (text[: m.start()] + " " + text[m.end() :]).strip(" ()（）:：,，/-、")
    name = re.sub(r"(电话|手机|联系电话|tel|Tel|TEL)[:：]?", "", name).strip(" ()（）:：,，/-、")
    return name or None, normalize_phone(phone)
