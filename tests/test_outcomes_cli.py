"""`zjcredit outcomes check` and `zjcredit validate --kind outcomes` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from test_outcomes import HEAD, build_catalog, clean_rows, good_row, write_sheet
from typer.testing import CliRunner

from zjcredit.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    # JSON on request: the table is the default wherever the output goes.
    result = runner.invoke(app, [*args, "--format", "json"])
    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else {"text": result.stdout + result.stderr})


def test_clean_sheet_exit_0_and_json(tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    cat = build_catalog(tmp_path / "目录.xlsx")
    code, doc = _run("outcomes", "check", str(sheet), "--catalog", str(cat))
    assert code == 0
    assert doc["command"] == "outcomes check"
    assert doc["findings"] == []
    assert doc["files"] == [{"path": str(sheet), "kind": "outcomes", "records": 18, "errors": 0, "warnings": 0, "infos": 0}]
    assert doc["dual_certificate_rows"] == 0
    assert [i["org_code"] for i in doc["institutions"]] == ["ORG001", "ORG002"]


def test_errors_exit_1_with_cells(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0][HEAD.index("项目编码")] = "330106-2019H1-099"
    rows[0][HEAD.index("课程编码")] = "330106-2019H1-099-01"
    sheet = write_sheet(tmp_path / "成果.xlsx", rows)
    cat = build_catalog(tmp_path / "目录.xlsx")
    code, doc = _run("outcomes", "check", str(sheet), "--catalog", str(cat), "--lang", "en")
    assert code == 1
    assert [(f["rule"], f["cell"], f["row"], f["field"], f["value"], f["sheet"]) for f in doc["findings"]] == [
        ("project-unknown", "F2", 2, "项目编码", "330106-2019H1-099", "成果"),
        ("course-unknown", "G2", 2, "课程编码", "330106-2019H1-099-01", "成果"),
    ]
    assert doc["findings"][0]["message"].startswith("Project code 330106-2019H1-099 is not in the catalog")


def test_warnings_and_thresholds(tmp_path: Path) -> None:
    rows = clean_rows()
    for k in range(4):
        rows[k][HEAD.index("联系电话")] = "13900000001"
    sheet = write_sheet(tmp_path / "成果.xlsx", rows)
    cat = build_catalog(tmp_path / "目录.xlsx")
    code, doc = _run("outcomes", "check", str(sheet), "--catalog", str(cat))
    assert code == 0 and doc["findings"] == []
    code, doc = _run("outcomes", "check", str(sheet), "--catalog", str(cat), "--phone-shared-project", "4")
    assert code == 0
    assert [(f["rule"], f["cell"], f["severity"]) for f in doc["findings"]] == [("phone-shared", f"D{r}", "warning") for r in (2, 3, 4, 5)]
    code, _ = _run("outcomes", "check", str(sheet), "--catalog", str(cat), "--phone-shared-project", "4", "--fail-on", "warning")
    assert code == 1
    code, doc = _run("outcomes", "check", str(sheet), "--catalog", str(cat), "--max-hours", "4")
    assert {f["rule"] for f in doc["findings"]} == {"hours-per-learner"} and code == 0


def test_unreadable_input_exit_2_and_missing_catalog(tmp_path: Path) -> None:
    cat = build_catalog(tmp_path / "目录.xlsx")
    (tmp_path / "坏.xlsx").write_bytes(b"garbage")
    code, doc = _run("outcomes", "check", str(tmp_path / "坏.xlsx"), "--catalog", str(cat))
    assert code == 2
    assert [f["rule"] for f in doc["findings"]] == ["unreadable"]
    sheet = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    code, doc = _run("outcomes", "check", str(sheet), "--catalog", str(tmp_path / "没有.xlsx"))
    assert code == 2 and "没有.xlsx" in doc["text"]
    code, doc = _run("outcomes", "check", str(sheet), "--catalog", str(sheet))  # not a catalog at all
    assert code == 2 and "不是项目目录" in doc["text"]


def test_folder_and_table_format(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    write_sheet(tmp_path / "in" / "a.xlsx", clean_rows())
    write_sheet(tmp_path / "in" / "b.xlsx", [good_row(1)])  # a duplicate of a.xlsx row 3
    cat = build_catalog(tmp_path / "目录.xlsx")
    result = runner.invoke(app, ["outcomes", "check", str(tmp_path / "in"), "--catalog", str(cat), "--format", "table"])
    assert result.exit_code == 1
    assert "按文件汇总" in result.stdout and "按机构汇总" in result.stdout
    assert result.stdout.index("按机构汇总") < result.stdout.index("[outcomes]")  # summary before the details
    assert "ORG001" in result.stdout and "西湖成校" in result.stdout
    assert "已在" in result.stdout and "错误 1，警告 0" in result.stdout


def test_validate_kind_outcomes_without_catalog(tmp_path: Path) -> None:
    rows = clean_rows()
    rows[0][HEAD.index("身份证号")] = "123"
    rows[1][HEAD.index("项目编码")] = "330106-2019H1-099"  # no catalog: not judged
    sheet = write_sheet(tmp_path / "成果.xlsx", rows)
    code, doc = _run("validate", str(sheet), "--kind", "outcomes")
    assert code == 1
    assert [(f["rule"], f["cell"]) for f in doc["findings"]] == [("id-length", "C2")]
    assert doc["files"][0]["kind"] == "outcomes"


def test_the_catalog_in_the_folder_is_not_checked_as_outcomes(tmp_path: Path) -> None:
    folder = tmp_path / "成果"
    folder.mkdir()
    write_sheet(folder / "成果.xlsx", clean_rows())
    cat = build_catalog(folder / "目录.xlsx")
    result = runner.invoke(app, ["outcomes", "check", str(folder), "--catalog", str(cat), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [Path(f["path"]).name for f in doc["files"]] == ["成果.xlsx"]
    assert doc["findings"] == []


def test_a_ledger_workbook_among_outcome_sheets_is_named_as_a_ledger_not_checked_as_outcomes(tmp_path):
    """A ledger's 学习成果评价表 has 姓名 and 身份证号 but no code column: not an outcome sheet with
    hundreds of errors, but a file of another kind (issue 13)."""
    import json as _json
    import shutil

    example = Path(__file__).resolve().parents[1] / "examples" / "ledgers"
    ledger = example / "台账" / "330106-2019H1-001 老年人智能手机应用.xlsx"
    folder = tmp_path / "成果"
    folder.mkdir()
    shutil.copy(example / "成果_2019H1.xlsx", folder / "成果.xlsx")
    shutil.copy(ledger, folder / ledger.name)
    result = CliRunner().invoke(app, ["outcomes", "check", str(folder), "--catalog", str(example / "目录_2019H1.xlsx"), "--format", "json"])
    doc = _json.loads(result.stdout)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert by_name[ledger.name]["kind"] == "ledger" and by_name[ledger.name]["errors"] == 0
    assert by_name["成果.xlsx"]["kind"] == "outcomes" and by_name["成果.xlsx"]["records"] > 0
    messages = [f["message"] for f in doc["findings"] if Path(f["path"]).name == ledger.name]
    assert messages == ["这个文件是过程性台账，不是学习成果表，没有使用。"]
