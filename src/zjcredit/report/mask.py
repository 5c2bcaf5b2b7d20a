"""`--mask-ids`: resident IDs and phone numbers masked in everything a report or an annotated copy shows,
so that a report can be shared without the learners' personal data.

A resident ID keeps its first 6 characters (the region) and its last 4 (``330106********123X``), a mobile
number its first 3 and last 4 (``138****5678``), a landline its area code and last 4 (``0571-****6666``). Positions (file, sheet, cell, row) are never touched, so a
clerk holding the original still finds the row.

Two ways in: :func:`mask_text` finds well-formed IDs, mobile numbers and landlines inside any text (messages, other
columns, the cells of a copy); :func:`mask_value` masks a finding's whole value when its field holds an ID
or a phone, whatever its shape (a 17-digit ID or a 10-digit phone is still a person's number).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

# Fields whose values are personal numbers (canonical names, domain.schema).
ID_FIELDS = frozenset({"身份证号"})
PHONE_FIELDS = frozenset({"联系电话", "联系人（电话）"})

# An ID inside free text: 18 characters (6 of region, a birth date, 3 digits and a check digit or X) or
# the old 15 digits, not inside a longer run of letters or digits. The birth date must look like one, so
# that an 18-digit unified social credit code (an institution's, not a person's) is left alone.
_DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID_RE = re.compile(rf"(?<![0-9A-Za-z])(?:\d{{6}}{_DATE8}\d{{3}}[0-9Xx]|\d{{6}}{_DATE6}\d{{3}})(?![0-9A-Za-z])")
# An ID Excel turned into a number and shown in scientific notation (3.30106199003071E+17).
_SCIENTIFIC_RE = re.compile(r"(?<![0-9A-Za-z.])(\d)\.(\d{9,})[Ee]\+?(1[4-7])(?![0-9])")
# A mobile number: 1[3-9] and 9 more digits, optionally separated after the 3rd and the 7th digit,
# perhaps after +86.
_PHONE_RE = re.compile(r"(?:(?<=\+86)|(?<=\+86 )|(?<![0-9A-Za-z]))(1[3-9]\d)([ -]?)(\d{4})([ -]?)(\d{4})(?![0-9A-Za-z])")
# A landline: an area code (0 and 2–3 digits, perhaps in brackets), perhaps a hyphen or a space, and 7–8
# digits, not inside a longer run of letters or digits (a mobile number never starts with 0).
_LANDLINE_RE = re.compile(r"(?<![0-9A-Za-z])(\(0\d{2,3}\)|0\d{2,3})([ -]?)(\d{3,4})(\d{4})(?![0-9A-Za-z])")
_DIGITS_RE = re.compile(r"\d")


def mask_id(text: str) -> str:
    """The first 6 and last 4 characters kept, the rest starred (shorter texts: less kept)."""
    s = text.strip()
    if len(s) <= 6:
        return "*" * len(s)
    if len(s) <= 10:
        return s[:3] + "*" * (len(s) - 3)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_phone(text: str) -> str:
    """A phone's digits kept only in the first 3 and the last 4 places (fewer for short ones)."""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    hidden = set(digits[3:-4]) if len(digits) >= 9 else set(digits[2:])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def mask_text(text: str) -> str:
    """Every well-formed resident ID, mobile number and landline inside ``text`` masked; the rest as it was."""
    if not _DIGITS_RE.search(text):
        return text
    text = _SCIENTIFIC_RE.sub(lambda m: m.group(1) + "." + "*" * len(m.group(2)) + "E+" + m.group(3), text)
    text = _ID_RE.sub(lambda m: mask_id(m.group()), text)
    text = _PHONE_RE.sub(lambda m: m.group(1) + m.group(2) + "****" + m.group(4) + m.group(5), text)
    return _LANDLINE_RE.sub(lambda m: m.group(1) + m.group(2) + "*" * len(m.group(3)) + m.group(4), text)


def mask_value(field: str | None, value: str | None) -> str | None:
    """A finding's value masked: whole when its field holds an ID or a phone, else what it quotes."""
    if value is None:
        return None
    if field in ID_FIELDS and _DIGITS_RE.search(value):
        masked = mask_text(value)
        return masked if masked != value else mask_id(value)
    if field in PHONE_FIELDS and _DIGITS_RE.search(value):
        masked = mask_text(value)
        return masked if masked != value else mask_phone(value)
    return mask_text(value)


def mask_any(value: Any) -> Any:
    """Texts inside ``value`` (nested lists and dicts too) masked; a whole number as long as an ID or a
    mobile number becomes its masked text."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and 10**10 <= abs(value) < 10**18:
        masked = mask_text(str(value))
        return masked if masked != str(value) else value
    if isinstance(value, list):
        return [mask_any(v) for v in value]
    if isinstance(value, tuple):
        return tuple(mask_any(v) for v in value)
    if isinstance(value, dict):
        return {k: mask_any(v) for k, v in value.items()}
    return value


def mask_finding(f: Any) -> Any:
    """The finding with its value and its message's parameters masked; its place unchanged."""
    value = mask_value(f.field, f.value)
    params = []
    for key, v in f.params:
        if isinstance(v, str) and f.value is not None and v == f.value:
            params.append((key, value))
        else:
            params.append((key, mask_any(v)))
    return dataclasses.replace(f, value=value, params=tuple(params))


def mask_report(report: Any) -> Any:
    """A copy of ``report`` whose findings, tables and further keys show no resident ID or phone number."""
    files = [dataclasses.replace(fr, findings=[mask_finding(f) for f in fr.findings]) for fr in report.files]
    tables = [dataclasses.replace(t, rows=[mask_any(list(r)) for r in t.rows]) for t in report.tables]
    return dataclasses.replace(report, files=files, tables=tables, extra=mask_any(dict(report.extra)))
