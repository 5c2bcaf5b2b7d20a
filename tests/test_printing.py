"""Every workbook zjcredit writes prints like a document an office sends out: A4, the orientation its
layout needs, one page wide, the table's header on every page, the same margins, and no text smaller than
9 pt on paper (font size × the fit-to-width scale). The committed templates are checked, and the
summary, catalog, review sheet and prefilled outcome sheet built from a small county."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_catalog import write_review
from test_summary import SANDUN, ZHUANTANG, project, run, write_declaration
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.report.layout import EDGE_MARGIN, MIN_PRINTED_SIZE, PAGE_NUMBERS, SIDE_MARGIN, TOP_MARGIN, column_width, print_scale, printable_width, smallest_printed_size
from zjcredit.templates import GUIDE_SHEET

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("print")
    d = base / "decl"
    write_declaration(d / "a.xlsx", SANDUN, [project("老年人智能手机应用与防范电信诈骗", courses=[("微信使用", 8, "李明"), ("网上挂号", 8, "李明")]), project("茶艺", category="文化休闲生活技能培训", targets="企业职工、企退人员、自由职业（待业）人员", hours=24)])
    write_declaration(d / "b.xlsx", ZHUANTANG, [project("电商直播", category="电商营销培训", hours=32)])
    out = {name: base / f"{name}.xlsx" for name in ("summary", "catalog", "catalog2", "review", "outcomes")}
    assert run("summary", "build", str(d), "-o", str(out["summary"]), "--filler", "陈静")[0] == 0
    assert run("catalog", "build", str(d), "--period", "2019H1", "-o", str(out["catalog"]), "--date", "2019-07-01")[0] == 0
    review = write_review(base / "r.xlsx", [("XH0002", "电商直播", "不通过", "停办")])
    assert run("catalog", "build", str(d), "--period", "2019H1", "--previous", str(out["catalog"]), "--review", str(review), "-o", str(out["catalog2"]), "--date", "2019-07-20")[0] == 0
    assert runner.invoke(app, ["template", "review", "--from", str(d), "-o", str(out["review"])]).exit_code == 0
    assert runner.invoke(app, ["template", "outcomes", "--catalog", str(out["catalog"]), "--org", "XH0001", "-o", str(out["outcomes"])]).exit_code == 0
    for kind in ("annex1", "annex2", "outcomes", "review"):
        out[f"template-{kind}"] = ROOT / "templates" / f"{kind}.xlsx"
    return out


# (workbook, sheet, orientation, rows repeated on every page or None)
SHEETS = [
    ("template-annex1", "申报汇总表", "landscape", "$7:$7"),
    ("template-annex2", "申报表", "portrait", None),
    ("template-outcomes", "学习成果", "landscape", "$2:$2"),
    ("template-review", "审核结果", "landscape", "$4:$4"),
    ("summary", "申报汇总表", "landscape", "$7:$7"),
    ("summary", "统计", "landscape", None),
    ("catalog", "项目目录", "landscape", "$2:$2"),
    ("catalog", "课程目录", "portrait", "$2:$2"),
    ("catalog", "说明", "portrait", None),
    ("catalog2", "项目目录", "landscape", "$2:$2"),
    ("catalog2", "课程目录", "portrait", "$2:$2"),
    ("review", "审核结果", "landscape", "$4:$4"),
    ("outcomes", "学习成果", "landscape", "$3:$3"),
]


def _check_page(ws: Any, orientation: str) -> None:
    assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
    assert ws.page_setup.orientation == orientation, ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
    m = ws.page_margins
    assert (m.left, m.right, m.top, m.bottom, m.header, m.footer) == (SIDE_MARGIN, SIDE_MARGIN, TOP_MARGIN, TOP_MARGIN, EDGE_MARGIN, EDGE_MARGIN), ws.title
    assert smallest_printed_size(ws) >= MIN_PRINTED_SIZE, (ws.title, smallest_printed_size(ws))


@pytest.mark.parametrize(("book", "sheet", "orientation", "titles"), SHEETS, ids=[f"{b}-{s}" for b, s, _, _ in SHEETS])
def test_print_setup(built: dict[str, Path], book: str, sheet: str, orientation: str, titles: str | None) -> None:
    ws = openpyxl.load_workbook(built[book])[sheet]
    _check_page(ws, orientation)
    assert ws.print_title_rows == titles


@pytest.mark.parametrize("book", ["template-annex1", "template-annex2", "template-outcomes", "template-review", "review", "outcomes"])
def test_guide_sheet_wraps_within_a_portrait_page(built: dict[str, Path], book: str) -> None:
    ws = openpyxl.load_workbook(built[book])[GUIDE_SHEET]
    _check_page(ws, "portrait")
    # Narrower than the paper even where a column unit prints 7 pt wide (a substitute default font).
    assert column_width(ws, 1) * 7 <= printable_width(ws)
    assert print_scale(ws) == 1.0
    assert all(ws.cell(row=r, column=1).alignment.wrap_text for r in range(2, ws.max_row + 1))


def test_catalog_pages_name_the_catalog_and_number_themselves(built: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(built["catalog2"])
    for name in ("项目目录", "课程目录", "说明"):
        ws = wb[name]
        assert ws.oddHeader.left.text.startswith("杭州市西湖区 2019年第一、二季度 社会培训项目")
        assert ws.oddHeader.right.text == "编制日期：2019-07-20"
        assert ws.oddFooter.center.text == PAGE_NUMBERS == "第 &P 页 共 &N 页"
    ws = wb["项目目录"]
    assert ws["A1"].value == "杭州市西湖区 2019年第一、二季度 社会培训项目目录" and ws["A1"].font.sz >= 14
    assert [ws["A2"].value, ws["B2"].value] == ["序号", "状态"] and [ws[f"A{r}"].value for r in (3, 4, 5)] == [1, 2, 3]
    # The printed columns end with 所在县; 所在市 and 目录期次 (the title says them) stand outside.
    assert ws.print_area.endswith(f"$O${ws.max_row}") and ws["O2"].value == "所在县" and ws["P2"].value == "所在市"
    # Long texts wrap, codes do not; a withdrawn project is struck through.
    assert ws["D3"].alignment.wrap_text and not ws["C3"].alignment.wrap_text
    void = next(r for r in range(3, ws.max_row + 1) if ws[f"B{r}"].value == "作废")
    assert all(ws.cell(row=void, column=c).font.strike for c in range(1, 18))
    assert not ws.cell(row=3, column=4).font.strike
