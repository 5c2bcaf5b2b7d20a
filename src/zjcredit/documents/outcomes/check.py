"""`zjcredit outcomes check`: learner outcomes against the catalog, and the audit screens.

Everything works on whole columns: the reader (:mod:`zjcredit.io.columns`) gives Arrow text columns, IDs
are checked with numpy on the string buffer (:func:`zjcredit.domain.idcard.check_id_column`), codes, dates,
hours and results are parsed once per distinct value and broadcast back, and the cross-row screens are
sorts and group counts over integer keys. Python loops only build the findings for flagged rows.
"""

from __future__ import annotations

import datetime as dt

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zjcredit.report import findings as F
from zjcredit.domain import idcard, periods
from zjcredit.documents.catalog.model import Catalog, load_catalogs
from zjcredit.documents.outcomes import rules as R
from zjcredit.io.columns import OutcomeTable, read_outcome_tables
from zjcredit.report.findings import FileResult, Report, Severity
from zjcredit.domain.normalize import EXCEL_ERRORS, clean_text, compact, parse_date, parse_number
from zjcredit.domain.schema import OUTCOMES
from zjcredit.io.sources import Source, discover
from zjcredit.domain.vocab import RESULT_GRADES
from zjcredit.errors import Unreadable

REQUIRED_FIELDS = ("姓名", "身份证号", "项目编码", "课程编码", "机构代码", "学时数", "考核结果", "完成日期", "联系电话")
DUAL_MARK = "双证制"
ELDERLY = "老年群体"
STUDENT = "在校学生"
# Categories whose learners may well be children: no lower age bound.
YOUNG_CATEGORIES = ("青少年课外教育培训", "学前教育培训", "家长家庭教育培训", "特殊教育培训")


@dataclass(frozen=True)
class OutcomeOptions:
    """Thresholds of the audit screens; every one is also a command-line option."""

    today: dt.date | None = None
    phone_shared_project: int = 5  # distinct learners on one phone within a project
    phone_shared_total: int = 8  # … across everything checked
    age_min: int = 16
    age_max: int = 90
    age_min_elderly: int = 50  # projects whose only 培训对象 is 老年群体
    age_max_student: int = 30  # projects whose only 培训对象 is 在校学生
    id_run: int = 5  # consecutive ID numbers
    birthdate_shared: int = 5  # learners of one project born on one day …
    birthdate_share: float = 0.1  # … making up at least this share of its learners
    max_hours: float = 200  # hours credited to one learner in one period

    @classmethod
    def from_kwargs(cls, **options: Any) -> OutcomeOptions:
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise TypeError(f"unknown outcome options: {sorted(unknown)}")
        return cls(**{k: v for k, v in options.items() if v is not None})


# Entry points -------------------------------------------------------------------------------------


def check_outcomes(paths: Iterable[str | Path], catalogs: list[Path], progress: Callable[[str], None] | None = None, **options: Any) -> Report:
    """Check outcome sheets against the catalogs; cross-file screens run over all of them together."""
    opts = OutcomeOptions.from_kwargs(**options)
    # A catalog lying in the folder of outcome sheets (or named twice) is the reference, not an input.
    catalog_files = {_resolved(c) for c in catalogs}
    sources = [s for s in discover(list(paths)) if _resolved(s.path) not in catalog_files]
    report = Report("outcomes check")
    catalog: Any = None
    if catalogs:
        if all(Path(c).exists() for c in catalogs):
            # The catalog is read on a second thread while the first sheet is read (both mostly in Rust).
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(max_workers=1)
            catalog = pool.submit(load_catalogs, list(catalogs))
            pool.shutdown(wait=False)
        else:
            catalog = load_catalogs(list(catalogs))  # says which file is missing
    checker = _Checker(catalog, opts)
    for k, source in enumerate(sources):
        if progress:
            progress(source.display)
        report.files.append(checker.add(source, sources[k + 1] if k + 1 < len(sources) else None))
    checker.finish()
    summary = checker.summary(report)
    report.tables = [F.SummaryTable(**t) for t in summary.pop("_tables")]
    report.extra.update(summary)
    return report


def _resolved(path: str | Path) -> Path | None:
    try:
        return Path(path).resolve()
    except OSError:
        return None


def check_outcomes_file(source: Source, **options: Any) -> FileResult:
    """One outcome sheet without a catalog (``zjcredit validate --kind outcomes``)."""
    catalog = options.pop("catalog", None)
    options.pop("org_code_pattern", None)  # a declaration option; outcome codes are matched to the catalog
    checker = _Checker(catalog, OutcomeOptions.from_kwargs(**options))
    result = checker.add(source)
    checker.finish()
    return result


_REHEARSED = False


def _rehearse() -> None:
    """Run the checks once on a few made-up rows, so that what is loaded, compiled or allocated on first
    use (lazily imported modules, regular expressions, the divisions table) is ready before the real
    sheet arrives. Called while a child reads a large sheet and this process only waits; never fails."""
    global _REHEARSED
    if _REHEARSED:
        return
    _REHEARSED = True
    try:
        n = 64
        ids = []
        for k in range(n):
            body = f"3301061990{(k % 12) + 1:02d}{(k % 28) + 1:02d}{k:03d}"
            ids.append(body + idcard.check_char(body))
        ids[1] = ids[1][:-1] + "0"  # one broken: the number-cell look-up path is skipped (no probe)
        values = {
            "序号": [str(k + 1) for k in range(n)], "姓名": [f"学员{k}" for k in range(n)], "身份证号": ids,
            "联系电话": [f"138{k:08d}" for k in range(n)], "机构代码": ["A001"] * n, "项目编码": ["330106-2019H1-001"] * n,
            "课程编码": ["330106-2019H1-001-01"] * n, "学时数": ["8"] * n, "考核结果": ["合格"] * n,
            "完成日期": ["2019-05-05 00:00:00"] * n, "成果形式": ["结业证书"] * n, "备注": [None] * (n - 1) + [DUAL_MARK],
        }
        columns = {name: i for i, name in enumerate(values)}
        data = {name: pa.array(v, type=pa.string()) for name, v in values.items()}
        table = OutcomeTable("", "xlsx", None, 1, columns, data, np.arange(2, n + 2, dtype=np.int64))
        checker = _Checker(None, OutcomeOptions())
        checker._check_table(table, FileResult("", "outcomes", n, []))
        checker.finish()
    except Exception:  # noqa: BLE001 - a rehearsal; the real checks report for themselves
        pass


# Per-distinct-value helpers ---------------------------------------------------------------------


class _Distinct(Sequence[Any]):
    """The distinct values of an encoding, kept as an Arrow array: Python values are made on demand (a
    million IDs or phone numbers are only ever looked up for the few rows a finding names)."""

    def __init__(self, array: pa.Array) -> None:
        self.array = array.cast(pa.string())
        self._list: list[Any] | None = None

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i: Any) -> Any:
        if self._list is not None:
            return self._list[i]
        return self.array[int(i)].as_py()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.tolist())

    def tolist(self) -> list[Any]:
        if self._list is None:
            self._list = self.array.to_pylist()
        return self._list


Encoding = tuple[np.ndarray, Sequence[Any]]  # int64 index per row (-1 for null), distinct values


def _dictionary(arr: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    return pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary


def _encode(arr: pa.Array | pa.ChunkedArray) -> Encoding:
    """Dictionary-encode: int64 indices (-1 for null) and the distinct values, in order of first appearance."""
    idx, dictionary = _dictionary(arr)
    return idx, _Distinct(dictionary)


def _encode_by(arr: pa.Array, fold: Callable[[pa.Array], pa.Array]) -> Encoding:
    """:func:`_encode` of ``fold(arr)``, folding each distinct value once (``fold`` maps a string array to
    keys, null where a value has none)."""
    raw, dictionary = _dictionary(arr)
    k_idx, keys = _dictionary(fold(dictionary))
    return np.append(k_idx, -1)[raw], _Distinct(keys)  # raw -1 (null) picks the appended -1


def _combine(encodings: list[Encoding]) -> Encoding:
    """The :func:`_encode` of several columns end to end, from their own encodings (only the distinct
    values are encoded again)."""
    if len(encodings) == 1:
        return encodings[0]
    arrays = [values.array if isinstance(values, _Distinct) else pa.array(list(values), type=pa.string()) for _, values in encodings]
    remap, dictionary = _dictionary(pa.concat_arrays(arrays))
    out, start = [], 0
    for idx, values in encodings:
        table = np.append(remap[start : start + len(values)], -1)
        out.append(table[idx])  # -1 (null) picks the appended -1
        start += len(values)
    return np.concatenate(out), _Distinct(dictionary)


def _unique_inverse(keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` for int64 keys in [-1, size): one counting pass instead of a
    sort when the key space is not much larger than the keys."""
    if size > 4 * len(keys) + (1 << 20):
        return np.unique(keys, return_inverse=True)
    shifted = keys + 1
    uniq = np.flatnonzero(np.bincount(shifted, minlength=size + 1))
    slot = np.zeros(size + 1, dtype=np.int64)
    slot[uniq] = np.arange(len(uniq))
    return uniq - 1, slot[shifted]


def _fold_codes(values: pa.Array) -> pa.Array:
    return pa.array([_code(v) for v in values.to_pylist()], type=pa.string())


def _fold_name(values: pa.Array) -> pa.Array:
    return pc.replace_substring(pc.replace_substring(pc.utf8_trim_whitespace(values), " ", ""), "\u3000", "")


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


def _uniq(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort; numpy's hash-based unique is slower on a million int64)."""
    s = np.sort(values)
    if len(s) == 0:
        return s
    return s[np.concatenate([[True], s[1:] != s[:-1]])]


def _code(value: Any) -> str | None:
    text = clean_text(value)
    return compact(text).upper() or None if text else None


def _result_ok(value: str) -> bool:
    text = compact(clean_text(value))
    if text in RESULT_GRADES:
        return True
    number = parse_number(text)
    return number is not None and 0 <= number <= 100


def _period_key(period: str | None) -> int:
    """2019H1 → 20191, 2019Q3 → 20193, 2019Q4 → 20194; 0 when unknown."""
    if not period:
        return 0
    try:
        p = periods.parse_period(period)
    except Exception:
        return 0
    return int(p[:4]) * 10 + {"H1": 1, "Q3": 3, "Q4": 4}[p[4:]]


def _period_text(key: int) -> str:
    return f"{key // 10}{ {1: 'H1', 3: 'Q3', 4: 'Q4'}[key % 10] }"


def _civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`idcard.civil_from_days`, computed once per day of the span and looked up (a column of dates
    spans a few thousand days)."""
    if len(days) == 0:
        return idcard.civil_from_days(days)  # type: ignore[return-value]
    lo, hi = int(days.min()), int(days.max())
    if hi - lo > max(len(days) // 4, 1024):
        return idcard.civil_from_days(days)  # type: ignore[return-value]
    at = days - lo
    return tuple(part[at] for part in idcard.civil_from_days(np.arange(lo, hi + 1, dtype=np.int64)))  # type: ignore[return-value]


def _date_text(d: np.datetime64) -> str:
    return str(d.astype("datetime64[D]"))


# Phones, column-wise ----------------------------------------------------------------------------------


def phone_keys(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(valid, key) for a phone column: key is the digits of a valid number (mobile or landline).

    Same verdict as :func:`zjcredit.domain.normalize.phone_kind` of :func:`~zjcredit.domain.normalize.normalize_phone`;
    ``+86``/``0086``, spaces, brackets and hyphens are folded.
    """
    from zjcredit.domain.normalize import normalize_phone, phone_kind

    trimmed = pc.utf8_trim_whitespace(values)
    n = len(values)
    valid_in = trimmed.is_valid().to_numpy(zero_copy_only=False)
    ok = pc.fill_null(pc.match_substring_regex(trimmed, r"^1[3-9]\d{9}$"), False).to_numpy(zero_copy_only=False).copy()
    keys = pc.if_else(pa.array(ok), trimmed, pa.scalar(None, pa.string()))
    rest = np.flatnonzero(valid_in & ~ok)
    if not len(rest):
        return ok, keys
    # The few that are not a plain mobile number: +86, spaces, brackets, hyphens, landlines.
    sub = trimmed.take(pa.array(rest))
    ascii_ = pc.fill_null(pc.string_is_ascii(sub), False).to_numpy(zero_copy_only=False)
    t = pc.replace_substring_regex(sub, r"[\s()]", "")
    mobile_text = pc.replace_substring_regex(pc.replace_substring(t, "-", ""), r"^(?:\+?86|0086)(1[3-9]\d{9})$", r"\1")
    mobile = pc.fill_null(pc.match_substring_regex(mobile_text, r"^1[3-9]\d{9}$"), False).to_numpy(zero_copy_only=False)
    land_text = pc.replace_substring_regex(t, r"^(?:\+?86|0086)-?([1-9]\d{1,2}-?\d{7,8})$", r"0\1")
    land = pc.fill_null(pc.match_substring_regex(land_text, r"^0\d{2,3}-?\d{7,8}(?:-\d{1,5})?$"), False).to_numpy(zero_copy_only=False)
    land_key = pc.replace_substring_regex(land_text, r"^(0\d{2,3})-?(\d{7,8})(?:-\d{1,5})?$", r"\1\2")
    sub_ok = (mobile | land) & ascii_
    sub_keys = pc.if_else(pa.array(mobile & ascii_), mobile_text, pc.if_else(pa.array(land & ascii_), land_key, pa.scalar(None, pa.string()))).to_pylist()
    raws = sub.to_pylist()
    for k in np.flatnonzero(~ascii_).tolist():
        phone = normalize_phone(raws[k])
        kind = phone_kind(phone)
        sub_ok[k] = kind is not None
        sub_keys[k] = None if kind is None or phone is None else phone.replace("-", "")
    ok[rest] = sub_ok
    mask = np.zeros(n, dtype=bool)
    mask[rest] = True
    keys = pc.replace_with_mask(keys, pa.array(mask), pa.array(sub_keys, type=pa.string()))
    return ok, keys


# The checker ------------------------------------------------------------------------------------------


@dataclass
class _Part:
    """One sheet's normalised columns, kept for the checks across rows and files."""

    table: OutcomeTable
    result: FileResult
    n: int
    id_ok: np.ndarray  # valid ID (birth date usable)
    id_body: np.ndarray  # 17 digits and a check character (valid, or only the check character wrong)
    id_digits: np.ndarray  # … and all 18 are digits
    id_prefix: np.ndarray  # int64: the first 17 digits as a number, -1 when not digits
    id_last: np.ndarray  # int8: the check character as 0–9, 10 for X, -1 when none
    birth: np.ndarray  # datetime64[D]
    hours: np.ndarray  # float, NaN when not a positive number
    date: np.ndarray  # datetime64[D]
    dual: np.ndarray
    # Normalised text columns (id_key, name, phone, project, course, org) as encodings; a column the
    # sheet lacks has none.
    encoded: dict[str, Encoding] = field(default_factory=dict)
    flags: list[tuple[np.ndarray, int]] = field(default_factory=list)  # (positions, severity) per finding batch

    def texts(self, attr: str, positions: np.ndarray) -> list[Any]:
        """The normalised values of one of the text columns at ``positions`` (None where empty)."""
        idx, values = self.encoding(attr)
        return [values[i] if i >= 0 else None for i in idx[positions].tolist()]

    def encoding(self, attr: str) -> Encoding:
        """The encoding of one of the text columns; all empty when the sheet has no such column."""
        if attr not in self.encoded:
            self.encoded[attr] = (np.full(self.n, -1, dtype=np.int64), [])
        return self.encoded[attr]


class _Checker:
    def __init__(self, catalog: Catalog | Any | None, options: OutcomeOptions) -> None:
        self._pending = catalog if hasattr(catalog, "result") else None  # a Future of the catalog
        self.catalog: Catalog | None = None
        self.projects: dict[str | None, Any] = {}
        self.courses: dict[str | None, Any] = {}
        if self._pending is None:
            self._use_catalog(catalog)
        self.options = options
        self.today = options.today or dt.date.today()
        self.parts: list[_Part] = []
        self.results: list[FileResult] = []
        self._global: tuple[list[_Part], np.ndarray, np.ndarray, Encoding] | None = None

    def _use_catalog(self, catalog: Catalog | None) -> None:
        self.catalog = catalog if catalog is not None and catalog.projects else None
        cat = self.catalog
        self.projects = {_code(c): p for c, p in cat.projects.items()} if cat else {}
        self.courses = {_code(c): c_ for c, c_ in cat.courses.items()} if cat else {}

    def _resolve(self) -> None:
        """Wait for the catalog being read on the other thread (its errors surface here)."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._use_catalog(pending.result())

    # Reading and row checks ---------------------------------------------------------------------------

    def add(self, source: Source, upcoming: Source | None = None) -> FileResult:
        """Read and check one file. ``upcoming`` (the next file) starts loading in a child of its own
        right away, so it is read while this one is read and checked (both cores stay busy)."""
        from zjcredit.io import isolate
        from zjcredit.documents.validate import unreadable_result

        if upcoming is not None:
            isolate.prestart(upcoming.path, upcoming.display, max_bytes=isolate.PIPELINE_MAX_BYTES)
        try:
            tables = read_outcome_tables(source.path, source.display, idle=_rehearse)
        except Unreadable as exc:
            self._resolve()
            result = unreadable_result(source.display, exc, "outcomes")
            self.results.append(result)
            return result
        self._resolve()
        result = FileResult(source.display, "outcomes", 0, [])
        self.results.append(result)
        if not tables:
            result.findings.append(F.make(R.HEADER_MISSING, source.display, expected="姓名、身份证号、项目编码、课程编码"))
            return result
        for table in tables:
            result.records += table.n
            self._check_table(table, result)
        if result.records == 0:
            result.findings.append(F.make(R.NO_RECORDS, source.display, sheet=tables[0].sheet))
        return result

    def _emit(
        self,
        part: _Part | None,
        table: OutcomeTable,
        result: FileResult,
        rule: F.Rule,
        name: str | None,
        positions: np.ndarray,
        values: list[Any] | None = None,
        per_row: Callable[[int], dict[str, Any]] | None = None,
        cell_field: str | None = None,
        **params: Any,
    ) -> None:
        if len(positions) == 0:
            return
        positions = np.asarray(positions, dtype=np.int64)
        where = cell_field or name
        if values is None:
            values = table.data[name].take(pa.array(positions)).to_pylist() if name in table.data else [None] * len(positions)
        letter = table.letter(where) if where else None
        rows = table.rows[positions]
        out = result.findings
        for k, (row, value) in enumerate(zip(rows.tolist(), values)):
            extra = per_row(k) if per_row is not None else {}
            out.append(
                F.make(rule, table.path, sheet=table.sheet, cell=f"{letter}{row}" if letter else None, row=row, field=name, value=value, **params, **extra)
            )
        if part is not None:
            part.flags.append((positions, int(rule.severity)))

    def _check_table(self, table: OutcomeTable, result: FileResult) -> None:
        n = table.n
        path = table.path
        for name in REQUIRED_FIELDS:
            if name not in table.columns:
                result.findings.append(F.make(R.COLUMN_MISSING, path, sheet=table.sheet, row=table.header_row, field=name))
        null = pa.nulls(n, pa.string())
        col = {name: (table.data[name] if name in table.data else null) for name in OUTCOMES.names}
        part = _Part(
            table, result, n,
            id_ok=np.zeros(n, bool), id_body=np.zeros(n, bool), id_digits=np.zeros(n, bool), id_prefix=np.full(n, -1, np.int64), id_last=np.full(n, -1, np.int8), birth=np.full(n, np.datetime64("NaT"), "datetime64[D]"),
            hours=np.full(n, np.nan), date=np.full(n, np.datetime64("NaT"), "datetime64[D]"), dual=np.zeros(n, bool),
        )
        if n == 0:
            return
        emit = lambda *a, **k: self._emit(part, table, result, *a, **k)  # noqa: E731

        # Excel error values (#N/A …) become empty; the findings follow below, in field order. The ID
        # column first: its kernel starts the scan telling number cells from text (the sheet's XML, seconds
        # at a million rows) on a second thread while the other columns are checked.
        errors_set = pa.array(sorted(EXCEL_ERRORS))
        excel_errors: dict[str, np.ndarray] = {}

        def clear_errors(name: str) -> None:
            arr = table.data[name]
            # Every error value holds a '#': one look at the column's bytes rules most columns out.
            if not _may_hold(arr, ord("#")):
                return
            hashes = pc.fill_null(pc.starts_with(pc.utf8_ltrim_whitespace(arr), "#"), False)
            if pc.any(hashes).as_py():
                is_err = pc.fill_null(pc.is_in(pc.utf8_upper(pc.utf8_trim_whitespace(arr)), value_set=errors_set), False).to_numpy(zero_copy_only=False)
                if is_err.any():
                    excel_errors[name] = is_err
                    col[name] = pc.if_else(pa.array(is_err), pa.scalar(None, pa.string()), arr)

        # The ID column's work (checks, number-cell look-up, encoding) runs on a second thread while this
        # one does the other columns: numpy and Arrow release the GIL in their kernels.
        id_work = None
        if "身份证号" in table.data:
            clear_errors("身份证号")
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(max_workers=1)
            id_work = pool.submit(self._id_column, table, col["身份证号"])
            pool.shutdown(wait=False)
        for name in OUTCOMES.names:
            if name in table.data and name != "身份证号":
                clear_errors(name)

        for name in OUTCOMES.names:
            if name not in table.data:
                continue
            if name in excel_errors:
                emit(R.EXCEL_ERROR, name, np.flatnonzero(excel_errors[name]))
            if name in REQUIRED_FIELDS:
                missing = ~table.data[name].is_valid().to_numpy(zero_copy_only=False)
                emit(R.REQUIRED, name, np.flatnonzero(missing))

        # Phones (about half of them distinct: keyed column-wise, then encoded).
        if "联系电话" in table.data:
            ok, key = phone_keys(col["联系电话"])
            present = col["联系电话"].is_valid().to_numpy(zero_copy_only=False)
            emit(R.PHONE_INVALID, "联系电话", np.flatnonzero(present & ~ok))
            part.encoded["phone"] = _encode(key)

        # Names and codes: normalised once per distinct value.
        if "姓名" in table.data:
            part.encoded["name"] = _encode_by(col["姓名"], _fold_name)
        for name, attr in (("项目编码", "project"), ("课程编码", "course"), ("机构代码", "org")):
            if name in table.data:
                part.encoded[attr] = _encode_by(col[name], _fold_codes)

        # Dates.
        if "完成日期" in table.data:
            idx, distinct = _encode(col["完成日期"])
            parsed = np.array([np.datetime64(d) if (d := parse_date(v)) is not None else np.datetime64("NaT") for v in distinct] + [np.datetime64("NaT")], dtype="datetime64[D]")
            date = parsed[np.where(idx < 0, len(distinct), idx)]
            present = idx >= 0
            emit(R.DATE_INVALID, "完成日期", np.flatnonzero(present & np.isnat(date)))
            future = np.flatnonzero(~np.isnat(date) & (date > np.datetime64(self.today)))
            emit(R.DATE_FUTURE, "完成日期", future, per_row=lambda k, d=date[future]: {"date": _date_text(d[k])})
            part.date = np.where(date > np.datetime64(self.today), np.datetime64("NaT"), date)

        # Hours and results.
        if "学时数" in table.data:
            idx, distinct = _encode(col["学时数"])
            parsed_h = np.array([(h if (h := parse_number(v)) is not None and h > 0 else np.nan) for v in distinct] + [np.nan], dtype=float)
            hours = parsed_h[np.where(idx < 0, len(distinct), idx)]
            emit(R.HOURS_INVALID, "学时数", np.flatnonzero((idx >= 0) & np.isnan(hours)))
            part.hours = hours
        if "考核结果" in table.data:
            idx, distinct = _encode(col["考核结果"])
            bad = np.array([not _result_ok(v) for v in distinct] + [False], dtype=bool)
            emit(R.RESULT_INVALID, "考核结果", np.flatnonzero(bad[np.where(idx < 0, len(distinct), idx)]))

        if "备注" in table.data:
            part.dual = pc.fill_null(pc.match_substring(table.data["备注"], DUAL_MARK), False).to_numpy(zero_copy_only=False)

        if id_work is not None:
            ids, numeric, encoded = id_work.result()
            part.encoded["id_key"] = encoded
            self._check_ids(part, table, ids, numeric, emit)

        if self.catalog is not None:
            self._check_catalog(part, emit)
        self.parts.append(part)

    def _id_column(self, table: OutcomeTable, values: pa.Array) -> tuple[idcard.IdColumn, tuple[np.ndarray, np.ndarray] | None, Encoding]:
        """The ID column's verdicts, which broken IDs sat in number cells (positions, flags; None if
        unknown), and the encoding of the normalised IDs."""
        ids = idcard.check_id_column(values, self.today)
        suspects = np.flatnonzero(ids.excel_candidate)
        # A text ID has the exact form of an Excel number about once in a thousand, so the cell types are
        # only looked up when some such ID is also broken (Excel-mangled IDs almost all are); then every
        # one is, since a mangled ID can pass the checks by chance.
        if not (ids.code[suspects] != 0).any():
            suspects = suspects[:0]
        numeric = None
        if len(suspects):
            flags = table.numeric_cells("身份证号", suspects)
            if flags is None and table.format == "csv":
                flags = np.zeros(len(suspects), dtype=bool)
            numeric = None if flags is None else (suspects, flags)
        return ids, numeric, _encode(ids.normalized)

    def _check_ids(self, part: _Part, table: OutcomeTable, ids: idcard.IdColumn, numeric: tuple[np.ndarray, np.ndarray] | None, emit: Callable[..., None]) -> None:
        code = ids.code.copy()
        if numeric is not None:
            suspects, flags = numeric
            code[suspects[flags]] = idcard.ID_RULES.index("id-excel-number")
        if table.format == "csv":
            # Excel wrote a number cell it showed with 15 digits: the last three read 000.
            broken = np.isin(code, [idcard.ID_RULES.index("id-checksum"), idcard.ID_RULES.index("id-birthdate")])
            zeros = np.flatnonzero(broken & pc.fill_null(pc.match_substring_regex(ids.normalized, r"^\d{15}000$"), False).to_numpy(zero_copy_only=False))
            code[zeros] = idcard.ID_RULES.index("id-excel-number")
        norm = ids.normalized
        for rule_index, rule_id in enumerate(idcard.ID_RULES):
            if rule_id is None:
                continue
            at = np.flatnonzero(code == rule_index)
            if not len(at):
                continue
            rule = F.RULES[rule_id]
            if rule_id == "id-region":
                texts = norm.take(pa.array(at)).to_pylist()
                emit(rule, "身份证号", at, per_row=lambda k, t=texts: {"region": (t[k] or "")[:6]})
            elif rule_id == "id-birthdate":
                texts = norm.take(pa.array(at)).to_pylist()
                emit(rule, "身份证号", at, per_row=lambda k, t=texts: {"birth": (t[k] or "")[6:14]})
            elif rule_id == "id-checksum":
                texts = norm.take(pa.array(at)).to_pylist()
                emit(rule, "身份证号", at, per_row=lambda k, t=texts: {"expected": idcard.check_char(t[k][:17])})
            else:
                emit(rule, "身份证号", at)
        emit(R.ID_LOWERCASE_X, "身份证号", np.flatnonzero(ids.lowercase_x & (code == 0)))
        part.id_ok = code == 0
        part.id_body = (code == 0) | (code == idcard.ID_RULES.index("id-checksum"))
        part.id_digits = part.id_body & ids.all_digits
        part.id_prefix, part.id_last = ids.prefix17, ids.last_digit
        part.birth = np.where(part.id_ok, ids.birth, np.datetime64("NaT"))

    def _check_catalog(self, part: _Part, emit: Callable[..., None]) -> None:
        """Codes, institution, course hours and the period start against the catalog."""
        p_idx, p_codes = part.encoding("project")
        c_idx, c_codes = part.encoding("course")
        known_p = np.array([c in self.projects for c in p_codes] + [True], dtype=bool)
        p_at = np.where(p_idx < 0, len(p_codes), p_idx)
        if "项目编码" in part.table.data:
            emit(R.PROJECT_UNKNOWN, "项目编码", np.flatnonzero(~known_p[p_at]))
        # Courses: judged per distinct (project, course) pair.
        if "课程编码" in part.table.data:
            pair = np.where((p_idx >= 0) & (c_idx >= 0), p_idx * (len(c_codes) + 1) + c_idx, -1)
            uniq, inverse = _unique_inverse(pair, (len(p_codes) + 1) * (len(c_codes) + 1))
            verdict: list[tuple[bool, str, str]] = []
            for key in uniq.tolist():
                if key < 0:
                    verdict.append((True, "", ""))
                    continue
                proj, course = p_codes[key // (len(c_codes) + 1)], c_codes[key % (len(c_codes) + 1)]
                found = self.courses.get(course)
                if found is not None and _code(found.project_code) == proj:
                    verdict.append((True, "", ""))
                elif found is not None:
                    verdict.append((False, f"（它属于项目 {found.project_code}）", f" (it belongs to project {found.project_code})"))
                else:
                    verdict.append((False, "（目录中没有这个课程编码）", " (no such course code in the catalog)"))
            bad_pair = np.array([not v[0] for v in verdict], dtype=bool)
            at = np.flatnonzero(bad_pair[inverse])
            projects = part.texts("project", at)
            emit(R.COURSE_UNKNOWN, "课程编码", at, per_row=lambda k: {"project_code": projects[k], "hint": verdict[inverse[at[k]]][1], "hint_en": verdict[inverse[at[k]]][2]})
        # Institution of the project.
        if "机构代码" in part.table.data:
            o_idx, o_codes = part.encoding("org")
            pair = np.where((p_idx >= 0) & (o_idx >= 0), p_idx * (len(o_codes) + 1) + o_idx, -1)
            uniq, inverse = _unique_inverse(pair, (len(p_codes) + 1) * (len(o_codes) + 1))
            expected: list[str | None] = []
            for key in uniq.tolist():
                project = self.projects.get(p_codes[key // (len(o_codes) + 1)]) if key >= 0 else None
                org = o_codes[key % (len(o_codes) + 1)] if key >= 0 else None
                want = _code(project.org_code) if project is not None and project.org_code else None
                expected.append(want if want and org != want else None)
            bad = np.array([e is not None for e in expected], dtype=bool)
            at = np.flatnonzero(bad[inverse])
            org_projects = part.texts("project", at)
            emit(R.ORG_MISMATCH, "机构代码", at, per_row=lambda k: {"expected": expected[inverse[at[k]]], "project_code": org_projects[k]})
        # Course hours.
        limit_c = np.array([(self.courses[c].hours if c in self.courses and self.courses[c].hours else np.nan) for c in c_codes] + [np.nan], dtype=float)
        limit = limit_c[np.where(c_idx < 0, len(c_codes), c_idx)]
        over = np.flatnonzero(~np.isnan(part.hours) & ~np.isnan(limit) & (part.hours > limit + 1e-9))
        courses = part.texts("course", over)
        emit(R.HOURS_EXCEED, "学时数", over, per_row=lambda k: {"course_code": courses[k], "limit": _num(limit[over[k]])})
        # Completion date before the project's period.
        start_p = np.array([self._period_start(c) for c in p_codes] + [np.datetime64("NaT")], dtype="datetime64[D]")
        start = start_p[p_at]
        early = np.flatnonzero(~np.isnat(part.date) & ~np.isnat(start) & (part.date < start))
        emit(
            R.DATE_BEFORE_PERIOD, "完成日期", early,
            per_row=lambda k: {
                "date": _date_text(part.date[early[k]]), "start": _date_text(start[early[k]]),
                "project_code": p_codes[p_idx[early[k]]], "period": self.projects[p_codes[p_idx[early[k]]]].period,
            },
        )

    def _period_start(self, code: str) -> np.datetime64:
        project = self.projects.get(code)
        if project is None or not project.period:
            return np.datetime64("NaT")
        try:
            return np.datetime64(periods.period_start(project.period))
        except Exception:
            return np.datetime64("NaT")

    # Screens across rows and files ------------------------------------------------------------------

    def finish(self) -> None:
        self._resolve()
        parts = [p for p in self.parts if p.n]
        if not parts:
            return
        offsets = np.cumsum([0] + [p.n for p in parts])

        def stack(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name) for p in parts])

        def encode(name: str) -> Encoding:
            return _combine([p.encoding(name) for p in parts])

        from concurrent.futures import ThreadPoolExecutor

        id_ok, id_body, id_digits, birth = stack("id_ok"), stack("id_body"), stack("id_digits"), stack("birth")
        hours, date = stack("hours"), stack("date")
        # The ID-run screen on a second thread (Arrow and numpy release the GIL); its findings are added
        # below in their usual place.
        pool = ThreadPoolExecutor(max_workers=1)
        runs: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        id_runs = pool.submit(self._id_runs, stack("id_prefix"), stack("id_last"), id_body, id_digits, lambda *a, **k: runs.append((a, k)))
        pool.shutdown(wait=False)
        id_idx, id_codes = encode("id_key")
        self._global = (parts, offsets, id_idx, encode("org"))
        proj_idx, proj_codes = encode("project")
        course_idx, course_codes = encode("course")
        phone_idx, phone_codes = encode("phone")
        name_idx, name_codes = encode("name")

        def locate(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            s = np.searchsorted(offsets, g, side="right") - 1
            return s, g - offsets[s]

        def where(g: int) -> str:
            s, local = locate(np.array([g]))
            part = parts[int(s[0])]
            letter = part.table.letter("身份证号") or ""
            ref = f"{letter}{int(part.table.rows[int(local[0])])}"
            prefix = "" if len({p.table.path for p in parts}) == 1 else f"{part.table.path} "
            sheet = f"{part.table.sheet}!" if part.table.sheet and len({(p.table.path, p.table.sheet) for p in parts}) > 1 else ""
            return f"{prefix}{sheet}{ref}"

        def emit(rule: F.Rule, name: str, g: np.ndarray, per_row: Callable[[int], dict[str, Any]] | None = None, **params: Any) -> None:
            if len(g) == 0:
                return
            g = np.asarray(g, dtype=np.int64)
            s, local = locate(g)
            for k_part in _uniq(s).tolist():
                sel = np.flatnonzero(s == k_part)
                part = parts[k_part]
                row_params = None if per_row is None else (lambda k, sel=sel: per_row(int(sel[k])))
                self._emit(part, part.table, part.result, rule, name, local[sel], per_row=row_params, **params)

        self._duplicates(id_idx, course_idx, name_idx, name_codes, id_codes, course_codes, emit, where)
        self._phone_shared(phone_idx, phone_codes, proj_idx, proj_codes, id_idx, emit)
        self._ages(proj_idx, proj_codes, id_ok, birth, date, emit)
        id_runs.result()
        for args, kwargs in runs:
            emit(*args, **kwargs)
        self._birthdates(proj_idx, proj_codes, id_idx, id_ok, birth, emit)
        self._hours(id_idx, id_codes, proj_idx, proj_codes, hours, date, emit)
        if self.catalog is not None:
            self._scale(proj_idx, proj_codes, id_idx, emit)

    def _duplicates(self, id_idx, course_idx, name_idx, name_codes, id_codes, course_codes, emit, where) -> None:  # type: ignore[no-untyped-def]
        # The same learner and course twice: every occurrence after the first.
        has = (id_idx >= 0) & (course_idx >= 0)
        key = np.where(has, id_idx * (int(course_idx.max(initial=0)) + 2) + course_idx, -1)
        order = np.argsort(key, kind="stable")
        k_sorted = key[order]
        same = np.concatenate([[False], k_sorted[1:] == k_sorted[:-1]]) & (k_sorted >= 0)
        if same.any():
            group_start = np.maximum.accumulate(np.where(~same, np.arange(len(order)), 0))
            dup = order[same]
            first = order[group_start[same]]
            course_text = [course_codes[i] for i in course_idx[dup].tolist()]
            emit(R.DUPLICATE_OUTCOME, "身份证号", dup, per_row=lambda k: {"course_code": course_text[k], "first": where(int(first[k]))})
        # One ID, two names: rows whose name differs from the ID's first name.
        has = (id_idx >= 0) & (name_idx >= 0)
        if not has.any():
            return
        g = np.flatnonzero(has)
        order = g[np.argsort(id_idx[g], kind="stable")]
        ids = id_idx[order]
        starts = np.concatenate([[True], ids[1:] != ids[:-1]])
        first_of = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
        differs = name_idx[order] != name_idx[first_of]
        if differs.any():
            bad, first = order[differs], first_of[differs]
            emit(
                R.ID_NAME_CONFLICT, "姓名", bad,
                per_row=lambda k: {"id": id_codes[id_idx[bad[k]]], "first": where(int(first[k])), "first_name": name_codes[name_idx[first[k]]]},
            )

    def _phone_shared(self, phone_idx, phone_codes, proj_idx, proj_codes, id_idx, emit) -> None:  # type: ignore[no-untyped-def]
        o = self.options
        has = (phone_idx >= 0) & (id_idx >= 0)
        if not has.any():
            return
        g = np.flatnonzero(has)
        flagged = np.zeros(len(phone_idx), dtype=bool)
        width = int(id_idx.max()) + 2
        # Within a project.
        in_proj = g[proj_idx[g] >= 0]
        if len(in_proj):
            pp = proj_idx[in_proj] * (len(phone_codes) + 1) + phone_idx[in_proj]
            learners = _uniq(pp * width + id_idx[in_proj]) // width
            groups, counts = np.unique(learners, return_counts=True)
            over = counts >= o.phone_shared_project
            heavy = groups[over]
            if len(heavy):
                count_of = dict(zip(heavy.tolist(), counts[over].tolist()))
                at = in_proj[np.isin(pp, heavy)]
                flagged[at] = True
                keys = (proj_idx[at] * (len(phone_codes) + 1) + phone_idx[at]).tolist()
                emit(
                    R.PHONE_SHARED, "联系电话", at,
                    per_row=lambda k: {"count": count_of[keys[k]], "limit": o.phone_shared_project, "scope": f"项目 {proj_codes[proj_idx[at[k]]]} 中", "scope_en": f"in project {proj_codes[proj_idx[at[k]]]}"},
                )
        # Across everything.
        learners = _uniq(phone_idx[g].astype(np.int64) * width + id_idx[g]) // width
        groups, counts = np.unique(learners, return_counts=True)
        over = counts >= o.phone_shared_total
        heavy = groups[over]
        if len(heavy):
            count_of = dict(zip(heavy.tolist(), counts[over].tolist()))
            at = g[np.isin(phone_idx[g], heavy) & ~flagged[g]]
            phones = phone_idx[at].tolist()
            emit(R.PHONE_SHARED, "联系电话", at, per_row=lambda k: {"count": count_of[phones[k]], "limit": o.phone_shared_total, "scope": "全部成果中", "scope_en": "across all outcomes checked"})

    def _ages(self, proj_idx, proj_codes, id_ok, birth, date, emit) -> None:  # type: ignore[no-untyped-def]
        o = self.options
        usable = np.flatnonzero(id_ok & ~np.isnat(birth) & ~np.isnat(date))
        if not len(usable):
            return
        by, bm, bd = _civil(birth[usable].astype(np.int64))
        dy, dm, dd = _civil(date[usable].astype(np.int64))
        age = dy - by - ((dm < bm) | ((dm == bm) & (dd < bd)))
        # Bounds per project: 0 = adult, 1 = elderly only, 2 = students only / children's category, 3 = unknown.
        kinds = []
        for code in proj_codes:
            p = self.projects.get(code)
            if p is None:
                kinds.append(3)
            elif set(p.targets) == {ELDERLY}:
                kinds.append(1)
            elif set(p.targets) == {STUDENT}:
                kinds.append(2)
            elif STUDENT in p.targets or (p.category or "") in YOUNG_CATEGORIES:
                kinds.append(4)
            else:
                kinds.append(0)
        kind = np.array(kinds + [3], dtype=np.int8)[np.where(proj_idx[usable] < 0, len(proj_codes), proj_idx[usable])]
        lo = np.select([kind == 0, kind == 1], [o.age_min, o.age_min_elderly], default=-1)
        hi = np.where(kind == 2, o.age_max_student, o.age_max)
        bad = (age < lo) | (age > hi)
        at, ages, kb, lob = usable[bad], age[bad], kind[bad], lo[bad]
        reasons = {
            ("low", 0): (f"成人培训的学员应不小于 {o.age_min} 岁", f"below {o.age_min} for adult training"),
            ("low", 1): (f"老年群体项目的学员应不小于 {o.age_min_elderly} 岁", f"below {o.age_min_elderly} for a project for 老年群体"),
            ("high", 2): (f"在校学生项目的学员应不大于 {o.age_max_student} 岁", f"above {o.age_max_student} for a project for 在校学生"),
        }
        high_default = (f"超过 {o.age_max} 岁", f"above {o.age_max}")

        def params(k: int) -> dict[str, Any]:
            low = ages[k] < lob[k]
            zh, en = reasons.get(("low" if low else "high", int(kb[k])), high_default)
            return {"age": int(ages[k]), "reason": zh, "reason_en": en}

        emit(R.AGE_IMPLAUSIBLE, "身份证号", at, per_row=params)

    def _id_runs(self, prefix17: np.ndarray, last_digit: np.ndarray, id_body: np.ndarray, id_digits: np.ndarray, emit) -> None:  # type: ignore[no-untyped-def]
        need = self.options.id_run
        at = np.flatnonzero(id_body)
        if len(at) < need:
            return
        first17 = prefix17[at]
        # Whole 18-digit numbers (drag-filled cells); an ID ending in X takes no part.
        full = np.where(id_digits[at], first17 * 10 + last_digit[at], -2 * np.arange(len(at), dtype=np.int64) - 2)
        flagged = np.zeros(len(at), dtype=bool)
        info: dict[int, tuple[int, int, int, bool]] = {}
        for values, is_full in ((first17, False), (full, True)):
            u = _uniq(values)
            if len(u) < need:
                continue
            brk = np.concatenate([[True], np.diff(u) != 1])
            run = np.cumsum(brk) - 1
            lengths = np.bincount(run)
            long_runs = np.flatnonzero(lengths >= need)
            if not len(long_runs):
                continue
            firsts = u[brk]
            member = np.isin(run, long_runs)
            values_in = u[member]
            hit = np.isin(values, values_in) & ~flagged
            pos = np.searchsorted(u, values[hit])
            for k, r in zip(np.flatnonzero(hit).tolist(), run[pos].tolist()):
                info[k] = (int(lengths[r]), int(firsts[r]), int(firsts[r]) + int(lengths[r]) - 1, is_full)
            flagged |= hit
        rows = np.flatnonzero(flagged)
        if not len(rows):
            return

        def show(v: int, is_full: bool) -> str:
            return f"{v:018d}" if is_full else f"{v:017d}*"

        def params(k: int) -> dict[str, Any]:
            count, first, last, is_full = info[int(rows[k])]
            return {"count": count, "others": count - 1, "first": show(first, is_full), "last": show(last, is_full)}

        emit(R.ID_SEQUENCE, "身份证号", at[rows], per_row=params)

    def _birthdates(self, proj_idx, proj_codes, id_idx, id_ok, birth, emit) -> None:  # type: ignore[no-untyped-def]
        o = self.options
        g = np.flatnonzero(id_ok & (proj_idx >= 0) & ~np.isnat(birth))
        if len(g) < o.birthdate_shared:
            return
        days = birth[g].astype(np.int64)
        width = int(id_idx.max()) + 2
        # Distinct learners per project, and per (project, birth date).
        learners = _uniq(proj_idx[g] * width + id_idx[g])
        per_project = np.bincount(learners // width, minlength=len(proj_codes))
        span = int(days.max() - days.min()) + 1
        pb = proj_idx[g] * span + (days - days.min())
        uniq_pairs = _uniq(pb * width + id_idx[g]) // width
        pairs, counts = np.unique(uniq_pairs, return_counts=True)
        share = counts / per_project[pairs // span]
        heavy = (counts >= o.birthdate_shared) & (share >= o.birthdate_share)
        if not heavy.any():
            return
        count_of = dict(zip(pairs[heavy].tolist(), zip(counts[heavy].tolist(), share[heavy].tolist())))
        hit = np.isin(pb, pairs[heavy])
        at = g[hit]
        keys = pb[hit].tolist()

        def params(k: int) -> dict[str, Any]:
            count, ratio = count_of[keys[k]]
            return {"count": count, "share": f"{ratio:.0%}", "birth": _date_text(birth[at[k]]), "project_code": proj_codes[proj_idx[at[k]]]}

        emit(R.BIRTHDATE_SHARED, "身份证号", at, per_row=params)

    def _hours(self, id_idx, id_codes, proj_idx, proj_codes, hours, date, emit) -> None:  # type: ignore[no-untyped-def]
        o = self.options
        # Period of each row: the catalog project's, else the one the completion date falls in.
        proj_period = np.array([_period_key(self.projects[c].period) if c in self.projects else 0 for c in proj_codes] + [0], dtype=np.int64)
        period = proj_period[np.where(proj_idx < 0, len(proj_codes), proj_idx)]
        dated = ~np.isnat(date)
        year, month, _ = _civil(np.where(dated, date.astype(np.int64), 0))
        from_date = np.where(dated, year * 10 + np.select([month <= 6, month <= 9], [1, 3], default=4), 0)
        period = np.where(period > 0, period, from_date)
        g = np.flatnonzero((id_idx >= 0) & (period > 0) & ~np.isnan(hours))
        if not len(g):
            return
        # (learner, period) keys: the few periods numbered 0…P-1 keep the key space dense.
        periods, period_slot = _unique_inverse(period[g], int(period[g].max()) + 1)
        key = id_idx[g] * len(periods) + period_slot
        uniq, inverse = _unique_inverse(key, (int(id_idx.max()) + 1) * len(periods))
        sums = np.bincount(inverse, weights=hours[g])
        over = sums > o.max_hours + 1e-9
        if not over.any():
            return
        hit = over[inverse]
        at = g[hit]
        totals = sums[inverse[hit]]
        emit(
            R.HOURS_PER_LEARNER, "学时数", at,
            per_row=lambda k: {"id": id_codes[id_idx[at[k]]], "period": _period_text(int(period[at[k]])), "total": _num(totals[k]), "limit": _num(o.max_hours)},
        )

    def _scale(self, proj_idx, proj_codes, id_idx, emit) -> None:  # type: ignore[no-untyped-def]
        g = np.flatnonzero((proj_idx >= 0) & (id_idx >= 0))
        if not len(g):
            return
        scale = np.array([(self.projects[c].scale or 0) if c in self.projects else 0 for c in proj_codes], dtype=np.int64)
        # First row of each distinct (project, learner), in reading order.
        width = int(id_idx.max()) + 2
        _, first = np.unique(proj_idx[g] * width + id_idx[g], return_index=True)
        firsts = np.sort(g[first])
        p = proj_idx[firsts]
        order = np.argsort(p, kind="stable")
        p_sorted = p[order]
        starts = np.searchsorted(p_sorted, p_sorted, side="left")
        rank = np.arange(len(p_sorted)) - starts  # 0-based learner number within its project
        counts = np.bincount(p_sorted, minlength=len(proj_codes))
        limit = scale[p_sorted]
        crossing = np.flatnonzero((limit > 0) & (rank == limit))
        at = firsts[order[crossing]]
        emit(R.SCALE_EXCEEDED, "项目编码", at, per_row=lambda k: {"count": int(counts[p_sorted[crossing[k]]]), "scale": int(limit[crossing[k]])})

    # Summary ------------------------------------------------------------------------------------------

    def summary(self, report: Report) -> dict[str, Any]:
        """The per-file and per-institution table, and the same as JSON-friendly lists."""
        files: dict[str, dict[str, Any]] = {}
        orgs: dict[str, dict[str, Any]] = {}
        org_names: dict[str | None, str | None] = {}
        for p in self.projects.values():
            if p.org_code:
                org_names.setdefault(_code(p.org_code), p.org_name)
        for result in self.results:
            files[result.path] = {"path": result.path, "rows": result.records, "dual": 0, "learners": 0, "errors": result.errors, "warnings": result.warnings}
        if self._global is not None:
            parts, offsets, id_idx, (org_idx, org_codes) = self._global
            total = int(offsets[-1])
            flagged: dict[int, list[np.ndarray]] = {int(Severity.ERROR): [], int(Severity.WARNING): []}
            file_of = np.zeros(total, dtype=np.int64)
            paths = list(files)
            for k, part in enumerate(parts):
                file_of[offsets[k] : offsets[k + 1]] = paths.index(part.table.path)
                for positions, severity in part.flags:
                    if severity in flagged:
                        flagged[severity].append(positions + offsets[k])
            errors, warnings = (
                np.bincount(np.concatenate(flagged[sev]), minlength=total) if flagged[sev] else np.zeros(total, dtype=np.int64)
                for sev in (int(Severity.ERROR), int(Severity.WARNING))
            )
            dual = np.concatenate([p.dual for p in parts])
            learner = (id_idx >= 0) & ~dual
            width = int(id_idx.max()) + 2
            for k, path in enumerate(paths):
                sel = file_of == k
                files[path]["dual"] = int((dual & sel).sum())
                files[path]["learners"] = int(len(_uniq(id_idx[sel & learner])))
            slot = np.where(org_idx < 0, len(org_codes), org_idx)
            n_slots = len(org_codes) + 1
            rows_n = np.bincount(slot, minlength=n_slots)
            dual_n = np.bincount(slot, weights=dual, minlength=n_slots)
            err_n = np.bincount(slot, weights=errors, minlength=n_slots)
            warn_n = np.bincount(slot, weights=warnings, minlength=n_slots)
            pairs = _uniq(slot[learner] * width + id_idx[learner])
            learners_n = np.bincount(pairs // width, minlength=n_slots)
            for k, code in enumerate([*org_codes, None]):
                if rows_n[k] == 0:
                    continue
                orgs[code or ""] = {
                    "org_code": code, "org_name": org_names.get(code), "rows": int(rows_n[k]), "dual": int(dual_n[k]),
                    "learners": int(learners_n[k]), "errors": int(err_n[k]), "warnings": int(warn_n[k]),
                }
        institutions = []
        for code in sorted(orgs):
            o = orgs[code]
            institutions.append(o)
        file_rows = [[f["path"], f["rows"], f["dual"], f["learners"], f["errors"], f["warnings"]] for f in files.values()]
        org_rows = [[i["org_code"] or "（未填）", i["org_name"] or "", i["rows"], i["dual"], i["learners"], i["errors"], i["warnings"]] for i in institutions]
        tables = [
            {
                "title": "按文件汇总",
                "title_en": "By file",
                "columns": ["文件", "记录数", "其中双证制", "学员数（不含双证制）", "错误", "警告"],
                "columns_en": ["file", "rows", "of which 双证制", "learners (without 双证制)", "errors", "warnings"],
                "rows": file_rows,
            }
        ]
        if org_rows:
            tables.append(
                {
                    "title": "按机构汇总（错误、警告按所在行计）",
                    "title_en": "By institution (errors and warnings by the rows they are on)",
                    "columns": ["机构代码", "申报单位", "记录数", "其中双证制", "学员数（不含双证制）", "错误", "警告"],
                    "columns_en": ["institution code", "institution", "rows", "of which 双证制", "learners (without 双证制)", "errors", "warnings"],
                    "rows": org_rows,
                }
            )
        return {
            "_tables": tables,
            "institutions": institutions,
            "outcome_files": list(files.values()),
            "dual_certificate_rows": sum(f["dual"] for f in files.values()),
        }


def _num(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


__all__ = ["OutcomeOptions", "check_outcomes", "check_outcomes_file", "phone_keys"]

