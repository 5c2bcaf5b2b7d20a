"""`zjcredit audit` and `zjcredit stats` through the real CLI: the verdicts of examples/province, exit
statuses, the yearly figures on a corpus small enough to count by hand, the report workbook and its options.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.domain.idcard import make_id

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "province"
HEAD = ["序号", "姓名", "身份证号", "联系电话", "机构代码", "项目编码", "课程编码", "学时数", "考核结果", "完成日期", "成果形式", "备注"]
PROJECT_HEAD = ["项目编码", "项目名称", "项目类别", "培训对象", "培训形式", "培训规模", "培训时数", "学时数", "成果形式", "考核方式", "申报单位", "机构代码", "所在市", "所在县", "目录期次"]


# Helpers shared with test_store.py ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Proj:
    code: str
    name: str
    category: str
    targets: str
    org: str
    org_name: str
    courses: tuple[int, ...]  # hours of courses -01, -02, …
    scale: int = 100


def write_catalog(path: Path, period: str, projects: list[Proj]) -> Path:
    """A catalog as `zjcredit catalog build` lays it out: 项目目录 and 课程目录."""
    from zjcredit.domain import divisions

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目目录"
    ws.append(PROJECT_HEAD)
    for p in projects:
        county = divisions.counties()[p.code[:6]]
        hours = sum(p.courses)
        ws.append([p.code, p.name, p.category, p.targets, "线下面授", p.scale, hours, hours, "结业证书", "考查", p.org_name, p.org, county.city_name, county.name, period])
    cs = wb.create_sheet("课程目录")
    cs.append(["课程编码", "项目编码", "课程名称", "课程学时", "授课教师"])
    for p in projects:
        for k, hours in enumerate(p.courses, start=1):
            cs.append([f"{p.code}-{k:02d}", p.code, f"{p.name}{k}", hours, "王老师"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def person(k: int, born: int = 1980, region: str = "330106") -> tuple[str, str, str]:
    """(name, ID, phone) of distinct, unremarkable learners: spread birth dates, scattered sequences."""
    birth = dt.date(born, 1, 1) + dt.timedelta(days=(k * 53) % 360)
    return f"学员{k}", make_id(region, birth, (k * 97) % 900 + 11), f"13{k % 10}{k * 7919 % 10**8:08d}"


def row(k: int, proj: Proj, course: int = 1, hours: float | None = None, *, born: int = 1980, date: str = "2019-06-10", form: str = "结业证书", note: str | None = None, **over: Any) -> dict[str, Any]:
    name, number, phone = person(k, born)
    out = {
        "姓名": name, "身份证号": number, "联系电话": phone, "机构代码": proj.org, "项目编码": proj.code, "课程编码": f"{proj.code}-{course:02d}",
        "学时数": proj.courses[course - 1] if hours is None else hours, "考核结果": "合格", "完成日期": date, "成果形式": form, "备注": note,
    }
    out.update(over)
    return out


def write_outcomes(path: Path, rows: list[dict[str, Any]]) -> Path:
    """An outcome sheet, header on row 1 (CSV: UTF-8) — data row k is on line k + 1."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [[k, *(r.get(h) for h in HEAD[1:])] for k, r in enumerate(rows, start=1)]
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEAD)
            writer.writerows([["" if v is None else v for v in line] for line in lines])
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "成果"
        ws.append(HEAD)
        for line in lines:
            ws.append(line)
        wb.save(path)
    return path


def invoke(*args: str | Path) -> tuple[int, Any, str]:
    """(exit status, the JSON document on stdout or None, stdout + stderr); an exception escaping the command
    (a traceback for a user) fails the test."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    text = result.stdout + result.stderr
    doc = json.loads(result.stdout) if result.stdout.lstrip().startswith("{") else None
    return result.exit_code, doc, text


def by(rows: list[dict[str, Any]], key: str) -> dict[Any, tuple[Any, ...]]:
    """A figures table as {label: (outcomes, learners, hours, dual_outcomes, excluded_rows)}."""
    return {r[key]: (r["outcomes"], r["learners"], r["hours"], r["dual_outcomes"], r["excluded_rows"]) for r in rows}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# examples/province --------------------------------------------------------------------------------------------

OK, UNDECLARED, MATERIALS, DISTORTED = "3301060031", "3301100015", "3302120027", "3302060018"
README_ARGS = ("audit", "成果", "--catalog", "目录_2019H1.xlsx", "--ledgers", "台账", "-o", "核查报告.xlsx")


@dataclass
class Round:
    folder: Path
    code: int
    doc: dict[str, Any]
    text: str

    def inst(self, org: str) -> dict[str, Any]:
        return next(i for i in self.doc["institutions"] if i["org_code"] == org)


def in_folder(folder: Path, *args: str | Path) -> tuple[int, Any, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        return invoke(*args)


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Round:
    """A copy of examples/province audited with the README's command (JSON on stdout)."""
    folder = tmp_path_factory.mktemp("audit") / "province"
    # Only what make_examples.py writes: not a report or store left by trying the README's commands.
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("核查报告.xlsx", "*.duckdb", "结果.json", "__pycache__"))
    code, doc, text = in_folder(folder, *README_ARGS, "--format", "json")
    return Round(folder, code, doc, text)


def test_example_matches_expected_json(province: Round) -> None:
    assert province.code == 1, province.text
    expected = json.loads((EXAMPLE / "expected.json").read_text(encoding="utf-8"))
    live = dict(province.doc)
    live.pop("zjcredit")
    expected.pop("zjcredit")
    assert live == expected
    assert province.doc["output"] == "核查报告.xlsx" and (province.folder / "核查报告.xlsx").is_file()


def test_example_one_institution_of_each_verdict(province: Round) -> None:
    got = {i["org_code"]: (i["county"], i["verdict"], i["problems"], i["reasons"]) for i in province.doc["institutions"]}
    assert got == {
        OK: ("西湖区", "ok", [], []),
        UNDECLARED: ("余杭区", "undeclared", ["undeclared"], ["有 5 条成果的项目编码（330110-2019H1-009）不在任何项目目录中，申报备案未落实。"]),
        DISTORTED: ("北仑区", "distorted", ["distorted"], ["40 条成果中有 11 条（27.5%）被数据失真筛查标出，达到 5%，数据严重失真。"]),
        MATERIALS: ("鄞州区", "materials-missing", ["materials-missing"], ["有成果却没有过程性台账的项目：330212-2019H1-002；台账缺少部分内容的项目：330212-2019H1-003。"]),
    }
    counts = ("projects_declared", "projects_with_outcomes", "outcome_rows", "error_rows", "screened_rows", "ledgers_missing", "ledgers_incomplete")
    assert {i["org_code"]: tuple(i[c] for c in counts) for i in province.doc["institutions"]} == {
        OK: (2, 2, 34, 0, 0, 0, 0),
        UNDECLARED: (1, 1, 21, 6, 0, 0, 0),  # 5 on the unknown code, 1 registered twice
        DISTORTED: (2, 2, 40, 0, 11, 0, 0),  # 6 on one phone + 5 IDs in a run
        MATERIALS: (3, 3, 30, 1, 0, 1, 1),  # a mistyped ID; 002 without ledger, 003's incomplete
    }
    # Ordered by county code.
    assert [i["county_code"] for i in province.doc["institutions"]] == ["330106", "330110", "330206", "330212"]


def test_example_findings_are_the_planted_ones(province: Round) -> None:
    found = Counter((f["path"], f["rule"], f["severity"]) for f in province.doc["findings"])
    assert found == Counter({
        ("成果/330110_余杭区_成果.csv", "project-unknown", "error"): 5,
        ("成果/330110_余杭区_成果.csv", "course-unknown", "error"): 5,
        ("成果/330110_余杭区_成果.csv", "duplicate-outcome", "error"): 1,
        ("成果/330206_北仑区_成果.xlsx", "phone-shared", "warning"): 6,
        ("成果/330206_北仑区_成果.xlsx", "birthdate-shared", "warning"): 5,
        ("成果/330206_北仑区_成果.xlsx", "id-sequence", "warning"): 5,
        ("成果/330212_鄞州区_成果.xlsx", "id-checksum", "error"): 1,
        ("台账/330212-2019H1-003 企业消防安全知识.xlsx", "ledger-part-missing", "error"): 1,
    })
    duplicate = next(f for f in province.doc["findings"] if f["rule"] == "duplicate-outcome")
    assert (duplicate["cell"], duplicate["row"]) == ("C22", 22)  # the CSV's 21st record repeats its 4th (line 5)
    assert "C5" in duplicate["message"]
    paths = [f["path"] for f in province.doc["files"]]
    assert paths[:4] == ["成果/330106_西湖区_成果.xlsx", "成果/330110_余杭区_成果.csv", "成果/330206_北仑区_成果.xlsx", "成果/330212_鄞州区_成果.xlsx"]
    assert [f["records"] for f in province.doc["files"][:4]] == [34, 21, 40, 30]
    assert all(p.startswith("台账/") for p in paths[4:]) and len(paths) == 11  # seven ledgers


def test_example_figures_by_county(province: Round) -> None:
    # 西湖区: 001 12 learners × 2 courses of 6 h; 002 10 learners × 16 h, 2 of them 双证制 → 24 + 8 rows,
    #   learners 12 + 8, hours 144 + 128.
    # 余杭区: 15 learners × 24 h; 5 rows on an unknown code and 1 duplicate excluded.
    # 北仑区: 30 × 8 h + 10 × 6 h; warnings exclude nothing.
    # 鄞州区: 001 8 × 2 × 16 h minus the mistyped ID; 002 8 × 24 h, 2 of them 双证制; 003 6 × 8 h.
    assert by(province.doc["figures"]["by_county"], "county") == {
        "西湖区": (32, 20, 272, 2, 0),
        "余杭区": (15, 15, 360, 0, 6),
        "北仑区": (40, 40, 300, 0, 0),
        "鄞州区": (27, 20, 432, 2, 1),
    }
    # 企业职工 is a target of 电工技能提升 (西湖), 茶艺 (余杭), 消防 (鄞州) and 安全生产 (北仑): counted under each.
    targets = by(province.doc["figures"]["by_target"], "target")
    assert targets["企业职工"] == (8 + 15 + 6 + 30, 8 + 15 + 6 + 30, 128 + 360 + 48 + 240, 2, 1)
    assert targets["外来务工人员"] == (8 + 15, 8 + 8, 128 + 240, 2, 1)
    assert targets[None] == (0, 0, 0, 0, 5)  # the undeclared rows have no project, hence no target


def test_example_report_workbook(province: Round) -> None:
    path = province.folder / "核查报告.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["核查结论", "县区汇总", "年度数据", "问题明细"]
    verdicts = wb["核查结论"]
    assert verdicts["A1"].value.startswith("学习成果存入核查结论")
    assert [c.value for c in verdicts[2]][:3] == ["县（市、区）", "申报单位", "机构代码"]
    rows = [[c.value for c in r] for r in verdicts.iter_rows(min_row=3) if r[2].value]
    names = {"ok": "通过", "undeclared": "申报备案未落实", "materials-missing": "缺乏相关材料", "distorted": "数据严重失真"}
    assert [(r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[10]) for r in rows] == [
        (i["county"], i["org_code"], i["projects_declared"], i["projects_with_outcomes"], i["outcome_rows"], i["error_rows"], i["screened_rows"], names[i["verdict"]])
        for i in province.doc["institutions"]
    ]
    assert [r[11] or "" for r in rows] == ["\n".join(i["reasons"]) for i in province.doc["institutions"]]
    assert rows[3][8:10] == ["330212-2019H1-002", "330212-2019H1-003"]

    counties = [[c.value for c in r] for r in wb["县区汇总"].iter_rows(min_row=3) if r[0].value]
    assert counties == [
        ["西湖区", 1, 1, 0, 0, 0, 34, 0, 0],
        ["余杭区", 1, 0, 0, 1, 0, 21, 6, 0],
        ["北仑区", 1, 0, 1, 0, 0, 40, 0, 11],
        ["鄞州区", 1, 0, 0, 0, 1, 30, 1, 0],
    ]

    figures = wb["年度数据"]
    sections: dict[str, list[list[Any]]] = {}
    current = None
    for r in figures.iter_rows(min_row=3, max_col=6, values_only=True):
        if r[0] in ("按县（市、区）", "按机构", "按项目类别", "按培训对象") and r[1] is None:
            current = sections.setdefault(r[0], [])
        elif current is not None and r[0] is not None and r[1] is not None and not isinstance(r[1], str):
            current.append(list(r))
    assert sections["按县（市、区）"] == [[c["county"], c["outcomes"], c["learners"], c["hours"], c["dual_outcomes"], c["excluded_rows"]] for c in province.doc["figures"]["by_county"]]
    assert len(sections["按机构"]) == 4 and len(sections["按项目类别"]) == len(province.doc["figures"]["by_category"])
    assert [r[0] for r in sections["按培训对象"]][-1] == "（未知）"
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]  # by county, by category
        assert "各县（市、区）成果数" in z.read(charts[0]).decode() and "各项目类别成果数" in z.read(charts[1]).decode()

    details = [[c.value for c in r] for r in wb["问题明细"].iter_rows(min_row=3) if r[0].value]
    assert len(details) == len(province.doc["findings"]) == 29
    listed = Counter((r[0], r[1] or None, r[2] or None, r[5]) for r in details)
    assert listed == Counter((f["path"], f["sheet"], f["cell"], f["rule"]) for f in province.doc["findings"])


def test_the_findings_table_made_ahead_is_the_workbooks_own(province: Round, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ledgers, the report's 问题明细 table (and the findings' JSON, with --format json) is made on the
    findings' thread while DuckDB counts; the sheet is the one the workbook makes itself (values, row
    heights, column widths), the JSON the one made afterwards, to the character."""
    import threading

    import zjcredit.documents.audit.workbook as audit_workbook
    from zjcredit.report import render

    made, made_json = audit_workbook.details, render.findings_json_ahead
    threads: list[str] = []

    def details(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return made(*args)

    def findings_json_ahead(*args: Any) -> Any:
        threads.append("json " + threading.current_thread().name)
        return made_json(*args)

    def sheet(path: Path) -> tuple[Any, ...]:
        ws = openpyxl.load_workbook(path)["问题明细"]
        return (
            [[c.value for c in r] for r in ws.iter_rows()],
            {k: v.height for k, v in ws.row_dimensions.items()},
            {k: v.width for k, v in ws.column_dimensions.items()},
        )

    args = ("audit", "成果", "--catalog", "目录_2019H1.xlsx", "--format", "json")
    monkeypatch.setattr(audit_workbook, "details", details)
    monkeypatch.setattr(render, "findings_json_ahead", findings_json_ahead)
    code, doc, text = in_folder(province.folder, *args, "-o", tmp_path / "ahead.xlsx", "--quiet")
    assert code == 1 and [t.split("_")[0] for t in threads] == ["zjcredit-findings", "json zjcredit-findings"], text
    monkeypatch.setattr(audit_workbook, "details", lambda *args: made(*args) if threading.current_thread() is threading.main_thread() else None)
    monkeypatch.setattr(render, "findings_json_ahead", lambda *args: None)
    code, doc2, text2 = in_folder(province.folder, *args, "-o", tmp_path / "itself.xlsx", "--quiet")
    assert text2.replace("itself.xlsx", "ahead.xlsx") == text  # the JSON too, to the character
    assert doc2["findings"] == doc["findings"] and len(doc["findings"]) > 20
    rows, heights, widths = sheet(tmp_path / "ahead.xlsx")
    assert (rows, heights, widths) == sheet(tmp_path / "itself.xlsx")
    assert len(rows) == len(doc["findings"]) + 2 and any(h for h in heights.values())


def test_clean_round_exits_0(province: Round, tmp_path: Path) -> None:
    code, doc, text = in_folder(
        province.folder, "audit", "成果/330106_西湖区_成果.xlsx", "--catalog", "目录_2019H1.xlsx",
        "--ledgers", "台账/330106-2019H1-001 老年人智能手机应用.xlsx", "--ledgers", "台账/330106-2019H1-002 电工技能提升.xlsx",
        "-o", tmp_path / "报告.xlsx", "--format", "json",
    )
    assert code == 0, text
    assert {i["org_code"]: i["verdict"] for i in doc["institutions"]} == {OK: "ok", UNDECLARED: "ok", DISTORTED: "ok", MATERIALS: "ok"}
    assert doc["summary"] == {"files": 3, "errors": 0, "warnings": 0, "infos": 0}
    assert by(doc["figures"]["by_county"], "county") == {"西湖区": (32, 20, 272, 2, 0)}


def test_usage_errors_exit_2_with_one_sentence(province: Round, tmp_path: Path) -> None:
    report = tmp_path / "报告.xlsx"
    for args, words in (
        (("audit", "成果", "-o", report), "没有可用的项目目录"),
        (("audit", "成果", "--catalog", "没有.xlsx", "-o", report), "没有.xlsx"),
        (("audit", "--catalog", "目录_2019H1.xlsx", "-o", report), "请给出成果表文件或文件夹"),
        (("stats", "成果"), "没有可用的项目目录"),
    ):
        code, doc, text = in_folder(province.folder, *args)
        assert code == 2, (args, text)
        assert doc is None and "Traceback" not in text
        assert text.strip().startswith("错误：") and words in text and text.strip().count("。") <= 2, text
    assert not report.exists()
    code, _, text = in_folder(province.folder, "audit", "成果", "-o", report, "--lang", "en")
    assert code == 2 and "No catalog" in text and "Traceback" not in text


def test_report_refuses_to_overwrite_and_to_replace_an_input(province: Round, tmp_path: Path) -> None:
    report = tmp_path / "报告.xlsx"
    report.write_bytes(b"mine")
    code, _, text = in_folder(province.folder, *README_ARGS[:-1], report)
    assert code == 2 and "已存在" in text and "--force" in text
    assert report.read_bytes() == b"mine"
    catalog = province.folder / "目录_2019H1.xlsx"
    before = digest(catalog)
    code, _, text = in_folder(province.folder, *README_ARGS[:-1], "目录_2019H1.xlsx", "--force")
    assert code == 2 and "输入文件" in text
    sheet = province.folder / "成果" / "330106_西湖区_成果.xlsx"
    sheet_before = digest(sheet)
    code, _, text = in_folder(province.folder, *README_ARGS[:-1], sheet, "--force")
    assert code == 2 and "输入文件" in text
    assert digest(catalog) == before and digest(sheet) == sheet_before


def test_english_report_over_an_old_one_with_force(province: Round, tmp_path: Path) -> None:
    report = tmp_path / "report.xlsx"
    report.write_bytes(b"old")
    code, doc, _ = in_folder(province.folder, *README_ARGS[:-1], report, "--lang", "en", "--format", "json", "--force")
    assert code == 1
    got = {i["org_code"]: (i["verdict"], i["reasons"]) for i in doc["institutions"]}
    assert got[DISTORTED] == ("distorted", ["11 of 40 outcome rows (27.5%) are flagged by the distortion screens, at least 5%."])
    assert got[UNDECLARED] == ("undeclared", ["5 outcome rows are on project codes in no catalog (330110-2019H1-009): not declared."])
    assert got[MATERIALS] == ("materials-missing", ["Projects with outcomes but no ledger: 330212-2019H1-002; ledgers missing parts: 330212-2019H1-003."])
    assert doc["figures"] == province.doc["figures"]
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames == ["Verdicts", "By county", "Figures", "Findings"]
    verdicts = [r[10].value for r in wb["Verdicts"].iter_rows(min_row=3) if r[2].value]
    assert verdicts == ["ok", "outcomes not declared", "seriously distorted data", "materials missing"]


def test_distorted_share(province: Round, tmp_path: Path) -> None:
    """11 of 大碶's 40 rows (27.5 %) are screened: ok when 30 % are needed (the boundary: below, on a small corpus)."""
    code, doc, _ = in_folder(province.folder, *README_ARGS[:-1], tmp_path / "r.xlsx", "--distorted-share", "0.3", "--format", "json")
    assert code == 1
    assert {i["org_code"]: (i["verdict"], i["screened_rows"]) for i in doc["institutions"]} == {
        OK: ("ok", 0), UNDECLARED: ("undeclared", 0), MATERIALS: ("materials-missing", 0), DISTORTED: ("ok", 11),
    }
    code, _, text = in_folder(province.folder, *README_ARGS[:-1], tmp_path / "x.xlsx", "--distorted-share", "1.5")
    assert code == 2 and "Traceback" not in text


def test_without_ledgers_nobody_is_materials_missing(province: Round, tmp_path: Path) -> None:
    code, doc, _ = in_folder(province.folder, "audit", "成果", "--catalog", "目录_2019H1.xlsx", "-o", tmp_path / "r.xlsx", "--format", "json")
    assert code == 1
    assert {i["org_code"]: (i["verdict"], i["ledgers_missing"], i["ledgers_incomplete"]) for i in doc["institutions"]} == {
        OK: ("ok", 0, 0), UNDECLARED: ("undeclared", 0, 0), DISTORTED: ("distorted", 0, 0), MATERIALS: ("ok", 0, 0),
    }
    assert [f["path"] for f in doc["files"]] == [f["path"] for f in province.doc["files"][:4]]  # no ledger checked


# The figures, counted by hand ----------------------------------------------------------------------------------

XH1 = Proj("330106-2019H1-001", "太极养生", "老年教育培训", "老年群体", "XH01", "西湖成校", (6, 4))
XH2 = Proj("330106-2019H1-002", "电工实操", "企业职工培训", "企业职工、外来务工人员", "XH01", "西湖成校", (8,))
XH3 = Proj("330106-2019H1-003", "书法", "老年教育培训", "老年群体、企退人员", "XH02", "转塘成校", (5,))
YZ1 = Proj("330212-2019H1-001", "叉车", "企业职工培训", "企业职工", "YZ01", "鄞州成校", (10,))
OLD = Proj("330212-2018Q4-001", "育婴", "家政服务类培训", "自由职业（待业）人员", "YZ01", "鄞州成校", (12,))
GHOST = Proj("330106-2019H1-099", "未申报", "", "", "XH02", "转塘成校", (5,))  # in no catalog


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two catalogs (2019H1, 2018Q4), a 西湖区 sheet (.xlsx) and a 鄞州区 sheet (.csv)."""
    base = tmp_path_factory.mktemp("figures")
    write_catalog(base / "目录_2019H1.xlsx", "2019H1", [XH1, XH2, XH3, YZ1])
    write_catalog(base / "目录_2018Q4.xlsx", "2018Q4", [OLD])
    bad = row(4, XH1, born=1950)
    bad["身份证号"] = bad["身份证号"][:-1] + ("1" if bad["身份证号"][-1] != "1" else "2")
    write_outcomes(base / "成果" / "西湖.xlsx", [
        row(1, XH1, 1, born=1950), row(1, XH1, 2, born=1950),  # one learner, two courses
        row(2, XH1, 1, born=1950),
        row(3, XH1, 1, born=1950, note="双证制"),  # 双证制 by 备注
        bad,  # an invalid ID: excluded
        row(5, XH2), row(6, XH2, form="双证制（电工证）"),  # 双证制 by 成果形式
        row(1, XH2, born=1950),  # learner 1 again, in another project
        row(10, XH3, born=1950), row(1, XH3, born=1950),
        row(11, GHOST),  # a code in no catalog: excluded, counted in 西湖区 by its institution
    ])
    write_outcomes(base / "成果" / "鄞州.csv", [
        row(7, YZ1), row(8, YZ1),
        row(7, YZ1),  # registered twice: excluded
        row(9, OLD, date="2018-11-01"), row(7, OLD, date="2018-11-02"),
    ])
    return base


def stats_json(base: Path, *extra: str) -> dict[str, Any]:
    code, doc, text = invoke("stats", base / "成果", "--catalog", base / "目录_2019H1.xlsx", "--catalog", base / "目录_2018Q4.xlsx", "--format", "json", *extra)
    assert code == 0, text
    assert doc["command"] == "stats" and set(doc) == {"zjcredit", "command", "figures"}
    return doc["figures"]


def test_figures_counted_by_hand(corpus: Path) -> None:
    figures = stats_json(corpus)
    # 西湖区 outcomes: XH1 rows 1, 2, 3; XH2 rows 5, 1; XH3 rows 10, 1 = 7; learners 1, 2, 5, 10;
    # hours 6 + 4 + 6 + 8 + 8 + 5 + 5; 双证制 3 (备注) and 6 (成果形式); excluded: the bad ID and the ghost.
    # 鄞州区 outcomes: YZ1 7, 8; OLD 9, 7; learners 7, 8, 9; hours 10 + 10 + 12 + 12; excluded: the repeat.
    assert by(figures["by_county"], "county_code") == {"330106": (7, 4, 42, 2, 2), "330212": (4, 3, 44, 0, 1)}
    assert [r["county"] for r in figures["by_county"]] == ["西湖区", "鄞州区"]
    assert by(figures["by_institution"], "org_code") == {"XH01": (5, 3, 32, 2, 1), "XH02": (2, 2, 10, 0, 1), "YZ01": (4, 3, 44, 0, 1)}
    assert {r["org_code"]: (r["name"], r["county_code"]) for r in figures["by_institution"]} == {
        "XH01": ("西湖成校", "330106"), "XH02": ("转塘成校", "330106"), "YZ01": ("鄞州成校", "330212"),
    }
    assert by(figures["by_category"], "category") == {
        "老年教育培训": (5, 3, 26, 1, 1),  # XH1 1, 1, 2 + XH3 10, 1
        "企业职工培训": (4, 4, 36, 1, 1),  # XH2 5, 1 + YZ1 7, 8
        "家政服务类培训": (2, 2, 24, 0, 0),
        None: (0, 0, 0, 0, 1),  # the ghost
    }
    assert by(figures["by_target"], "target") == {
        "老年群体": (5, 3, 26, 1, 1),
        "企退人员": (2, 2, 10, 0, 0),
        "企业职工": (4, 4, 36, 1, 1),
        "外来务工人员": (2, 2, 16, 1, 0),
        "自由职业（待业）人员": (2, 2, 24, 0, 0),
        None: (0, 0, 0, 0, 1),
    }


def test_figures_of_one_year(corpus: Path) -> None:
    figures = stats_json(corpus, "--year", "2019")
    assert by(figures["by_county"], "county_code") == {"330106": (7, 4, 42, 2, 2), "330212": (2, 2, 20, 0, 1)}
    assert "家政服务类培训" not in by(figures["by_category"], "category")
    assert by(stats_json(corpus, "--year", "2018")["by_county"], "county_code") == {"330212": (2, 2, 24, 0, 0)}


def test_figures_never_pass_over_a_file_in_silence(corpus: Path, tmp_path: Path) -> None:
    """A file stats cannot use is named on stderr with the reason, after the figures of the others; one
    that could not be read at all makes the exit status 2 (--quiet keeps only such errors)."""
    corpus = Path(shutil.copytree(corpus, tmp_path / "corpus"))
    (corpus / "成果" / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (corpus / "成果" / "说明.txt").write_text("readme", encoding="utf-8")
    args = ("stats", corpus / "成果", "--catalog", corpus / "目录_2019H1.xlsx", "--catalog", corpus / "目录_2018Q4.xlsx")
    result = runner.invoke(app, [str(a) for a in (*args, "--format", "json")])
    assert result.exit_code == 2, result.stdout + result.stderr
    figures = json.loads(result.stdout)["figures"]  # the figures of what could be read
    assert by(figures["by_county"], "county_code")["330212"][0] == 4
    assert "坏文件.xlsx：文件已损坏或不完整" in result.stderr and "说明.txt：" in result.stderr
    assert "以上 1 个文件无法读取" in result.stderr
    result = runner.invoke(app, [str(a) for a in (*args, "--quiet", "--lang", "en")])
    assert result.exit_code == 2
    assert "坏文件.xlsx" in result.stderr and "说明.txt" not in result.stderr and "could not be read" in result.stderr
    (corpus / "成果" / "坏文件.xlsx").unlink()
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0 and "说明.txt：" in result.stderr


def test_figures_as_csv_and_table(corpus: Path, tmp_path: Path) -> None:
    args = ("stats", corpus / "成果", "--catalog", corpus / "目录_2019H1.xlsx", "--catalog", corpus / "目录_2018Q4.xlsx")
    code, _, text = invoke(*args, "--format", "csv")
    assert code == 0
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0] == ["dimension", "key", "label", "outcomes", "learners", "hours", "dual_outcomes", "excluded_rows"]
    assert ["by_county", "330106", "西湖区", "7", "4", "42", "2", "2"] in lines
    assert ["by_target", "外来务工人员", "外来务工人员", "2", "2", "16", "1", "0"] in lines
    assert len(lines) == 1 + 2 + 3 + 4 + 6
    code, _, text = invoke(*args, "--format", "table", "-o", tmp_path / "年度数据.xlsx")
    assert code == 0
    assert "按县（市、区）" in text and "西湖区" in text and "鄞州区" in text and "自由职业（待业）人员" in text
    assert text.rstrip().endswith(f"年度数据已写入 {tmp_path / '年度数据.xlsx'}")  # the clerk is told where it went
    wb = openpyxl.load_workbook(tmp_path / "年度数据.xlsx")
    assert wb.sheetnames == ["年度数据"]
    with zipfile.ZipFile(tmp_path / "年度数据.xlsx") as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 2
    code, _, text = invoke(*args, "-o", tmp_path / "年度数据.xlsx")
    assert code == 2 and "已存在" in text


def test_audit_says_where_the_report_went(corpus: Path, tmp_path: Path) -> None:
    args = ("audit", corpus / "成果", "--catalog", corpus / "目录_2019H1.xlsx", "-o", tmp_path / "核查报告.xlsx")
    code, _, text = invoke(*args)
    assert code == 1 and "核查结论" in text
    assert text.rstrip().endswith(f"核查报告已写入 {tmp_path / '核查报告.xlsx'}")
    code, _, text = invoke(*args, "--force", "--lang", "en")
    assert text.rstrip().endswith(f"The report was written to {tmp_path / '核查报告.xlsx'}")
    code, _, text = invoke(*args, "--force", "--quiet")
    assert "已写入" not in text


def test_audit_carries_the_same_figures(corpus: Path, tmp_path: Path) -> None:
    code, doc, _ = invoke("audit", corpus / "成果", "--catalog", corpus / "目录_2019H1.xlsx", "--catalog", corpus / "目录_2018Q4.xlsx", "-o", tmp_path / "r.xlsx", "--format", "json")
    assert code == 1  # errors in the files
    assert by(doc["figures"]["by_county"], "county_code") == {"330106": (7, 4, 42, 2, 2), "330212": (4, 3, 44, 0, 1)}
    assert len(doc["figures"]["by_target"]) == 6
    assert {i["org_code"]: (i["verdict"], i["outcome_rows"], i["error_rows"]) for i in doc["institutions"]} == {
        "XH01": ("ok", 8, 1), "XH02": ("undeclared", 3, 1), "YZ01": ("ok", 5, 1),
    }


def _phone_corpus(base: Path, shared: int, rows: int) -> tuple[Path, Path]:
    """One institution, ``rows`` rows of one project, the first ``shared`` learners on one phone."""
    catalog = write_catalog(base / "目录.xlsx", "2019H1", [XH2])
    lines = [row(k, XH2) for k in range(1, rows + 1)]
    for line in lines[:shared]:
        line["联系电话"] = "13900001111"
    return write_outcomes(base / "成果.xlsx", lines), catalog


def test_distorted_share_is_at_least(tmp_path: Path) -> None:
    sheet, catalog = _phone_corpus(tmp_path, 5, 20)  # 5 of 20: 25 %
    for share, verdict in (("0.25", "distorted"), ("0.26", "ok")):
        code, doc, _ = invoke("audit", sheet, "--catalog", catalog, "-o", tmp_path / f"{share}.xlsx", "--distorted-share", share, "--format", "json")
        assert [(i["verdict"], i["screened_rows"], i["outcome_rows"]) for i in doc["institutions"]] == [(verdict, 5, 20)], share
        assert code == (1 if verdict == "distorted" else 0)


def test_distorted_share_exactly_reached_by_an_inexact_product(tmp_path: Path) -> None:
    sheet, catalog = _phone_corpus(tmp_path, 7, 25)  # 7 of 25 = 28 % exactly
    code, doc, _ = invoke("audit", sheet, "--catalog", catalog, "-o", tmp_path / "r.xlsx", "--distorted-share", "0.28", "--format", "json")
    assert [(i["verdict"], i["screened_rows"], i["outcome_rows"]) for i in doc["institutions"]] == [("distorted", 7, 25)]
    assert code == 1


def test_distorted_reason_states_the_share_given(tmp_path: Path) -> None:
    sheet, catalog = _phone_corpus(tmp_path, 11, 40)  # 11 of 40 = 27.5 %
    code, doc, _ = invoke("audit", sheet, "--catalog", catalog, "-o", tmp_path / "r.xlsx", "--distorted-share", "0.275", "--format", "json")
    assert code == 1
    assert doc["institutions"][0]["reasons"] == ["40 条成果中有 11 条（27.5%）被数据失真筛查标出，达到 27.5%，数据严重失真。"]


def test_report_and_figures_must_be_xlsx(tmp_path: Path) -> None:
    sheet, catalog = _phone_corpus(tmp_path, 0, 3)
    for args in (("audit", sheet, "--catalog", catalog, "-o", tmp_path / "r.json"), ("stats", sheet, "--catalog", catalog, "-o", tmp_path / "f.csv")):
        code, doc, text = invoke(*args)
        assert code == 2 and doc is None and ".xlsx" in text and "Traceback" not in text, text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["成果.xlsx", "目录.xlsx"]


def test_stats_refuses_an_existing_workbook_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zjcredit.documents.outcomes.check import OutcomeRun

    sheet, catalog = _phone_corpus(tmp_path, 0, 3)
    (tmp_path / "f.xlsx").write_bytes(b"mine")
    read: list[str] = []
    add = OutcomeRun.add
    monkeypatch.setattr(OutcomeRun, "add", lambda self, source, *a, **k: (read.append(source.display), add(self, source, *a, **k))[1])
    code, _, text = invoke("stats", sheet, "--catalog", catalog, "-o", tmp_path / "f.xlsx")
    assert code == 2 and "已存在" in text and read == []
    assert (tmp_path / "f.xlsx").read_bytes() == b"mine"


def test_an_unreadable_file_among_others_is_reported_and_not_stored(tmp_path: Path) -> None:
    """Each file keeps its own result: an unreadable one is neither lost nor stored (read again next time)."""
    catalog = write_catalog(tmp_path / "目录.xlsx", "2019H1", [XH2])
    folder = tmp_path / "成果"
    write_outcomes(folder / "a.xlsx", [row(k, XH2) for k in range(1, 4)])
    (folder / "b.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    write_outcomes(folder / "c.xlsx", [row(k, XH2) for k in range(4, 6)])
    store = tmp_path / "核查.duckdb"
    for _ in range(2):
        code, doc, text = invoke("audit", folder, "--catalog", catalog, "--store", store, "-o", tmp_path / "r.xlsx", "--force", "--format", "json")
        assert code == 2, text
        files = {Path(f["path"]).name: (f["records"], f["errors"]) for f in doc["files"]}
        assert set(files) == {"a.xlsx", "b.xlsx", "c.xlsx"} and files["a.xlsx"] == (3, 0) and files["c.xlsx"] == (2, 0) and files["b.xlsx"][1] == 1
        assert [r["outcomes"] for r in doc["figures"]["by_institution"]] == [5]
    import duckdb

    with duckdb.connect(str(store), read_only=True) as db:
        assert sorted(r[0] for r in db.execute("SELECT name FROM files").fetchall()) == ["a.xlsx", "c.xlsx"]


# Nothing checked is never "no problems" (issue 13) -----------------------------------------------------


def test_audit_of_a_folder_without_outcome_sheets_exits_2_before_a_store_or_report_is_made(tmp_path: Path) -> None:
    folder = tmp_path / "收到的文件"
    folder.mkdir()
    (folder / "说明.docx").write_bytes(b"PK\x03\x04 not really")
    store, report = tmp_path / "核查.duckdb", tmp_path / "核查报告.xlsx"
    result = runner.invoke(app, ["audit", str(folder), "--catalog", str(EXAMPLE / "目录_2019H1.xlsx"), "--store", str(store), "-o", str(report)])
    assert result.exit_code == 2, result.output
    assert "没有检查任何文件" in result.output and "说明.docx" in result.output
    assert not store.exists() and not report.exists()


def test_audit_lists_what_a_folder_held_besides_outcomes_and_names_ledgers_as_ledgers(tmp_path: Path) -> None:
    folder = tmp_path / "省里收到的"
    shutil.copytree(EXAMPLE / "成果", folder / "成果")
    shutil.copytree(EXAMPLE / "台账", folder / "台账")  # ledgers put in the outcome folder by mistake
    (folder / "说明.docx").write_bytes(b"PK\x03\x04 not really")
    result = runner.invoke(app, ["audit", str(folder), "--catalog", str(EXAMPLE / "目录_2019H1.xlsx"), "-o", str(tmp_path / "r.xlsx"), "--format", "json"])
    doc = json.loads(result.stdout)
    skipped = [f for f in doc["findings"] if f["rule"] == "input-skipped" and f["severity"] == "info"]
    assert [Path(f["path"]).name for f in skipped] == ["说明.docx"]
    ledgers = [f for f in doc["files"] if "台账" in f["path"]]
    assert ledgers and all(f["kind"] == "ledger" and f["errors"] == 0 and f["records"] == 0 for f in ledgers)
    wrong = [f for f in doc["findings"] if "台账" in f["path"]]
    assert len(wrong) == len(ledgers) and all(f["severity"] == "warning" and "这个文件是过程性台账，不是学习成果表" in f["message"] for f in wrong)


def test_figures_sheet_puts_each_chart_beside_its_own_table_on_a_page_of_its_own() -> None:
    """A province has 90 counties and thousands of institutions: the category chart once sat at a fixed
    cell, over the county chart, and was cut by a page break."""
    from openpyxl import Workbook

    from zjcredit.documents.audit.workbook import TEXT, _figures

    counts = {"outcomes": 5, "learners": 4, "hours": 10, "dual_outcomes": 0, "excluded_rows": 0}
    figures = {
        "by_county": [{"county_code": f"33{i:04d}", "county": f"县{i}", **counts} for i in range(90)],
        "by_institution": [{"org_code": f"ORG{i}", "name": f"学校{i}", "county_code": "330106", **counts} for i in range(300)],
        "by_category": [{"category": f"类别{i}", **counts} for i in range(18)],
        "by_target": [{"target": f"对象{i}", **counts} for i in range(14)],
    }
    ws = Workbook().active
    _figures(ws, figures, TEXT["zh"])
    heads: dict[Any, int] = {}
    for r in range(1, ws.max_row + 1):  # each section's title row (its table's header repeats the words below)
        heads.setdefault(ws.cell(row=r, column=1).value, r)
    county, category = heads["按县（市、区）"], heads["按项目类别"]
    from openpyxl.utils.cell import coordinate_from_string

    anchors = sorted(coordinate_from_string(chart.anchor)[1] for chart in ws._charts)
    assert anchors == [county, category]
    assert category - 1 in [b.id for b in ws.row_breaks.brk]
    assert all(chart.x_axis.tickLblSkip == 1 for chart in ws._charts)
