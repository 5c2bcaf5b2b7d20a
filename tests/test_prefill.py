"""Workbooks prefilled from declarations or a catalog: `zjcredit template review --from` (read back by
`catalog build --review`) and `zjcredit template outcomes --catalog [--org]` (read by validate and
`outcomes check`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_summary import LIUXIA, SANDUN, ZHUANTANG, project, run, write_declaration
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.domain.schema import header_key

runner = CliRunner()


@pytest.fixture
def decl(tmp_path: Path) -> Path:
    d = tmp_path / "decl"
    write_declaration(d / "a.xlsx", SANDUN, [project("智能手机应用", courses=[("微信使用", 8, "李明"), ("网上挂号", 8, "李明")]), project("茶艺", category="文化休闲生活技能培训", hours=24)])
    write_declaration(d / "b.xlsx", ZHUANTANG, [project("电商直播", category="电商营销培训", hours=32, scale=50)])
    write_declaration(d / "c.xlsx", LIUXIA, [project("书法", category="老年人培训")])  # an error: not in the 18 categories
    (d / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # no declaration
    return d


def rows_of(path: Path, sheet: str, header_row: int) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[sheet]
    header = [header_key(c.value) for c in ws[header_row]]
    out = []
    for row in ws.iter_rows(min_row=header_row + 1):
        values = dict(zip(header, (c.value for c in row)))
        if any(v is not None for v in values.values()):
            out.append(values)
    return out


# The review sheet -------------------------------------------------------------------------------------------


def test_review_sheet_lists_every_declared_project(decl: Path, tmp_path: Path) -> None:
    out = tmp_path / "审核结果表.xlsx"
    result = runner.invoke(app, ["template", "review", "--from", str(decl), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 个申报的项目" in result.output and "notes.csv" in result.output  # the file not used is named
    rows = rows_of(out, "审核结果", 4)
    assert [(r["机构代码"], r["机构名称"], r["项目名称"], r["项目类别"], r["计划人数"], r["项目学时"]) for r in rows] == [
        ("XH0001", SANDUN[0], "智能手机应用", "老年教育培训", 30, 16),
        ("XH0001", SANDUN[0], "茶艺", "文化休闲生活技能培训", 30, 24),
        ("XH0002", ZHUANTANG[0], "电商直播", "电商营销培训", 50, 32),
        ("XH0003", LIUXIA[0], "书法", "老年人培训", 30, 16),
    ]
    assert [r["序号"] for r in rows] == [1, 2, 3, 4]
    assert [r["检查情况"] for r in rows][:3] == [None, None, None] and "改正前不会编入目录" in rows[3]["检查情况"]
    assert all(r["审核结果"] is None and r["审核意见"] is None for r in rows)
    wb = openpyxl.load_workbook(out)
    ws = wb["审核结果"]
    (dv,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert str(dv.sqref) == "I5:I8"
    sheet, col = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$2:\$[A-Z]+\$3", dv.formula1).groups()
    assert [wb[sheet][f"{col}{r}"].value for r in (2, 3)] == ["通过", "不通过"]
    assert wb["代码表"].sheet_state == "hidden"
    # In a folder of declarations it is passed over, never read as a declaration or a summary.
    code, doc, _ = run("validate", str(out))
    assert doc["files"][0]["kind"] is None


def test_review_sheet_round_trip_into_catalog_build(decl: Path, tmp_path: Path) -> None:
    review = tmp_path / "审核结果表.xlsx"
    assert runner.invoke(app, ["template", "review", "--from", str(decl), "-o", str(review)]).exit_code == 0
    wb = openpyxl.load_workbook(review)
    ws = wb["审核结果"]
    for r in range(5, ws.max_row + 1):
        name = ws[f"D{r}"].value
        if name:
            ws[f"I{r}"] = "不通过" if name == "茶艺" else "通过"
            if name == "茶艺":
                ws[f"J{r}"] = "与已有项目重复"
    wb.save(review)
    out = tmp_path / "catalog.xlsx"
    code, doc, _ = run("catalog", "build", str(decl), "--period", "2019H1", "--review", str(review), "-o", str(out))
    assert code == 1  # 书法 has errors: left out, someone has to look
    assert doc["rejected"] == [{"org_code": "XH0001", "name": "茶艺", "opinion": "与已有项目重复", "row": 6}]
    assert doc["not_approved"] == [] and doc["projects"] == 2
    review_result = next(f for f in doc["files"] if f["kind"] == "review")
    assert review_result["records"] == 4 and review_result["errors"] == 0
    assert not any(f["rule"] in ("review-unmatched", "review-missing", "review-duplicate") for f in doc["findings"])


def test_review_sheet_blank_and_usage_errors(decl: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    assert runner.invoke(app, ["template", "review", "-o", str(blank)]).exit_code == 0
    assert openpyxl.load_workbook(blank)["审核结果"]["A2"].value is None
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["template", "review", "--from", str(empty), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "没有找到任何申报的项目" in result.output and not (tmp_path / "r.xlsx").exists()
    result = runner.invoke(app, ["template", "review", "--from", str(decl), "-o", str(tmp_path / "r.xls")])
    assert result.exit_code == 2 and ".xlsx" in result.output
    result = runner.invoke(app, ["template", "review", "--from", str(decl), "-o", str(blank)])
    assert result.exit_code == 2 and "--force" in result.output


# Outcome sheets per institution --------------------------------------------------------------------------


@pytest.fixture
def catalog(decl: Path, tmp_path: Path) -> Path:
    out = tmp_path / "catalog.xlsx"
    assert run("catalog", "build", str(decl), "--period", "2019H1", "-o", str(out), "--date", "2019-07-01")[0] == 1
    return out


def _validations(ws: Any) -> dict[str, Any]:
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_outcome_sheet_for_one_institution(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "三墩.xlsx"
    result = runner.invoke(app, ["template", "outcomes", "--catalog", str(catalog), "--org", "XH0001", "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    ws = wb["学习成果"]
    assert ws["A2"].value.startswith("机构代码：XH0001") and SANDUN[0] in ws["A2"].value and "2019H1" in ws["A2"].value
    header = [header_key(c.value) for c in ws[3]]
    assert header == ["序号", "姓名", "身份证号", "联系电话", "机构代码", "项目编码", "课程编码", "课程名称", "课程学时", "学时数", "考核结果", "完成日期", "成果形式", "备注"]
    # Our formulas: the code once a learner is entered, the course's name and hours beside its code.
    assert ws["E4"].value.startswith('=IF(COUNTA($B4:$D4)=0,"",')
    assert "VLOOKUP($G4" in ws["H4"].value and "VLOOKUP($G4" in ws["I4"].value
    # Drop-downs hold only this institution's codes.
    dvs = _validations(ws)
    lists = wb["代码表"]

    def values_of(dv: Any) -> list[Any]:
        m = re.fullmatch(r"'代码表'!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", dv.formula1)
        col, first, last = m.group(1), int(m.group(2)), int(m.group(3))
        return [lists[f"{col}{r}"].value for r in range(first, last + 1)]

    assert values_of(dvs["F4"]) == ["330106-2019H1-001", "330106-2019H1-002"] and dvs["F4"].errorStyle == "stop"
    assert values_of(dvs["G4"]) == ["330106-2019H1-001-01", "330106-2019H1-001-02", "330106-2019H1-002-01"]
    assert dvs["J4"].type == "custom" and dvs["L4"].type == "date" and dvs["L4"].formula1 == "DATE(2019,1,1)"
    assert dvs["K4"].type == "list"  # 考核结果
    assert lists.sheet_state == "hidden"

    # As written (no values saved for its formulas), it reads as an outcome sheet with no records yet.
    for args in (["validate", str(out)], ["outcomes", "check", str(out), "--catalog", str(catalog)]):
        code, doc, _ = run(*args)
        assert doc["files"][0]["kind"] == "outcomes" and doc["files"][0]["records"] == 0, args
        assert [f["rule"] for f in doc["findings"]] == ["no-records"]


def test_outcome_sheets_one_per_institution_into_a_folder(catalog: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sheets"
    result = runner.invoke(app, ["template", "outcomes", "--catalog", str(catalog), "-o", str(folder)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"学习成果表_XH0001_{SANDUN[0]}.xlsx", f"学习成果表_XH0002_{ZHUANTANG[0]}.xlsx"]
    assert "共 2 个机构的成果表" in result.output
    again = runner.invoke(app, ["template", "outcomes", "--catalog", str(catalog), "-o", str(folder)])
    assert again.exit_code == 2 and "--force" in again.output
    unknown = runner.invoke(app, ["template", "outcomes", "--catalog", str(catalog), "--org", "ZZ9999", "-o", str(tmp_path / "z.xlsx")])
    assert unknown.exit_code == 2 and "XH0001" in unknown.output
    assert runner.invoke(app, ["template", "outcomes", "--org", "XH0001"]).exit_code == 2  # --org needs --catalog


def _fill(path: Path, rows: list[tuple[Any, ...]]) -> None:
    """Type learners in as a clerk does (姓名 … 课程编码, then 学时数 … 完成日期), leaving the formulas alone."""
    wb = openpyxl.load_workbook(path)
    ws = wb["学习成果"]
    for r, (name, ident, phone, project_code, course, hours, result, date) in enumerate(rows, start=4):
        for col, value in zip("BCDFGJKL", (name, ident, phone, project_code, course, hours, result, date)):
            ws[f"{col}{r}"] = value
    wb.save(path)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice to calculate the formulas as Excel would")
def test_filled_outcome_sheet_checks_clean_once_calculated(catalog: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "三墩.xlsx"
    assert runner.invoke(app, ["template", "outcomes", "--catalog", str(catalog), "--org", "XH0001", "-o", str(sheet)]).exit_code == 0
    _fill(sheet, [
        ("张三", "33010619900101123X", "13812345678", "330106-2019H1-001", "330106-2019H1-001-01", 8, "合格", "2019-05-05"),
        ("李四", "330106198503074471", "13912345678", "330106-2019H1-002", "330106-2019H1-002-01", 24, "优秀", "2019-06-01"),
    ])
    calc = tmp_path / "calc"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "xlsx", "--outdir", str(calc), str(sheet)],
        capture_output=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    saved = calc / "三墩.xlsx"
    ws = openpyxl.load_workbook(saved, data_only=True)["学习成果"]
    assert [ws[f"{c}4"].value for c in "EHI"] == ["XH0001", "微信使用", 8]  # what Excel/WPS show after saving
    assert ws["E6"].value in (None, "")  # a blank row stays blank
    code, doc, _ = run("outcomes", "check", str(saved), "--catalog", str(catalog))
    assert doc["files"][0]["records"] == 2
    assert [f for f in doc["findings"] if f["severity"] == "error"] == [], doc["findings"]
