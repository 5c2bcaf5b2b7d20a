"""The rules of `zjcredit ledger check`, each on a tiny ledger built here (tests/ledger_builder.py) with one
thing spoilt, asserting the rule, the file, sheet and cell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ledger_builder import (
    P1,
    P2,
    P3,
    TODAY,
    build_catalog,
    clean_parts,
    learner,
    outcome_row,
    outcome_sheet,
    write_folder,
    write_workbook,
)

from zjcredit.documents.ledger.check import LedgerOptions, check_ledgers
from zjcredit.documents.ledger.screens import LedgerScreenOptions
from zjcredit.report.render import to_json


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    return build_catalog(tmp_path / "目录.xlsx")


def check(paths: list[Path], catalog: Path | None, **options: Any) -> dict[str, Any]:
    report = check_ledgers([str(p) for p in paths], [catalog] if catalog else [], LedgerOptions(today=TODAY, **options))
    return json.loads(to_json(report, "zh"))


def found(doc: dict[str, Any], rule: str | None = None) -> list[tuple[Any, ...]]:
    """(rule, file name, sheet, cell) of the findings, of ``rule`` only when given."""
    return [(f["rule"], Path(f["path"]).name, f["sheet"], f["cell"]) for f in doc["findings"] if rule is None or f["rule"] == rule]


def messages(doc: dict[str, Any], rule: str) -> list[str]:
    return [f["message"] for f in doc["findings"] if f["rule"] == rule]


def test_a_clean_ledger_has_no_finding(tmp_path, catalog):
    path = write_workbook(tmp_path / "台账.xlsx", clean_parts())
    doc = check([path], catalog)
    assert doc["findings"] == []
    assert doc["files"] == [{"path": str(path), "kind": "ledger", "records": 5 + 5 + 2 + 4 + 5, "errors": 0, "warnings": 0, "infos": 0}]
    (entry,) = doc["ledgers"]
    assert entry == {
        "project_code": P1, "project_name": "电工实操", "org_code": "ORG001", "institution": "西湖成校", "path": str(path),
        "layout": "workbook", "files": [str(path)], "parts_present": 5, "parts_missing": [], "learners": 5, "sessions": 4,
        "attendance": 1.0, "outcomes": None, "errors": 0, "warnings": 0, "complete": True,
    }


# Completeness and the project -------------------------------------------------------------------------


def test_missing_and_empty_parts_are_named(tmp_path, catalog):
    parts = clean_parts()
    del parts["开展情况记录"]
    parts["学习成果评价表"] = parts["学习成果评价表"][:1]
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert found(doc, "ledger-part-missing") == [("ledger-part-missing", "台账.xlsx", None, None)]
    assert "开展情况记录" in messages(doc, "ledger-part-missing")[0]
    assert found(doc, "ledger-part-empty") == [("ledger-part-empty", "台账.xlsx", "学习成果评价表", None)]
    assert doc["ledgers"][0]["parts_present"] == 3 and doc["ledgers"][0]["parts_missing"] == ["开展情况记录", "学习成果评价表"]


def test_code_from_the_name_else_missing(tmp_path, catalog):
    named = write_workbook(tmp_path / f"{P1} 电工实操台账.xlsx", clean_parts(), code=None)
    assert check([named], catalog)["findings"] == []
    unnamed = write_workbook(tmp_path / "台账.xlsx", clean_parts(), code=None)
    assert found(check([unnamed], catalog)) == [("ledger-code-missing", "台账.xlsx", None, None)]


def test_code_conflict_between_title_and_name(tmp_path, catalog):
    path = write_workbook(tmp_path / f"{P2}.xlsx", clean_parts())
    doc = check([path], catalog)
    assert found(doc, "ledger-code-conflict") == [("ledger-code-conflict", path.name, "学员信息表", "A1")]
    assert doc["ledgers"][0]["project_code"] == P1  # the title block wins


def test_project_not_in_the_catalog_and_institution(tmp_path, catalog):
    unknown = write_workbook(tmp_path / "a.xlsx", clean_parts(), code="330106-2019H1-099")
    assert found(check([unknown], catalog), "ledger-project-unknown") == [("ledger-project-unknown", "a.xlsx", "学员信息表", "A1")]
    titles = {"学员信息表": [f"项目编码：{P1}", "机构代码：ORG002"]}
    other_org = write_workbook(tmp_path / "b.xlsx", clean_parts(), titles=titles)
    doc = check([other_org], catalog)
    assert found(doc, "ledger-org-mismatch") == [("ledger-org-mismatch", "b.xlsx", "学员信息表", "B1")]
    # Without a catalog (validate) neither is judged.
    assert found(check([unknown], None)) == []


# The roster ---------------------------------------------------------------------------------------------


def test_roster_ids_phones_and_blanks(tmp_path, catalog):
    parts = clean_parts()
    roster = parts["学员信息表"]
    roster[1][2] = roster[1][2][:-1] + ("0" if roster[1][2][-1] != "0" else "1")  # check character
    roster[2][2] = 330106196001011234.0  # Excel turned it into a number
    roster[3][3] = "1381234567"  # one digit short
    roster[4][1] = None
    roster.append([6, "学员2", learner(2)[1], learner(2)[2]])  # the same learner again
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert ("id-checksum", "台账.xlsx", "学员信息表", "C3") in found(doc)
    assert ("id-excel-number", "台账.xlsx", "学员信息表", "C4") in found(doc)
    assert ("phone-invalid", "台账.xlsx", "学员信息表", "D5") in found(doc)
    assert ("required", "台账.xlsx", "学员信息表", "B6") in found(doc)
    assert found(doc, "ledger-id-duplicate") == [("ledger-id-duplicate", "台账.xlsx", "学员信息表", "C8")]


def test_people_not_on_the_roster(tmp_path, catalog):
    parts = clean_parts()
    stranger = learner(99)
    parts["签到表"].append([6, stranger[0], stranger[1], "√", "√", "√", "√"])
    parts["学习成果评价表"].append([6, "无名氏", None, "实操", "合格", "2019-03-30"])
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert found(doc, "ledger-not-on-roster") == [
        ("ledger-not-on-roster", "台账.xlsx", "学习成果评价表", "B8"),
        ("ledger-not-on-roster", "台账.xlsx", "签到表", "C8"),
    ]
    assert "学员99" in messages(doc, "ledger-not-on-roster")[1]


# Dates and sessions -------------------------------------------------------------------------------------


def test_dates_invalid_future_and_outside_the_period(tmp_path, catalog):
    parts = clean_parts(dates=("3月5日", "3月32日", "7月2日", "2030-03-05"))
    parts["开展情况记录"][1][1] = "下周一"
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    # (in the report's order: sheets by name, then rows)
    assert found(doc, "ledger-date-invalid") == [
        ("ledger-date-invalid", "台账.xlsx", "开展情况记录", "B3"), ("ledger-date-invalid", "台账.xlsx", "开展情况记录", "B4"),
        ("ledger-date-invalid", "台账.xlsx", "签到表", "E2"),
    ]
    assert "“3月32日”不是有效的日期" in messages(doc, "ledger-date-invalid")[2]
    assert found(doc, "ledger-date-outside-period") == [
        ("ledger-date-outside-period", "台账.xlsx", "开展情况记录", "B5"), ("ledger-date-outside-period", "台账.xlsx", "签到表", "F2"),
    ]
    assert "2019-07-02" in messages(doc, "ledger-date-outside-period")[0] and "2019H1" in messages(doc, "ledger-date-outside-period")[0]
    assert found(doc, "ledger-date-future") == [("ledger-date-future", "台账.xlsx", "开展情况记录", "B6"), ("ledger-date-future", "台账.xlsx", "签到表", "G2")]


def test_a_date_without_a_year_takes_the_period_year(tmp_path, catalog):
    parts = clean_parts(dates=("3/5", "3.12", "2019年3月19日", "3月26日"))
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert doc["findings"] == []


def test_attendance_against_the_records(tmp_path, catalog):
    parts = clean_parts()
    parts["签到表"][2][4] = "×"  # 学员1 absent on 3月12日: 4 signed in, the record says 5
    del parts["开展情况记录"][4]  # no record of 3月26日
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert found(doc, "ledger-attendance-mismatch") == [("ledger-attendance-mismatch", "台账.xlsx", "开展情况记录", "E4")]
    assert "4 人" in messages(doc, "ledger-attendance-mismatch")[0]
    assert found(doc, "ledger-record-missing") == [("ledger-record-missing", "台账.xlsx", "签到表", "G2")]
    assert doc["findings"][0]["severity"] in ("error", "warning")
    assert {f["rule"]: f["severity"] for f in doc["findings"]} == {"ledger-attendance-mismatch": "error", "ledger-record-missing": "warning"}


def test_passing_with_low_attendance(tmp_path, catalog):
    parts = clean_parts()
    for col in (3, 4, 5):  # 学员0 at one session of four
        parts["签到表"][1][col + 1] = "请假" if col == 3 else None
    for row in parts["开展情况记录"][2:]:
        row[4] = 4
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert found(doc) == [("ledger-low-attendance", "台账.xlsx", "学习成果评价表", "E3")]
    assert "1/4" in messages(doc, "ledger-low-attendance")[0]
    assert check([write_workbook(tmp_path / "b.xlsx", parts)], catalog, min_attendance=0.25)["findings"] == []


def test_evaluation_results_and_numbers(tmp_path, catalog):
    parts = clean_parts()
    parts["学习成果评价表"][1][4] = "通过了"
    parts["项目课程设计表"][1][2] = "八"
    parts["开展情况记录"][1][4] = "五人左右"
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert ("result-invalid", "台账.xlsx", "学习成果评价表", "E3") in found(doc)
    assert ("number-invalid", "台账.xlsx", "项目课程设计表", "C3") in found(doc)
    assert ("number-invalid", "台账.xlsx", "开展情况记录", "E3") in found(doc)


def test_excel_errors_and_missing_columns(tmp_path, catalog):
    parts = clean_parts()
    parts["学员信息表"] = [row[:3] for row in parts["学员信息表"]]  # no 联系电话
    parts["学员信息表"][2][1] = "#REF!"
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert ("column-missing", "台账.xlsx", "学员信息表", None) in found(doc)
    assert ("excel-error", "台账.xlsx", "学员信息表", "B4") in found(doc)
    assert not [f for f in found(doc) if f[0] == "required" and f[3] == "B4"]


# Against the catalog -------------------------------------------------------------------------------------


def test_course_design_hours_and_courses(tmp_path, catalog):
    parts = clean_parts()
    parts["项目课程设计表"][2] = [2, "实际操作", 12, "李", "2019-03-12"]
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert found(doc, "ledger-hours-mismatch") == [("ledger-hours-mismatch", "台账.xlsx", "项目课程设计表", "C2")]
    assert "20" in messages(doc, "ledger-hours-mismatch")[0] and "24" in messages(doc, "ledger-hours-mismatch")[0]
    assert found(doc, "ledger-course-mismatch") == [
        ("ledger-course-mismatch", "台账.xlsx", "项目课程设计表", "B2"), ("ledger-course-mismatch", "台账.xlsx", "项目课程设计表", "B4"),
    ]
    # A course taught over several rows adds up.
    parts["项目课程设计表"][2:] = [[2, "实操", 8, "李", "2019-03-12"], [3, "实操", 8, "李", "2019-03-19"]]
    assert check([write_workbook(tmp_path / "b.xlsx", parts)], catalog)["findings"] == []


# With the outcome sheets -----------------------------------------------------------------------------------


def test_outcomes_against_the_ledger(tmp_path, catalog):
    ledger = write_workbook(tmp_path / "台账.xlsx", clean_parts())
    stranger = outcome_row(50)
    sheet = outcome_sheet(tmp_path / "成果.xlsx", [outcome_row(0), outcome_row(1, result="优秀"), stranger, outcome_row(7, project=P2)])
    doc = check([ledger], catalog, outcomes=(sheet,))
    assert found(doc) == [
        ("ledger-result-mismatch", "成果.xlsx", "学习成果", "I3"),
        ("ledger-outcome-not-evaluated", "成果.xlsx", "学习成果", "C4"),
        ("ledger-outcome-not-on-roster", "成果.xlsx", "学习成果", "C4"),
        ("ledger-missing", "成果.xlsx", "学习成果", "F5"),
    ]
    assert "合格" in messages(doc, "ledger-result-mismatch")[0]
    assert [f["path"] for f in doc["files"]] == [str(ledger), str(sheet)]
    by_code = {e["project_code"]: e for e in doc["ledgers"]}
    assert by_code[P1]["outcomes"] == 3
    assert by_code[P2] == {
        "project_code": P2, "project_name": "太极养生", "org_code": "ORG001", "institution": "西湖成校", "path": None, "layout": None,
        "files": [], "parts_present": 0, "parts_missing": ["学员信息表", "签到表", "项目课程设计表", "开展情况记录", "学习成果评价表"],
        "learners": 0, "sessions": 0, "attendance": None, "outcomes": 1, "errors": 0, "warnings": 0, "complete": False,
    }


# Across ledgers -----------------------------------------------------------------------------------------


def test_two_ledgers_for_one_project(tmp_path, catalog):
    a = write_workbook(tmp_path / "a.xlsx", clean_parts())
    b = write_workbook(tmp_path / "b.xlsx", clean_parts(first=20))
    doc = check([a, b], catalog)
    assert found(doc) == [("ledger-duplicate", "b.xlsx", "学员信息表", "A1")]
    assert str(a) in messages(doc, "ledger-duplicate")[0]


def test_roster_reused_in_another_project(tmp_path, catalog):
    a = write_workbook(tmp_path / "a.xlsx", clean_parts(n=10), code=P1)
    parts = clean_parts(n=10)
    parts["项目课程设计表"] = [["序号", "课程名称", "学时"], [1, "太极", 16]]
    b = write_workbook(tmp_path / "b.xlsx", parts, code=P2)
    doc = check([a, b], catalog)
    assert found(doc) == [("ledger-roster-reused", "a.xlsx", "学员信息表", "C3"), ("ledger-roster-reused", "b.xlsx", "学员信息表", "C3")]
    assert P2 in messages(doc, "ledger-roster-reused")[0] and "100%" in messages(doc, "ledger-roster-reused")[0]
    # Thresholds are options; small rosters are not compared.
    assert check([a, b], catalog, screens=LedgerScreenOptions.from_flags(roster_min_learners=11))["findings"] == []


def test_one_learner_at_two_institutions_on_one_day(tmp_path, catalog):
    a = write_workbook(tmp_path / "a.xlsx", clean_parts(n=3), code=P1)
    parts = clean_parts(n=3, first=10, dates=("3月5日",))
    parts["签到表"].append([4, *learner(0)[:2], "√"])
    parts["学员信息表"].append([4, *learner(0)])
    parts["学习成果评价表"].append([4, *learner(0)[:2], "实操", "合格", "2019-03-30"])
    parts["开展情况记录"][1][4] = 4
    parts["项目课程设计表"] = [["序号", "课程名称", "学时"], [1, "研学", 8]]
    b = write_workbook(tmp_path / "b.xlsx", parts, code=P3)
    doc = check([a, b], catalog)
    assert found(doc) == [("ledger-signin-two-institutions", "a.xlsx", "签到表", "D3"), ("ledger-signin-two-institutions", "b.xlsx", "签到表", "D6")]
    assert "转塘成校" in messages(doc, "ledger-signin-two-institutions")[0]


# What is no ledger -----------------------------------------------------------------------------------------


def test_a_folder_without_ledgers_says_so(tmp_path, catalog):
    empty = tmp_path / "空"
    empty.mkdir()
    (empty / "说明.csv").write_text("甲,乙\n1,2\n", encoding="utf-8")
    doc = check([empty], catalog)
    assert ("ledger-not-found", "空", None, None) in found(doc)
    assert ("ledger-unrecognised", "说明.csv", None, None) in found(doc)


def test_an_unrecognised_sheet_in_a_ledger_is_noted(tmp_path, catalog):
    parts = clean_parts()
    parts["照片"] = [["拍摄时间", "说明"], ["3月5日", "合影"]]
    doc = check([write_workbook(tmp_path / "台账.xlsx", parts)], catalog)
    assert found(doc) == [("ledger-unrecognised", "台账.xlsx", "照片", None)]


def test_an_unreadable_part_is_reported_and_the_rest_checked(tmp_path, catalog):
    folder = write_folder(tmp_path / P1, clean_parts())
    (folder / "学习成果评价表.xlsx").write_bytes(b"not a workbook")
    parts = clean_parts()
    parts["签到表"].append([6, "学员99", None, "√", "√", "√", "√"])
    write_folder(folder, {"签到表": parts["签到表"]})
    doc = check([folder], catalog)
    assert ("unreadable", "学习成果评价表.xlsx", None, None) in found(doc)
    assert ("ledger-not-on-roster", "签到表.xlsx", "Sheet", "B8") in found(doc)
    assert not found(doc, "ledger-part-missing")


def test_outcomes_of_a_ledger_without_evaluation_are_not_flagged_one_by_one(tmp_path, catalog):
    parts = clean_parts()
    del parts["学习成果评价表"]
    ledger = write_workbook(tmp_path / "台账.xlsx", parts)
    sheet = outcome_sheet(tmp_path / "成果.xlsx", [outcome_row(0), outcome_row(1)])
    doc = check([ledger], catalog, outcomes=(sheet,))
    assert found(doc) == [("ledger-part-missing", "台账.xlsx", None, None)]


def test_a_declaration_among_the_ledgers_is_no_ledger(tmp_path, catalog):
    """An Annex 2 form's course table alone looks like a course design: one part by its header is no ledger,
    unless the file's name carries a 项目编码."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    ws.append(["申报单位", "西湖成校", "机构代码", "ORG001"])
    ws.append(["课程名称", "学时", "授课教师"])
    ws.append(["理论", 8, "王"])
    wb.save(tmp_path / "申报表.xlsx")
    write_workbook(tmp_path / "台账.xlsx", clean_parts())
    doc = check([tmp_path], catalog)
    assert found(doc) == [("ledger-unrecognised", "申报表.xlsx", None, None)]
    wb.save(tmp_path / f"{P2} 课程.xlsx")
    doc = check([tmp_path / f"{P2} 课程.xlsx"], catalog)
    assert doc["ledgers"][0]["project_code"] == P2 and doc["ledgers"][0]["parts_missing"] == ["学员信息表", "签到表", "开展情况记录", "学习成果评价表"]
