"""The streamed peek at the first rows of a large .xlsx (threshold patched to 0 so tiny workbooks take it)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from test_hostile import CONTENT_TYPES, xlsx_bytes
from test_outcomes import clean_rows, write_sheet
from zjcredit.cli import app
from zjcredit.io import excel, readers, sheetxml
from zjcredit.io import guard as safety
from zjcredit.io.grid import WorkbookGrid
from zjcredit.io.readers import peek_grid, read_grid

runner = CliRunner()


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "PEEK_MIN_PART_BYTES", 0)


def _excel_serial(value: Any) -> float:
    base = dt.datetime(1899, 12, 30)
    if isinstance(value, dt.datetime):
        return (value - base).total_seconds() / 86400
    return float((value - base.date()).days)


def _assert_same_cells(fast: WorkbookGrid, full: WorkbookGrid, nrows: int) -> int:
    """Same sheets, same values in the first ``nrows`` rows (a date cell peeks as its serial number)."""
    assert [s.name for s in fast.sheets] == [s.name for s in full.sheets]
    compared = 0
    for a, b in zip(fast.sheets, full.sheets):
        width = max(a.width, b.width)
        for r in range(nrows):
            for c in range(width):
                x, y = a.value(r, c), b.value(r, c)
                if isinstance(y, (dt.date, dt.datetime)):
                    assert x == pytest.approx(_excel_serial(y)), (a.name, r, c, x, y)
                else:
                    assert x == y and type(x) is type(y), (a.name, r, c, x, y)
                compared += y is not None
    return compared


def test_peek_matches_read_grid_on_openpyxl_workbook(tmp_path: Path, streamed: None) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "成果"
    ws.append(["学习成果登记表"])
    ws.append(["序号", "姓名", "身份证号", "学时数", "是否双证", "完成日期", "时间"])
    for i in range(1, 80):
        ws.append([i, f"学员{i % 7}", f"33010619900101{i:04d}", 8.5 if i % 2 else 16, i % 3 == 0, dt.date(2019, 5, i % 28 + 1), dt.datetime(2019, 5, 1, 9, 30)])
    ws["J3"] = "  spaced text  "
    ws["C90"] = "far below the peek"
    other = wb.create_sheet("说明")
    other["B2"] = "第二张表"
    other["D4"] = 3.25
    wb.create_chartsheet("图表")
    path = tmp_path / "book.xlsx"
    wb.save(path)

    fast = peek_grid(path, path.name, 60)
    full = read_grid(path, path.name, nrows=60)
    assert not fast.complete and not full.complete
    assert len(fast.sheets[0].rows) == 60
    assert _assert_same_cells(fast, full, 60) > 400


def test_peek_reads_inline_shared_and_rich_strings(tmp_path: Path, streamed: None) -> None:
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="inlineStr"><is><r><t>身份</t></r><r><rPr><b/></rPr><t>证号</t></r><rPh><t>み</t></rPh></is></c></row>'
        '<row r="3"><c r="A3"><v>1</v></c><c r="B3" t="s"><v>0</v></c><c r="C3" t="b"><v>1</v></c><c r="D3" t="str"><v>计算</v></c>'
        '<c r="E3" t="e"><v>#REF!</v></c><c r="F3"><v>1.5E2</v></c></row>'
    )
    sheet_xml = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows + "</sheetData></worksheet>"
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">'
        "<si><t>张三</t></si><si><r><t>姓</t></r><r><t>名</t></r></si><si><t>never needed</t></si></sst>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    types = CONTENT_TYPES.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    data = xlsx_bytes(sheet_xml, extra={"xl/sharedStrings.xml": strings.encode()})
    # Rebuild with the relationships and content types that name the shared strings.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                body = rels.encode()
            elif info.filename == "[Content_Types].xml":
                body = types.encode()
            dst.writestr(info.filename, body)
    path = tmp_path / "strings.xlsx"
    path.write_bytes(out.getvalue())

    seen: list[int] = []
    real = sheetxml._shared_strings

    def spy(zf: Any, part: str, last: int) -> list[str]:
        seen.append(last)
        return real(zf, part, last)

    sheetxml._shared_strings = spy  # type: ignore[assignment]
    try:
        fast = peek_grid(path, path.name, 60)
    finally:
        sheetxml._shared_strings = real  # type: ignore[assignment]
    assert seen == [1]  # the table is read up to index 1, never to "never needed"
    assert fast.sheets[0].rows[0] == ["序号", "姓名", "身份证号"]
    assert fast.sheets[0].rows[2] == [1.0, "张三", True, "计算", "#REF!", 150.0]
    _assert_same_cells(fast, read_grid(path, path.name, nrows=60), 60)


def test_small_workbooks_and_csv_use_read_grid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = readers.read_grid

    def spy(path: Path, display: str, nrows: int | None = None) -> WorkbookGrid:
        calls.append(nrows)
        return real(path, display, nrows=nrows)

    monkeypatch.setattr(readers, "read_grid", spy)
    short = write_sheet(tmp_path / "short.xlsx", clean_rows(3))
    grid = peek_grid(short, short.name, 60)
    assert calls == [60] and grid.complete  # the whole sheet fits in the peek
    csv_path = tmp_path / "long.csv"
    csv_path.write_text("序号,姓名\n" + "".join(f"{i},学员\n" for i in range(70)), encoding="utf-8")
    grid = peek_grid(csv_path, csv_path.name, 60)
    assert not grid.complete and len(grid.sheets[0].rows) == 60
    assert read_grid(csv_path, csv_path.name, nrows=72).complete


def test_read_grid_is_incomplete_when_data_follows_blank_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "序号"
    wb.active["A70"] = "further down"
    path = tmp_path / "gap.xlsx"
    wb.save(path)
    grid = read_grid(path, path.name, nrows=60)
    assert len(grid.sheets[0].rows) == 1 and not grid.complete


def test_validate_recognises_a_large_outcome_sheet_without_calamine(tmp_path: Path, streamed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_calamine(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole sheet must not be parsed to recognise its kind")

    monkeypatch.setattr(excel, "read_excel_grid", no_calamine)
    rows = clean_rows() * 6
    for i, row in enumerate(rows):
        row[0] = i + 1
    path = write_sheet(tmp_path / "成果.xlsx", rows)
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["files"][0]["kind"] == "outcomes"
    assert doc["files"][0]["records"] == len(rows)
    assert result.exit_code in (0, 1)


def test_validate_rereads_a_small_kind_in_full(tmp_path: Path, streamed: None) -> None:
    from zjcredit.templates import write_template

    path = write_template("annex1", tmp_path / "annex1.xlsx", force=False)
    with_peek = runner.invoke(app, ["validate", str(path), "--format", "json"])
    readers.PEEK_MIN_PART_BYTES = 1 << 40
    try:
        without = runner.invoke(app, ["validate", str(path), "--format", "json"])
    finally:
        readers.PEEK_MIN_PART_BYTES = 0
    assert json.loads(with_peek.stdout)["files"][0]["kind"] == "annex1"
    assert with_peek.stdout == without.stdout and with_peek.exit_code == without.exit_code


def test_unrecognised_large_sheet_is_still_guarded_in_full(tmp_path: Path, streamed: None) -> None:
    sheet_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    path = tmp_path / "far.xlsx"
    path.write_bytes(xlsx_bytes(sheet_xml))
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["unreadable"]
    assert "XFD1048576" in doc["findings"][0]["message"]
    assert safety.deep_checked(path) is False
