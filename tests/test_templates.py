from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.domain import schema, vocab
from zjcredit.io.readers import read_grid
from zjcredit.templates import GUIDE_SHEET, INTRO_LABEL, LISTS_SHEET, template_bytes, write_template

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
BLOCK_RE = re.compile(r"^培训项目([0-9]+)：名称$")


def _validations(ws):
    """sqref text → (type, formula1, errorStyle, showErrorMessage) for every data validation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng] = (dv.type, dv.formula1, dv.errorStyle, dv.showErrorMessage)
    return out


def _list_values(wb, formula):
    m = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    sheet, col, first, _, last = m.groups()
    ws = wb[sheet]
    return tuple(ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1))


def _labels(ws):
    return {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_cli_writes_refuses_and_forces(tmp_path):
    target = tmp_path / "汇总.xlsx"
    result = runner.invoke(app, ["template", "annex1", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.exists()
    first = target.read_bytes()

    again = runner.invoke(app, ["template", "annex1", "-o", str(target)])
    assert again.exit_code == 2
    assert "汇总.xlsx" in again.output and "--force" in again.output
    assert "Traceback" not in again.output

    forced = runner.invoke(app, ["template", "annex1", "-o", str(target), "--force"])
    assert forced.exit_code == 0
    assert target.read_bytes() == first


def test_refuses_a_non_xlsx_name(tmp_path):
    result = runner.invoke(app, ["template", "annex2", "-o", str(tmp_path / "form.xls")])
    assert result.exit_code == 2
    assert ".xlsx" in result.output
    assert not (tmp_path / "form.xls").exists()


@pytest.mark.parametrize("kind", ["annex1", "annex2", "outcomes", "review"])
def test_same_command_twice_gives_identical_bytes(tmp_path, kind):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_template(kind, a, force=False)
    write_template(kind, b, force=False)
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("kind", ["annex1", "annex2", "outcomes", "review"])
def test_committed_templates_are_what_the_command_writes(tmp_path, kind):
    target = tmp_path / f"{kind}.xlsx"
    result = runner.invoke(app, ["template", kind, "-o", str(target)])
    assert result.exit_code == 0
    committed = REPO / "templates" / f"{kind}.xlsx"
    assert committed.read_bytes() == target.read_bytes(), (
        f"templates/{kind}.xlsx is stale: run `zjcredit template {kind} -o templates/{kind}.xlsx --force`"
    )


def test_annex1_layout_validations_and_text_columns(tmp_path):
    path = write_template("annex1", tmp_path / "a1.xlsx", force=False)
    wb = load_workbook(path)
    assert wb.sheetnames == ["申报汇总表", GUIDE_SHEET, LISTS_SHEET]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    ws = wb["申报汇总表"]
    # As on the notice: the 附件1 mark top left, then the title.
    assert ws["A1"].value == "附件1"
    assert ws["A2"].value == "浙江省成人学校社会培训项目申报汇总表"
    assert "A2:K2" in {str(r) for r in ws.merged_cells.ranges}
    # One blank for the region (filled: 杭州市 西湖区), then 填报人 and 填报时间.
    assert [ws[f"A{r}"].value for r in (3, 4, 5)] == ["所在区域：", "填报人：", "填报时间："]
    assert {"C3:F3", "C4:E4", "C5:E5"} <= {str(r) for r in ws.merged_cells.ranges}
    assert all(ws.cell(row=3, column=c).value is None for c in range(3, 12))
    header = [schema.header_key(ws.cell(row=7, column=c).value) for c in range(1, 12)]
    assert header == list(schema.ANNEX1.names)
    assert ws["D7"].value == "培训\n规模"  # broken between its words, not wherever the cell wraps
    assert ws.freeze_panes == "A8"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    # Text format on code and phone columns, for every data row.
    for c, field in enumerate(schema.ANNEX1.fields, start=1):
        letter = ws.cell(row=7, column=c).column_letter
        expected = "@" if field.name in ("机构代码", "联系人（电话）") else "General"
        assert {ws[f"{letter}{r}"].number_format for r in range(8, 28)} == {expected}, field.name
    dvs = _validations(ws)
    kind, formula, style, show_error = dvs["C8:C27"]
    assert kind == "list" and style == "information" and show_error
    assert _list_values(wb, formula) == vocab.CATEGORIES
    kind, formula, style, show_error = dvs["E8:E27"]
    assert kind == "list" and not show_error  # several targets allowed in one cell
    assert _list_values(wb, formula) == vocab.TARGETS
    assert _list_values(wb, dvs["F8:F27"][1]) == vocab.FORMS


def test_annex1_template_reads_back_as_annex1(tmp_path):
    from zjcredit.documents.detect import detect_kind
    from zjcredit.io.tables import read_table

    path = write_template("annex1", tmp_path / "a1.xlsx", force=False)
    grid = read_grid(path, "a1.xlsx")
    assert detect_kind(grid) == "annex1"
    table = read_table(grid.sheets[0], schema.ANNEX1)
    assert table is not None and table.header_row == 7 and table.records == []
    assert set(table.columns) == set(schema.ANNEX1.names)


def _annex2_blocks(ws):
    blocks = []
    for row in ws.iter_rows(min_col=1, max_col=1):
        cell = row[0]
        m = BLOCK_RE.match(cell.value) if isinstance(cell.value, str) else None
        if m:
            blocks.append((int(m.group(1)), cell.row))
    return blocks


def test_annex2_form_labels_and_block_layout(tmp_path):
    path = write_template("annex2", tmp_path / "a2.xlsx", force=False)
    wb = load_workbook(path)
    assert wb.sheetnames == ["申报表", GUIDE_SHEET, LISTS_SHEET]
    ws = wb["申报表"]
    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == "浙江省成人学校社会培训项目申报表"
    # Institution header: label cells with the value cell right of each.
    assert [ws[c].value for c in ("A3", "C3", "A4", "A5", "C5")] == ["申报单位", "机构代码", "地址", "填报人", "联系电话"]
    assert {f.name for f in schema.ANNEX2_HEADER} == {ws[c].value for c in ("A3", "C3", "A4", "A5", "C5")}
    assert ws["D3"].number_format == "@" and ws["D5"].number_format == "@"
    assert "B4:D4" in {str(r) for r in ws.merged_cells.ranges}

    blocks = _annex2_blocks(ws)
    assert [n for n, _ in blocks] == [1, 2]
    start = blocks[0][1]
    assert "B%d:D%d" % (start, start) in {str(r) for r in ws.merged_cells.ranges}
    rows = [[ws.cell(row=start + i, column=c).value for c in range(1, 5)] for i in range(1, 7)]
    assert rows[:5] == [
        ["项目类别", None, "培训规模", None],
        ["培训对象", None, "培训形式", None],
        ["培训时数", None, "学时数", None],
        ["成果形式", None, "师资安排", None],
        ["考核方式", None, None, None],
    ]
    assert rows[5][0] == INTRO_LABEL
    # Every per-project field of the schema appears as a label in the block.
    labels_in_block = {ws.cell(row=r, column=c).value for r in range(start, blocks[1][1]) for c in (1, 3)}
    assert schema.header_key(INTRO_LABEL).startswith("培训项目介绍")
    assert schema.canonical_field(INTRO_LABEL) == "培训项目介绍"
    names = {schema.canonical_field(v) for v in labels_in_block if isinstance(v, str)}
    assert {f.name for f in schema.ANNEX2_PROJECT} - {"项目名称"} <= names
    # The intro text area is a merged range right below its label; then the course table.
    intro_row = start + 6
    assert f"A{intro_row + 1}:D{intro_row + 6}" in {str(r) for r in ws.merged_cells.ranges}
    course_row = intro_row + 7
    assert [ws.cell(row=course_row, column=c).value for c in (1, 3, 4)] == ["课程名称", "学时", "授课教师"]
    assert all(ws.cell(row=course_row + i, column=1).value is None for i in range(1, 6))


def test_annex2_validations_reference_the_list_sheet(tmp_path):
    path = write_template("annex2", tmp_path / "a2.xlsx", force=False)
    wb = load_workbook(path)
    ws = wb["申报表"]
    dvs = _validations(ws)
    start = _annex2_blocks(ws)[0][1]
    category = dvs[f"B{start + 1}"]
    assert category[0] == "list" and category[2] == "information"
    assert category[1].startswith(f"'{LISTS_SHEET}'!")
    assert _list_values(wb, category[1]) == vocab.CATEGORIES
    assert _list_values(wb, dvs[f"B{start + 2}"][1]) == vocab.TARGETS
    assert _list_values(wb, dvs[f"B{start + 5}"][1]) == vocab.ASSESSMENT_METHODS
    prompts = {dv.promptTitle: dv.prompt for dv in ws.data_validations.dataValidation}
    assert vocab.NEW_CATEGORY_MARK in prompts["项目类别"]
    assert ws.cell(row=start + 1, column=4).number_format == '0"人"'


def test_annex2_projects_option_gives_that_many_blocks(tmp_path):
    target = tmp_path / "five.xlsx"
    result = runner.invoke(app, ["template", "annex2", "--projects", "5", "-o", str(target)])
    assert result.exit_code == 0
    ws = load_workbook(target)["申报表"]
    blocks = _annex2_blocks(ws)
    assert [n for n, _ in blocks] == [1, 2, 3, 4, 5]
    # Blocks are regular: the same distance apart, each with its own category drop-down.
    assert len({b[1] - a[1] for a, b in zip(blocks, blocks[1:])}) == 1
    dvs = _validations(ws)
    assert all(f"B{row + 1}" in dvs for _, row in blocks)
    assert runner.invoke(app, ["template", "annex2", "--projects", "0", "-o", str(tmp_path / "z.xlsx")]).exit_code == 2


def test_annex2_template_is_detected_as_annex2(tmp_path):
    from zjcredit.documents.detect import detect_kind

    path = write_template("annex2", tmp_path / "a2.xlsx", force=False)
    assert detect_kind(read_grid(path, "a2.xlsx")) == "annex2"


def test_outcomes_template(tmp_path):
    target = tmp_path / "成果.xlsx"
    result = runner.invoke(app, ["template", "outcomes", "-o", str(target)])
    assert result.exit_code == 0
    wb = load_workbook(target)
    ws = wb.worksheets[0]
    assert ws["A1"].value == schema.OUTCOMES.title_zh
    header = [schema.header_key(ws.cell(row=2, column=c).value) for c in range(1, len(schema.OUTCOMES.fields) + 1)]
    assert header == list(schema.OUTCOMES.names)
    assert ws.freeze_panes == "A3"
    text_cols = {f.name for f in schema.OUTCOMES.fields if f.text_format}
    assert text_cols == {"身份证号", "联系电话", "机构代码", "项目编码", "课程编码"}
    for c, field in enumerate(schema.OUTCOMES.fields, start=1):
        letter = ws.cell(row=2, column=c).column_letter
        fmt = {ws[f"{letter}{r}"].number_format for r in (3, 100, 202)}
        assert fmt == {"@" if field.name in text_cols else ("yyyy-mm-dd" if field.type == "date" else "General")}, field.name
    dvs = _validations(ws)
    grade = dvs["I3:I202"]
    assert grade[0] == "list" and grade[2] == "information"
    assert _list_values(wb, grade[1]) == vocab.RESULT_GRADES
    from zjcredit.documents.detect import detect_kind

    assert detect_kind(read_grid(target, "成果.xlsx")) == "outcomes"


def test_guide_sheet_explains_the_rules(tmp_path):
    for kind in ("annex1", "annex2", "outcomes"):
        wb = load_workbook(write_template(kind, tmp_path / f"{kind}.xlsx", force=False))
        text = "\n".join(str(c.value) for row in wb[GUIDE_SHEET].iter_rows() for c in row if c.value)
        assert "2019-05-05" in text
        assert "zjcredit" not in text and "--" not in text  # it speaks to the person filling in: no command lines
        if kind != "outcomes":
            assert all(c in text for c in vocab.CATEGORIES)
            assert all(t in text for t in vocab.TARGETS)
            assert vocab.NEW_CATEGORY_MARK in text
        else:
            assert "双证制" in text and "文本格式" in text


def test_guide_and_list_sheets_do_not_look_like_tables(tmp_path):
    """Readers scan every sheet: the helper sheets must not be taken for a table or a form."""
    from zjcredit.io.tables import find_header

    for kind in ("annex1", "annex2", "outcomes", "review"):
        grid = read_grid(write_template(kind, tmp_path / f"{kind}.xlsx", force=False), kind)
        for sheet in grid.sheets[1:]:
            for table in schema.TABLES.values():
                assert find_header(sheet, table) is None, (kind, sheet.name, table.kind)


def test_annex2_ends_with_the_lines_an_office_signs(tmp_path):
    wb = load_workbook(write_template("annex2", tmp_path / "a2.xlsx", force=False, projects=3))
    ws = wb["申报表"]
    texts = [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    tail = [v for _, v in texts[-4:]]
    assert tail == ["申报单位（盖章）：", "负责人（签字）：", "日期：", "年　　月　　日"]
    last_block = _annex2_blocks(ws)[-1][1]
    sign_row = next(ws[ref].row for ref, v in texts if v == "申报单位（盖章）：")
    assert sign_row > last_block
    assert ws.print_area.endswith(f"$D${sign_row + 1}")
    assert ws["B%d" % sign_row].border.bottom.style == "thin"  # the line to sign on


def test_default_file_names_are_chinese():
    from zjcredit.templates import DEFAULT_NAMES

    assert DEFAULT_NAMES["annex1"] == "附件1_申报汇总表.xlsx"
    assert DEFAULT_NAMES["annex2"] == "附件2_项目申报表.xlsx"
    assert DEFAULT_NAMES["outcomes"] == "学习成果表.xlsx"
    assert DEFAULT_NAMES["review"] == "审核结果表.xlsx"


def test_template_without_o_writes_its_chinese_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for kind, name in (("annex1", "附件1_申报汇总表.xlsx"), ("annex2", "附件2_项目申报表.xlsx"), ("outcomes", "学习成果表.xlsx"), ("review", "审核结果表.xlsx")):
        result = runner.invoke(app, ["template", kind])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).exists() and name in result.output


def test_template_bytes_depend_on_projects():
    assert template_bytes("annex2", 1) != template_bytes("annex2", 2)
