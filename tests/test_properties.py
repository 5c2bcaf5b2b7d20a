"""Property tests: normalisers never raise, and cell text round-trips through what zjcredit writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from zjcredit.domain import divisions, idcard, normalize, schema
from zjcredit.report import output

CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.text(),
    st.text(alphabet="0123456789０１２３.,-+年月日号人学时 　\u00a0xX", max_size=25),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(CELL)
def test_clean_text_never_raises(value: object) -> None:
    out = normalize.clean_text(value)
    assert out is None or (isinstance(out, str) and out == out.strip() and out)


@FAST
@given(CELL)
def test_parse_number_never_raises(value: object) -> None:
    out = normalize.parse_number(value)
    assert out is None or isinstance(out, float)


@FAST
@given(CELL)
def test_parse_date_never_raises(value: object) -> None:
    out = normalize.parse_date(value)
    assert out is None or isinstance(out, dt.date)


@FAST
@given(CELL)
def test_phones_never_raise(value: object) -> None:
    phone = normalize.normalize_phone(value)
    assert phone is None or isinstance(phone, str)
    assert normalize.phone_kind(phone) in (None, "mobile", "landline")
    name, number = normalize.split_contact(value)
    assert name is None or isinstance(name, str)
    assert number is None or isinstance(number, str)


@FAST
@given(CELL)
def test_check_id_never_raises(value: object) -> None:
    result = idcard.check_id(value, today=dt.date(2024, 1, 1))
    assert result.rule is None or isinstance(result.rule, str)
    if result.rule is None:
        assert result.number is not None and idcard.check_char(result.number[:17]) == result.number[17]


@FAST
@given(st.one_of(st.none(), st.text(), st.text(alphabet="杭州市西湖区县宁波鄞州温州 省市区县镇路号0123456789", max_size=30)))
def test_resolve_address_never_raises(text: str | None) -> None:
    place = divisions.resolve_address(text)
    assert place is not None


@FAST
@given(CELL)
def test_header_key_never_raises(value: object) -> None:
    key = schema.header_key(value)
    assert isinstance(key, str)
    assert not re.search(r"\s", key)


# Writing -------------------------------------------------------------------------------------------

_X_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def excel_shows(stored: str) -> str:
    """What Excel/WPS display for text stored in a cell: ``_xHHHH_`` escapes decoded (openpyxl does not)."""
    return _X_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), stored)


XML_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(XML_TEXT, min_size=1, max_size=8))
@example(["#N/A", "#REF!", "=1+1", "#DIV/0!"])  # text that reads like an error value or a formula stays text
def test_xlsx_text_round_trips(texts: list[str]) -> None:
    import openpyxl
    import python_calamine as pc

    wb = openpyxl.Workbook()
    ws = wb.active
    for i, text in enumerate(texts, start=1):
        output.set_text(ws.cell(row=i, column=1), text)
    buf = io.BytesIO()
    wb.save(buf)
    expected = [re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", t) for t in texts]  # XML cannot carry these

    back = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    for i, text in enumerate(expected, start=1):
        cell = back.cell(row=i, column=1)
        assert cell.data_type == "s" or cell.value is None
        assert excel_shows(cell.value or "") == text

    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue())).get_sheet_by_index(0)
    rows = sheet.to_python()
    top, left = sheet.start or (0, 0)  # calamine's range starts at the first non-empty cell
    got = [(rows[i - top][0] if left == 0 and 0 <= i - top < len(rows) and rows[i - top] else "") for i in range(len(expected))]
    for text, value in zip(expected, got):
        # calamine reads a cell of only white space as empty; everything else comes back exactly.
        assert value == (text if text.strip() else value)
        if text.strip():
            assert value == text


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_findings_csv_is_identical_or_exactly_escaped(text: str) -> None:
    from zjcredit.report import render
    from zjcredit.documents.common import REQUIRED
    from zjcredit.report.findings import FileResult, Report, make

    report = Report("validate", [FileResult("a.xlsx", "annex1", 1, [make(REQUIRED, "a.xlsx", value=text)])])
    rows = list(csv.reader(io.StringIO(render.to_csv(report, "zh"), newline="")))
    value = rows[1][rows[0].index("value")]
    if text.startswith(output.FORMULA_TRIGGERS):
        assert value == "'" + text
    else:
        assert value == text


FINDING_VALUE = st.one_of(st.none(), st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(), st.one_of(st.none(), st.text()), st.one_of(st.none(), st.integers(min_value=1)), FINDING_VALUE), max_size=4), st.sampled_from(["zh", "en"]))
def test_findings_json_is_what_the_plain_encoder_writes(rows: list[tuple[str, str | None, int | None, object]], lang: str) -> None:
    """The findings' JSON, written a value at a time, is character for character json.dumps(indent=2) of
    the same document — whatever the paths, sheets, rows and values (text with quotes, control
    characters, line separators; numbers, which take the plain encoder)."""
    import json

    from zjcredit.documents.common import REQUIRED
    from zjcredit.report import render
    from zjcredit.report.findings import FileResult, Report, make

    files = [FileResult(path, "annex1", 1, [make(REQUIRED, path, sheet=sheet, row=row, value=value)]) for path, sheet, row, value in rows]  # type: ignore[arg-type]
    report = Report("validate", files)
    report.extra["institutions"] = [{"name": "西湖\u2028\"成校\"", "rows": 3}]
    findings = [f.to_dict(lang) for f in render.ordered_findings(report)]
    plain = {**json.loads(render.to_json(report, lang)), "findings": findings}
    assert render.to_json(report, lang) == json.dumps(plain, ensure_ascii=False, indent=2) + "\n"


def test_findings_json_made_ahead_is_used_only_for_the_report_it_was_made_from() -> None:
    """The findings' JSON made ahead (an audit makes it on a thread) is what to_json writes afresh, and it
    is left unused once the report has other files, or other findings in one."""
    import dataclasses

    from zjcredit.documents.common import REQUIRED
    from zjcredit.report import render
    from zjcredit.report.findings import FileResult, Report, make

    files = [FileResult(p, "annex1", 1, [make(REQUIRED, p, sheet="表", row=3, value="甲")]) for p in ("a.xlsx", "b.xlsx")]
    fresh = render.to_json(Report("audit", list(files)), "zh")
    report = Report("audit", list(files))
    render.findings_json_ahead(report, "zh")
    report.ahead[("json", "zh")] = (report.ahead[("json", "zh")][0], "[]")  # tell what to_json takes
    assert '"findings": []' in render.to_json(report, "zh")  # made ahead: taken
    assert render.to_json(report, "en") != render.to_json(report, "zh")  # another language: made afresh
    report.files[1].findings.append(make(REQUIRED, "b.xlsx", sheet="表", row=4))
    assert '"findings": []' not in render.to_json(report, "zh")  # a finding more: made afresh
    report.files[1].findings.pop()
    masked = dataclasses.replace(report, files=[dataclasses.replace(f) for f in report.files])
    assert render.to_json(masked, "zh") == fresh  # other files (as --mask-ids makes): made afresh
    again = Report("audit", list(files))
    render.findings_json_ahead(again, "zh")
    assert render.to_json(again, "zh") == fresh


# CSV records with nothing that needs quoting rules: pyarrow's parse (the fast path) must give DuckDB's table.
_FIELD = st.text(alphabet="ab张三 \t0123456789-.,;|\r\n年", max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(_FIELD, min_size=1, max_size=5), min_size=1, max_size=8),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_the_plain_csv_parse_gives_duckdbs_table(rows: list[list[str]], delimiter: str, newline: str, last_newline: bool) -> None:
    """Whenever the fast parse takes a CSV, its table is DuckDB's, field for field (nulls for empty
    fields); records of other widths, stray carriage returns, fields holding the delimiter all end up
    either the same or with DuckDB."""
    import tempfile
    from pathlib import Path

    from zjcredit.io import csvfile

    data = (newline.join(delimiter.join(r) for r in rows) + (newline if last_newline else "")).encode()
    data = csvfile._with_blank_records(data, delimiter)  # as the reader does first: a blank line is a record
    plain = csvfile._plain_parse(data, delimiter, csvfile._fields_in_first_line(data, delimiter))  # as the reader guesses
    if plain is None:
        return
    width = csvfile._fields_in_head(data, delimiter)  # the strict parse's guess: the same when the plain parse took it
    assert plain.num_columns == width
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        duck = csvfile._parse(path, delimiter, width, None, strict=True)
    assert duck is not None
    assert plain.column_names == duck.column_names and plain.schema.types == duck.schema.types
    assert plain.to_pydict() == duck.to_pydict()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"a", b","]), min_size=1, max_size=40), st.integers(1, 6))
def test_uniform_line_breaks_block_by_block(pieces: list[bytes], block: int) -> None:
    """The line-break check compared block by block answers as its definition does, wherever the blocks
    cut (a carriage return at one block's end, its line feed at the next's start)."""
    from zjcredit.io import csvfile

    data = b"".join(pieces)
    breaks = re.findall(rb"\r\n|\r|\n", data)
    expected = all(b == b"\n" for b in breaks) or all(b == b"\r\n" for b in breaks)
    saved = csvfile._LINE_BREAK_BLOCK
    csvfile._LINE_BREAK_BLOCK = block
    try:
        assert csvfile._uniform_line_breaks(data) == expected, data
    finally:
        csvfile._LINE_BREAK_BLOCK = saved


def test_the_plain_csv_parse_takes_an_ordinary_outcome_file() -> None:
    """The fast parse is taken for what nearly every outcome CSV is (and the property above is not empty)."""
    from zjcredit.io import csvfile

    data = "学习成果,,\r\n序号,姓名,身份证号\r\n1,张三,330106199001011234\r\n2,,李四\r\n".encode()
    table = csvfile._plain_parse(data, ",", csvfile._fields_in_first_line(data, ","))
    assert table is not None and table.to_pydict() == {
        "c0": ["学习成果", "序号", "1", "2"], "c1": [None, "姓名", "张三", None], "c2": [None, "身份证号", "330106199001011234", "李四"],
    }
    for refused in (b'a,"b"\n1,2\n', b"\xef\xbb\xbfa,b\n1,2\n", b"a,b\r1,2\n", b"a,b\n1\n", b"a\nb\n"):
        assert csvfile._plain_parse(refused, ",", csvfile._fields_in_first_line(refused, ",")) is None, refused


# Blank cells, mobile numbers and names found from the values' bytes give what the full tests give --------------

SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2000", "\u200a", "\u2028", "\u202f", "\u205f", "\u3000"]
LOOK_ALIKE = ["\u200b", "\ufeff", "\u180e", "\u3001", "\u2010", "“", "张", "a", "1", "１", "", "·"]


def test_every_white_space_character_begins_with_a_byte_of_the_table() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from zjcredit.io.columns import SPACE_LEADS

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    spaces = [c for c, blank in zip(chars, pc.utf8_is_space(pa.array(chars)).to_pylist()) if blank]
    assert "\u3000" in spaces and " " in spaces
    assert all(SPACE_LEADS[c.encode()[0]] for c in spaces)
    assert not SPACE_LEADS[ord("a")] and not SPACE_LEADS["张".encode()[0]]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.lists(st.sampled_from(SPACES + LOOK_ALIKE), max_size=4).map("".join)), max_size=30),
    st.integers(0, 3),
)
def test_blank_cells_found_by_their_first_byte_are_those_of_the_full_test(values: list[str | None], cut: int) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from zjcredit.io.columns import blanks_as_nulls

    arr = pa.array(["x"] * cut + values, type=pa.string()).slice(cut)  # sliced too: an offset into the buffers
    blank = pc.fill_null(pc.or_(pc.utf8_is_space(arr), pc.equal(pc.binary_length(arr), 0)), False)
    assert blanks_as_nulls(arr).to_pylist() == pc.if_else(blank, pa.scalar(None, pa.string()), arr).to_pylist()
    assert blanks_as_nulls(arr).to_pylist() == [None if v is None or not v.strip() else v for v in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789１ +-a/", min_size=9, max_size=13), st.from_regex(r"\A1[0-9]{10}\Z")), max_size=30), st.integers(0, 3))
def test_mobile_numbers_found_from_their_bytes_are_those_of_the_pattern(values: list[str | None], cut: int) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from zjcredit.domain.columns import _mobiles, bools

    arr = pa.array(["13800138000"] * cut + values, type=pa.string()).slice(cut)
    assert _mobiles(arr).tolist() == bools(pc.match_substring_regex(arr, r"^1[3-9]\d{9}$")).tolist()
