"""Issue 13, the inputs: nothing checked is never "no problems", our own outputs are never read as inputs,
a corrected resubmission replaces the original, the JSON says what was written, and an input without
read permission is one sentence. Every test drives the command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_outcomes import build_catalog, clean_rows, write_sheet
from test_summary import LIUXIA, SANDUN, ZHUANTANG, project, run, sheet_rows, write_declaration
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.io.marker import output_kind

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output and "内部错误" not in result.output, result.output
    return result


def skipped(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(file name, severity) of the input-skipped findings."""
    return [(Path(f["path"]).name, f["severity"]) for f in doc["findings"] if f["rule"] == "input-skipped"]


# 1. Nothing checked is never "no problems" ------------------------------------------------------------------


@pytest.mark.parametrize("command", [["validate"], ["outcomes", "check"], ["summary", "build"], ["catalog", "build"]])
def test_an_empty_folder_or_one_of_word_and_pdf_files_is_nothing_checked(tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "空"
    empty.mkdir()
    words = tmp_path / "申报材料"
    words.mkdir()
    (words / "三墩成校申报表.docx").write_bytes(b"PK\x03\x04 a word file")
    (words / "三墩成校申报表.pdf").write_bytes(b"%PDF-1.4")
    extra = {
        "outcomes": ["--catalog", str(build_catalog(tmp_path / "目录.xlsx"))],
        "summary": ["-o", str(tmp_path / "汇总.xlsx")],
        "catalog": ["--period", "2019H1", "-o", str(tmp_path / "目录new.xlsx")],
    }.get(command[0], [])
    for folder in (empty, words):
        result = invoke(*command, str(folder), *extra, "--format", "json")
        assert result.exit_code == 2, result.output
        assert result.stdout == ""  # no "empty report" a script could take for a clean one
        assert "没有检查任何文件" in result.output
    assert "三墩成校申报表.docx（不是表格文件）" in result.output
    assert not (tmp_path / "汇总.xlsx").exists() and not (tmp_path / "目录new.xlsx").exists()


def test_ledger_check_that_finds_no_ledger_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "台账"
    folder.mkdir()
    (folder / "照片.jpg").write_bytes(b"\xff\xd8")
    result = invoke("ledger", "check", str(folder), "--catalog", str(build_catalog(tmp_path / "目录.xlsx")), "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["ledger-not-found", "input-skipped"]


def test_skipped_files_in_a_folder_are_listed_as_infos(tmp_path: Path) -> None:
    folder = tmp_path / "申报表"
    write_declaration(folder / "a.xlsx", SANDUN, [project("智能手机应用")])
    (folder / "~$a.xlsx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / ".git").mkdir()
    (folder / ".git" / "x.xlsx").write_bytes(b"not read")
    (folder / "留下成校申报表.docx").write_bytes(b"PK\x03\x04")
    result = invoke("validate", str(folder), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert sorted(skipped(doc)) == [(".DS_Store", "info"), (".git", "info"), ("~$a.xlsx", "info"), ("留下成校申报表.docx", "info")]
    docx = next(f for f in doc["findings"] if f["path"].endswith(".docx"))
    assert "不是表格文件" in docx["message"] and ".docx" in docx["message"]
    # A school's .docx declaration does not vanish from a summary unnoticed either.
    code, doc, _ = run("summary", "build", str(folder), "-o", str(tmp_path / "s.xlsx"), "--filler", "x")
    assert code == 0 and ("留下成校申报表.docx", "info") in skipped(doc)
    english = invoke("validate", str(folder), "--format", "json", "--lang", "en")
    assert "not a spreadsheet" in next(f["message"] for f in json.loads(english.stdout)["findings"] if f["path"].endswith(".docx"))


def test_a_catalog_or_a_declaration_given_as_outcome_sheets_is_named_as_what_it_is(tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path / "目录.xlsx")
    other = tmp_path / "另一份目录.xlsx"
    shutil.copy(catalog, other)
    declaration = write_declaration(tmp_path / "申报表.xlsx", SANDUN, [project("智能手机应用")])
    result = invoke("outcomes", "check", str(other), str(declaration), "--catalog", str(catalog), "--format", "json")
    assert result.exit_code == 2
    assert "没有检查任何学习成果表" in result.output
    assert "另一份目录.xlsx 是项目目录" in result.output and "申报表.xlsx 是项目申报表（附件2）" in result.output
    assert "找不到表头" not in result.output
    # Beside a real outcome sheet: checked, and the catalog named (a warning: it was given and not used).
    sheet = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    result = invoke("outcomes", "check", str(sheet), str(other), "--catalog", str(catalog), "--format", "json")
    doc = json.loads(result.stdout)
    (finding,) = [f for f in doc["findings"] if f["path"] == str(other)]
    assert finding["rule"] == "input-skipped" and finding["severity"] == "warning"
    assert finding["message"] == "这个文件是项目目录，不是学习成果表，没有使用。"
    assert "header-missing" not in {f["rule"] for f in doc["findings"]}
    # validate --kind names it too.
    result = invoke("validate", "--kind", "outcomes", str(other), "--format", "json")
    assert result.exit_code == 2 and "是项目目录" in result.output


def test_the_rule_is_listed(tmp_path: Path) -> None:
    result = invoke("rules", "--format", "json")
    rules = {r["rule"]: r for r in json.loads(result.stdout)}
    assert rules["input-skipped"]["severity"] == "info"
    assert rules["declaration-replaced"]["severity"] == "warning"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "`input-skipped`" in readme and "`declaration-replaced`" in readme


# 2. Our own outputs are never taken for inputs ---------------------------------------------------------------


def test_summary_build_into_its_own_folder_twice_gives_the_same_summary(tmp_path: Path) -> None:
    folder = tmp_path / "申报表夹"
    write_declaration(folder / "a.xlsx", SANDUN, [project("智能手机应用")])
    write_declaration(folder / "b.xlsx", ZHUANTANG, [project("茶艺")])
    out = folder / "汇总表.xlsx"
    code, first, _ = run("summary", "build", str(folder), "-o", str(out), "--filler", "陈静", "--date", "2019-05-05")
    assert code == 0 and output_kind(out) == "summary"
    rows = sheet_rows(out)
    code, second, _ = run("summary", "build", str(folder), "-o", str(out), "--filler", "陈静", "--date", "2019-05-05", "--force")
    assert code == 0, second
    assert sheet_rows(out) == rows
    assert second["projects"] == first["projects"] == 2
    (note,) = [f for f in second["findings"] if f["rule"] == "input-skipped"]
    assert note["path"] == str(out) and note["severity"] == "info" and "上次运行时生成的申报汇总表" in note["message"]
    # The output is not among the inputs: files are the two declarations and the old summary passed over.
    assert [Path(f["path"]).name for f in second["files"]] == ["a.xlsx", "b.xlsx", "汇总表.xlsx"]
    assert second["summary"]["files"] == 3
    # Named explicitly, our summary is read (and checked) like any file.
    result = invoke("validate", str(out), "--format", "json")
    assert json.loads(result.stdout)["files"][0]["kind"] == "annex1"


def test_annotating_into_the_input_folder_twice_does_not_double_the_findings(tmp_path: Path) -> None:
    folder = tmp_path / "夹"
    write_declaration(folder / "a.xlsx", SANDUN, [project("智能手机应用", category="养老护理培训")])
    first = invoke("validate", str(folder), "--annotate", str(folder), "--format", "json")
    assert first.exit_code == 1
    doc1 = json.loads(first.stdout)
    assert doc1["annotated"] == [str(folder / "a.checked.xlsx")]
    assert output_kind(folder / "a.checked.xlsx") == "annotated"
    second = invoke("validate", str(folder), "--annotate", str(folder), "--force", "--format", "json")
    assert second.exit_code == 1, second.output
    doc2 = json.loads(second.stdout)
    assert doc2["summary"]["errors"] == doc1["summary"]["errors"] and doc2["summary"]["warnings"] == doc1["summary"]["warnings"]
    assert skipped(doc2) == [("a.checked.xlsx", "info")]
    assert doc2["annotated"] == [str(folder / "a.checked.xlsx")]  # no a.checked.checked.xlsx


def test_other_outputs_in_a_folder_are_passed_over_and_blank_forms_are_not(tmp_path: Path) -> None:
    folder = tmp_path / "夹"
    folder.mkdir()
    decl = write_declaration(tmp_path / "decl" / "a.xlsx", SANDUN, [project("智能手机应用")])
    assert invoke("catalog", "build", str(decl.parent), "--period", "2019H1", "-o", str(folder / "目录.xlsx")).exit_code == 0
    assert invoke("validate", str(decl), "--output", str(folder / "报告.csv")).exit_code == 0
    assert invoke("template", "annex1", "-o", str(folder / "附件1模板.xlsx")).exit_code == 0
    assert output_kind(folder / "目录.xlsx") == "catalog" and output_kind(folder / "报告.csv") == "report"
    assert output_kind(folder / "附件1模板.xlsx") is None  # a blank form: what a school fills in is its own
    result = invoke("validate", str(folder), "--format", "json")
    doc = json.loads(result.stdout)
    assert sorted(skipped(doc)) == [("报告.csv", "info"), ("目录.xlsx", "info")]
    assert [Path(f["path"]).name for f in doc["files"] if f["kind"] is not None] == ["附件1模板.xlsx"]
    # A folder of nothing but our outputs: nothing checked, and how to check one anyway.
    (folder / "附件1模板.xlsx").unlink()
    result = invoke("validate", str(folder), "--format", "json")
    assert result.exit_code == 2 and "请在命令行直接写出文件名" in result.output


def test_catalog_build_reads_the_summaries_zjcredit_wrote(tmp_path: Path) -> None:
    """The counties' summaries are what catalog build is for: our summary in its folder is an input."""
    county = tmp_path / "county"
    write_declaration(county / "a.xlsx", SANDUN, [project("智能手机应用")])
    province = tmp_path / "province"
    assert invoke("summary", "build", str(county), "-o", str(province / "西湖区汇总.xlsx"), "--filler", "x").exit_code == 0
    code, doc, _ = run("catalog", "build", str(province), "--period", "2019H1", "-o", str(province / "目录.xlsx"))
    assert code == 0 and doc["projects"] == 1
    code, doc, _ = run("catalog", "build", str(province), "--period", "2019H1", "-o", str(province / "目录.xlsx"), "--force")
    assert code == 0 and doc["projects"] == 1 and skipped(doc) == [("目录.xlsx", "info")]
    # Our catalog in the folder of outcome sheets, given as --catalog: the reference, not listed as passed over.
    write_sheet(province / "成果.xlsx", clean_rows(3))
    result = invoke("outcomes", "check", str(province), "--catalog", str(province / "目录.xlsx"), "--format", "json")
    doc = json.loads(result.stdout)
    assert "目录.xlsx" not in [name for name, _ in skipped(doc)] and ("西湖区汇总.xlsx", "info") in skipped(doc)


def test_the_marker_is_read_without_loading_and_never_fails(tmp_path: Path) -> None:
    damaged = tmp_path / "x.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    assert output_kind(damaged) is None
    assert output_kind(tmp_path / "missing.xlsx") is None
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.properties.keywords = "财务, zjcredit:unknown-kind"
    wb.save(plain)
    assert output_kind(plain) is None


# 8. A corrected resubmission replaces the original -----------------------------------------------------------


def _two_versions(folder: Path, first: str, second: str) -> tuple[Path, Path]:
    a = write_declaration(folder / first, SANDUN, [project("智能手机应用", scale=40)])
    b = write_declaration(folder / second, SANDUN, [project("智能手机应用", scale=45), project("茶艺")])
    write_declaration(folder / "z.xlsx", LIUXIA, [project("书法")])
    return a, b


def _replaced(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in doc["findings"] if f["rule"] == "declaration-replaced"]


@pytest.mark.parametrize("command", ["summary", "catalog"])
def test_a_name_marked_as_corrected_wins_even_when_older(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "d"
    original, corrected = _two_versions(folder, "三墩成校申报表_修改.xlsx", "三墩成校申报表.xlsx")
    os.utime(original, (1_500_000_000, 1_500_000_000))  # the corrected copy is even the older file
    extra = ["--period", "2019H1"] if command == "catalog" else ["--filler", "x"]
    code, doc, _ = run(command, "build", str(folder), "-o", str(tmp_path / "out.xlsx"), *extra)
    assert code == 0, doc
    (f,) = _replaced(doc)
    assert f["path"] == str(corrected) and f["severity"] == "warning"
    assert str(original) in f["message"] and "文件名注明了“修改”" in f["message"] and "--prefer" in f["message"]
    assert doc["projects"] == 2  # 智能手机应用 once (scale 40, the corrected one) and 书法


def test_the_date_on_the_form_then_the_modification_time_decide(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    a, b = _two_versions(folder, "a.xlsx", "b.xlsx")
    for path, day in ((a, "2019年3月5日"), (b, "2019-02-01")):
        wb = openpyxl.load_workbook(path)
        wb.active.append(["申报单位（盖章）：", None, "日期：", day])
        wb.save(path)
    os.utime(a, (1_500_000_000, 1_500_000_000))
    code, doc, _ = run("summary", "build", str(folder), "-o", str(tmp_path / "s.xlsx"), "--filler", "x")
    (f,) = _replaced(doc)
    assert Path(f["path"]).name == "b.xlsx" and "表上填写的日期较新（2019-03-05，另一份为 2019-02-01）" in f["message"]
    # No date on either: the later modification time.
    a2, b2 = _two_versions(tmp_path / "e", "a.xlsx", "b.xlsx")
    os.utime(b2, (1_500_000_000, 1_500_000_000))
    code, doc, _ = run("summary", "build", str(tmp_path / "e"), "-o", str(tmp_path / "s2.xlsx"), "--filler", "x")
    (f,) = _replaced(doc)
    assert Path(f["path"]).name == "b.xlsx" and "修改时间较新" in f["message"]
    assert [r[1] for r in sheet_rows(tmp_path / "s2.xlsx")[7:]] == ["智能手机应用", "书法"]


def test_prefer_settles_it_and_must_name_an_input(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    original, corrected = _two_versions(folder, "a.xlsx", "a_v2.xlsx")
    code, doc, _ = run("summary", "build", str(folder), "-o", str(tmp_path / "s.xlsx"), "--filler", "x", "--prefer", str(original))
    (f,) = _replaced(doc)
    assert f["path"] == str(corrected) and "--prefer 指定了它" in f["message"]
    assert doc["projects"] == 2
    result = invoke("summary", "build", str(folder), "-o", str(tmp_path / "t.xlsx"), "--prefer", str(tmp_path / "other.xlsx"))
    assert result.exit_code == 2 and "--prefer" in result.output and "不是本次输入的申报表之一" in result.output
    assert not (tmp_path / "t.xlsx").exists()


def test_validate_checks_both_and_says_which_one_a_summary_would_use(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    original, corrected = _two_versions(folder, "三墩_更正.xlsx", "三墩.xlsx")
    result = invoke("validate", str(folder), "--format", "json")
    doc = json.loads(result.stdout)
    (f,) = _replaced(doc)
    assert f["path"] == str(corrected) and f["severity"] == "info"
    assert f"汇总或生成目录时将使用 {original}" in f["message"]
    assert {Path(x["path"]).name: x["records"] for x in doc["files"]} == {"三墩.xlsx": 2, "三墩_更正.xlsx": 1, "z.xlsx": 1}


def test_two_files_of_one_school_with_nothing_in_common_are_both_used(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    write_declaration(folder / "a.xlsx", SANDUN, [project("智能手机应用")])
    write_declaration(folder / "b.xlsx", SANDUN, [project("茶艺")])
    code, doc, _ = run("summary", "build", str(folder), "-o", str(tmp_path / "s.xlsx"), "--filler", "x")
    assert code == 0 and not _replaced(doc) and doc["projects"] == 2


# 9. The JSON tells scripts what was written --------------------------------------------------------------------


def test_catalog_build_json_lists_the_codes_and_not_the_output_among_the_files(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    write_declaration(folder / "a.xlsx", SANDUN, [project("智能手机应用", courses=[("手机入门", 8, "张老师"), ("移动支付", 8, "李老师")])])
    write_declaration(folder / "b.xlsx", ZHUANTANG, [project("茶艺")])
    out = tmp_path / "目录.xlsx"
    code, doc, _ = run("catalog", "build", str(folder), "--period", "2019H1", "-o", str(out))
    assert code == 0
    assert [f["path"] for f in doc["files"]] == [str(folder / "a.xlsx"), str(folder / "b.xlsx")]
    assert doc["summary"]["files"] == 2 and all("infos" in f for f in doc["files"])
    codes = {c["project"]: c for c in doc["codes"]}
    phone = codes["智能手机应用"]
    assert phone["org_code"] == SANDUN[1] and phone["org_name"] == SANDUN[0]
    assert phone["project_code"].startswith("330106-2019H1-")
    assert [(c["course"], c["hours"]) for c in phone["courses"]] == [("手机入门", 8), ("移动支付", 8)]
    assert all(c["course_code"].startswith(phone["project_code"]) for c in phone["courses"])
    written = {v for row in sheet_rows(out) for v in row if isinstance(v, str) and v.startswith("330106-2019H1-")}
    assert {c["project_code"] for c in doc["codes"]} <= written


# 4 (part). An input without read permission ---------------------------------------------------------------------


def _as_nobody() -> list[str] | None:
    """A command prefix that runs as an unprivileged user, when this test runs as root (root reads anything)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


def test_an_input_without_read_permission_is_one_sentence(tmp_path: Path) -> None:
    prefix = _as_nobody()
    if prefix is None:
        pytest.skip("running as root without setpriv: root reads anything")
    tmp_path = Path(tempfile.mkdtemp(prefix="zjcredit-perm-"))  # pytest's own folders are closed to others
    tmp_path.chmod(0o777)
    folder = tmp_path / "夹"
    locked = write_declaration(folder / "locked.xlsx", SANDUN, [project("智能手机应用")])
    write_declaration(folder / "ok.xlsx", ZHUANTANG, [project("茶艺")])
    folder.chmod(0o777)
    locked.chmod(0)
    base = [*prefix, sys.executable, "-c", "import sys; from zjcredit.entry import main; sys.exit(main())"]
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": str(REPO / "src")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)

    if cli("--version").returncode != 0:
        pytest.skip("the unprivileged user cannot run this interpreter")
    named = cli("validate", str(locked))
    assert named.returncode == 2
    assert "没有读取这个文件的权限" in named.stdout + named.stderr and "locked.xlsx" in named.stdout + named.stderr
    assert "内部错误" not in named.stdout + named.stderr and "Traceback" not in named.stderr
    within = cli("validate", str(folder), "--format", "json")
    assert within.returncode == 2
    doc = json.loads(within.stdout)
    assert [(Path(f["path"]).name, f["rule"]) for f in doc["findings"] if f["severity"] == "error"] == [("locked.xlsx", "unreadable")]
    catalog = cli("outcomes", "check", str(folder / "ok.xlsx"), "--catalog", str(locked))
    assert catalog.returncode == 2 and "没有读取这个文件的权限" in catalog.stderr
    folder.chmod(0o700)  # a folder others may not enter
    closed = cli("validate", str(folder / "ok.xlsx"))
    assert closed.returncode == 2 and "没有进入它所在文件夹的权限" in closed.stderr and "内部错误" not in closed.stderr
    folder.chmod(0o777)
    locked.chmod(0o644)
    shutil.rmtree(tmp_path)
