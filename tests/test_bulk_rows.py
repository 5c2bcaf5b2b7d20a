"""report.bulk_rows: the long tables of the audit report and of the findings workbook, written straight as
worksheet XML, read back (openpyxl, our own reader) exactly as the same workbook written cell by cell
through openpyxl: values, types, styles, row heights, the sheet's set-up; text stays inert text; control
characters are dropped; --mask-ids still applies. And report.layout's faster text measure gives the
same numbers as before."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import unicodedata
import zipfile
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

import zjcredit.documents.audit.run  # noqa: F401 - registers the rules the findings below use
from zjcredit.cli import app
from zjcredit.documents.audit.options import AuditOptions
from zjcredit.documents.audit.verdicts import Institution
from zjcredit.documents.audit.workbook import write_report
from zjcredit.io.marker import output_kind
from zjcredit.io.readers import read_grid
from zjcredit.report import bulk_rows, layout
from zjcredit.report.findings import FileResult, Report, make
from zjcredit.report.findings_sheet import write_report_workbook

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "outcomes"
RAW_ID = re.compile(r"(?<![0-9*])\d{17}[\dXx](?![0-9])")

# Text a finding may carry from an input: formulas, error codes, control characters, XML's own characters,
# Excel's escapes, spaces at the ends, CJK long enough to wrap, text over a cell's limit.
TRICKY = [
    "=SUM(A1:A9)", '=HYPERLINK("http://example.com","点我")', "+1", "-2", "@cmd", "#REF!", "#N/A",
    "a\x01b\x1fc\x0bd", "第一行\r第二行", "第一行\n第二行\n第三行", "_x000D_ 与 _x0041_", "<b>&amp;</b> & \"'",
    "  两端有空格  ", " ", "\t缩进", "姓名" * 40, "A" * 40_000, "\ufffe\uffff", "",
]


# The text measure as it was (before the per-character table): the new one must give the same numbers.


def old_text_units(text: str, size: float = layout.BASE_SIZE) -> float:
    units = sum(layout.WIDE_UNITS if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0 for ch in text)
    return units * size / layout.BASE_SIZE


def old_lines_needed(text: str, width: float, size: float = layout.BASE_SIZE) -> int:
    usable = max(width - 1.0, 1.0)
    if len(text) * layout.WIDE_UNITS * size / layout.BASE_SIZE <= usable and "\n" not in text:
        return 1
    return sum(max(1, -int(-old_text_units(para, size) // usable)) for para in text.split("\n"))


def test_the_faster_text_measure_gives_the_same_numbers() -> None:
    pieces = ["a", "Z", "0", " ", "-", "中", "文", "，", "（", "）", "Ａ", "ｶ", "é", "—", "“", "·", "\u0301", "😀", "\n", "\t", "한", "の", "ー"]
    rng = random.Random(13)
    texts = ["", "\n", "\n\n", "abc", "身份证号", "a\n中文\nb", "331082-2019H1-002-98", "课程编码 331082-2019H1-002-98 不是项目的课程（目录中没有）。"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randrange(0, 120))) for _ in range(2000)]
    for text in texts:
        for size in (9.0, 10, 11.0, 14):
            assert layout.text_units(text, size) == old_text_units(text, size), (text, size)
            for width in (1, 5.3, 6.0, 9.0, 16.2, 22.400000000000002, 53.0, 60):
                assert layout.lines_needed(text, width, size) == old_lines_needed(text, width, size), (text, width, size)
    rows = [[rng.choice(texts), rng.choice([None, "", 0, 7, 1.5, True]), rng.choice(texts)] for _ in range(500)]
    widths = [22.4, 5.4, 53.0]
    expected = [max((old_lines_needed(str(v), w) for v, w in zip(row, widths) if v not in (None, "")), default=1) for row in rows]
    assert layout.lines_by_row(rows, widths) == expected
    assert layout.lines_by_row([], widths) == [] and layout.lines_by_row([[], []], []) == [1, 1]
    measure = layout.RowLines(widths)  # a row at a time, as an audit measures its findings as they are placed
    assert [measure(row) for row in rows] == expected and layout.RowLines([])([]) == 1
    assert [layout.row_height(n) for n in expected] == layout.heights_by_row(rows, widths)


# The audit report ------------------------------------------------------------------------------------------


def tricky_report(count: int) -> Report:
    report = Report("audit")
    findings = []
    for i in range(count):
        value = TRICKY[i % len(TRICKY)]
        rule = ("id-checksum", "no-records", "id-lowercase-x")[i % 3]  # an error, a warning, an info
        findings.append(make(rule, f"成果/3301{i % 7:02d}_区县_成果.xlsx", sheet="成果" if i % 4 else None, cell=f"C{i + 3}" if i % 5 else None,
                             row=i + 3 if i % 6 else None, field="身份证号", value=value or None))
    report.files = [FileResult(path=f.path, kind="outcomes", records=10, findings=[f]) for f in findings]
    return report


def institutions(count: int) -> list[Institution]:
    problems = [[], ["distorted"], ["undeclared"], ["materials-missing"]]
    return [
        Institution(org_code=f"ORG{i:04d}", name=TRICKY[i % len(TRICKY)] or None, county_code="330106", projects_declared=i % 5, outcome_rows=i,
                    error_rows=i % 3, screened_rows=i % 2, undeclared_rows=0, undeclared_projects=[], projects_with_outcomes=[f"P{i}"],
                    problems=problems[i % 4])
        for i in range(count)
    ]


def figures(count: int) -> dict[str, list[dict[str, Any]]]:
    counts = {"outcomes": 5, "learners": 4, "hours": 10.5, "dual_outcomes": 0, "excluded_rows": 1}
    return {
        "by_county": [{"county_code": f"33{i:04d}", "county": f"县{i}", **counts} for i in range(count)],
        "by_institution": [{"org_code": f"ORG{i}", "name": TRICKY[i % len(TRICKY)], **counts} for i in range(count)],
        "by_category": [{"category": f"类别{i}", **counts} for i in range(8)],
        "by_target": [{"target": None, **counts}],
    }


def write_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Any) -> tuple[Path, Path, list[int]]:
    """The same workbook written cell by cell and in bulk; with the rows each bulk write put in."""
    written: list[int] = []
    real = bulk_rows.with_rows

    def spy(xml: bytes, bulks: Any) -> bytes:
        written.extend(len(b.rows) for b in bulks)
        return real(xml, bulks)

    monkeypatch.setattr(bulk_rows, "with_rows", spy)
    monkeypatch.setattr(bulk_rows, "BULK_FROM", 10**9)
    slow = write(tmp_path / "cells.xlsx")
    assert written == []
    monkeypatch.setattr(bulk_rows, "BULK_FROM", 2)
    fast = write(tmp_path / "bulk.xlsx")
    return slow, fast, written


STYLES = ("font", "fill", "border", "alignment", "protection")


def assert_same_workbook(slow: Path, fast: Path) -> None:
    a, b = openpyxl.load_workbook(slow), openpyxl.load_workbook(fast)
    assert a.sheetnames == b.sheetnames
    compared = set()  # pairs of style indices found alike (their numbers differ between the two)
    for wa, wb in zip(a.worksheets, b.worksheets):
        assert wa.dimensions == wb.dimensions, wa.title
        for ra, rb in zip(wa.iter_rows(), wb.iter_rows(), strict=True):
            for ca, cb in zip(ra, rb, strict=True):
                assert (ca.value, ca.data_type, ca.number_format) == (cb.value, cb.data_type, cb.number_format), (wa.title, ca.coordinate)
                if (ca.style_id, cb.style_id) not in compared:
                    for style in STYLES:
                        assert copy(getattr(ca, style)) == copy(getattr(cb, style)), (wa.title, ca.coordinate, style)
                    compared.add((ca.style_id, cb.style_id))
        heights = [{r: (d.height, d.customHeight) for r, d in ws.row_dimensions.items() if d.height} for ws in (wa, wb)]
        assert heights[0] == heights[1], wa.title
        assert {k: d.width for k, d in wa.column_dimensions.items()} == {k: d.width for k, d in wb.column_dimensions.items()}
        assert (wa.freeze_panes, wa.auto_filter.ref, wa.print_title_rows, str(wa.merged_cells)) == (wb.freeze_panes, wb.auto_filter.ref, wb.print_title_rows, str(wb.merged_cells))
        setup = [(ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage) for ws in (wa, wb)]
        assert setup[0] == setup[1]
        assert [c.anchor._from.row for c in wa._charts] == [c.anchor._from.row for c in wb._charts]
    grids = [read_grid(p, p.name) for p in (slow, fast)]  # our own reader, which decodes Excel's escapes
    assert [(s.name, s.rows) for s in grids[0].sheets] == [(s.name, s.rows) for s in grids[1].sheets]


def audit_options(**kw: Any) -> AuditOptions:
    return AuditOptions(catalogs=(), today=dt.date(2025, 1, 2), **kw)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_audit_report_in_bulk_is_the_report_cell_by_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    report, insts, figs = tricky_report(150), institutions(60), figures(55)

    def write(path: Path) -> Path:
        write_report(path, report, insts, figs, audit_options(lang=lang))
        return path

    slow, fast, written = write_both(tmp_path, monkeypatch, write)
    # Every table of two rows or more went in bulk: 核查结论, two of 年度数据's and 问题明细 (县区汇总 has one
    # county, by_target one row).
    assert sorted(written) == sorted([60, 55, 55, 8, 150]), written
    assert_same_workbook(slow, fast)
    assert output_kind(fast) == "audit"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_findings_table_made_ahead_is_the_table_made_as_saved(tmp_path: Path, lang: str) -> None:
    """The 问题明细 table as an audit makes it ahead — each finding's row, lines and JSON item made as it
    is placed (in turns, in any order), the body rows' worksheet XML before the workbook — is what the
    report alone gives: the same table, the same findings' JSON, every sheet of the workbook byte for byte."""
    import dataclasses

    from zjcredit.documents.audit import workbook as audit_workbook
    from zjcredit.documents.audit.presented import Presented
    from zjcredit.report import render

    report, insts, figs = tricky_report(150), institutions(6), figures(5)
    ordered = render.ordered_findings(report)
    made = Presented(lang, table=True, json=True)
    made.add(ordered[1::2])
    made.add(ordered)
    ready = audit_workbook.details(report, lang, made.messages, ordered, made)
    assert ready == audit_workbook.details(report, lang)
    assert render._findings_json(ordered, lang, made.messages, made.items) == render._findings_json(ordered, lang)
    ahead = dataclasses.replace(ready, xml=bulk_rows.rows_ahead(ready.rows, ready.heights[1:], audit_workbook.DETAIL_FIRST))
    write_report(tmp_path / "ahead.xlsx", report, insts, figs, audit_options(lang=lang), ahead)
    write_report(tmp_path / "plain.xlsx", report, insts, figs, audit_options(lang=lang))
    with zipfile.ZipFile(tmp_path / "ahead.xlsx") as a, zipfile.ZipFile(tmp_path / "plain.xlsx") as b:
        assert a.namelist() == b.namelist()
        assert [n for n in a.namelist() if a.read(n) != b.read(n)] in ([], ["docProps/core.xml"])  # (the time it was written)


def test_rows_made_ahead_take_the_sample_rows_style_or_are_made_again() -> None:
    """Rows made ahead carry a mark for their style: one style for every cell of the sample row replaces
    it; a sample row of several styles has the rows made as the workbook is saved instead."""
    rows = [["文字 & <b>", 3, None, "  两端  "], ["", 1.5, True, "x"]]
    heights: list[float | None] = [None, 31.5]
    for style in (0, 7):
        expected = "".join(bulk_rows._rows_xml(bulk_rows.BulkRows(None, 5, rows, [(style,) * 4] * 2, heights))).encode()
        assert bulk_rows._styled(bulk_rows.rows_ahead(rows, heights, 5), (style,) * 4) == expected
    assert bulk_rows._styled(bulk_rows.rows_ahead(rows, heights, 5), (7, 0, 7, 0)) is None
    wb, bulk = sample_workbook()  # its cells take two styles
    plain = io.BytesIO()
    bulk_rows.save_with_rows(wb, plain, "report", [bulk])
    wb, bulk = sample_workbook()
    bulk.xml = bulk_rows.rows_ahead(bulk.rows, bulk.heights, bulk.first)
    ahead = io.BytesIO()
    bulk_rows.save_with_rows(wb, ahead, "report", [bulk])
    with zipfile.ZipFile(plain) as a, zipfile.ZipFile(ahead) as b:
        assert [n for n in a.namelist() if a.read(n) != b.read(n)] in ([], ["docProps/core.xml"])


def test_rows_made_ahead_a_column_at_a_time_are_those_made_a_cell_at_a_time() -> None:
    """Rows made ahead a column at a time (Arrow: each distinct text once, whole numbers by Arrow) are
    byte for byte the rows made a cell at a time, whatever each column holds; rows of unequal length are
    made a cell at a time."""
    rows = [
        ["文字 & <b>", 3, None, "  两端  ", 1.5, True, "=SUM(A1)", 10**15, "", "x"],
        ["文字 & <b>", -7, "有", "x", 2, False, "#N/A", 5, None, 1],
        ["第一行\n第二行", 0, None, " ", float("nan"), None, "_x0041_", -3, "\x07", None],
    ] * 3
    heights: list[float | None] = [None, 31.5, 18.0] * 3
    made = bulk_rows.rows_ahead(rows, heights, 4)
    expected = "".join(bulk_rows._rows_xml(bulk_rows.BulkRows(None, 4, rows, [(bulk_rows._MARK,) * 10] * len(rows), heights))).encode()
    assert made == expected
    assert b'<c r="B5" s="\x01" t="n"><v>-7</v></c>' in made and b'<c r="C4" s="\x01" t="n" />' in made  # (Arrow's)
    ragged = [["a", 1], ["b"]]
    assert bulk_rows.rows_ahead(ragged, [None, None], 2) == "".join(bulk_rows._rows_xml(bulk_rows.BulkRows(None, 2, ragged, [(bulk_rows._MARK,) * 2] * 2, [None, None]))).encode()


def test_the_report_in_bulk_holds_inert_text_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk_rows, "BULK_FROM", 2)
    path = tmp_path / "r.xlsx"
    write_report(path, tricky_report(len(TRICKY) * 2), institutions(4), figures(3), audit_options())
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml and 't="e"' not in xml and 't="str"' not in xml, name
                assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", xml), name
    ws = openpyxl.load_workbook(path)["问题明细"]
    values = {ws.cell(row=r, column=10).value: ws.cell(row=r, column=10).data_type for r in range(3, ws.max_row + 1)}
    for text in ("=SUM(A1:A9)", '=HYPERLINK("http://example.com","点我")', "+1", "-2", "@cmd", "#REF!", "#N/A", "<b>&amp;</b> & \"'", "  两端有空格  ", " ", "\t缩进"):
        assert values[text] == "s", text  # a string, never a formula or an error value
    assert "abcd" in values and "第一行_x000D_第二行" in values and "_x005F_x000D_ 与 _x005F_x0041_" in values
    assert "A" * 32_767 in values  # cut where openpyxl cuts
    grid = read_grid(path, path.name)
    details = next(s for s in grid.sheets if s.name == "问题明细")
    shown = {row[9] for row in details.rows[2:] if len(row) > 9}
    assert "第一行\r第二行" in shown and "_x000D_ 与 _x0041_" in shown  # Excel's reading of the escapes: the text itself


def test_mask_ids_applies_to_the_details_written_in_bulk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk_rows, "BULK_FROM", 2)
    written: list[int] = []
    real = bulk_rows.with_rows
    monkeypatch.setattr(bulk_rows, "with_rows", lambda xml, bulks: (written.extend(len(b.rows) for b in bulks), real(xml, bulks))[1])
    out = tmp_path / "核查.xlsx"
    result = CliRunner().invoke(app, ["audit", str(EXAMPLES / "成果_有错误_2019H1.xlsx"), "--catalog", str(EXAMPLES / "目录_2019H1.xlsx"), "-o", str(out), "--mask-ids", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert written and max(written) >= 10
    wb = openpyxl.load_workbook(out)
    details = [str(c.value) for row in wb["问题明细"].iter_rows(min_row=3) for c in row if c.value is not None]
    assert any("*" in v for v in details)  # masked IDs are there, and no raw one
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and RAW_ID.search(cell.value)), (ws.title, cell.coordinate, cell.value)


# The findings workbook (--output x.xlsx) -------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_findings_workbook_in_bulk_is_the_workbook_cell_by_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    report = tricky_report(120)
    report.command = "validate"

    def write(path: Path) -> Path:
        write_report_workbook(report, path, lang)
        return path

    slow, fast, written = write_both(tmp_path, monkeypatch, write)
    assert sorted(written) == sorted([120, 3 + 1, 120]), written  # findings, by rule (+ total), files
    assert_same_workbook(slow, fast)
    assert output_kind(fast) == "report"
    ws = openpyxl.load_workbook(fast).worksheets[0]
    assert ws.cell(row=2, column=11).value == "=SUM(A1:A9)" and ws.cell(row=2, column=11).data_type == "s"
    assert any(ws.row_dimensions[r].height for r in range(2, 122))  # the long texts' rows are tall


# The module itself -----------------------------------------------------------------------------------------


def sample_workbook(*, sample: bool = True) -> tuple[Any, bulk_rows.BulkRows]:
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表 & <一>"
    wb.create_sheet("other")
    ws["A1"] = "head"
    styled = ws["A2"] if sample else Cell(ws)
    styled.value = "sample"
    styled.font = Font(bold=True)
    bulk = bulk_rows.BulkRows(ws, 2)
    style = styled.style_id
    for i in range(5):
        bulk.append([f"row {i}", i, None if i % 2 else 1.25, i == 3], (style, 0, style, 0), 30.0 if i == 1 else None)
    return wb, bulk


def test_rows_in_bulk_take_the_sample_rows_place_and_widen_the_dimension() -> None:
    wb, bulk = sample_workbook()
    wb.active["A7"] = "after"
    buffer = io.BytesIO()
    bulk_rows.save_with_rows(wb, buffer, "report", [bulk])
    back = openpyxl.load_workbook(buffer)
    ws = back["表 & <一>"]
    assert ws.dimensions == "A1:D7"
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=7)] == [
        ["row 0", 0, 1.25, False], ["row 1", 1, None, False], ["row 2", 2, 1.25, False], ["row 3", 3, None, True], ["row 4", 4, 1.25, False],
        ["after", None, None, None],
    ]
    assert ws["A4"].font.b and ws["C4"].font.b and not ws["B4"].font.b
    assert ws.row_dimensions[3].height == 30 and not ws.row_dimensions[4].height


def test_rows_in_bulk_refuse_rows_the_sheet_already_holds() -> None:
    wb, bulk = sample_workbook()
    wb.active["A4"] = "in the way"
    with pytest.raises(ValueError, match="row 4"):
        bulk_rows.save_with_rows(wb, io.BytesIO(), "report", [bulk])
    wb, bulk = sample_workbook(sample=False)
    with pytest.raises(ValueError, match="no sample row"):
        bulk_rows.save_with_rows(wb, io.BytesIO(), "report", [bulk])


def test_sheet_parts_are_found_through_the_relationships() -> None:
    """A package whose sheet parts are not numbered in the sheets' order, with relative targets."""
    wb, _ = sample_workbook()
    buffer = io.BytesIO()
    wb.save(buffer)
    swapped = io.BytesIO()
    names = {"xl/worksheets/sheet1.xml": "xl/worksheets/sheet2.xml", "xl/worksheets/sheet2.xml": "xl/worksheets/sheet1.xml"}
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(swapped, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b'"/xl/worksheets/sheet1.xml"', b'"worksheets/x.xml"').replace(b'"/xl/worksheets/sheet2.xml"', b'"worksheets/sheet1.xml"')
                data = data.replace(b'"worksheets/x.xml"', b'"./worksheets/sheet2.xml"')
            out.writestr(names.get(info.filename, info.filename), data)
    with zipfile.ZipFile(swapped) as package:
        assert bulk_rows.sheet_parts(package) == {"表 & <一>": "xl/worksheets/sheet2.xml", "other": "xl/worksheets/sheet1.xml"}
    assert openpyxl.load_workbook(swapped)["表 & <一>"]["A2"].value == "sample"


def test_a_number_is_written_as_openpyxl_writes_it() -> None:
    assert [bulk_rows._number(v) for v in (0, 218, 10**17, 1.5, 0.1 + 0.2, 1 / 3, float("nan"), float("inf"), 52.0)] == [
        "0", "218", "1e+17", "1.5", "0.3", "0.3333333333333333", "", "", "52",
    ]
    with pytest.raises(TypeError):
        bulk_rows._rest_of_cell(0, dt.date(2025, 1, 1))
