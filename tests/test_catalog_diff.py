"""`zjcredit catalog diff OLD NEW`: two versions of one period's catalog compared."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from test_catalog import SHUANGPU, write_review
from test_summary import SANDUN, ZHUANTANG, project, run, write_declaration
from typer.testing import CliRunner

from zjcredit.cli import app

runner = CliRunner()


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    """v1; then v2 of the same period: 电商直播 withdrawn in review (作废), 茶艺's 培训规模 changed, a course
    added to 智能手机应用 (补充课程) and a new school's project (新增)."""
    d = tmp_path / "decl"
    write_declaration(d / "a.xlsx", SANDUN, [project("智能手机应用", courses=[("微信使用", 8, "李明"), ("网上挂号", 8, "李明")]), project("茶艺", category="文化休闲生活技能培训", hours=24)])
    write_declaration(d / "b.xlsx", ZHUANTANG, [project("电商直播", category="电商营销培训", hours=32)])
    v1 = tmp_path / "v1.xlsx"
    assert run("catalog", "build", str(d), "--period", "2019H1", "-o", str(v1), "--date", "2019-07-01")[0] == 0
    write_declaration(
        d / "a.xlsx",
        SANDUN,
        [project("智能手机应用", hours=20, courses=[("微信使用", 8, "李明"), ("网上挂号", 8, "李明"), ("手机支付", 4, "李明")]), project("茶艺", category="文化休闲生活技能培训", hours=24, scale=45)],
    )
    write_declaration(d / "c.xlsx", SHUANGPU, [project("茶园管理", category="农村实用技术培训")])
    review = write_review(tmp_path / "review.xlsx", [("XH0000", "茶园管理", "通过", ""), ("XH0002", "电商直播", "不通过", "停办")])
    v2 = tmp_path / "v2.xlsx"
    code, doc, _ = run("catalog", "build", str(d), "--period", "2019H1", "--previous", str(v1), "--review", str(review), "-o", str(v2), "--date", "2019-07-20")
    assert code == 0, doc
    return v1, v2


def diff(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["catalog", "diff", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def test_identical_catalogs_exit_0(versions: tuple[Path, Path]) -> None:
    v1, _ = versions
    code, out = diff(str(v1), str(v1), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["identical"] is True and doc["period"] == "2019H1"
    assert doc["summary"]["projects"] == {"added": 0, "removed": 0, "changed": 0, "kept": 3}


def test_differences_exit_1_with_every_change(versions: tuple[Path, Path]) -> None:
    v1, v2 = versions
    code, out = diff(str(v1), str(v2), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["command"] == "catalog diff" and doc["identical"] is False
    projects = {p["code"]: p for p in doc["projects"]}
    assert projects["330106-2019H1-003"] == {"code": "330106-2019H1-003", "name": "电商直播", "change": "removed", "voided": True}
    assert projects["330106-2019H1-004"]["change"] == "added" and projects["330106-2019H1-004"]["name"] == "茶园管理"
    assert projects["330106-2019H1-002"]["fields"] == [{"field": "培训规模", "old": 30, "new": 45}]
    assert projects["330106-2019H1-001"]["fields"] == [{"field": "培训时数", "old": 16, "new": 20}, {"field": "学时数", "old": 16, "new": 20}]
    courses = {c["code"]: c["change"] for c in doc["courses"]}
    assert courses["330106-2019H1-001-03"] == "added" and courses["330106-2019H1-003-01"] == "removed"
    assert courses["330106-2019H1-001-01"] == "kept"
    assert doc["summary"]["projects"] == {"added": 1, "removed": 1, "changed": 2, "kept": 0}


def test_csv_table_and_workbook(versions: tuple[Path, Path], tmp_path: Path) -> None:
    from zjcredit.report.layout import MIN_PRINTED_SIZE, smallest_printed_size

    v1, v2 = versions
    code, out = diff(str(v1), str(v2), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1 and list(rows[0]) == ["kind", "change", "code", "name", "field", "old", "new"]
    assert {"kind": "project", "change": "changed", "code": "330106-2019H1-002", "name": "茶艺", "field": "培训规模", "old": "30", "new": "45"} in rows
    code, out = diff(str(v1), str(v2), "--format", "table")
    assert code == 1 and "项目：新增 1，删除 1，修改 2，未变 0" in out and "（作废）" in out and "330106-2019H1-004" in out
    book = tmp_path / "变化.xlsx"
    code, _ = diff(str(v1), str(v2), "--format", "json", "-o", str(book))
    assert code == 1
    ws = openpyxl.load_workbook(book)["目录变化"]
    assert ws["A1"].value == "项目目录变化（2019H1）" and "新增 1，删除 1，修改 2" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["类别", "变化", "编码", "名称", "字段", "原值", "新值"]
    assert ("项目", "删除（作废）", "330106-2019H1-003") in {tuple(c.value for c in row[:3]) for row in ws.iter_rows(min_row=4)}
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert smallest_printed_size(ws) >= MIN_PRINTED_SIZE and ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    code, _ = diff(str(v1), str(v2), "-o", str(book))
    assert code == 2  # exists: --force


def test_usage_errors_exit_2(versions: tuple[Path, Path], tmp_path: Path) -> None:
    v1, _ = versions
    d = tmp_path / "q3"
    write_declaration(d / "a.xlsx", SANDUN, [project("插花")])
    q3 = tmp_path / "q3.xlsx"
    assert run("catalog", "build", str(d), "--period", "2019Q3", "-o", str(q3))[0] == 0
    result = runner.invoke(app, ["catalog", "diff", str(v1), str(q3)])
    assert result.exit_code == 2 and "2019H1" in result.output and "2019Q3" in result.output
    result = runner.invoke(app, ["catalog", "diff", str(v1), str(tmp_path / "missing.xlsx")])
    assert result.exit_code == 2 and "missing.xlsx" in result.output
    not_catalog = write_declaration(tmp_path / "decl.xlsx", SANDUN, [project("插花")])
    result = runner.invoke(app, ["catalog", "diff", str(v1), str(not_catalog)])
    assert result.exit_code == 2 and "不是项目目录" in result.output
    result = runner.invoke(app, ["catalog", "diff", str(v1), str(v1), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and ".xlsx" in result.output
