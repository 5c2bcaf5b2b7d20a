"""`zjcredit validate` end to end through the CLI: folders of declarations, exit statuses, JSON/CSV."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zjcredit.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "declarations"
runner = CliRunner()

FORM = {
    "A1": "申报单位", "B1": "杭州市西湖区三墩镇成人文化技术学校", "C1": "机构代码", "D1": "330106A0012",
    "A2": "地址", "B2": "杭州市西湖区三墩镇墩余路12号",
    "A3": "填报人", "B3": "王丽", "C3": "联系电话", "D3": "13857112345",
    "A4": "培训项目1：西湖龙井茶艺培训",
    "A5": "项目类别", "B5": "市（农）民职业技能培训", "C5": "培训规模", "D5": 50,
    "A6": "培训对象", "B6": "农村劳动力", "C6": "培训形式", "D6": "线下面授",
    "A7": "培训时数", "B7": 24, "C7": "学时数", "D7": 32,
    "A8": "成果形式", "B8": "结业证书", "C8": "师资安排", "D8": "高级茶艺师2名",
    "A9": "考核方式", "B9": "实操考核",
    "A10": "培训项目介绍", "B10": "面向三墩镇农村劳动力开展茶艺技能培训。",
}
HEADER = ["序号", "项目名称", "项目类别", "培训规模", "培训对象", "培训形式", "培训时数", "学时数", "申报单位", "机构代码", "联系人（电话）"]
ROW = ["1", "茶艺培训", "企业职工培训", "50", "企业职工", "线下面授", "24", "32", "杭州市西湖区三墩镇成人文化技术学校", "330106A0012", "王丽 13857112345"]


def xlsx_form(path: Path, **changes: object) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for ref, value in {**FORM, **changes}.items():
        if value is not None:
            ws[ref] = value
            if isinstance(value, str) and value.startswith("="):
                ws[ref].data_type = "s"  # typed text, not a formula
    wb.save(path)
    return path


def xls_form(path: Path, **changes: object) -> Path:
    import xlwt

    from zjcredit.io.cells import column_letter

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("申报表")
    for ref, value in {**FORM, **changes}.items():
        if value is None:
            continue
        col = next(i for i in range(26) if column_letter(i) == ref[0])
        ws.write(int(ref[1:]) - 1, col, value)
    wb.save(str(path))
    return path


def gbk_csv(path: Path, row: list[str] = ROW) -> Path:
    path.write_bytes(("所在区域：杭州市西湖区\r\n" + ",".join(HEADER) + "\r\n" + ",".join(row) + "\r\n").encode("gbk"))
    return path


def invoke(*args: str):
    return runner.invoke(app, ["validate", *args])


@pytest.fixture
def clean_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "clean"
    (folder / "sub").mkdir(parents=True)
    xlsx_form(folder / "a.xlsx")
    xls_form(folder / "sub" / "b.xls")
    gbk_csv(folder / "c.csv")
    (folder / "~$a.xlsx").write_bytes(b"lock")  # Excel's lock file: skipped
    (folder / "notes.txt").write_text("not a spreadsheet", encoding="utf-8")
    return folder


def test_clean_folder_exits_0_with_exact_json(clean_folder):
    result = invoke(str(clean_folder), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["zjcredit", "command", "files", "findings", "summary"]
    assert doc["command"] == "validate"
    assert doc["files"] == [
        # the same school's form again in sub/b.xls (newer): which one a summary would use (issue 13)
        {"path": str(clean_folder / "a.xlsx"), "kind": "annex2", "records": 1, "errors": 0, "warnings": 0, "infos": 1},
        {"path": str(clean_folder / "c.csv"), "kind": "annex1", "records": 1, "errors": 0, "warnings": 0, "infos": 0},
        {"path": str(clean_folder / "sub" / "b.xls"), "kind": "annex2", "records": 1, "errors": 0, "warnings": 0, "infos": 0},
        # what the folder held besides spreadsheets is listed, not read (issue 13)
        {"path": str(clean_folder / "notes.txt"), "kind": None, "records": 0, "errors": 0, "warnings": 0, "infos": 1},
        {"path": str(clean_folder / "~$a.xlsx"), "kind": None, "records": 0, "errors": 0, "warnings": 0, "infos": 1},
    ]
    assert [(Path(f["path"]).name, f["rule"], f["severity"]) for f in doc["findings"]] == [
        ("a.xlsx", "declaration-replaced", "info"), ("notes.txt", "input-skipped", "info"), ("~$a.xlsx", "input-skipped", "info"),
    ]
    assert doc["summary"] == {"files": 5, "errors": 0, "warnings": 0, "infos": 3}


def test_findings_exit_1_and_name_the_cell(tmp_path):
    xlsx_form(tmp_path / "bad.xlsx", B5="养老护理培训", D7=None)
    gbk_csv(tmp_path / "s.csv", [*ROW[:10], "王丽"])
    result = invoke(str(tmp_path / "bad.xlsx"), str(tmp_path / "s.csv"), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    got = [(f["path"].split("/")[-1], f["sheet"], f["cell"], f["row"], f["project"], f["field"], f["rule"], f["severity"], f["value"]) for f in doc["findings"]]
    assert got == [
        ("bad.xlsx", "Sheet", "B5", 5, 1, "项目类别", "category-unknown", "error", "养老护理培训"),
        ("bad.xlsx", "Sheet", "D7", 7, 1, "学时数", "required", "error", None),
        ("s.csv", None, "K3", 3, None, "联系人（电话）", "contact-invalid", "error", "王丽"),
    ]
    assert all(set(f) == {"path", "sheet", "cell", "row", "project", "field", "rule", "severity", "message", "value"} for f in doc["findings"])
    assert doc["summary"] == {"files": 2, "errors": 3, "warnings": 0, "infos": 0}


def test_fail_on_warning(tmp_path):
    path = xlsx_form(tmp_path / "w.xlsx", A9=None, B9=None)  # the notice's own form: no 考核方式 line
    assert invoke(str(path), "--format", "json").exit_code == 0
    result = invoke(str(path), "--format", "json", "--fail-on", "warning")
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["assessment-missing"]


def test_csv_format_and_english(tmp_path):
    path = xlsx_form(tmp_path / "p.xlsx", D3="=1385710234")
    result = invoke(str(path), "--format", "csv", "--lang", "en")
    assert result.exit_code == 1
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["path", "sheet", "cell", "row", "project", "field", "rule", "severity", "message", "value"]
    (row,) = rows[1:]
    assert row[2] == "D3" and row[6] == "phone-invalid"
    assert "is not a valid number" in row[8]
    assert row[9].startswith("'=")  # a value starting with = is neutralised in CSV


def test_table_and_quiet(tmp_path):
    path = xlsx_form(tmp_path / "t.xlsx", B5="养老护理培训")
    full = invoke(str(path), "--format", "table")
    assert full.exit_code == 1
    # The rule's id only in 问题汇总 (beside its title); the lines themselves say what is wrong in words.
    assert "B5" in full.stdout and full.stdout.count("category-unknown") == 1 and "养老护理培训" in full.stdout
    quiet = invoke(str(path), "--format", "table", "--quiet")
    assert quiet.exit_code == 1
    assert "养老护理培训" not in quiet.stdout and "错误 1" in quiet.stdout


def test_unreadable_input_exits_2(tmp_path):
    xlsx_form(tmp_path / "ok.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 this is no workbook")
    result = invoke(str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [(f["path"].split("/")[-1], f["rule"]) for f in doc["findings"]] == [("broken.xlsx", "unreadable")]


def test_forced_kind_on_the_wrong_document(tmp_path):
    path = gbk_csv(tmp_path / "s.csv")
    result = invoke(str(path), "--kind", "annex2", "--format", "json")
    # Issue 13: named as what it is, and nothing checked is a usage error, never "no problems".
    assert result.exit_code == 2
    assert "没有检查任何项目申报表（附件2）" in result.output and "是申报汇总表（附件1）" in result.output


def test_examples_match_expected_json(tmp_path, monkeypatch):
    """examples/declarations/expected.json is exactly what validate prints for the examples."""
    work = tmp_path / "repo"
    shutil.copytree(EXAMPLES, work / "examples" / "declarations")
    monkeypatch.chdir(work)
    result = invoke("examples/declarations", "--format", "json")
    assert result.exit_code == 1
    live = json.loads(result.stdout)
    expected = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))
    live.pop("zjcredit")
    expected.pop("zjcredit")
    assert live == expected


def test_examples_find_the_planted_mistakes():
    expected = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))
    by_file: dict[str, set[str]] = {}
    for f in expected["findings"]:
        by_file.setdefault(Path(f["path"]).name, set()).add(f["rule"])
    assert not any(name.startswith(("01_", "02_", "07_")) for name in by_file)  # the clean ones
    assert {"category-unknown", "phone-invalid", "required", "project-duplicate", "category-new", "target-unknown"} <= by_file["03_拱墅区和睦街道成校_申报表_有错.xlsx"]
    assert {"excel-error", "org-code-invalid", "address-unknown", "assessment-missing", "number-invalid", "number-implausible"} <= by_file["04_余杭区良渚街道成校_申报表_有错.xlsx"]
    assert by_file["05_北仑区大碶街道成校_申报表.xls"] == {"phone-area"}
    assert {"sequence-gap", "contact-invalid"} <= by_file["06_西湖区_申报汇总表.xlsx"]


def test_org_code_pattern_option_changes_the_rule(tmp_path):
    """A sub-center whose codes are digits only can say so; the default accepts letters and hyphens."""
    src = EXAMPLES / "01_西湖区三墩镇成校_申报表.xlsx"
    default = invoke(str(src), "--format", "json")
    assert default.exit_code == 0
    strict = invoke(str(src), "--format", "json", "--org-code-pattern", "^[0-9]{12}$")
    assert strict.exit_code == 1
    assert [f["rule"] for f in json.loads(strict.stdout)["findings"]] == ["org-code-invalid"]
    bad = invoke(str(src), "--org-code-pattern", "([")
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
