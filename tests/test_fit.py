"""Wrapping for terminal tables (zjcredit.report.fit): lines fit, and nothing is lost or reordered."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zjcredit.report.fit import cells, wrap

ALPHABET = "培训对象老年人顿号分隔学时行a1X9-.,:% “”‘’（）《》，。、；：！？ 0"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60), st.integers(min_value=4, max_value=40))
def test_wrap_keeps_every_character_in_order(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == "".join(text.split())


def test_quoted_mark_between_chinese_quotes_keeps_its_order() -> None:
    # The rule target-unknown ends "多个对象用顿号“、”分隔。": once printed as 顿号、”“分隔.
    text = "多个对象用顿号“、”分隔。"
    for width in range(4, 30):
        lines = wrap(text, width)
        assert "".join(lines) == text
        assert all(cells(line) <= width or len(line) == 1 for line in lines)


def test_a_file_extension_is_never_cut_after_its_dot() -> None:
    text = "这不是表格文件（.docx），没有读取：zjcredit 只读取 .xlsx、.xlsm、.xls 和 .csv 文件。"
    for width in range(12, 50):
        lines = wrap(text, width)
        assert not any(line.rstrip().endswith(".") for line in lines), (width, lines)
