"""One outcome sheet's records, normalised once for the rules and the screens.

Every normalised column is computed on first use, column-wise (:mod:`zjcredit.domain.columns`), and kept:
the rules in :mod:`zjcredit.documents.outcomes.rules` read them, and :meth:`OutcomeSheet.relation` hands
them to the DuckDB screens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zjcredit.domain import columns as cols
from zjcredit.domain import idcard
from zjcredit.domain.columns import bools
from zjcredit.domain.normalize import EXCEL_ERRORS
from zjcredit.domain.schema import OUTCOMES
from zjcredit.io.columns import ColumnTable
from zjcredit.report.findings import Rule

REQUIRED_FIELDS = ("姓名", "身份证号", "项目编码", "课程编码", "机构代码", "学时数", "考核结果", "完成日期", "联系电话")
DUAL_MARK = "双证制"
_RULE_INDEX = {rule: i for i, rule in enumerate(idcard.ID_RULES)}


@dataclass
class Hits:
    """Records (0-based positions in the sheet) that break ``rule`` in ``field``; ``per_row(k)`` gives the
    message parameters of the k-th one, ``values`` the values shown (default: the cells' text)."""

    rule: Rule
    field: str | None
    positions: np.ndarray
    per_row: Callable[[int], dict[str, Any]] | None = None
    values: list[Any] | None = None


@dataclass
class IdVerdicts:
    """The ID column judged: the rule each value breaks (index into ``idcard.ID_RULES``, -1 empty,
    0 valid), and what the screens need of the digits."""

    code: np.ndarray
    normalized: pa.Array
    lowercase_x: np.ndarray
    birth: np.ndarray  # datetime64[D], NaT unless valid
    prefix17: np.ndarray  # int64, -1 when not digits
    last_digit: np.ndarray  # int8: 0–9, 10 for X, -1 when none
    all_digits: np.ndarray

    def positions(self, rule: str) -> np.ndarray:
        return np.flatnonzero(self.code == _RULE_INDEX[rule])

    @property
    def ok(self) -> np.ndarray:
        return self.code == 0

    @property
    def body(self) -> np.ndarray:
        """17 digits and a check character: valid, or only the check character wrong."""
        return (self.code == 0) | (self.code == _RULE_INDEX["id-checksum"])


class OutcomeSheet:
    """The records of one sheet under its outcome header."""

    def __init__(self, table: ColumnTable, today: dt.date) -> None:
        self.table = table
        self.today = today
        self.n = table.n

    def has(self, name: str) -> bool:
        return name in self.table.data

    def raw(self, name: str) -> pa.Array:
        """The field's text as read (all null when the sheet has no such column)."""
        return self.table.data[name] if name in self.table.data else pa.nulls(self.n, pa.string())

    @cached_property
    def excel_errors(self) -> dict[str, np.ndarray]:
        """Per field, where the cell holds an Excel error value (#N/A …); such cells count as empty."""
        out = {}
        errors = pa.array(sorted(EXCEL_ERRORS))
        for name, arr in self.table.data.items():
            if not _may_hold(arr, ord("#")):  # every error value holds a '#': most columns are ruled out at once
                continue
            is_err = bools(pc.is_in(pc.utf8_upper(pc.utf8_trim_whitespace(arr)), value_set=errors))
            if is_err.any():
                out[name] = is_err
        return out

    def column(self, name: str) -> pa.Array:
        """The field's text with Excel error values taken out (they are reported apart)."""
        arr = self.raw(name)
        errors = self.excel_errors.get(name)
        return arr if errors is None else pc.if_else(pa.array(errors), pa.scalar(None, pa.string()), arr)

    def present(self, name: str) -> np.ndarray:
        return bools(self.raw(name).is_valid())

    # Normalised columns ---------------------------------------------------------------------------

    @cached_property
    def ids(self) -> IdVerdicts:
        checked = idcard.check_id_column(self.column("身份证号"), self.today)
        code = checked.code.copy()
        excel = _RULE_INDEX["id-excel-number"]
        # A number cell of 16 or more digits is always an Excel-mangled ID, even when the digits Excel kept
        # pass the check digit (1 in 11 do): a number holds 15–17 significant digits, the real last ones
        # are gone. A number cell reads as the digits of a float64, so only IDs whose digits are exactly a
        # float64 are looked up (1 in 64 of 18-digit text IDs), mostly in the notes the guard's pass over
        # the sheet XML already took.
        suspects = np.flatnonzero(checked.excel_candidate | _float_digits(checked))
        if len(suspects):
            flags = self.table.numeric_cells("身份证号", suspects)
            if flags is None and self.table.format == "csv":
                flags = np.zeros(len(suspects), dtype=bool)
            if flags is not None:
                code[suspects[flags]] = excel
        if self.table.format == "csv":
            # Excel wrote a number cell it showed with 15 digits: the last three read 000.
            broken = np.flatnonzero(np.isin(code, [_RULE_INDEX["id-checksum"], _RULE_INDEX["id-birthdate"]]))
            if len(broken):  # (the few IDs that fail, not every one)
                zeros = bools(pc.match_substring_regex(checked.normalized.take(pa.array(broken)), r"^\d{15}000$"))
                code[broken[zeros]] = excel
        birth = np.where(code == 0, checked.birth, np.datetime64("NaT"))
        return IdVerdicts(code, checked.normalized, checked.lowercase_x, birth, checked.prefix17, checked.last_digit, checked.all_digits)

    @cached_property
    def phones(self) -> tuple[np.ndarray, pa.Array]:
        """(valid, key) of the phone column."""
        return cols.phone_keys(self.column("联系电话"))

    @cached_property
    def names(self) -> pa.Array:
        return cols.name_keys(self.column("姓名"))

    @cached_property
    def projects(self) -> pa.Array:
        return cols.code_keys(self.column("项目编码"))

    @cached_property
    def courses(self) -> pa.Array:
        return cols.code_keys(self.column("课程编码"))

    @cached_property
    def orgs(self) -> pa.Array:
        return cols.code_keys(self.column("机构代码"))

    @cached_property
    def completion_dates(self) -> np.ndarray:
        """Completion dates as read (datetime64[D]; NaT when not a date)."""
        return cols.dates(self.column("完成日期"))

    @property
    def dates(self) -> np.ndarray:
        """Completion dates the checks may use: not in the future."""
        d = self.completion_dates
        return np.where(d > np.datetime64(self.today), np.datetime64("NaT"), d)

    @cached_property
    def hours(self) -> np.ndarray:
        """学时数 as positive numbers, NaN otherwise."""
        return cols.positive_numbers(self.column("学时数"))

    @cached_property
    def dual(self) -> np.ndarray:
        """双证制 rows (备注 or 成果形式 names it)."""
        out = np.zeros(self.n, dtype=bool)
        for name in ("备注", "成果形式"):
            if self.has(name):
                out |= bools(pc.match_substring(self.raw(name), DUAL_MARK))
        return out

    def relation(self, first_rid: int, file_id: int) -> pa.Table:
        """The sheet's rows as the screens' ``outcomes`` relation (see :mod:`zjcredit.screens`), numbered
        from ``first_rid``; ``file_id`` numbers the file they come from."""
        ids = self.ids
        body = ids.body
        prefix = np.where(ids.prefix17 >= 0, ids.prefix17, 0)
        return pa.table(
            {
                "rid": pa.array(np.arange(first_rid, first_rid + self.n, dtype=np.int64)),
                "file_id": pa.array(np.full(self.n, file_id, dtype=np.int32)),
                "id_key": ids.normalized,
                "id_num": cols.id_numbers(ids.normalized, ids.prefix17, ids.last_digit),
                "id_ok": pa.array(ids.ok),
                "id_body": pa.array(body),
                "id_digits": pa.array(body & ids.all_digits),
                "id_prefix": pa.array(prefix, mask=ids.prefix17 < 0),
                "id_last": pa.array(ids.last_digit, mask=ids.last_digit < 0),
                "birth": pa.array(ids.birth, type=pa.date32()),
                "name_key": self.names,
                "phone_num": cols.phone_numbers(self.phones[1]),
                "project": self.projects,
                "course": self.courses,
                "org": self.orgs,
                "hours": pa.array(self.hours, from_pandas=True),
                "date": pa.array(self.dates, type=pa.date32()),
                "dual": pa.array(self.dual),
            }
        )


def _float_digits(checked: Any) -> np.ndarray:
    """Where an ID of 16 to 19 digits is exactly a float64 value: the form a number cell reads in,
    whatever program wrote it. 18 digits column-wise; the few others one by one."""
    out = np.zeros(len(checked.code), dtype=bool)
    eighteen = checked.all_digits & (checked.prefix17 >= 0) & (checked.last_digit >= 0) & (checked.last_digit <= 9)
    rows = np.flatnonzero(eighteen)
    if len(rows):
        value = checked.prefix17[rows] * 10 + checked.last_digit[rows]
        out[rows] = value.astype(np.float64).astype(np.int64) == value
    # 16, 17 or 19 digits: the few of that many bytes, then the pattern on them alone.
    lengths = pc.binary_length(checked.normalized)
    sized = np.flatnonzero(bools(pc.or_(pc.or_(pc.equal(lengths, 16), pc.equal(lengths, 17)), pc.equal(lengths, 19))))
    other = sized[bools(pc.match_substring_regex(checked.normalized.take(pa.array(sized)), r"^(\d{16,17}|\d{19})$"))] if len(sized) else sized
    if len(other):
        out[other] = [_is_float64(t) for t in checked.normalized.take(pa.array(other)).to_pylist()]
    return out


def _is_float64(digits: str) -> bool:
    try:
        return int(float(int(digits))) == int(digits)
    except (ValueError, OverflowError):
        return False


def _may_hold(arr: pa.Array, byte: int) -> bool:
    """False when no value of the string array ``arr`` contains ``byte`` (its data buffer, which may
    also hold bytes outside the array, does not); True when some may."""
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    for chunk in chunks:
        if len(chunk) == 0 or chunk.null_count == len(chunk):
            continue
        data = chunk.buffers()[2]
        if data is not None and (np.frombuffer(data, dtype=np.uint8) == byte).any():
            return True
    return False


OUTCOME_FIELDS = OUTCOMES.names
