"""Resident IDs: the per-value check and the column-wise kernel give the same verdicts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from zjcredit.domain import idcard
from zjcredit.domain.idcard import check_char, check_id, check_id_column, excel_double, make_id

TODAY = dt.date(2024, 1, 1)
GOOD = make_id("330106", dt.date(1990, 1, 1), 132)

TRICKY = [
    GOOD, GOOD[:17] + ("0" if GOOD[17] != "0" else "1"), GOOD.lower(), " " + GOOD + " ", GOOD[:6] + " " + GOOD[6:],
    "".join(chr(ord(c) + 0xFEE0) for c in GOOD), "3.30106E+17", "330106199001011000.0", "330106900101132",
    GOOD[:17], GOOD + "1", GOOD[:10] + "1301" + GOOD[14:], GOOD[:10] + "0230" + GOOD[14:], "990106199001011328",
    "339906199001011328", make_id("330103", dt.date(1980, 5, 5), 21), make_id("330113", dt.date(2001, 5, 5), 21),
    make_id("110101", dt.date(1960, 5, 5), 21), "330106189001011328", "330106209901011328", None, "", "  ", "abc",
    GOOD[:17] + "Ｘ", "12345678901234567a", "33010619900101132-", "3301061990010113281",
]


def test_make_id_and_check_id() -> None:
    assert check_id(GOOD, TODAY).rule is None
    assert check_char("11010519491231002") == "X"
    assert check_id("11010519491231002X").rule is None
    assert check_id("11010519491231002x").lowercase_x is True
    assert check_id(3.30106199001011e17).rule == "id-excel-number"
    assert check_id("330106900101132").rule == "id-legacy-15"
    assert check_id(make_id("330103", dt.date(1980, 5, 5), 21)).rule is None  # 下城区, abolished in 2021
    assert check_id("339906199001011328").rule == "id-region"


def _same(values: list[object]) -> None:
    col = check_id_column(values, TODAY)
    for i, v in enumerate(values):
        one = check_id(v, TODAY)
        assert col.rule(i) == one.rule, v
        assert bool(col.lowercase_x[i]) == one.lowercase_x, v
        if one.birth is None:
            assert np.isnat(col.birth[i]), v
        else:
            assert col.birth[i] == np.datetime64(one.birth), v
        if one.number is not None and one.rule in (None, "id-checksum"):
            assert col.normalized[i].as_py() == one.number, v
            # The numbers the ID-run screen works on.
            assert col.prefix17[i] == int(one.number[:17]), v
            assert col.last_digit[i] == (10 if one.number[17] == "X" else int(one.number[17])), v


def test_column_kernel_matches_check_id() -> None:
    _same(TRICKY)
    _same([v for v in TRICKY if isinstance(v, str) and len(v) == 18])  # the contiguous fast path
    col = check_id_column(pa.array(TRICKY, type=pa.string()).slice(3), TODAY)  # a sliced Arrow array
    assert [col.rule(i) for i in range(len(TRICKY) - 3)] == [check_id(v, TODAY).rule for v in TRICKY[3:]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="0123456789Xx ", min_size=14, max_size=20), st.none()), max_size=30))
def test_column_kernel_matches_check_id_on_random_text(values: list[str | None]) -> None:
    _same(values)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2023, 12, 31)), st.integers(1, 999), st.sampled_from(["330106", "330102", "110101", "330103"]))
def test_every_made_id_is_valid(birth: dt.date, seq: int, region: str) -> None:
    number = make_id(region, birth, seq)
    assert check_id(number, TODAY).rule is None
    col = check_id_column([number], TODAY)
    assert col.rule(0) is None and col.birth[0] == np.datetime64(birth)


def test_excel_double_recognises_what_excel_stores() -> None:
    stored = int(float(f"{int(GOOD[:17] + '0'):.14e}"))
    assert excel_double(str(stored))
    assert not excel_double(GOOD) or GOOD == str(stored)
    col = check_id_column([str(stored), GOOD], TODAY)
    assert col.excel_candidate.tolist() == [True, excel_double(GOOD)]


def test_birth_dates_of_the_column_kernel_match_the_calendar() -> None:
    births = [dt.date(1900, 1, 1), dt.date(1904, 2, 29), dt.date(1970, 1, 1), dt.date(2000, 2, 29), dt.date(2019, 12, 31)]
    births += [dt.date(1900, 1, 1) + dt.timedelta(days=k) for k in range(0, 45000, 997)]
    ids = [make_id("330106", b, 11) for b in births]
    col = check_id_column(ids, today=dt.date(2024, 1, 1))
    assert [d.astype(object) for d in col.birth] == births


def test_rule_table_is_registered() -> None:
    from zjcredit.documents.outcomes import rules  # noqa: F401
    from zjcredit.report.findings import RULES

    assert all(rule is None or rule in RULES for rule in idcard.ID_RULES)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["330106", "110101", "440305"]), st.integers(0, 10**12 - 1), st.booleans()), min_size=1, max_size=40))
def test_column_kernel_finds_excel_numbers_like_excel_double(parts: list[tuple[str, int, bool]]) -> None:
    """The vectorised test for 'could be what Excel stores' agrees with excel_double, on typed numbers
    and on numbers that went through a float with 15 significant digits."""
    values = []
    for region, rest, mangled in parts:
        text = f"{region}{rest:012d}"
        values.append(str(int(float(f"{int(text):.14e}"))) if mangled else text)
    col = check_id_column(values, TODAY)
    assert col.excel_candidate.tolist() == [excel_double(v) for v in values]
