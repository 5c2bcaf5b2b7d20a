"""The column-wise reader: text for every cell, exact Excel rows, number cells told from text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from zjcredit.documents.outcomes.check import read_outcome_tables
from zjcredit.errors import Unreadable

HEAD = ["序号", "学员姓名", "身份证号码", "手机号", "机构代码", "项目代码", "课程代码", "学时", "成绩", "结业日期"]


def _sheet(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "学习成果登记表"  # title, not in column A
    for c, h in enumerate(HEAD, start=1):
        ws.cell(5, c, h)
    ws.append([1, "张三", "330106199001011328", 13800138000, "ORG1", "P1", "P1-01", 16, "合格", dt.date(2019, 5, 5)])
    ws.append([])
    ws.append([2, "李四", 3.30106199001011e17, "138 0013 8001", "ORG1", "P1", "P1-01", "16学时", 90, "2019/5/6"])
    ws.append([3, "王五", "330106199001011328", None, "ORG1", "P1", "P1-01", 16.5, None, 43600])
    ws.append(["合计", None, None, None, None, None, None, 48.5])
    ws.append([9, "签名后", "x", None, None, None, None, None])
    wb.save(path)
    return path


def test_text_values_and_rows(tmp_path: Path) -> None:
    [table] = read_outcome_tables(_sheet(tmp_path / "a.xlsx"), "a.xlsx")
    assert table.header_row == 5
    assert table.rows.tolist() == [6, 8, 9]  # blank row 7 skipped, table ends at 合计
    assert table.columns["身份证号"] == 2 and table.letter("完成日期") == "J"
    data = {k: v.to_pylist() for k, v in table.data.items()}
    assert data["身份证号"] == ["330106199001011328", "330106199001011008", "330106199001011328"]
    assert data["联系电话"] == ["13800138000", "138 0013 8001", None]
    assert data["学时数"] == ["16", "16学时", "16.5"]
    assert data["完成日期"] == ["2019-05-05 00:00:00", "2019/5/6", "43600"]
    assert data["考核结果"] == ["合格", "90", None]
    assert table.numeric_cells("身份证号", np.array([0, 1, 2])).tolist() == [False, True, False]


def test_late_text_is_not_lost_to_type_guessing(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for k in range(1100):
        ws.append([k, "某", "x", None, None, None, None, 16])
    ws.append([1100, "某", "x", None, None, None, None, "16学时"])
    wb.save(tmp_path / "b.xlsx")
    [table] = read_outcome_tables(tmp_path / "b.xlsx", "b.xlsx")
    assert table.data["学时数"][1100].as_py() == "16学时"
    assert int(table.rows[-1]) == 1102


def test_csv_gb18030_with_blank_lines(tmp_path: Path) -> None:
    text = "成果表,,\n\n姓名,身份证号,项目编码,课程编码\n张三,3.30106E+17,P1,P1-01\n\n李四,330106199001011328,P1,P1-01\n"
    (tmp_path / "c.csv").write_bytes(text.encode("gb18030"))
    [table] = read_outcome_tables(tmp_path / "c.csv", "c.csv")
    assert table.sheet is None and table.header_row == 3
    assert table.rows.tolist() == [4, 6]
    assert table.data["身份证号"].to_pylist() == ["3.30106E+17", "330106199001011328"]


def test_no_header_and_unreadable(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["甲", "乙"])
    wb.save(tmp_path / "d.xlsx")
    assert read_outcome_tables(tmp_path / "d.xlsx", "d.xlsx") == []
    (tmp_path / "e.xlsx").write_bytes(b"this is not a workbook at all")
    with pytest.raises(Unreadable):
        read_outcome_tables(tmp_path / "e.xlsx", "e.xlsx")
