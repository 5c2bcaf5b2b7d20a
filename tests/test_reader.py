"""Reading Annex 1 summaries in every file type and layout, and recognising declarations' kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from zjcredit.documents.declarations.annex1 import annex1_rows
from zjcredit.documents.declarations.check import check_annex1
from zjcredit.documents.detect import detect_kind
from zjcredit.io.readers import read_grid

HEADER = ["序号", "项目名称", "项目类别", "培训规模", "培训对象", "培训形式", "培训时数", "学时数", "申报单位", "机构代码", "联系人（电话）"]
ROWS = [
    [1, "茶艺培训", "企业职工培训", "50人", "企业职工", "线下面授", "24", "32学时", "杭州市西湖区三墩镇成人文化技术学校", "330106A0012", "王丽 13857112345"],
    [2, "插花艺术", "文化休闲生活技能培训", "３０", "老年群体", "线下面授", "16", "16", "杭州市西湖区转塘街道成人文化技术学校", "330106A0020", "刘芳 0571-87654321"],
]


def _csv_text() -> str:
    lines = ["浙江省成人学校社会培训项目申报汇总表", "所在区域：宁波 市、鄞州 县（市、区）", ",".join(HEADER)]
    lines += [",".join(str(v) for v in row) for row in ROWS]
    lines += ["合计,,,80", "填表人：孙晓红"]
    return "\r\n".join(lines) + "\r\n"


def write_xlsx(path: Path) -> Path:
    """Title, 所在区域 and 填报人 lines above a header merged over two rows, then 合计 and 填表人 lines."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws["A1"] = "浙江省成人学校社会培训项目申报汇总表"
    ws.merge_cells("A1:K1")
    ws["A2"] = "所在区域："
    ws["B2"] = "杭州"
    ws["C2"] = "市、"
    ws["D2"] = "西湖"
    ws["E2"] = "县（市、区）、"
    ws["A3"] = "填报人：孙晓红"
    for col, label in enumerate(HEADER, start=1):
        ws.cell(row=4, column=col, value={"序号": "序\n号", "联系人（电话）": "联系人\n(电话)", "学时数": "学 时 数"}.get(label, label))
        ws.merge_cells(start_row=4, start_column=col, end_row=5, end_column=col)
    for i, row in enumerate(ROWS, start=6):
        for col, value in enumerate(row, start=1):
            ws.cell(row=i, column=col, value=value)
    ws["A8"] = 3  # a pre-numbered blank row
    ws["A9"] = "合计"
    ws["D9"] = 80
    ws["A10"] = "不该读到的行"
    wb.save(path)
    return path


def write_xls(path: Path) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("汇总表")
    ws.write_merge(0, 0, 0, 10, "浙江省成人学校社会培训项目申报汇总表")
    for col, label in enumerate(HEADER):
        ws.write(2, col, label)
    for r, row in enumerate(ROWS, start=3):
        for col, value in enumerate(row):
            ws.write(r, col, value)
    ws.write(5, 0, "填表人：孙晓红")
    ws.write(6, 1, "不该读到的行")
    wb.save(str(path))
    return path


def _tables(path: Path):
    grid = read_grid(path, path.name)
    return grid, annex1_rows(grid)


@pytest.mark.parametrize(
    ("name", "writer", "header_row", "first_row"),
    [
        ("a.xlsx", write_xlsx, 4, 6),
        ("a.xls", write_xls, 3, 4),
        ("gbk.csv", lambda p: (p.write_bytes(_csv_text().encode("gbk")), p)[1], 3, 4),
        ("bom.csv", lambda p: (p.write_bytes(b"\xef\xbb\xbf" + _csv_text().encode("utf-8")), p)[1], 3, 4),
        ("utf8.csv", lambda p: (p.write_text(_csv_text(), encoding="utf-8"), p)[1], 3, 4),
    ],
)
def test_annex1_in_every_file_type(tmp_path, name, writer, header_row, first_row):
    path = writer(tmp_path / name)
    grid, (tables, place, findings) = _tables(path)
    assert detect_kind(grid) == "annex1"
    assert findings == []
    ((sheet, table),) = tables
    assert sheet == (None if name.endswith(".csv") else "汇总表")
    assert table.header_row == header_row
    assert set(table.columns) == set(HEADER)
    assert [r.row for r in table.records] == [first_row, first_row + 1]  # stops at 合计 / 填表人
    rec = table.records[0]
    assert rec.text("项目名称") == "茶艺培训"
    assert rec.get("项目名称").cell == f"B{first_row}"
    assert table.records[1].text("培训规模") == "30"  # full-width digits folded
    if name != "a.xls":
        assert place is not None and place.county_code in ("330106", "330212")
    result = check_annex1(grid)
    assert result.findings == [] and result.records == 2


def test_region_line_names_the_place(tmp_path):
    _, (_, place, _) = _tables(write_xlsx(tmp_path / "a.xlsx"))
    assert (place.city, place.county) == ("杭州市", "西湖区")


def test_region_line_that_names_nowhere_is_a_warning(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(_csv_text().replace("宁波 市、鄞州 县（市、区）", "火星 市"), encoding="utf-8")
    _, (_, place, findings) = _tables(path)
    assert place is None
    assert [(f.rule, f.cell, f.value) for f in findings] == [("region-unknown", "A2", "火星 市")]


def test_headers_with_accepted_spellings(tmp_path):
    path = tmp_path / "s.csv"
    header = ["编号", "培训项目名称", "类别", "培训人数", "对象", "形式", "培训时长", "学时", "单位名称", "机构编码", "联系人及电话"]
    path.write_text(",".join(header) + "\n" + ",".join(str(v) for v in ROWS[0]) + "\n", encoding="utf-8")
    _, (tables, _, findings) = _tables(path)
    assert findings == [] and set(tables[0][1].columns) == set(HEADER)


def test_csv_rows_are_line_numbers(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(_csv_text().replace("企业职工培训", "某某培训").encode("gbk"))
    result = check_annex1(read_grid(path, "c.csv"))
    assert [(f.rule, f.sheet, f.cell, f.row) for f in result.findings] == [("category-unknown", None, "C4", 4)]


def test_xlsx_error_values_are_read(tmp_path):
    """calamine reads error cells as empty: the reader puts #REF! back so excel-error can fire."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(ROWS[0])
    ws["G2"] = "#REF!"
    ws["M9"] = "#DIV/0!"
    wb.save(tmp_path / "e.xlsx")
    grid = read_grid(tmp_path / "e.xlsx", "e.xlsx")
    assert grid.sheets[0].value(1, 6) == "#REF!"
    result = check_annex1(grid)
    assert sorted((f.rule, f.cell, f.field) for f in result.findings if f.rule == "excel-error") == [("excel-error", "G2", "培训时数"), ("excel-error", "M9", None)]


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        ({"A1": "申报单位", "B1": "某校", "A2": "培训项目1：插花"}, "annex2"),
        ({"A3": "培训项目 一：名称"}, "annex2"),
        ({"A1": "浙江省成人学校社会培训项目申报表", "A2": "项目类别", "B2": "x"}, "annex2"),
        (dict(zip(("A5", "B5", "C5", "D5", "E5", "F5"), HEADER[:6])), "annex1"),
    ],
)
def test_kind_detection(tmp_path, cells, kind):
    from openpyxl import Workbook

    wb = Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    wb.save(tmp_path / "k.xlsx")
    assert detect_kind(read_grid(tmp_path / "k.xlsx", "k.xlsx")) == kind


def test_xls_error_values_are_read(tmp_path):
    """Old .xls files too: calamine drops error cells, the reader restores them with xlrd."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("汇总表")
    for c, text in enumerate(HEADER):
        ws.write(0, c, text)
    for c, value in enumerate(ROWS[0]):
        if c == 6:
            ws.row(1).set_cell_error(c, "#REF!")
        else:
            ws.write(1, c, value)
    wb.save(str(tmp_path / "e.xls"))
    grid = read_grid(tmp_path / "e.xls", "e.xls")
    assert grid.sheets[0].value(1, 6) == "#REF!"
    result = check_annex1(grid)
    assert [(f.rule, f.cell, f.field) for f in result.findings if f.rule == "excel-error"] == [("excel-error", "G2", "培训时数")]
