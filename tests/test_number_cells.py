"""Excel-mangled IDs are told from text IDs by the cell's type in the sheet XML.

The deep safety check already inflates every sheet; :class:`sheetxml.BigNumberCells` notes, in that same
pass, the number cells with long values, so the usual case needs no second scan of the sheet. These
tests pin down what it notes, across chunk boundaries, and when it must hand the question on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from test_hostile import sheet, xlsx_bytes
from test_outcomes import HEAD, TODAY, build_catalog, check_outcomes, clean_rows, found, learner, write_sheet
from zjcredit.io import guard as safety
from zjcredit.io import readers, sheetxml

PART = "xl/worksheets/sheet1.xml"

ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" s="2"><v>3.30106199001011E+17</v></c></row>'  # a number
    '<row r="2"><c r="C2" t="s" s="3"><v>17</v></c></row>'  # shared text: short index
    '<row r="3"><c r="C3" t="str"><f>A1&amp;""</f><v>330106199001011000</v></c></row>'  # formula text result
    '<row r="4"><c r="C4" t="n"><v>330106199001011000</v></c></row>'  # an explicit number, plain digits
    '<row r="5"><c r="C5" t="inlineStr"><is><t>330106199001011000</t></is></c></row>'  # inline text
    '<row r="6"><c s="1" r="C6"><f>B6*1</f><v>3.30106199001011e+17</v></c><c r="D6"><v>16</v></c></row>'  # formula number
)


def _noted(xml: bytes, cuts: list[int]) -> sheetxml.BigNumberCells:
    seen = sheetxml.BigNumberCells()
    start = 0
    for cut in [*cuts, len(xml)]:
        seen(PART, xml[start:cut])
        start = cut
    return seen


def test_notes_number_cells_with_long_values_only() -> None:
    xml = sheet(ROWS).encode()
    seen = _noted(xml, [])
    assert seen.cells[PART] == {2 << 24 | 0, 2 << 24 | 3, 2 << 24 | 5}
    assert not seen.incomplete


def test_the_same_cells_wherever_the_chunks_are_cut() -> None:
    xml = sheet(ROWS).encode()
    whole = _noted(xml, []).cells[PART]
    for cut in range(1, len(xml)):
        assert _noted(xml, [cut]).cells[PART] == whole, cut
    # Many small chunks: a value and its cell tag may be split over three of them.
    assert _noted(xml, list(range(7, len(xml), 7))).cells[PART] == whole


def test_prefixed_or_unnamed_cells_hand_the_question_on() -> None:
    prefixed = sheet('<x:row r="1"><x:c r="C1"><x:v>3.30106199001011E+17</x:v></x:c></x:row>').encode()
    unnamed = sheet('<row r="1"><c s="2"><v>3.30106199001011E+17</v></c></row>').encode()
    for xml in (prefixed, unnamed):
        seen = _noted(xml, [])
        assert PART in seen.incomplete
        assert seen.lookup(PART, 2, np.array([0]), ["330106199001011000"]) is None


def test_lookup_leaves_short_numbers_to_the_scan() -> None:
    seen = _noted(sheet(ROWS).encode(), [])
    found_, unsure = seen.lookup(PART, 2, np.array([0, 1, 4, 3]), ["330106199001011000", "330106199001011000", "110000000000000000", None])
    assert found_.tolist() == [True, False, False, True]
    # 11 followed by zeros could have been stored as 1.1E+17, shorter than what the pass looks for.
    assert unsure.tolist() == [False, False, True, False]
    assert seen.lookup("xl/worksheets/sheet9.xml", 2, np.array([0]), ["x"]) is None


def test_deep_check_shows_the_visitor_every_sheet_chunk(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx_bytes(sheet(ROWS)))
    seen = sheetxml.BigNumberCells()
    safety.deep_check(path, "a.xlsx", visit=seen)
    assert seen.cells[PART] == {2 << 24 | 0, 2 << 24 | 3, 2 << 24 | 5}


def _mangled_sheet(tmp_path: Path, short: bool = False) -> Path:
    rows = clean_rows()
    number = int(learner(4)[1][:17] + "0")
    rows[4][HEAD.index("身份证号")] = float(f"{number:.14e}")  # what Excel keeps of a typed 18-digit number
    rows[5][HEAD.index("身份证号")] = str(int(float(f"{number:.14e}")))  # the same digits as text
    if short:
        rows[6][HEAD.index("身份证号")] = 1.1e17  # stored as "1.1e+17": shorter than 16 characters
    return write_sheet(tmp_path / "成果.xlsx", rows)


@pytest.mark.parametrize("isolated", [False, True])
def test_mangled_ids_found_without_a_second_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated: bool) -> None:
    def no_scan(*args: object) -> None:
        raise AssertionError("the deep check's notes should have answered")

    monkeypatch.setattr(sheetxml, "number_cells", no_scan)
    monkeypatch.setattr(readers, "ISOLATE_MIN_BYTES", 0 if isolated else 1 << 40)
    path = _mangled_sheet(tmp_path)
    report = check_outcomes([path], [build_catalog(tmp_path / "目录.xlsx")], today=TODAY)
    by_rule = found(report)
    assert ("id-excel-number", "C6") in by_rule
    assert ("id-excel-number", "C7") not in by_rule


def test_short_numbers_are_scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[int]] = []
    real = sheetxml.number_cells

    def scan(path: Path, sheet_name: str, col: int, rows: np.ndarray) -> np.ndarray | None:
        asked.append(rows.tolist())
        return real(path, sheet_name, col, rows)

    monkeypatch.setattr(sheetxml, "number_cells", scan)
    path = _mangled_sheet(tmp_path, short=True)
    report = check_outcomes([path], [build_catalog(tmp_path / "目录.xlsx")], today=TODAY)
    assert asked == [[7]]  # only the short one (0-based sheet row 7 is C8)
    assert {("id-excel-number", "C6"), ("id-excel-number", "C8")} <= set(found(report))
