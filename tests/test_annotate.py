from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

import zjcredit.documents.common  # noqa: F401  (registers the rules used below)
from zjcredit.report import annotate as annotate_mod
from zjcredit.report.annotate import annotate, parse_cell, unique_names
from zjcredit.cli import app
from zjcredit.errors import UsageError
from zjcredit.report.findings import FileResult, Report, Severity, make

runner = CliRunner()
RED, YELLOW, BLUE = "FFC7CE", "FFEB9C", "DDEBF7"


def _fill(cell):
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def _form(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "申报表"
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "申报单位", "某某成校", "机构代码", None
    ws["A3"], ws["B3"] = "地址", "火星市"
    ws.merge_cells("B3:D3")
    ws["A4"], ws["B4"] = "联系电话", "=1+2"
    wb.save(path)
    return path


def _report(path: Path, findings, kind="annex2", records=1) -> Report:
    return Report("validate", [FileResult(str(path), kind, records, list(findings))])


def test_xlsx_copy_fills_comments_and_list(tmp_path):
    src = _form(tmp_path / "form.xlsx")
    before = src.read_bytes()
    p = str(src)
    report = _report(
        src,
        [
            make("required", p, sheet="申报表", cell="D2", row=2, field="机构代码"),
            make("no-records", p, sheet="申报表", cell="B2", row=2, field="申报单位", value="某某成校"),
            make("required", p, sheet="申报表", cell="B2", row=2, field="申报单位", severity=Severity.INFO),
            make("excel-error", p, sheet="申报表", cell="C3", row=3, field="地址", value="#REF!"),  # inside B3:D3
            make("required", p, sheet="申报表", cell="B3", row=3, field="地址", severity=Severity.WARNING),
            make("no-records", p),  # file-level: only in the list
        ],
    )
    written = annotate(report, tmp_path / "out")
    assert written == [tmp_path / "out" / "form.checked.xlsx"]
    assert src.read_bytes() == before

    wb = load_workbook(written[0])
    assert wb.sheetnames == ["申报表", "问题清单"]
    ws = wb["申报表"]
    assert _fill(ws["D2"]) == RED
    assert ws["D2"].comment.text == "错误 [required] “机构代码”未填写，这是必填项。"
    # Worst severity decides the fill; the comment holds every message, most severe first.
    assert _fill(ws["B2"]) == YELLOW
    assert ws["B2"].comment.text.splitlines() == ["警告 [no-records] 表中没有任何数据行。", "提示 [required] “申报单位”未填写，这是必填项。"]
    # A finding inside a merged range marks the range's top-left cell.
    assert _fill(ws["B3"]) == RED
    assert [line.split()[1] for line in ws["B3"].comment.text.splitlines()] == ["[excel-error]", "[required]"]
    assert ws["A2"].comment is None and _fill(ws["A2"]) is None
    # The input's own content is untouched in the copy (its formula stays its formula).
    assert ws["B2"].value == "某某成校" and ws["B4"].value == "=1+2"

    lst = wb["问题清单"]
    rows = _rows(lst)
    assert rows[0] == ["级别", "工作表", "单元格", "行", "项目", "字段", "规则", "说明", "读到的值"]
    assert [r[0] for r in rows[1:]] == ["错误", "错误", "警告", "警告", "警告", "提示"]
    assert rows[1] == ["错误", "申报表", "D2", 2, None, "机构代码", "required", "“机构代码”未填写，这是必填项。", None]
    assert rows[2][2:4] == ["C3", 3] and rows[2][8] == "#REF!" and lst["I3"].data_type == "s"
    assert rows[5][1:4] == [None, None, None] and rows[5][6] == "no-records"
    assert lst.freeze_panes == "A2"
    assert lst.auto_filter.ref == "A1:I7"
    assert lst["C2"].hyperlink.location == "'申报表'!D2"
    assert [_fill(lst[f"A{r}"]) for r in range(2, 8)] == [RED, RED, YELLOW, YELLOW, YELLOW, BLUE]


def test_csv_copy_keeps_formula_looking_text_as_text(tmp_path):
    src = tmp_path / "学员 名单.csv"
    src.write_text('姓名,身份证号\n张三,"=HYPERLINK(""http://x"",""y"")"\n李四,-1+2\n', encoding="gb18030")
    p = str(src)
    report = _report(
        src,
        [make("required", p, cell="B2", row=2, field="身份证号", value='=HYPERLINK("http://x","y")')],
        kind="outcomes",
        records=2,
    )
    (out,) = annotate(report, tmp_path / "out", lang="en")
    assert out.name == "学员 名单.checked.xlsx"
    wb = load_workbook(out)
    assert wb.sheetnames == ["学员 名单", "Findings"]
    ws = wb["学员 名单"]
    assert _rows(ws) == [["姓名", "身份证号"], ["张三", '=HYPERLINK("http://x","y")'], ["李四", "-1+2"]]
    assert ws["B2"].data_type == "s" and ws["B3"].data_type == "s"
    assert _fill(ws["B2"]) == RED
    assert ws["B2"].comment.text == "error [required] '身份证号' is empty; it is required."
    lst = wb["Findings"]
    assert _rows(lst)[0][0] == "Severity"
    assert lst["B2"].value == "学员 名单" and lst["I2"].value == '=HYPERLINK("http://x","y")'
    assert lst["I2"].data_type == "s"
    # The raw XML holds no formula at all.
    import zipfile

    with zipfile.ZipFile(out) as zf:
        assert all(b"<f>" not in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_xls_input_is_rebuilt_from_its_values(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("汇总")
    sheet.write(0, 0, "序号")
    sheet.write(0, 1, "机构代码")
    sheet.write(1, 0, 1)
    sheet.write(1, 1, "=A1")
    src = tmp_path / "old.xls"
    book.save(str(src))
    report = _report(src, [make("required", str(src), sheet="汇总", cell="B2", row=2, field="机构代码", severity=Severity.WARNING)], kind="annex1")
    (out,) = annotate(report, tmp_path)
    ws = load_workbook(out)["汇总"]
    assert ws["A2"].value == 1 and ws["B2"].value == "=A1" and ws["B2"].data_type == "s"
    assert _fill(ws["B2"]) == YELLOW


def test_refuses_to_overwrite_without_force_and_writes_nothing(tmp_path):
    a = _form(tmp_path / "a.xlsx")
    b = _form(tmp_path / "b.xlsx")
    report = Report("validate", [FileResult(str(a), "annex2"), FileResult(str(b), "annex2")])
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.checked.xlsx").write_bytes(b"keep")
    with pytest.raises(UsageError) as exc:
        annotate(report, out)
    assert "b.checked.xlsx" in exc.value.zh and "--force" in exc.value.zh
    assert not (out / "a.checked.xlsx").exists()  # checked before anything was written
    assert (out / "b.checked.xlsx").read_bytes() == b"keep"
    written = annotate(report, out, force=True)
    assert [p.name for p in written] == ["a.checked.xlsx", "b.checked.xlsx"]
    assert load_workbook(out / "b.checked.xlsx").sheetnames == ["申报表", "问题清单"]


def test_unreadable_inputs_are_skipped(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    report = Report("validate", [FileResult(str(bad), None, 0, [make("unreadable", str(bad), reason="坏", reason_en="bad")])])
    assert annotate(report, tmp_path / "out") == []
    assert not (tmp_path / "out").exists()


def test_same_stem_inputs_get_distinct_names(tmp_path):
    assert unique_names(["西湖区/申报表.xlsx", "上城区/申报表.xlsx", "其他.csv"]) == ["西湖区_申报表", "上城区_申报表", "其他"]
    assert unique_names(["d/a.xlsx", "d/a.csv"]) == ["d_a_xlsx", "d_a_csv"]
    assert unique_names(["A.xlsx", "a.xlsx"]) == ["A_xlsx", "a_xlsx-2"]
    assert unique_names(["x/a.xlsx", "x/a.xlsx"]) == ["x_a_xlsx", "x_a_xlsx-2"]
    for d in ("西湖区", "上城区"):
        (tmp_path / d).mkdir()
        _form(tmp_path / d / "申报表.xlsx")
    report = Report("validate", [FileResult(str(tmp_path / d / "申报表.xlsx"), "annex2") for d in ("西湖区", "上城区")])
    names = sorted(p.name for p in annotate(report, tmp_path / "out"))
    assert len(names) == 2 and all(n.endswith("_申报表.checked.xlsx") for n in names)


def test_large_input_gets_only_the_findings_list(tmp_path, monkeypatch):
    monkeypatch.setattr(annotate_mod, "LARGE_ROWS", 5)
    src = tmp_path / "big.xlsx"
    wb = Workbook()
    for i in range(1, 11):
        wb.active.cell(row=i, column=1, value=i)
    wb.save(src)
    report = _report(src, [make("required", str(src), sheet="Sheet", cell="A3", row=3, field="姓名")], kind="outcomes", records=9)
    (out,) = annotate(report, tmp_path / "out")
    wb = load_workbook(out)
    assert wb.sheetnames == ["问题清单"]
    rows = _rows(wb["问题清单"])
    assert "未复制原表" in rows[0][0]
    assert rows[1][0] == "级别" and rows[2][2] == "A3"
    assert wb["问题清单"].freeze_panes == "A3"

    # Judged from the file itself too: the <dimension> tag, or the row elements when it has none.
    assert annotate_mod._is_large(src, FileResult(str(src), "annex1", 0))
    streamed = Workbook(write_only=True)
    sheet = streamed.create_sheet("s")
    for i in range(10):
        sheet.append([i])
    streamed.save(tmp_path / "nodim.xlsx")
    assert annotate_mod._is_large(tmp_path / "nodim.xlsx", FileResult("nodim.xlsx", "annex1", 0))
    assert not annotate_mod._is_large(_form(tmp_path / "small.xlsx"), FileResult("small.xlsx", "annex2", 0))

    csv_src = tmp_path / "big.csv"
    csv_src.write_text("姓名\n" + "张三\n" * 7, encoding="utf-8")
    report = _report(csv_src, [], kind="outcomes", records=0)
    (out,) = annotate(report, tmp_path / "out2", lang="en")
    assert load_workbook(out).sheetnames == ["Findings"]


def test_findings_list_stops_at_its_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(annotate_mod, "LIST_LIMIT", 3)
    monkeypatch.setattr(annotate_mod, "COMMENT_LIMIT", 2)
    src = _form(tmp_path / "f.xlsx")
    fs = [make("required", str(src), sheet="申报表", cell=f"E{r}", row=r, field="x") for r in range(1, 6)]
    (out,) = annotate(_report(src, fs), tmp_path / "out")
    wb = load_workbook(out)
    rows = _rows(wb["问题清单"])
    assert len(rows) == 5 and "另有 2 条问题" in rows[4][0]
    ws = wb["申报表"]
    assert all(_fill(ws[f"E{r}"]) == RED for r in range(1, 6))  # every cell filled...
    assert [ws[f"E{r}"].comment is not None for r in range(1, 6)] == [True, True, False, False, False]  # ...comments capped


def test_parse_cell():
    assert parse_cell("C7") == (7, 3)
    assert parse_cell("aa10") == (10, 27)
    assert parse_cell("A0") is None and parse_cell("A1:B2") is None and parse_cell("XFE1") is None


def test_validate_annotate_through_the_cli(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    out = tmp_path / "marked"
    result = runner.invoke(app, ["validate", str(src), "--annotate", str(out), "--format", "json"])
    assert result.exit_code == 1  # kind-unknown is an error
    ws = load_workbook(out / "x.checked.xlsx")["问题清单"]
    assert ws["G2"].value == "kind-unknown" and ws["C2"].value is None
    again = runner.invoke(app, ["validate", str(src), "--annotate", str(out)])
    assert again.exit_code == 2 and "x.checked.xlsx" in again.output
    assert runner.invoke(app, ["validate", str(src), "--annotate", str(out), "--force"]).exit_code == 1


def test_input_that_no_longer_reads_gets_a_list_with_the_reason(tmp_path):
    src = tmp_path / "gone.csv"
    src.write_bytes(b"")  # emptied since it was checked
    report = _report(src, [make("no-records", str(src))], kind="outcomes")
    (out,) = annotate(report, tmp_path / "out")
    rows = _rows(load_workbook(out)["问题清单"])
    assert "0 字节" in rows[0][0] and rows[2][6] == "no-records"
