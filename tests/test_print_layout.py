"""Print layout of the workbooks zjcredit writes: page breaks, wrapped rows, page setup."""

from __future__ import annotations

from openpyxl import Workbook, load_workbook

from zjcredit import templates
from zjcredit.templates import GUIDE_SHEET, fit_row_heights, lines_needed, write_template


def test_lines_needed_counts_wide_characters_double():
    assert lines_needed("3301060011", 16) == 1
    assert lines_needed("杭州市西湖区三墩镇成人文化技术学校", 26) == 2  # 17 CJK characters ≈ 36 units
    assert lines_needed("一\n二\n三", 10) == 3


def test_fit_row_heights_only_for_rows_that_wrap():
    wb = Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 10
    ws["A1"] = "短"
    ws["A2"] = "这是一段需要换行才能显示完整的中文文字"
    ws["A3"] = "合并单元格里的很长很长很长很长的文字"
    ws.merge_cells("A3:C3")
    fit_row_heights(ws, 1, 3)
    assert ws.row_dimensions[1].height is None
    assert ws.row_dimensions[2].height == 5 * templates.LINE_HEIGHT + templates.ROW_PADDING
    assert ws.row_dimensions[3].height is None  # merged cells are left alone


def test_annex2_blocks_start_on_new_pages_and_guide_rows_fit(tmp_path):
    wb = load_workbook(write_template("annex2", tmp_path / "a2.xlsx", force=False, projects=3))
    ws = wb["申报表"]
    starts = [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("培训项目") and "名称" in c.value]
    assert len(starts) == 3
    assert [b.id for b in ws.row_breaks.brk] == [starts[1] - 1, starts[2] - 1]
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1
    guide = wb[GUIDE_SHEET]
    assert guide.column_dimensions["A"].width == templates.GUIDE_WIDTH
    assert all(guide.row_dimensions[r].height for r in range(2, guide.max_row + 1))
    assert guide.page_setup.fitToWidth == 1
