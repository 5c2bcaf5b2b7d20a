"""Resident ID numbers (公民身份号码, GB 11643-1999), checked without python-stdnum.

A region code is the county of first issue, so it is never judged against the birth year: abolished
codes (330103 下城区) and new ones (330113 临平区) are both valid, and every province is accepted.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from zjcredit.domain import divisions
from zjcredit.domain.normalize import fold_width

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


# Column-wise checks ---------------------------------------------------------------------------------

# The rule each code in IdColumn.code stands for; -1 means empty, 0 valid.
ID_RULES: tuple[str | None, ...] = (
    None,
    "id-excel-number",
    "id-legacy-15",
    "id-length",
    "id-characters",
    "id-region",
    "id-birthdate",
    "id-checksum",
)
_CODE = {rule: i for i, rule in enumerate(ID_RULES)}


@dataclass
class IdColumn:
    """Results of :func:`check_id_column`, one entry per value."""

    normalized: object  # pyarrow string array: folded, upper-case, no spaces; null when empty
    code: object  # numpy int8: index into ID_RULES, -1 when empty
    lowercase_x: object  # numpy bool
    birth: object  # numpy datetime64[D], NaT when the birth date is unknown or invalid
    excel_candidate: object  # numpy bool: 18-19 digits of the form Excel stores numbers in (see excel_double)
    all_digits: object  # numpy bool: 18 digits (no X), whatever the verdict
    prefix17: object  # numpy int64: the first 17 digits as a number when they are digits, else -1
    last_digit: object  # numpy int8: the 18th character as 0–9, 10 for X, -1 when not an 18-character number

    def rule(self, i: int) -> str | None:
        c = int(self.code[i])  # type: ignore[index]
        return "required" if c < 0 else ID_RULES[c]


def excel_double(digits: str) -> bool:
    """True when the integer ``digits`` is exactly what Excel stores for a number typed into a cell:
    a float64 value that is the nearest one to a 15-significant-digit decimal. Every ID that Excel turned
    into a number has this form; about one typed text ID in a thousand has it by chance."""
    try:
        n = int(digits)
        f = float(n)
        return int(f) == n and float(f"{f:.14e}") == f
    except (ValueError, OverflowError):
        return False


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@functools.cache
def _year_starts() -> Any:
    """Days since 1970-01-01 of 1 January of each year 0–9999 (numpy int64), numpy's calendar."""
    import numpy as np

    return (np.arange(10000) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def check_id_column(values: object, today: dt.date | None = None) -> IdColumn:
    """Check a whole column of ID texts at once (numpy on the Arrow string buffer).

    Gives the same verdict as :func:`check_id` for every value; only values that are not 18 plain ASCII
    characters (full-width digits, spaces, scientific notation, wrong length) take the per-value path.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from zjcredit.domain.columns import bools

    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.cast(pa.string())
    n = len(arr)
    trimmed = pc.utf8_trim_whitespace(arr)
    present = bools(trimmed.is_valid())
    blen = pc.fill_null(pc.binary_length(trimmed), 0).to_numpy()
    valid = present & (blen > 0)
    out = IdColumn(
        normalized=trimmed,
        code=np.full(n, -1, dtype=np.int8),
        lowercase_x=np.zeros(n, dtype=bool),
        birth=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
        excel_candidate=np.zeros(n, dtype=bool),
        all_digits=np.zeros(n, dtype=bool),
        prefix17=np.full(n, -1, dtype=np.int64),
        last_digit=np.full(n, -1, dtype=np.int8),
    )
    today = today or dt.date.today()
    plain = np.flatnonzero(valid & bools(pc.string_is_ascii(trimmed)) & (blen == 18))
    checked = _check_plain(trimmed, plain, n, today, out) if len(plain) else np.zeros(0, dtype=np.int64)
    others = valid.copy()
    others[checked] = False
    out.normalized = _normalised(trimmed, present, valid)
    if others.any():
        _check_others(arr, np.flatnonzero(others), today, out)
    return out


def _normalised(trimmed: Any, present: Any, valid: Any) -> Any:
    """Trimmed, upper-case (only when some value has a lower-case letter), null when empty."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    normalized = trimmed
    data_bytes = trimmed.buffers()[2]
    if data_bytes is not None:
        raw = np.frombuffer(data_bytes, dtype=np.uint8)
        if ((raw >= 0x61) & (raw <= 0x7A)).any():
            normalized = pc.utf8_upper(trimmed)
    if (present & ~valid).any():  # empty after trimming: null
        normalized = pc.if_else(pa.array(valid), normalized, pa.scalar(None, pa.string()))
    return normalized


def _check_plain(trimmed: Any, fast: Any, n: int, today: dt.date, out: IdColumn) -> Any:
    """The 18-character ASCII values at ``fast``: digits read straight from the string buffer, one digit
    row per position, every rule a few vector operations. Returns the positions judged (the others —
    letters where digits belong — take the per-value path)."""
    import numpy as np

    from zjcredit.domain.columns import byte_rows

    offsets = np.frombuffer(trimmed.buffers()[1], dtype=np.int32)[trimmed.offset : trimmed.offset + n + 1]
    data = np.frombuffer(trimmed.buffers()[2], dtype=np.uint8)
    if len(fast) == n and int(offsets[-1] - offsets[0]) == 18 * n:
        mat = data[offsets[0] : offsets[-1]].reshape(n, 18)  # every value 18 bytes: no gather needed
    else:
        mat = byte_rows(trimmed, fast, 18)
    # One digit row per position (contiguous): every step below is a pass over plain vectors.
    digits = np.ascontiguousarray((mat - np.uint8(48)).T)  # wraps around for anything below '0'
    last = digits[17] + np.uint8(48)  # the raw last byte
    ok = (np.maximum.reduce(digits[:17], axis=0) <= 9) & ((digits[17] <= 9) | (last == 88) | (last == 120))
    rows = fast if ok.all() else fast[ok]
    if not ok.all():
        digits, last = digits[:, ok], last[ok]
    out.lowercase_x[rows] = last == 120
    ten = [np.int32(10**k) for k in range(10)]  # uint8 digits times int32 scalars stay int32: no wide matrix

    def number(first: int, end: int) -> Any:
        acc = digits[first] * ten[end - first]
        for k in range(first + 1, end + 1):
            acc += digits[k] * ten[end - k]
        return acc

    province = number(0, 1)
    province_ok = np.isin(province, np.array([int(p) for p in divisions.PROVINCES]))
    zj_known = np.array(sorted(int(c) for c in (*divisions.counties(), *divisions.cities(), "330000")))
    region_ok = province_ok & ((province != 33) | np.isin(number(0, 5), zj_known))
    born, date_ok = _birth_days(number(6, 9), number(10, 11), number(12, 13))
    birth_ok = date_ok & (born >= np.datetime64("1900-01-01")) & (born <= np.datetime64(today))
    total = digits[0] * np.int32(WEIGHTS[0])
    for k in range(1, 17):
        total += digits[k] * np.int32(WEIGHTS[k])
    expected = np.frombuffer(CHECK_CHARS.encode(), dtype=np.uint8)[total % 11]
    check_ok = expected == np.where(last == 120, np.uint8(88), last)
    code = np.where(~region_ok, _CODE["id-region"], np.where(~birth_ok, _CODE["id-birthdate"], np.where(~check_ok, _CODE["id-checksum"], 0)))
    out.code[rows] = code
    # As check_id: the birth date is known once the region passed and the date is real.
    out.birth[rows] = np.where(region_ok & date_ok, born, np.datetime64("NaT"))
    numeric = (last != 88) & (last != 120)
    out.all_digits[rows] = numeric
    first17 = number(0, 8).astype(np.int64) * 100_000_000 + number(9, 16)
    out.prefix17[rows] = first17
    out.last_digit[rows] = np.where(numeric, digits[17], 10)
    # Cells that may have been numbers (see excel_double), for all 18 digits at once: the value is exactly
    # a float64, and that float64 is the nearest to its own 15-significant-digit rounding (a multiple of
    # 1,000 here; a tie cannot occur, as such floats are multiples of 16).
    form = np.flatnonzero(numeric & (code != _CODE["id-region"]))
    if len(form):
        value = first17[form] * 10 + digits[17][form]
        as_float = value.astype(np.float64)
        rounded = ((value + 500) // 1000) * 1000
        out.excel_candidate[rows[form]] = (as_float.astype(np.int64) == value) & (rounded.astype(np.float64) == as_float)
    return rows


def _birth_days(year: Any, month: Any, day: Any) -> tuple[Any, Any]:
    """(datetime64[D] of each date, whether it is a real date); NaT where it is not."""
    import numpy as np

    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_at = np.clip(month, 0, 12)
    month_days = np.array(_MONTH_DAYS, dtype=np.int32)[month_at] + ((month == 2) & leap)
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days) & (year >= 1)
    month_start = np.concatenate([[0], np.cumsum(_MONTH_DAYS[:-1])])  # day of the year of 1 January … 1 December
    days = _year_starts()[year] + month_start[month_at] + ((month > 2) & leap) + (day - 1)
    return np.where(ok, days, np.iinfo(np.int64).min).view("datetime64[D]"), ok


def _check_others(arr: Any, slow: Any, today: dt.date, out: IdColumn) -> None:
    """The values that are not 18 plain characters, one by one with :func:`check_id`."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = arr.take(pa.array(slow)).to_pylist()
    numbers: list[str | None] = []
    for i, raw in zip(slow, texts):
        result = check_id(raw, today)
        out.code[i] = -1 if result.rule == "required" else _CODE[result.rule]
        out.lowercase_x[i] = result.lowercase_x
        if result.birth is not None:
            out.birth[i] = np.datetime64(result.birth)
        numbers.append(result.number if result.number is not None else (raw.strip() if isinstance(raw, str) else None))
        number = result.number
        if number and len(number) in (18, 19) and number.isdigit():
            out.excel_candidate[i] = excel_double(number)
            out.all_digits[i] = len(number) == 18
        if number and len(number) == 18 and number[:17].isdigit() and number[:17].isascii():
            out.prefix17[i] = int(number[:17])
            out.last_digit[i] = int(number[17]) if number[17].isdigit() else 10
    mask = np.zeros(len(out.code), dtype=bool)
    mask[slow] = True
    out.normalized = pc.replace_with_mask(out.normalized, pa.array(mask), pa.array(numbers, type=pa.string()))
