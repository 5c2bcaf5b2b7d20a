"""`zjcredit summary build`: declarations → Annex 1 summary with a 统计 sheet."""

from __future__ import annotations

import json
import re
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.domain.schema import header_key
from zjcredit.report.output import set_text

runner = CliRunner()

SANDUN = ("杭州市西湖区三墩镇成人文化技术学校", "XH0001", "杭州市西湖区三墩镇振华路208号")
ZHUANTANG = ("杭州市西湖区转塘街道成人文化技术学校", "XH0002", "杭州市西湖区转塘街道美院南路1号")
LIUXIA = ("杭州市西湖区留下街道成人文化技术学校", "XH0003", "杭州市西湖区留下街道屏基山路3号")
FUYANG = ("杭州市富阳区银湖街道成人文化技术学校", "FY0001", "杭州市富阳区银湖街道1号")


def project(name: str, **kw: Any) -> dict[str, Any]:
    return {"name": name, **kw}


def write_declaration(path: Path, org: tuple[str, str, str], projects: list[dict[str, Any]], *, phone: str = "13812345678", filler: str = "王芳") -> Path:
    """A small Annex 2 form laid out label | value, as many locally designed forms are."""
    name, code, address = org
    rows: list[list[Any]] = [
        ["浙江省成人学校社会培训项目申报表"],
        ["申报单位", name, "机构代码", code],
        ["地址", address],
        ["填报人", filler, "联系电话", phone],
    ]
    for n, p in enumerate(projects, start=1):
        hours = p.get("hours", 16)
        rows += [
            [f"培训项目{n}：名称", p["name"]],
            ["项目类别", p.get("category", "老年教育培训"), "培训规模", p.get("scale", 30)],
            ["培训对象", p.get("targets", "老年群体"), "培训形式", "线下面授"],
            ["培训时数", hours, "学时数", hours],
            ["成果形式", "结业证书", "师资安排", "本校教师2名"],
            ["考核方式", "实操考核"],
            ["培训项目介绍", "面向社区居民的培训。"],
        ]
        if p.get("courses"):
            rows.append(["课程名称", "学时", "授课教师"])
            rows += [list(c) for c in p["courses"]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            set_text(ws.cell(row=r, column=c), value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def run(*args: str) -> tuple[int, dict[str, Any] | None, str]:
    """Run the CLI with JSON output; every message must be fully rendered (no {placeholder} left)."""
    result = runner.invoke(app, [*args, "--format", "json"])
    assert "Traceback" not in result.output
    doc = json.loads(result.stdout) if result.stdout.strip().startswith("{") else None
    for f in (doc or {}).get("findings", []):
        assert not re.search(r"\{[a-z_]+\}", f["message"]), f
    return result.exit_code, doc, result.output


def rules(doc: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return sorted((Path(f["path"]).name, f["cell"], f["rule"]) for f in doc["findings"])


def sheet_rows(path: Path, sheet: int | str = 0) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[sheet] if isinstance(sheet, int) else wb[sheet]
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


@pytest.fixture
def county(tmp_path: Path) -> Path:
    d = tmp_path / "decl"
    write_declaration(d / "a.xlsx", SANDUN, [project("智能手机应用", scale=60, courses=[("微信使用", 8, "李明"), ("网上挂号", 8, "李明")]), project("茶艺", category="文化休闲生活技能培训", targets="企业职工、企退人员", hours=24)])
    write_declaration(d / "b.xlsx", ZHUANTANG, [project("电商直播", category="电商营销培训", targets="农村劳动力", scale="50人", hours=32)], phone="0571-87651234")
    return d


def test_summary_rows_header_lines_and_types(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    code, doc, _ = run("summary", "build", str(county), "-o", str(out), "--filler", "陈静", "--date", "2019-05-20")
    assert code == 0, doc
    assert doc["output"] == str(out) and doc["projects"] == 3 and doc["excluded"] == []
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert ws.title == "申报汇总表"
    assert (ws["A1"].value, ws["A2"].value) == ("附件1", "浙江省成人学校社会培训项目申报汇总表")
    assert (ws["A3"].value, ws["C3"].value) == ("所在区域：", "杭州市 西湖区")  # reads as one says it
    assert (ws["A4"].value, ws["C4"].value) == ("填报人：", "陈静")
    assert ws["C5"].value.date().isoformat() == "2019-05-20"
    header = [header_key(c.value) for c in ws[7]]
    assert header == ["序号", "项目名称", "项目类别", "培训规模", "培训对象", "培训形式", "培训时数", "学时数", "申报单位", "机构代码", "联系人（电话）"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=8)]
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[0][:4] == [1, "智能手机应用", "老年教育培训", 60]
    assert rows[2][1:4] == ["电商直播", "电商营销培训", 50]  # “50人” written as the number 50
    assert rows[2][9:] == ["XH0002", "王芳 0571-87651234"]
    assert ws["D8"].data_type == "n" and ws["J8"].data_type == "s" and ws["J8"].number_format == "@"
    assert ws.max_row == 10  # the template's blank rows are gone

    # It reads back as a clean Annex 1 (auto-detected and forced).
    for kind in ("auto", "annex1"):
        code, doc, _ = run("validate", str(out), "--kind", kind)
        assert doc["files"][0]["kind"] == "annex1" and doc["files"][0]["records"] == 3
        assert [f for f in doc["findings"] if f["severity"] == "error"] == []
        assert code == 0


def test_statistics_sheet_and_chart(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    assert run("summary", "build", str(county), "-o", str(out), "--filler", "陈静")[0] == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["申报汇总表", "统计"]
    ws = wb["统计"]
    rows = [tuple(c.value for c in row[:4]) for row in ws.iter_rows()]
    by_category = rows[rows.index(("项目类别", "项目数", "培训规模（人）", "学时数")) + 1 :][:4]
    # Categories in the notice's order, then a total.
    assert by_category == [
        ("文化休闲生活技能培训", 1, 30, 24),
        ("电商营销培训", 1, 50, 32),
        ("老年教育培训", 1, 60, 16),
        ("合计", 3, 140, 72),
    ]
    targets = rows[rows.index(("培训对象", "项目数", "培训规模（人）", "学时数")) + 1 :][:4]
    assert ("企业职工", 1, 30, 24) in targets and ("企退人员", 1, 30, 24) in targets
    counties = rows[rows.index(("所在县（市、区）", "项目数", "培训规模（人）", "学时数")) + 1 :][:2]
    assert counties == [("西湖区", 3, 140, 72), ("合计", 3, 140, 72)]
    charts = ws._charts
    assert len(charts) == 1 and type(charts[0]).__name__ == "BarChart"


def test_statistics_count_each_target_group_once_as_the_rules_read_them() -> None:
    """Targets are split as target-unknown splits them (separators or spaces, a closing 等 dropped); sums
    keep two decimals at most and are ints when whole."""
    from types import SimpleNamespace

    from zjcredit.documents.summary.rows import Row
    from zjcredit.documents.summary.workbook import statistics

    def row(targets: str | None, scale: Any, hours: Any) -> Row:
        item = SimpleNamespace(decl=SimpleNamespace(place=SimpleNamespace(county="西湖区")))
        values = {"项目类别": "老年教育培训", "培训对象": targets, "培训规模": scale, "学时数": hours}
        return Row(values, item, None)  # type: ignore[arg-type]

    tables = statistics([row("企业职工、外来务工人员等", 30, 0.1), row("企业职工 老年群体", "很多", 0.2), row(None, 10, 1)])
    by_category, by_target, by_county = (t[2] for t in tables)
    assert by_category == [("老年教育培训", 3, 40, 1.3)]
    assert by_target == [("企业职工", 2, 30, 0.3), ("老年群体", 1, 0, 0.2), ("外来务工人员", 1, 30, 0.1), ("（未填）", 1, 10, 1)]
    assert by_county == [("西湖区", 3, 40, 1.3)]


def test_declaration_with_errors_left_out_then_kept_on_request(county: Path, tmp_path: Path) -> None:
    write_declaration(county / "c.xlsx", LIUXIA, [project("社区书法", category="老年人培训")])
    out = tmp_path / "summary.xlsx"
    code, doc, _ = run("summary", "build", str(county), "-o", str(out), "--filler", "陈静")
    assert code == 1
    assert doc["projects"] == 3
    assert [(Path(e["path"]).name, e["org_code"], e["rules"]) for e in doc["excluded"]] == [("c.xlsx", "XH0003", ["category-unknown"])]
    assert ("c.xlsx", "B2", "declaration-excluded") in rules(doc)
    assert ("c.xlsx", "B6", "category-unknown") in rules(doc)
    assert "社区书法" not in [r[1] for r in sheet_rows(out)]

    out2 = tmp_path / "summary-all.xlsx"
    code, doc, _ = run("summary", "build", str(county), "-o", str(out2), "--filler", "陈静", "--include-invalid")
    assert code == 1 and doc["projects"] == 4 and doc["excluded"] == []
    assert ("c.xlsx", "B2", "declaration-included-with-errors") in rules(doc)
    ws = openpyxl.load_workbook(out2).worksheets[0]
    assert ws["L7"].value == "备注"
    assert ws["B11"].value == "社区书法"
    assert "项目类别不在 18 类中" in ws["L11"].value
    assert ws["B11"].fill.fgColor.rgb.endswith("FFC7CE") and ws["L8"].value is None
    # Marked rows still read back; only the kept declaration's own error remains.
    _, doc, _ = run("validate", str(out2), "--kind", "annex1")
    assert [(f["cell"], f["rule"]) for f in doc["findings"] if f["severity"] == "error"] == [("C11", "category-unknown")]


def test_nothing_valid_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    write_declaration(tmp_path / "d" / "c.xlsx", LIUXIA, [project("社区书法", category="老年人培训")])
    out = tmp_path / "summary.xlsx"
    code, doc, _ = run("summary", "build", str(tmp_path / "d"), "-o", str(out))
    assert code == 2 and doc["output"] is None and not out.exists()
    assert ("c.xlsx", "B2", "declaration-excluded") in rules(doc)


def test_org_code_conflict_both_ways(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write_declaration(d / "a.xlsx", SANDUN, [project("智能手机应用")])
    write_declaration(d / "b.xlsx", (SANDUN[0], "XH0009", SANDUN[2]), [project("茶艺")])  # same school, other code
    write_declaration(d / "c.xlsx", (LIUXIA[0], "XH0002", LIUXIA[2]), [project("书法")])
    write_declaration(d / "e.xlsx", ZHUANTANG, [project("电商直播")])  # XH0002 again, other school
    out = tmp_path / "s.xlsx"
    code, doc, _ = run("summary", "build", str(d), "-o", str(out))
    assert code == 2 and not out.exists()
    conflicts = [(Path(f["path"]).name, f["cell"], f["field"]) for f in doc["findings"] if f["rule"] == "org-code-conflict"]
    assert sorted(conflicts) == [("a.xlsx", "D2", "机构代码"), ("b.xlsx", "D2", "机构代码"), ("c.xlsx", "B2", "申报单位"), ("e.xlsx", "B2", "申报单位")]
    message = next(f["message"] for f in doc["findings"] if f["rule"] == "org-code-conflict" and f["path"].endswith("a.xlsx"))
    assert "XH0009" in message and "b.xlsx" in message
    assert sorted(Path(e["path"]).name for e in doc["excluded"]) == ["a.xlsx", "b.xlsx", "c.xlsx", "e.xlsx"]


def test_a_second_file_of_one_school_with_a_project_in_common_replaces_the_first(tmp_path: Path) -> None:
    """Issue 13: two files of one institution sharing a project are a resubmission: the newer file is
    used, the other is named (declaration-replaced) — no longer a project declared twice, kept from the
    older file."""
    d = tmp_path / "d"
    write_declaration(d / "a.xlsx", SANDUN, [project("智能手机应用", scale=40)])
    write_declaration(d / "b.xlsx", SANDUN, [project("智能 手机应用", scale=45), project("茶艺")])
    os.utime(d / "a.xlsx", (1_700_000_000, 1_700_000_000))
    out = tmp_path / "s.xlsx"
    code, doc, _ = run("summary", "build", str(d), "-o", str(out), "--filler", "陈静")
    assert code == 0
    assert not [f for f in doc["findings"] if f["rule"] == "project-declared-twice"]
    replaced = [f for f in doc["findings"] if f["rule"] == "declaration-replaced"]
    assert [Path(f["path"]).name for f in replaced] == ["a.xlsx"]
    assert "b.xlsx" in replaced[0]["message"] and "修改时间" in replaced[0]["message"]
    names = [r[1] for r in sheet_rows(out)[7:]]
    assert names == ["智能 手机应用", "茶艺"]


def test_refuses_to_overwrite_and_never_writes_over_an_input(county: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    out.write_bytes(b"keep me")
    code, _, output = run("summary", "build", str(county), "-o", str(out))
    assert code == 2 and "--force" in output and out.read_bytes() == b"keep me"
    code, _, _ = run("summary", "build", str(county), "-o", str(out), "--force", "--filler", "x")
    assert code == 0 and out.read_bytes() != b"keep me"
    target = county / "a.xlsx"
    before = target.read_bytes()
    code, _, output = run("summary", "build", str(county), "-o", str(target), "--force")
    assert code == 2 and "输入文件" in output and target.read_bytes() == before


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    from zjcredit.io.readers import read_grid

    d = tmp_path / "d"
    write_declaration(d / "a.xlsx", SANDUN, [project("=HYPERLINK(\"http://x\",\"点我\")"), project("+1 技能班")])
    out = tmp_path / "s.xlsx"
    assert run("summary", "build", str(d), "-o", str(out), "--filler", "=cmd|' /C calc'!A0")[0] == 0
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws["B8"].data_type == "s" and ws["B8"].value.startswith("=HYPERLINK")
    assert ws["C4"].data_type == "s"
    grid = read_grid(out, "s.xlsx")  # what Excel/WPS would show: the text, not a formula's result
    assert grid.sheets[0].value(7, 1) == '=HYPERLINK("http://x","点我")'
    assert grid.sheets[0].value(8, 1) == "+1 技能班"


def test_region_option_and_mixed_counties(tmp_path: Path) -> None:
    d = tmp_path / "d"
    write_declaration(d / "a.xlsx", SANDUN, [project("智能手机应用")])
    write_declaration(d / "f.xlsx", FUYANG, [project("茶艺")])
    out = tmp_path / "s.xlsx"
    code, doc, _ = run("summary", "build", str(d), "-o", str(out), "--filler", "陈静")
    assert code == 0
    assert [(f["path"], f["rule"]) for f in doc["findings"]] == [(str(out), "region-undetermined")]
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws["C3"].value == "杭州市"
    code, doc, _ = run("summary", "build", str(d), "-o", str(out), "--filler", "陈静", "--force", "--region", "杭州市西湖区")
    assert code == 0 and doc["findings"] == []
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws["C3"].value == "杭州市 西湖区"
    code, _, output = run("summary", "build", str(d), "-o", str(out), "--force", "--region", "火星")
    assert code == 2 and "--region" in output
    code, _, output = run("summary", "build", str(d), "-o", str(out), "--force", "--date", "2019-13-45")
    assert code == 2 and "--date" in output


def test_other_kinds_of_input_are_skipped(county: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.xlsx"
    assert run("summary", "build", str(county), "-o", str(summary), "--filler", "陈静")[0] == 0
    out = tmp_path / "again.xlsx"
    code, doc, _ = run("summary", "build", str(county), str(summary), "-o", str(out), "--filler", "陈静")
    assert code == 1 and doc["projects"] == 3
    assert ("summary.xlsx", None, "input-skipped") in rules(doc)
    (tmp_path / "empty").mkdir()
    code, _, output = run("summary", "build", str(tmp_path / "empty"), "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "没有找到" in output


def test_english_messages(county: Path, tmp_path: Path) -> None:
    write_declaration(county / "c.xlsx", LIUXIA, [project("社区书法", category="老年人培训")])
    code, doc, _ = run("summary", "build", str(county), "-o", str(tmp_path / "s.xlsx"), "--lang", "en")
    assert code == 1
    excluded = next(f for f in doc["findings"] if f["rule"] == "declaration-excluded")
    assert excluded["message"].startswith("The declaration (杭州市西湖区留下街道成人文化技术学校) has 1 error(s)")


def test_a_file_that_cannot_be_read_exits_2_though_the_others_are_merged(county: Path, tmp_path: Path) -> None:
    """The contract's 2: an input could not be read at all. The summary of the others is still written,
    and so is the catalog built from them."""
    (county / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    out = tmp_path / "summary.xlsx"
    code, doc, _ = run("summary", "build", str(county), "-o", str(out), "--filler", "陈静")
    assert code == 2 and out.exists() and doc["projects"] == 3 and doc["output"] == str(out)
    assert ("坏文件.xlsx", None, "unreadable") in rules(doc)
    catalog = tmp_path / "目录.xlsx"
    code, doc, _ = run("catalog", "build", str(county), "--period", "2019H1", "-o", str(catalog))
    assert code == 2 and catalog.exists() and doc["projects"] == 3
    assert ("坏文件.xlsx", None, "unreadable") in rules(doc)
