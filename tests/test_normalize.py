from __future__ import annotations

import datetime as dt

import pytest

from zjcredit.domain.normalize import clean_text, normalize_phone, parse_date, parse_number, phone_kind, split_contact


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("50人", 50.0), ("２４学时", 24.0), (" 16 ", 16.0), (16, 16.0), ("1,200", 1200.0), ("abc", None), ("", None), (None, None), ("16.5学时", 16.5)],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["2019.5.5", "2019/5/5", "2019年5月5日", "2019-05-05", "20190505", 43590.0, dt.datetime(2019, 5, 5, 0, 0), dt.date(2019, 5, 5), "２０１９．５．５"],
)
def test_parse_date(raw):
    assert parse_date(raw) == dt.date(2019, 5, 5)


def test_parse_date_rejects_nonsense():
    assert parse_date("2019.13.40") is None
    assert parse_date("下周") is None


def test_clean_text_removes_invisible_spaces_and_folds_width():
    assert clean_text("\u00a0 ＡＢ１２\u200b ") == "AB12"
    assert clean_text("   ") is None


@pytest.mark.parametrize(
    ("raw", "normal", "kind"),
    [
        ("+86 138 1234 5678", "13812345678", "mobile"),
        ("138-1234-5678", "13812345678", "mobile"),
        ("0571-89925320", "0571-89925320", "landline"),
        ("(0571)89925320", "0571-89925320", "landline"),
        ("12345", "12345", None),
    ],
)
def test_phone(raw, normal, kind):
    assert normalize_phone(raw) == normal
    assert phone_kind(normalize_phone(raw)) == kind


def test_split_contact():
    assert split_contact("王老师 13812345678") == ("王老师", "13812345678")
    assert split_contact("王老师（电话：0571-89925320）") == ("王老师", "0571-89925320")
    assert split_contact("王老师") == ("王老师", None)
