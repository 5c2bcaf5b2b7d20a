"""Ledgers as schools keep them: one workbook or a folder of files (xlsx and CSV), sign-in as a grid, as long
rows or as one sheet per session, parts recognised by name or by header; and the command line around them
(validate, annotate, exit statuses, the readiness table)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from ledger_builder import (
    DATES,
    P1,
    P3,
    TODAY,
    build_catalog,
    clean_parts,
    learner,
    write_folder,
    write_workbook,
)
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.documents.ledger.check import LedgerOptions, run_ledger_check
from zjcredit.report.render import to_json
from zjcredit.templates import write_template

runner = CliRunner()


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return build_catalog(tmp_path / "目录.xlsx")


def check(paths: list[Path], catalog: Path | None) -> dict[str, Any]:
    result = run_ledger_check([str(p) for p in paths], [catalog] if catalog else [], LedgerOptions(today=TODAY))
    return json.loads(to_json(result.report, "zh"))


def found(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(f["rule"], Path(f["path"]).name, f["sheet"], f["cell"]) for f in doc["findings"]]


def long_signin(people: list[tuple[str, str, str]], dates: tuple[str, ...] = DATES) -> list[list[Any]]:
    rows: list[list[Any]] = [["日期", "课次", "姓名", "身份证号", "签到"]]
    for j, d in enumerate(dates, start=1):
        rows += [[d, f"第{j}次", name, number, "到"] for name, number, _ in people]
    return rows


def test_the_template_filled_in_is_clean(tmp_path, catalog):
    path = write_template("ledger", tmp_path / "t.xlsx", force=False)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets[:5]:
        ws["C3"] = P1
    people = [learner(k) for k in range(5)]
    for k, (name, number, phone) in enumerate(people):
        for sheet, row in (("学员信息表", 6), ("签到表", 7), ("学习成果评价表", 6)):
            wb[sheet].cell(row=row + k, column=2, value=name)
            wb[sheet].cell(row=row + k, column=3, value=number)
        wb["学员信息表"].cell(row=6 + k, column=4, value=phone)
        wb["学习成果评价表"].cell(row=6 + k, column=5, value="良好")
        for j in range(4):
            wb["签到表"].cell(row=7 + k, column=4 + j, value="√")
    for j, d in enumerate(DATES):
        wb["签到表"].cell(row=6, column=4 + j, value=d)
        for c, v in enumerate([d, "成校", "课", 5, "王"], start=2):
            wb["开展情况记录"].cell(row=6 + j, column=c, value=v)
    for k, (name, hours) in enumerate((("理论", 8), ("实操", 16))):
        wb["项目课程设计表"].cell(row=6 + k, column=2, value=name)
        wb["项目课程设计表"].cell(row=6 + k, column=3, value=hours)
    wb.save(path)
    doc = check([path], catalog)
    assert doc["findings"] == []
    assert doc["ledgers"][0]["sessions"] == 4 and doc["ledgers"][0]["learners"] == 5


def test_signin_as_long_rows(tmp_path, catalog):
    parts = clean_parts()
    people = [learner(k) for k in range(5)]
    rows = long_signin(people)
    rows[3][4] = "缺"  # 学员2 absent on 3月5日
    parts["签到表"] = rows
    parts["开展情况记录"][1][4] = 4
    assert check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)["findings"] == []


def test_signin_one_sheet_per_session(tmp_path, catalog):
    parts = clean_parts()
    del parts["签到表"]
    people = [learner(k) for k in range(5)]
    titles = {}
    for j, d in enumerate(DATES, start=1):
        parts[f"签到表（{j}）"] = [["序号", "姓名", "身份证号", "签名"]] + [[k + 1, n, i, n] for k, (n, i, _) in enumerate(people)]
        titles[f"签到表（{j}）"] = ["电工实操 签到表", f"日期：{d}", f"项目编码：{P1}"]
    path = write_workbook(tmp_path / "台账.xlsx", parts, titles=titles)
    doc = check([path], catalog)
    assert doc["findings"] == []
    assert doc["ledgers"][0]["sessions"] == 4


def test_a_session_sheet_without_a_date(tmp_path, catalog):
    parts = clean_parts(dates=DATES[:1])
    people = [learner(k) for k in range(5)]
    parts["签到表-0312"] = [["序号", "姓名", "身份证号", "签名"]] + [[k + 1, n, i, n] for k, (n, i, _) in enumerate(people)]
    parts["签到表（补）"] = [["序号", "姓名", "身份证号", "签名"]] + [[k + 1, n, i, n] for k, (n, i, _) in enumerate(people)]
    parts["开展情况记录"].append([2, "3月12日", "成校", "课", 5, "王"])
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert found(doc) == [("ledger-date-invalid", "台账.xlsx", "签到表（补）", "A1")]  # 0312 in the name is the 12th of March


def test_parts_by_other_names_and_by_headers(tmp_path, catalog):
    parts = clean_parts()
    renamed = {"学员信息表": "学员花名册", "签到表": "考勤表", "项目课程设计表": "Sheet3", "开展情况记录": "培训记录", "学习成果评价表": "Sheet5"}
    parts = {renamed[k]: v for k, v in parts.items()}
    parts["考勤表"][0][3:] = [f"{d}（周二）" for d in DATES]
    parts["Sheet5"][0] = ["编号", "学员姓名", "公民身份号码", "考核考察方式", "考核成绩", "考核日期"]
    parts["Sheet3"][0] = ["序号", "课程", "课时", "任课教师", "上课日期"]
    assert check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)["findings"] == []


def test_a_grid_under_a_merged_group_header(tmp_path, catalog):
    parts = clean_parts()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in parts.items():
        ws = wb.create_sheet(name)
        ws.append([f"项目编码：{P1}"])
        if name != "签到表":
            for row in rows:
                ws.append(row)
            continue
        ws.append(["序号", "姓名", "身份证号", "签到情况", None, None, None])
        ws.append([None, None, None, *DATES])
        for c in "ABC":
            ws.merge_cells(f"{c}2:{c}3")
        ws.merge_cells("D2:G2")
        for row in rows[1:]:
            ws.append(row)
    wb.save(tmp_path / "台账.xlsx")
    assert check([tmp_path / "台账.xlsx"], catalog)["findings"] == []


def test_a_folder_ledger_with_csv_parts_named_by_its_folder(tmp_path, catalog):
    parts = clean_parts()
    parts["签到表"] = long_signin([learner(k) for k in range(5)])
    folder = write_folder(tmp_path / "台账" / f"{P1} 电工实操", parts, code=None, csv_parts=("签到表", "学员信息表"))
    doc = check([tmp_path / "台账"], catalog)
    assert doc["findings"] == []
    (entry,) = doc["ledgers"]
    assert entry["layout"] == "folder" and entry["path"] == str(folder) and entry["project_code"] == P1
    assert sorted(Path(f).name for f in entry["files"]) == sorted(["学员信息表.csv", "签到表.csv", "项目课程设计表.xlsx", "开展情况记录.xlsx", "学习成果评价表.xlsx"])


def test_findings_on_a_folder_ledger_name_the_part_file(tmp_path, catalog):
    parts = clean_parts()
    parts["学员信息表"][2][2] = "33010619600101123"  # 17 characters
    del parts["学习成果评价表"]
    folder = write_folder(tmp_path / P1, parts, csv_parts=("学员信息表",))
    doc = check([folder], catalog)
    # The mistyped ID also leaves the learner's sign-in row without a roster entry.
    assert found(doc) == [
        ("ledger-part-missing", P1, None, None), ("id-length", "学员信息表.csv", None, "C4"), ("ledger-not-on-roster", "签到表.xlsx", "Sheet", "C4"),
    ]
    assert doc["files"][0] == {"path": str(folder), "kind": "ledger", "records": 0, "errors": 1, "warnings": 0, "infos": 0}
    assert [Path(f["path"]).name for f in doc["files"][1:]] == ["学员信息表.csv", "开展情况记录.xlsx", "签到表.xlsx", "项目课程设计表.xlsx"]


def test_session_files_in_a_signin_subfolder(tmp_path, catalog):
    parts = clean_parts()
    del parts["签到表"]
    folder = write_folder(tmp_path / P1, parts)
    (folder / "签到表").mkdir()
    people = [learner(k) for k in range(5)]
    for d, name in zip(DATES, ("0305", "0312", "0319", "0326")):
        wb = openpyxl.Workbook()
        wb.active.append([f"日期：2019年{d}"])
        wb.active.append(["序号", "姓名", "身份证号", "签名"])
        for k, (n, i, _) in enumerate(people):
            wb.active.append([k + 1, n, i, n])
        wb.save(folder / "签到表" / f"{name}.xlsx")
    doc = check([folder], catalog)
    assert doc["findings"] == []
    assert doc["ledgers"][0]["sessions"] == 4 and len(doc["ledgers"][0]["files"]) == 8


def test_three_layouts_in_one_run(tmp_path, catalog):
    root = tmp_path / "台账"
    write_workbook(root / "西湖成校" / "a.xlsx", clean_parts(), code=P1)
    parts = clean_parts(n=3, first=30)
    parts["项目课程设计表"] = [["序号", "课程名称", "学时"], [1, "研学", 8]]
    parts["签到表"] = long_signin([learner(30 + k) for k in range(3)])
    write_folder(root / "转塘成校" / P3, parts, code=None, csv_parts=("签到表",))
    doc = check([root], catalog)
    assert doc["findings"] == []
    assert [(e["project_code"], e["layout"]) for e in doc["ledgers"]] == [(P1, "workbook"), (P3, "folder")]


# The command line ------------------------------------------------------------------------------------------


def test_cli_exit_statuses_table_and_untouched_inputs(tmp_path, catalog):
    clean = write_workbook(tmp_path / "clean.xlsx", clean_parts())
    before = clean.read_bytes(), os.stat(clean).st_mtime_ns
    ok = runner.invoke(app, ["ledger", "check", str(clean), "--catalog", str(catalog), "--format", "table"])
    assert ok.exit_code == 0, ok.output
    assert "台账完备情况" in ok.output and "5/5" in ok.output
    english = runner.invoke(app, ["ledger", "check", str(clean), "--catalog", str(catalog), "--format", "table", "--lang", "en"])
    assert "Ledger readiness" in english.output
    parts = clean_parts()
    del parts["开展情况记录"]
    broken = write_workbook(tmp_path / "broken.xlsx", parts, code=P3)
    bad = runner.invoke(app, ["ledger", "check", str(broken), "--catalog", str(catalog), "--format", "json"])
    assert bad.exit_code == 1
    warn = runner.invoke(app, ["ledger", "check", str(clean), "--catalog", str(catalog), "--fail-on", "warning", "--min-attendance", "1.5"])
    assert warn.exit_code == 2  # out of range: a usage error
    (tmp_path / "坏.xlsx").write_bytes(b"\x00garbage")
    worse = runner.invoke(app, ["ledger", "check", str(tmp_path / "坏.xlsx"), str(clean), "--catalog", str(catalog), "--format", "json"])
    assert worse.exit_code == 2 and "Traceback" not in worse.output
    missing = runner.invoke(app, ["ledger", "check", str(clean), "--catalog", str(tmp_path / "无.xlsx")])
    assert missing.exit_code == 2
    assert (clean.read_bytes(), os.stat(clean).st_mtime_ns) == before


def test_validate_detects_ledgers_and_checks_a_folder_part_by_part(tmp_path):
    workbook = write_workbook(tmp_path / "wb" / "台账.xlsx", clean_parts())
    parts = clean_parts()
    parts["签到表"][1][2] = "123"
    del parts["学习成果评价表"]
    folder = write_folder(tmp_path / "folder" / P1, parts)
    result = runner.invoke(app, ["validate", str(tmp_path / "wb"), str(tmp_path / "folder"), "--format", "json"])
    doc = json.loads(result.stdout)
    assert {f["kind"] for f in doc["files"]} == {"ledger"}
    assert doc["files"][0]["path"] == str(workbook)
    assert sorted(found(doc)) == sorted([("ledger-not-on-roster", "签到表.xlsx", "Sheet", "C3"), ("ledger-part-missing", P1, None, None)])
    # The folder's own finding goes with its first file; each finding once.
    first = min(p.name for p in folder.iterdir())
    owner = next(f for f in doc["files"] if f["errors"] and Path(f["path"]).name == first)
    assert owner


def test_annotated_copies_of_workbook_and_folder_ledgers(tmp_path, catalog):
    parts = clean_parts()
    parts["学员信息表"][1][3] = "12345"
    workbook = write_workbook(tmp_path / "in" / "台账.xlsx", parts)
    parts = clean_parts(first=40)
    parts["学员信息表"][1][3] = "12345"
    write_folder(tmp_path / "in" / "330106-2019H1-002", parts, code="330106-2019H1-002")
    out = tmp_path / "已标注"
    result = runner.invoke(app, ["ledger", "check", str(tmp_path / "in"), "--catalog", str(catalog), "--annotate", str(out), "--format", "json"])
    assert result.exit_code == 1, result.output
    names = sorted(p.name for p in out.iterdir())
    assert "台账.checked.xlsx" in names and "学员信息表.checked.xlsx" in names
    marked = openpyxl.load_workbook(out / "台账.checked.xlsx")["学员信息表"]["D3"]
    assert marked.comment is not None and "phone-invalid" in marked.comment.text
    assert workbook.exists()


def test_examples_match_expected_json(tmp_path, monkeypatch):
    """examples/ledgers/expected.json is exactly what the README's command prints, and finds the planted
    mistakes only in the ledgers that have them."""
    examples = Path(__file__).resolve().parents[1] / "examples" / "ledgers"
    work = tmp_path / "ledgers"
    shutil.copytree(examples, work)
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["ledger", "check", "台账", "--catalog", "目录_2019H1.xlsx", "--outcomes", "成果_2019H1.xlsx", "--format", "json"])
    assert result.exit_code == 1
    live = json.loads(result.stdout)
    expected = json.loads((examples / "expected.json").read_text(encoding="utf-8"))
    live.pop("zjcredit")
    expected.pop("zjcredit")
    assert live == expected
    rules_by_ledger: dict[str, set[str]] = {}
    for f in expected["findings"]:
        rules_by_ledger.setdefault(Path(f["path"]).parts[1] if f["path"].startswith("台账") else f["path"], set()).add(f["rule"])
    assert not any(k.startswith(("330106-2019H1-003",)) for k in rules_by_ledger)
    assert {"id-checksum", "id-excel-number", "ledger-not-on-roster", "ledger-date-outside-period", "ledger-attendance-mismatch", "ledger-record-missing",
            "ledger-hours-mismatch", "ledger-course-mismatch", "ledger-low-attendance"} <= rules_by_ledger["330106-2019H1-004 家政服务员（育婴）培训_有错.xlsx"]
    assert {"ledger-missing", "ledger-result-mismatch", "ledger-outcome-not-on-roster"} <= rules_by_ledger["成果_2019H1.xlsx"]

