"""Rules of `zjcredit outcomes check`, each on a tiny sheet built here, with exact cells."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from zjcredit.domain.idcard import make_id
from zjcredit.documents.outcomes.check import OutcomeOptions, check_outcome_file
from zjcredit.documents.outcomes.check import check_outcomes as _check_outcomes
from zjcredit.domain.columns import phone_keys
from zjcredit.screens import ScreenOptions
from zjcredit.io.sources import Source

TODAY = dt.date(2024, 6, 1)
HEAD = ["序号", "姓名", "身份证号", "联系电话", "机构代码", "项目编码", "课程编码", "学时数", "考核结果", "完成日期", "成果形式", "备注"]
COL = {name: chr(65 + i) for i, name in enumerate(HEAD)}  # field → column letter when written by write_sheet
P1, P2, P3 = "330106-2019H1-001", "330106-2019H1-002", "330106-2019H1-003"


def build_catalog(path: Path, scale: int = 100) -> Path:
    """A catalog as `zjcredit catalog build` writes it: 项目目录 and 课程目录."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目目录"
    ws.append(["项目编码", "项目名称", "项目类别", "培训对象", "培训形式", "培训规模", "培训时数", "学时数", "成果形式", "考核方式", "申报单位", "机构代码", "所在市", "所在县", "目录期次"])
    ws.append([P1, "电工实操", "企业职工培训", "企业职工", "线下面授", scale, 24, 24, "结业证书", "考查", "西湖成校", "ORG001", "杭州市", "西湖区", "2019H1"])
    ws.append([P2, "太极养生", "老年教育培训", "老年群体", "线下面授", scale, 16, 16, "结业证书", "考查", "西湖成校", "ORG001", "杭州市", "西湖区", "2019H1"])
    ws.append([P3, "研学", "青少年课外教育培训", "在校学生", "线下面授", scale, 8, 8, "结业证书", "考查", "转塘成校", "ORG002", "杭州市", "西湖区", "2019H1"])
    cs = wb.create_sheet("课程目录")
    cs.append(["课程编码", "项目编码", "课程名称", "课程学时", "授课教师"])
    cs.append([P1 + "-01", P1, "理论", 8, "王"])
    cs.append([P1 + "-02", P1, "实操", 16, "李"])
    cs.append([P2 + "-01", P2, "太极", 16, "张"])
    cs.append([P3 + "-01", P3, "研学", 8, "赵"])
    wb.save(path)
    return path


def learner(k: int, age: int = 40) -> tuple[str, str, str]:
    """(name, ID, phone) of distinct, unremarkable learners: spread birth dates, scattered sequences."""
    birth = dt.date(2019 - age, 1, 1) + dt.timedelta(days=(k * 37) % 3000)
    region = ("330106", "330102", "330108", "110101")[k % 4]
    return f"学员{k}", make_id(region, birth, (k * 97) % 900 + 11), f"1{3 + k % 7}{k:09d}"


def good_row(k: int, project: str = P1, course: str = "-01", age: int = 40, **over: Any) -> list[Any]:
    name, number, phone = learner(k, age)
    org = "ORG002" if project == P3 else "ORG001"
    row = {
        "序号": k + 1, "姓名": name, "身份证号": number, "联系电话": phone, "机构代码": org, "项目编码": project,
        "课程编码": project + course, "学时数": 8, "考核结果": "合格", "完成日期": dt.date(2019, 5, 5), "成果形式": "结业证书", "备注": None,
    }
    row.update(over)
    return [row[h] for h in HEAD]


def write_sheet(path: Path, rows: list[list[Any]], title: str | None = None, blank_after: tuple[int, ...] = ()) -> Path:
    """Header on row 1 (or 2 under a title); data rows follow, a blank row after each index in blank_after."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "成果"
    if title:
        ws.append([title])
    ws.append(HEAD)
    for i, row in enumerate(rows):
        ws.append(row)
        if i in blank_after:
            ws.append([])
    wb.save(path)
    return path


def check_outcomes(paths: list[Path], catalogs: list[Path], today: dt.date | None = None, **thresholds: Any):  # type: ignore[no-untyped-def]
    """The library call with thresholds given by their option names (``phone_shared_project=3``)."""
    return _check_outcomes(paths, catalogs, OutcomeOptions(today=today, screens=ScreenOptions.from_flags(**thresholds)))


def check_outcomes_file(source: Source, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    return check_outcome_file(source, OutcomeOptions(today=today))


def run(tmp_path: Path, rows: list[list[Any]], catalog: bool = True, **options: Any):  # type: ignore[no-untyped-def]
    sheet = write_sheet(tmp_path / "成果.xlsx", rows)
    cats = [build_catalog(tmp_path / "目录.xlsx")] if catalog else []
    return check_outcomes([sheet], cats, today=TODAY, **options)


def found(report: Any, rule: str | None = None) -> list[tuple[str, str | None]]:
    """(rule, cell) of every finding, in file, row and column order."""
    from zjcredit.report.render import ordered_findings

    return [(f.rule, f.cell) for f in ordered_findings(report) if rule is None or f.rule == rule]


def clean_rows(n: int = 12) -> list[list[Any]]:
    rows = [good_row(k) for k in range(n)]
    rows += [good_row(100 + k, P2, age=66) for k in range(3)]
    rows += [good_row(200 + k, P3, age=14) for k in range(3)]
    return rows


# A clean sheet ------------------------------------------------------------------------------------


def test_clean_sheet_has_no_findings(tmp_path: Path) -> None:
    report = run(tmp_path, clean_rows())
    assert found(report) == []
    assert report.exit_status() == 0
    assert report.files[0].records == 18
    tables = report.tables
    assert tables[0].rows == [[str(tmp_path / "成果.xlsx"), 18, 0, 18, 0, 0]]
    assert {i["org_code"]: i["rows"] for i in report.extra["institutions"]} == {"ORG001": 15, "ORG002": 3}


# Required values, header ----------------------------------------------------------------------------


def test_required_and_missing_column(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[2][HEAD.index("姓名")] = None
    rows[3][HEAD.index("联系电话")] = "  "
    report = run(tmp_path, rows)
    assert found(report) == [("required", "B4"), ("required", "D5")]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([h for h in HEAD if h != "考核结果"])
    ws.append([v for h, v in zip(HEAD, good_row(1)) if h != "考核结果"])
    wb.save(tmp_path / "少一列.xlsx")
    result = check_outcomes_file(Source(tmp_path / "少一列.xlsx", "少一列.xlsx"), today=TODAY)
    assert [(f.rule, f.field, f.row) for f in result.findings] == [("column-missing", "考核结果", 1)]


def test_header_missing_and_unreadable(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "x.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    report = check_outcomes([tmp_path / "x.xlsx", tmp_path / "bad.xlsx"], [build_catalog(tmp_path / "c.xlsx")])
    assert [f.rule for f in report.files[0].findings] == ["header-missing"]
    assert [f.rule for f in report.files[1].findings] == ["unreadable"]
    assert report.exit_status() == 2


# Resident IDs ---------------------------------------------------------------------------------------------


def _with_x() -> str:
    """A valid ID whose check character is X."""
    return next(n for s in range(1, 999) if (n := make_id("330106", dt.date(1985, 3, 3), s)).endswith("X"))


def test_id_rules(tmp_path: Path) -> None:
    good = learner(1)[1]
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    ids = {
        0: "33010619900101132",  # id-length
        1: "33010619900101132A",  # id-characters
        2: bad_check,  # id-checksum
        3: make_id("330106", dt.date(1990, 1, 1), 5)[:10] + "1301" + "0055",  # id-birthdate (month 13)
        4: make_id("990106", dt.date(1990, 1, 1), 5),  # id-region: no such province
        5: make_id("339906", dt.date(1990, 1, 1), 5),  # id-region: no such Zhejiang county
        6: "330106900101132",  # id-legacy-15
        7: _with_x()[:17] + "x",  # lower-case x: info
        8: "".join(chr(ord(c) + 0xFEE0) for c in learner(8)[1]),  # full-width digits: fine
        9: make_id("330103", dt.date(1980, 2, 2), 21),  # 下城区, abolished 2021: still valid
    }
    rows = clean_rows()
    for k, number in ids.items():
        rows[k][HEAD.index("身份证号")] = number
    report = run(tmp_path, rows)
    assert found(report) == [
        ("id-length", "C2"), ("id-characters", "C3"), ("id-checksum", "C4"), ("id-birthdate", "C5"),
        ("id-region", "C6"), ("id-region", "C7"), ("id-legacy-15", "C8"), ("id-lowercase-x", "C9"),
    ]
    checksum = next(f for f in report.findings() if f.rule == "id-checksum")
    assert checksum.value == bad_check and checksum.field == "身份证号" and checksum.row == 4
    assert good[17] in checksum.message()
    assert next(f for f in report.findings() if f.rule == "id-lowercase-x").severity.label == "info"


def test_excel_number_id_from_a_real_number_cell(tmp_path: Path) -> None:
    rows = clean_rows()
    number = int(learner(4)[1][:17] + "0")
    rows[4][HEAD.index("身份证号")] = float(f"{number:.14e}")  # what Excel keeps of a typed 18-digit number
    # The same digits typed as text are not "a number": only a checksum problem.
    rows[5][HEAD.index("身份证号")] = str(int(float(f"{number:.14e}")))
    report = run(tmp_path, rows)
    by_rule = found(report)
    assert ("id-excel-number", "C6") in by_rule
    assert ("id-excel-number", "C7") not in by_rule
    assert any(r in ("id-checksum", "id-birthdate") and c == "C7" for r, c in by_rule)
    f = next(f for f in report.findings() if f.rule == "id-excel-number")
    assert "15" in f.message() and "文本" in f.message()
    assert f.value == str(int(float(f"{number:.14e}")))


def test_exact_rows_under_a_title_with_blank_rows(tmp_path: Path) -> None:
    rows = clean_rows(6)
    rows[1][HEAD.index("身份证号")] = "123"
    rows[4][HEAD.index("身份证号")] = "456"
    path = write_sheet(tmp_path / "t.xlsx", rows, title="某某成人学校学习成果登记表", blank_after=(0, 2, 3))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.insert_rows(1)  # a blank first row above the title too
    wb.save(path)
    report = check_outcomes([path], [build_catalog(tmp_path / "c.xlsx")], today=TODAY)
    # Row 1 blank, 2 title, 3 header, 4 data, 5 blank, 6 data(123), 7 data, 8 blank, 9 data, 10 blank, 11 data(456)
    assert found(report) == [("id-length", "C6"), ("id-length", "C11")]
    assert report.files[0].records == len(rows)


# Phones -----------------------------------------------------------------------------------------------------


def test_phone_rules_and_normalisation(tmp_path: Path) -> None:
    rows = clean_rows()
    for k, phone in enumerate(["+86 138-0013-8000", "0571-89925320", "(0571)89925321", "+86-571-89925322", "１３９００１３９０００", "12345", "1380013800", "电话"]):
        rows[k][HEAD.index("联系电话")] = phone
    report = run(tmp_path, rows)
    assert found(report) == [("phone-invalid", "D7"), ("phone-invalid", "D8"), ("phone-invalid", "D9")]


def test_phone_keys_match_the_scalar_normaliser() -> None:
    import pyarrow as pa

    from zjcredit.domain.normalize import normalize_phone, phone_kind

    values = ["13800138000", "+8613800138000", "0086 138 0013 8000", "138-0013-8000", "0571-89925320", "057189925320", "+86 571 8992 5320",
              "0571-89925320-123", "12345", "", None, "１３８００１３８０００", "86 13800138000", "1280013800", "(0571)89925320", "0571 8992532"]
    ok, keys = phone_keys(pa.array(values, type=pa.string()))
    for v, good, key in zip(values, ok.tolist(), keys.to_pylist()):
        expected = phone_kind(normalize_phone(v)) is not None
        assert good == expected, v
        if good:
            assert key == normalize_phone(v).replace("-", ""), v


# Catalog rules -----------------------------------------------------------------------------------------------


def test_catalog_rules(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0][HEAD.index("项目编码")] = "330106-2019H1-099"  # project-unknown (course then unknown too)
    rows[0][HEAD.index("课程编码")] = "330106-2019H1-099-01"
    rows[1][HEAD.index("课程编码")] = P2 + "-01"  # a course of another project
    rows[2][HEAD.index("机构代码")] = "ORG002"  # org-mismatch
    rows[3][HEAD.index("学时数")] = "0"  # hours-invalid
    rows[4][HEAD.index("学时数")] = 12  # hours-exceed (course -01 has 8)
    rows[5][HEAD.index("学时数")] = "8学时"  # fine
    rows[6][HEAD.index("完成日期")] = "2019.13.01"  # date-invalid
    rows[7][HEAD.index("完成日期")] = "2030-01-01"  # date-future
    rows[8][HEAD.index("完成日期")] = dt.date(2018, 12, 31)  # date-before-period (2019H1)
    rows[9][HEAD.index("完成日期")] = "2019年5月6日"  # fine
    rows[10][HEAD.index("考核结果")] = "通过"  # result-invalid
    rows[11][HEAD.index("考核结果")] = 88  # fine
    report = run(tmp_path, rows)
    assert found(report) == [
        ("project-unknown", "F2"), ("course-unknown", "G2"), ("course-unknown", "G3"), ("org-mismatch", "E4"),
        ("hours-invalid", "H5"), ("hours-exceed", "H6"), ("date-invalid", "J8"), ("date-future", "J9"),
        ("date-before-period", "J10"), ("result-invalid", "I12"),
    ]
    course = [f for f in report.findings() if f.rule == "course-unknown"]
    assert P2 in course[1].message() and P1 in course[1].message()
    assert "ORG001" in next(f for f in report.findings() if f.rule == "org-mismatch").message()


def test_without_catalog_only_catalog_free_rules(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0][HEAD.index("项目编码")] = "330106-2019H1-099"
    rows[1][HEAD.index("学时数")] = 500
    path = write_sheet(tmp_path / "s.xlsx", rows)
    result = check_outcomes_file(Source(path, "s.xlsx"), today=TODAY)
    assert [(f.rule, f.cell) for f in result.findings] == [("hours-per-learner", "H3")]
    assert result.kind == "outcomes"


# Duplicates ----------------------------------------------------------------------------------------------------


def test_duplicate_outcome_and_name_conflict(tmp_path: Path) -> None:
    rows = clean_rows()
    rows.append(good_row(3))  # same learner, same course again → row 20
    rows.append(good_row(4, course="-02"))  # same learner, another course: fine
    other = good_row(5, course="-02")
    other[HEAD.index("姓名")] = "别人"
    rows.append(other)  # row 22: ID of row 7 with another name
    report = run(tmp_path, rows)
    assert found(report) == [("duplicate-outcome", "C20"), ("id-name-conflict", "B22")]
    dup = next(f for f in report.findings() if f.rule == "duplicate-outcome")
    assert "C5" in dup.message()


def test_duplicates_across_files(tmp_path: Path) -> None:
    cat = build_catalog(tmp_path / "c.xlsx")
    a = write_sheet(tmp_path / "a.xlsx", clean_rows())
    b = write_sheet(tmp_path / "b.xlsx", [good_row(1)])
    report = check_outcomes([a, b], [cat], today=TODAY)
    assert [(f.path, f.rule, f.cell) for f in report.findings()] == [(str(b), "duplicate-outcome", "C2")]
    assert str(a) in report.findings()[0].message()


# Audit screens ---------------------------------------------------------------------------------------------------


def test_scale_exceeded(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "s.xlsx", clean_rows())
    cat = build_catalog(tmp_path / "c.xlsx", scale=10)
    report = check_outcomes([sheet], [cat], today=TODAY)
    # P1 has 12 learners for a scale of 10: flagged once, at the 11th learner's row.
    assert [(f.rule, f.cell, f.value) for f in report.findings()] == [("scale-exceeded", "F12", P1)]
    assert "12" in report.findings()[0].message()
    assert report.exit_status() == 0  # a warning


def test_phone_shared_in_project_and_overall(tmp_path: Path) -> None:
    rows = clean_rows()
    for k in range(5):
        rows[k][HEAD.index("联系电话")] = "13900000001"
    for k in (5, 6, 7, 12, 13, 14, 15, 16):  # 8 learners in three projects
        rows[k][HEAD.index("联系电话")] = "139-0000-0002"
    report = run(tmp_path, rows)
    assert found(report) == [("phone-shared", f"D{r}") for r in (2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 16, 17, 18)]
    assert report.exit_status() == 0
    # Four learners on one phone in a project and fewer than 8 overall: nothing.
    rows = clean_rows()
    for k in range(4):
        rows[k][HEAD.index("联系电话")] = "13900000001"
    assert found(run(tmp_path, rows)) == []
    # A learner taking two courses is one learner, not two.
    rows = clean_rows()
    for k in range(4):
        rows[k][HEAD.index("联系电话")] = "13900000001"
    rows.append(good_row(0, course="-02", **{"联系电话": "13900000001"}))
    assert found(run(tmp_path, rows)) == []
    assert found(run(tmp_path, rows, phone_shared_project=4), "phone-shared") == [("phone-shared", f"D{r}") for r in (2, 3, 4, 5, 20)]


def test_age_implausible(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0] = good_row(0, age=15)  # adult training, 15
    rows[1] = good_row(1, age=95)  # 95
    rows[12] = good_row(100, P2, age=45)  # elderly-only project, 45
    rows[15] = good_row(200, P3, age=35)  # students-only project, 35
    rows.append(good_row(300, P3, age=8))  # students: no lower bound
    report = run(tmp_path, rows)
    assert found(report) == [("age-implausible", "C2"), ("age-implausible", "C3"), ("age-implausible", "C14"), ("age-implausible", "C17")]
    messages = [f.message() for f in report.findings()]
    assert "15 岁" in messages[0] and "50" in messages[2] and "30" in messages[3]
    assert found(run(tmp_path, rows, age_min=14, age_max=96, age_min_elderly=40, age_max_student=40)) == []


def test_id_sequence(tmp_path: Path) -> None:
    rows = clean_rows()
    birth = dt.date(1977, 7, 7)
    for j, k in enumerate(range(5)):
        rows[k][HEAD.index("身份证号")] = make_id("330106", birth, 301 + j)  # five consecutive sequence numbers
    report = run(tmp_path, rows)
    assert found(report, "id-sequence") == [("id-sequence", f"C{r}") for r in (2, 3, 4, 5, 6)]
    message = next(f for f in report.findings() if f.rule == "id-sequence").message()
    assert f"{make_id('330106', birth, 301)[:17]}* 至 {make_id('330106', birth, 305)[:17]}*" in message
    # Drag-filled 18-digit numbers (the check digit no longer fits) form a run too.
    rows = clean_rows()
    start = int(make_id("330106", birth, 301))
    for j in range(5):
        rows[j][HEAD.index("身份证号")] = str(start + j)
    report = run(tmp_path, rows)
    assert {c for r, c in found(report, "id-sequence")} == {"C2", "C3", "C4", "C5", "C6"}
    # Four are not a run.
    rows = clean_rows()
    for j in range(4):
        rows[j][HEAD.index("身份证号")] = make_id("330106", birth, 301 + j)
    assert found(run(tmp_path, rows), "id-sequence") == []


def test_birthdate_shared(tmp_path: Path) -> None:
    rows = clean_rows()
    birth = dt.date(1980, 3, 3)
    for j, k in enumerate(range(5)):
        rows[k][HEAD.index("身份证号")] = make_id(("330106", "330102", "330108", "330110", "330122")[j], birth, 100 + 40 * j)
    report = run(tmp_path, rows)
    assert found(report) == [("birthdate-shared", f"C{r}") for r in (2, 3, 4, 5, 6)]
    assert "1980-03-03" in report.findings()[0].message()
    assert found(run(tmp_path, rows, same_birthdate=6)) == []


def test_hours_per_learner(tmp_path: Path) -> None:
    rows = clean_rows()
    rows.append(good_row(0, course="-02", **{"学时数": 16}))
    report = run(tmp_path, rows, max_hours=20)
    assert found(report) == [("hours-per-learner", "H2"), ("hours-per-learner", "H20")]
    assert "24" in report.findings()[0].message() and "2019H1" in report.findings()[0].message()
    assert found(run(tmp_path, rows, max_hours=24)) == []


# 双证制 and the summary --------------------------------------------------------------------------------------


def test_dual_certificate_rows_counted_apart(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0][HEAD.index("备注")] = "双证制"
    rows[1][HEAD.index("备注")] = "双证制项目"
    rows[2][HEAD.index("身份证号")] = "123"
    report = run(tmp_path, rows)
    assert found(report) == [("id-length", "C4")]
    file_row = report.tables[0].rows[0]
    assert file_row[1:] == [18, 2, 16, 1, 0]  # rows, 双证制, learners without 双证制, errors, warnings
    org = {i["org_code"]: i for i in report.extra["institutions"]}
    assert (org["ORG001"]["dual"], org["ORG001"]["errors"], org["ORG001"]["learners"]) == (2, 1, 13)
    assert report.extra["dual_certificate_rows"] == 2


def test_a_missing_code_repeated_5000_times_is_one_line_in_the_table(tmp_path: Path) -> None:
    from rich.console import Console

    from zjcredit.report import render

    rows = [good_row(k, **{"项目编码": "330106-2019H1-404", "课程编码": "330106-2019H1-404-01"}) for k in range(5000)]
    report = run(tmp_path, rows)
    assert len(found(report, "project-unknown")) == 5000
    assert {f.rule for f in report.findings()} == {"project-unknown", "course-unknown"}
    buf = io.StringIO()
    render.render_table(report, "zh", Console(file=buf, width=200, no_color=True))
    text = buf.getvalue()
    assert "5,000 处，行 2, 3, 4, 5, 6…" in text
    assert text.count("330106-2019H1-404 不在所给的项目目录中") == 1
    assert len(render.to_json(report, "zh").split('"rule": "project-unknown"')) == 5001


# Other formats ----------------------------------------------------------------------------------------------------


def _csv_text(rows: list[list[Any]], ids: dict[int, str]) -> str:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["学习成果登记表"] + [""] * 11)
    w.writerow(["序号", "学员姓名", "身份证号码", "手机号", "机构代码", "项目代码", "课程代码", "学时", "成绩", "结业日期", "成果形式", "备注"])
    for k, row in enumerate(rows):
        out = [v.isoformat() if isinstance(v, dt.date) else ("" if v is None else v) for v in row]
        if k in ids:
            out[2] = ids[k]
        w.writerow(out)
    return buf.getvalue()


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_with_excel_mangled_ids(tmp_path: Path, encoding: str) -> None:
    good = learner(2)[1]
    text = _csv_text(clean_rows(), {0: "3.30106E+17", 1: good[:15] + "000", 3: good[:15] + "000.0"})
    path = tmp_path / "成果.csv"
    path.write_bytes(text.encode(encoding))
    report = check_outcomes([path], [build_catalog(tmp_path / "c.xlsx")], today=TODAY)
    assert [(f.rule, f.cell, f.row, f.sheet) for f in report.findings()] == [
        ("id-excel-number", "C3", 3, None), ("id-excel-number", "C4", 4, None), ("id-excel-number", "C6", 6, None)
    ]


def test_xls_with_a_number_cell(tmp_path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("成果", cell_overwrite_ok=True)
    ws.write(0, 0, "学习成果登记表")
    for c, h in enumerate(HEAD):
        ws.write(2, c, h)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(clean_rows(), start=3):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write(r, c, dt.datetime(v.year, v.month, v.day), date_style)
            elif v is not None:
                ws.write(r, c, v)
    ws.write(5, 2, float(f"{int(learner(2)[1][:17] + '0'):.14e}"))  # the third learner's ID as a number
    ws.write(6, 3, 13800138000.0)  # a phone typed as a number is fine
    wb.save(str(tmp_path / "成果.xls"))
    report = check_outcomes([tmp_path / "成果.xls"], [build_catalog(tmp_path / "c.xlsx")], today=TODAY)
    assert found(report) == [("id-excel-number", "C6")]


def test_per_distinct_matches_the_scalar_normaliser() -> None:
    import pyarrow as pa

    from zjcredit.domain import columns as cols
    from zjcredit.domain.normalize import code_key, parse_date

    values = ["b", None, " a ", "b", "ｂ", "2019.5.5", "", "x y"]
    arr = pa.array(values, type=pa.string())
    assert cols.code_keys(arr).to_pylist() == [code_key(v) for v in values]
    dates = cols.dates(arr)
    assert [None if np.isnat(d) else d.astype(object) for d in dates] == [parse_date(v) for v in values]


def test_name_keys_of_plain_names_are_the_whole_normalisation() -> None:
    """Names of ideographs, digits and lower-case letters are taken as their own keys without the
    normalisation: for random names drawn from those and from what the normalisation changes
    (full-width and upper-case letters, compatibility ideographs, white space, quotes, marks), the keys
    are those of the whole normalisation."""
    import random

    import pyarrow as pa

    from zjcredit.domain.columns import _name_keys, name_keys

    rng = random.Random(5)
    plain = "张三李四王五赵㐀䶵鿿一0189az·"
    other = "ＡＢＣａ１Ｚ AZ\u3000\u200b\ufeff《》“”'\"\uf900\u2f800ÅﬁⅫ"
    for _ in range(50):
        names = ["".join(rng.choice(plain if rng.random() < 0.7 else other) for _ in range(rng.randint(0, 5))) for _ in range(40)]
        values = pa.array([None, *names], type=pa.string())
        assert name_keys(values).to_pylist() == _name_keys(values).to_pylist()
