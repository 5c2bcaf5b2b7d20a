"""`zjcredit template ledger`: the committed workbook, its layout, the catalog-filled form, and that what it
writes reads back as a ledger."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.domain import schema, vocab
from zjcredit.templates import GUIDE_SHEET, LISTS_SHEET, write_template

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "examples" / "county" / "catalog-2019H1.xlsx"
PARTS = list(schema.LEDGER_PARTS)


def test_committed_template_is_what_the_command_writes(tmp_path):
    target = tmp_path / "ledger.xlsx"
    result = runner.invoke(app, ["template", "ledger", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert (REPO / "templates" / "ledger.xlsx").read_bytes() == target.read_bytes(), (
        "templates/ledger.xlsx is stale: run `zjcredit template ledger -o templates/ledger.xlsx --force`"
    )
    again = runner.invoke(app, ["template", "ledger", "-o", str(target)])
    assert again.exit_code == 2 and "--force" in again.output


def test_five_part_sheets_with_title_blocks_headers_and_formats(tmp_path):
    wb = load_workbook(write_template("ledger", tmp_path / "l.xlsx", force=False))
    assert wb.sheetnames == [*PARTS, GUIDE_SHEET, LISTS_SHEET]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    for part in PARTS:
        ws = wb[part]
        assert ws["A1"].value == part
        labels = [ws.cell(row=r, column=1).value for r in (2, 3, 4)]
        assert labels == ["项目名称", "项目编码", "申报单位"], part
        assert "机构代码" in [c.value for c in ws[3]]
        assert ws.page_setup.fitToWidth == 1 and ws.print_title_rows
    for part in ("学员信息表", "项目课程设计表", "开展情况记录", "学习成果评价表"):
        ws = wb[part]
        assert [c.value for c in ws[5]] == list(schema.LEDGER_PARTS[part][0].names), part
        assert ws.freeze_panes == "A6"
    roster = wb["学员信息表"]
    assert roster["C6"].number_format == "@" and roster["D6"].number_format == "@"  # 身份证号, 联系电话 as text
    assert roster["A6"].value == 1 and roster["B6"].value is None
    evaluation = wb["学习成果评价表"]
    formulas = {str(dv.sqref): dv.formula1 for dv in evaluation.data_validations.dataValidation if dv.type == "list"}
    result_list = formulas["E6:E55"]
    sheet, col = result_list.split("!")[0].strip("'"), result_list.split("!$")[1][0]
    values = [wb[sheet][f"{col}{r}"].value for r in range(2, 2 + len(vocab.RESULT_GRADES))]
    assert values == list(vocab.RESULT_GRADES)


def test_signin_grid_has_session_columns_a_date_row_and_a_mark_list(tmp_path):
    ws = load_workbook(write_template("ledger", tmp_path / "l.xlsx", force=False))["签到表"]
    assert [ws.cell(row=5, column=c).value for c in range(1, 6)] == ["序号", "姓名", "身份证号", "第1次", "第2次"]
    assert ws.cell(row=5, column=13).value == "第10次"
    assert "A5:A6" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["D6"].number_format == 'm"月"d"日"'
    assert ws.page_setup.orientation == "landscape"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"√,×,请假"' and str(lists[0].sqref) == "D7:M56"
    assert ws["A57"].value.startswith("说明：")


def test_filled_from_the_catalog(tmp_path):
    target = tmp_path / "台账.xlsx"
    result = runner.invoke(app, ["template", "ledger", "--catalog", str(CATALOG), "--project", "330106-2019H1-004", "-o", str(target)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(target)
    for part in PARTS:
        ws = wb[part]
        assert ws["C2"].value == "家政服务员（育婴）培训" and ws["C3"].value == "330106-2019H1-004"
        assert ws["C4"].value == "杭州市西湖区转塘街道成人文化技术学校"
    design = wb["项目课程设计表"]
    assert [[design.cell(row=r, column=c).value for c in (1, 2, 3, 4)] for r in (6, 7, 8)] == [
        [1, "婴幼儿生活照料", 16, "周敏"], [2, "婴幼儿保健", 12, "周敏"], [3, "早期教育", 12, "吴静"],
    ]
    # It reads back as that project's ledger: only the parts to fill in are reported.
    checked = runner.invoke(app, ["ledger", "check", str(target), "--catalog", str(CATALOG), "--format", "json"])
    doc = json.loads(checked.stdout)
    assert sorted({(f["rule"], f["sheet"]) for f in doc["findings"]}) == [
        ("ledger-part-empty", p) for p in sorted(["学员信息表", "签到表", "开展情况记录", "学习成果评价表"])
    ]
    assert doc["ledgers"][0]["project_code"] == "330106-2019H1-004" and doc["ledgers"][0]["parts_present"] == 1


def test_default_name_carries_the_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["template", "ledger", "--catalog", str(CATALOG), "--project", "330106-2019H1-001"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "过程台账-330106-2019H1-001.xlsx").exists()


def test_usage_errors(tmp_path):
    alone = runner.invoke(app, ["template", "ledger", "--project", "330106-2019H1-001", "-o", str(tmp_path / "a.xlsx")])
    assert alone.exit_code == 2 and "--catalog" in alone.output
    unknown = runner.invoke(app, ["template", "ledger", "--catalog", str(CATALOG), "--project", "330106-2019H1-099", "-o", str(tmp_path / "b.xlsx")])
    assert unknown.exit_code == 2 and "330106-2019H1-099" in unknown.output
    wrong = runner.invoke(app, ["template", "ledger", "--catalog", str(CATALOG), "--project", "330106-2019H1-001", "-o", str(tmp_path / "c.xls")])
    assert wrong.exit_code == 2 and ".xlsx" in wrong.output
    assert not any(tmp_path.iterdir())
    assert "Traceback" not in alone.output + unknown.output + wrong.output


def test_blank_template_is_recognised_and_says_what_to_fill(tmp_path):
    path = write_template("ledger", tmp_path / "blank.xlsx", force=False)
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["files"][0]["kind"] == "ledger"
    rules = sorted(f["rule"] for f in doc["findings"])
    assert rules == ["ledger-code-missing"] + ["ledger-part-empty"] * 5
