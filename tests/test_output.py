"""Outputs: atomic, never over an input or an existing file without --force, never a live formula;
inputs never modified by any command."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zjcredit.report import output
from zjcredit.cli import app
from zjcredit.errors import UsageError

runner = CliRunner()


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# A small, correct Annex 2 form: label | value | label | value, one project block.
FORM: dict[str, object] = {
    "A1": "申报单位", "B1": "杭州市西湖区三墩镇成人文化技术学校", "C1": "机构代码", "D1": "330106A0012",
    "A2": "地址", "B2": "杭州市西湖区三墩镇墩余路12号",
    "A3": "填报人", "B3": "王丽", "C3": "联系电话", "D3": "13857112345",
    "A4": "培训项目1：=HYPERLINK(\"http://x\",\"茶艺\")",
    "A5": "项目类别", "B5": "市（农）民职业技能培训", "C5": "培训规模", "D5": 50,
    "A6": "培训对象", "B6": "农村劳动力、企业职工", "C6": "培训形式", "D6": "线下面授",
    "A7": "培训时数", "B7": 24, "C7": "学时数", "D7": 32,
    "A8": "成果形式", "B8": "结业证书", "C8": "师资安排", "D8": "@高级茶艺师2名",
    "A9": "考核方式", "B9": "实操考核",
    "A10": "培训项目介绍", "B10": "面向三墩镇农村劳动力开展茶艺技能培训。",
}  # fmt: skip


@pytest.fixture()
def annex2(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "申报表"
    for ref, value in FORM.items():
        ws[ref] = value
        ws[ref].data_type = "s" if isinstance(value, str) else ws[ref].data_type
    path = tmp_path / "in" / "申报表.xlsx"
    path.parent.mkdir()
    wb.save(path)
    return path


# Atomic writes -------------------------------------------------------------------------------------


def test_failed_write_leaves_previous_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous", encoding="utf-8")

    def broken(tmp: Path) -> None:
        tmp.write_text("half a rep", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        output.write_atomic(target, broken, force=True)
    assert target.read_text(encoding="utf-8") == "previous"
    assert leftovers(tmp_path) == []


def test_existing_output_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(UsageError, match="--force"):
        output.write_text_atomic(target, "new", force=False)
    assert target.read_text(encoding="utf-8") == "keep"
    output.write_text_atomic(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"


def test_output_may_not_be_an_input_even_with_force(tmp_path: Path) -> None:
    source = tmp_path / "a.xlsx"
    source.write_bytes(b"original")
    with pytest.raises(UsageError, match="输入文件之一"):
        output.write_text_atomic(tmp_path / "." / "a.xlsx", "x", force=True, inputs=[source])
    assert source.read_bytes() == b"original"


def test_ctrl_c_while_writing_report_exits_130_and_keeps_previous(tmp_path: Path, annex2: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "report.json"
    report.write_text("previous report", encoding="utf-8")
    real_write_text = Path.write_text

    def interrupted(self: Path, text: str, *args: object, **kwargs: object) -> int:
        real_write_text(self, text[:10], encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", interrupted)
    result = runner.invoke(app, ["validate", str(annex2), "--output", str(report), "--force"])
    monkeypatch.undo()
    assert result.exit_code == 130, result.output
    assert "Traceback" not in result.output
    assert report.read_text(encoding="utf-8") == "previous report"
    assert leftovers(tmp_path) == []


def test_ctrl_c_during_summary_build_writes_nothing(tmp_path: Path, annex2: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "汇总表.xlsx"

    def interrupted(target_: Path, write: object, **kwargs: object) -> Path:
        with output.atomic_path(target_) as tmp:
            tmp.write_bytes(b"PK\x03\x04 partial")
            raise KeyboardInterrupt
        return target_  # pragma: no cover

    monkeypatch.setattr(output, "write_atomic", interrupted)
    result = runner.invoke(app, ["summary", "build", str(annex2), "-o", str(target)])
    assert result.exit_code == 130, result.output
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_validate_output_pointed_at_an_input_is_refused(annex2: Path) -> None:
    before = fingerprint(annex2)
    result = runner.invoke(app, ["validate", str(annex2), "--output", str(annex2), "--force"])
    assert result.exit_code == 2
    assert "输入文件之一" in result.output and "Traceback" not in result.output
    assert fingerprint(annex2) == before


def test_summary_output_pointed_at_an_input_is_refused(annex2: Path) -> None:
    before = fingerprint(annex2)
    result = runner.invoke(app, ["summary", "build", str(annex2), "-o", str(annex2), "--force"])
    assert result.exit_code == 2
    assert "输入文件之一" in result.output and "Traceback" not in result.output
    assert fingerprint(annex2) == before


def test_report_is_not_overwritten_without_force(tmp_path: Path, annex2: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(annex2), "--output", str(report)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert report.read_text(encoding="utf-8") == "keep me"


# Inputs are never modified -------------------------------------------------------------------------


def outcome_sheet(path: Path) -> Path:
    path.write_text(
        "序号,姓名,身份证号,联系电话,机构代码,项目编码,课程编码,学时数,考核结果,完成日期\n"
        "1,张三,330106199001011234,13812345678,ZJ0001,330106-2019H1-001,330106-2019H1-001-01,16,合格,2019-05-05\n",
        encoding="utf-8",
    )
    return path


def test_no_command_modifies_its_inputs(tmp_path: Path, annex2: Path) -> None:
    outcomes = outcome_sheet(tmp_path / "in" / "成果.csv")
    inputs = [annex2, outcomes]
    before = {p: fingerprint(p) for p in inputs}
    commands = [
        ["validate", str(annex2), str(outcomes), "--format", "json"],
        ["validate", str(annex2), "--annotate", str(tmp_path / "checked"), "--format", "json"],
        ["summary", "build", str(annex2), "-o", str(tmp_path / "summary.xlsx")],
        ["catalog", "build", str(annex2), "--period", "2019H1", "-o", str(tmp_path / "catalog.xlsx")],
    ]
    catalog = tmp_path / "catalog.xlsx"
    for args in commands:
        result = runner.invoke(app, args)
        assert "Traceback" not in result.output, (args, result.output)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        for p in inputs:
            assert fingerprint(p) == before[p], (args, p)
    for written in (tmp_path / "summary.xlsx", catalog, *sorted((tmp_path / "checked").glob("*.xlsx"))):
        assert written.exists(), written
        assert_no_formula(written)
    if catalog.exists():
        catalog_before = fingerprint(catalog)
        result = runner.invoke(app, ["outcomes", "check", str(outcomes), "--catalog", str(catalog), "--format", "json"])
        assert "Traceback" not in result.output
        assert result.exit_code in (0, 1), result.output
        assert fingerprint(outcomes) == before[outcomes]
        assert fingerprint(catalog) == catalog_before


def assert_no_formula(path: Path) -> None:
    """No cell of a workbook we wrote holds a formula (our own templates' SUM rows excepted: none here)."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, (path.name, name)


# Formula safety ------------------------------------------------------------------------------------

DANGEROUS = ["=HYPERLINK(\"http://x\",\"y\")", "=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "=cmd|' /C calc'!A0"]


def test_xlsx_text_is_never_a_formula(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for i, text in enumerate(DANGEROUS, start=1):
        output.set_text(ws.cell(row=i, column=1), text)
    path = tmp_path / "out.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    import python_calamine as pc

    back = [r[0] for r in pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()]
    assert back == DANGEROUS
    ws2 = openpyxl.load_workbook(path).active
    assert all(ws2.cell(row=i, column=1).data_type == "s" for i in range(1, len(DANGEROUS) + 1))


def test_findings_csv_escapes_formula_text_and_our_reader_keeps_it() -> None:
    from zjcredit.report import render
    from zjcredit.documents.common import REQUIRED
    from zjcredit.report.findings import FileResult, Report, make
    from zjcredit.io.csvfile import parse_csv

    report = Report("validate", [FileResult("=evil.xlsx", "annex1", 1, [make(REQUIRED, "=evil.xlsx", field="项目名称", value="=1+2")])])
    text = render.to_csv(report, "zh")
    rows = list(csv.reader(io.StringIO(text)))
    header, row = rows[0], rows[1]
    assert row[header.index("value")] == "'=1+2"
    assert row[header.index("path")] == "'=evil.xlsx"
    assert row[header.index("rule")] == "required"
    parsed = parse_csv(text)
    assert parsed[1][header.index("value")] == "'=1+2"  # parse_csv strips nothing


def test_report_json_keeps_values_exact(tmp_path: Path) -> None:
    from zjcredit.report import render
    from zjcredit.documents.common import REQUIRED
    from zjcredit.report.findings import FileResult, Report, make

    report = Report("validate", [FileResult("a.xlsx", "annex1", 1, [make(REQUIRED, "a.xlsx", value="=1+2")])])
    assert json.loads(render.to_json(report, "zh"))["findings"][0]["value"] == "=1+2"


def test_outputs_get_ordinary_file_permissions(tmp_path):
    import os
    import stat

    from zjcredit.report.output import write_text_atomic

    old = os.umask(0o022)
    try:
        target = write_text_atomic(tmp_path / "report.json", "{}", force=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_an_input_deleted_since_no_longer_guards_its_inode_number(tmp_path: Path) -> None:
    """Inputs are remembered by (device, inode) for the process; once one is deleted, the file system
    may give its number to a new file — a later run's output in the same process (a script calling the
    library twice) — which must not be taken for that input."""
    import os

    from zjcredit.io import sources

    old, new = tmp_path / "成果.xlsx", tmp_path / "报告.xlsx"
    old.write_bytes(b"input")
    sources.note_input(old)
    assert sources.input_at(old) == old
    old.unlink()
    new.write_bytes(b"output")
    st = os.stat(new)
    sources._INPUTS[(st.st_dev, st.st_ino)] = old  # the deleted input's number, given to the new file
    assert sources.input_at(new) is None
    assert (st.st_dev, st.st_ino) not in sources._INPUTS
    sources.note_input(new)  # read now: guarded again
    assert sources.input_at(new) == new
