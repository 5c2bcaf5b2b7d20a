"""The Annex 2 reader: our template and notice-style layouts by other hands, .xlsx and .xls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from annex2_filler import fill_annex2_sheet

from zjcredit.documents.declarations.form import classify, read_annex2
from zjcredit.io.readers import read_grid


def read(path: Path):
    return read_annex2(read_grid(path, path.name))


def values(record) -> dict[str, tuple[str | None, str | None]]:
    return {k: (v.text, v.cell) for k, v in record.values.items()}


def save(cells: dict[str, Any], path: Path, merges: tuple[str, ...] = (), title: str = "Sheet1", extra_sheets: dict[str, dict[str, Any]] | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for ref, value in cells.items():
        ws[ref] = value
    for rng in merges:
        ws.merge_cells(rng)
    for name, more in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for ref, value in more.items():
            other[ref] = value
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("text", "what", "name"),
    [
        ("培训项目 1：名称", "block", None),
        ("培训项目1：名称：茶艺", "block", "茶艺"),
        ("培训项目一：茶艺培训", "block", "茶艺培训"),
        ("培训项目１", "block", None),
        ("培训项目（二）:插花", "block", "插花"),
        ("培训项目12 名称 电商", "block", "电商"),
        ("培训项目介绍", "label", None),
        ("培训项目介绍（培训目的、培训目标、培训对象及类型、培训内容、培训组织范围、培训规模、培训\n时间、地点等）", "label", None),
        ("项 目 类 别", "label", None),
        ("培训规模（人）", "label", None),
        ("考核考察方式", "label", None),
        ("浙江省成人学校社会培训项目申报表", "text", None),
        ("合计", "stop", None),
    ],
)
def test_classify(text, what, name):
    kind = classify(text)
    assert kind.what == what
    assert kind.block_name == name


def _fill_template(path: Path, header: dict[str, Any], projects: list[dict[str, Any]], blocks: int = 3) -> None:
    """Type into our template the way a clerk does: the cell right of each label."""
    from zjcredit.templates import build_workbook

    wb = build_workbook("annex2", projects=blocks)
    fill_annex2_sheet(wb["申报表"], header, projects)
    wb.save(path)


HEADER = {"申报单位": "杭州市西湖区三墩镇成人文化技术学校", "机构代码": "330106A0012", "地址": "杭州市西湖区三墩镇墩余路12号", "填报人": "王丽", "联系电话": "0571-88561234"}
PROJECT = {
    "项目名称": "西湖龙井茶艺师技能培训", "项目类别": "市（农）民职业技能培训", "培训规模": 50, "培训对象": "农村劳动力", "培训形式": "线下面授",
    "培训时数": 24, "学时数": 32, "成果形式": "结业证书", "师资安排": "高级茶艺师2名", "考核方式": "实操考核",
    "培训项目介绍": "面向三墩镇农村劳动力。", "courses": [("茶艺基础", 16, "陈敏"), ("茶席设计", 16, None)],
}


def test_our_template_filled(tmp_path):
    path = tmp_path / "t.xlsx"
    _fill_template(path, HEADER, [PROJECT, {}, {**PROJECT, "项目名称": "插花", "courses": []}])
    (decl,), findings = read(path)
    assert findings == []
    assert decl.sheet == "申报表"
    # Row 1 holds the 附件2 mark, row 2 the title; the signature lines at the end are no second form.
    assert values(decl.header) == {"申报单位": (HEADER["申报单位"], "B3"), "机构代码": ("330106A0012", "D3"), "地址": (HEADER["地址"], "B4"), "填报人": ("王丽", "B5"), "联系电话": ("0571-88561234", "D5")}
    assert (decl.place.city, decl.place.county, decl.place.county_code) == ("杭州市", "西湖区", "330106")
    assert [p.number for p in decl.projects] == [1, 3]  # block 2 left blank: unused, not an error
    first = decl.projects[0]
    assert first.record.project == 1 and first.has_assessment_line
    got = values(first.record)
    assert got["项目名称"] == ("西湖龙井茶艺师技能培训", "B7")
    assert got["培训规模"] == ("50", "D8")
    assert got["考核方式"] == ("实操考核", "B12")
    assert got["培训项目介绍"] == ("面向三墩镇农村劳动力。", "A14")
    assert [(c.name.text, c.hours.text, c.teacher.text, c.name.cell) for c in first.courses] == [("茶艺基础", "16", "陈敏", "A21"), ("茶席设计", "16", None, "A22")]
    assert decl.projects[1].courses == []


def test_blank_template_reads_as_a_form_without_projects(tmp_path):
    from zjcredit.templates import write_template

    path = write_template("annex2", tmp_path / "blank.xlsx", force=True, projects=2)
    (decl,), findings = read(path)
    assert findings == [] and decl.projects == []
    assert decl.header.get("申报单位").cell == "B3" and decl.header.get("申报单位").empty


NOTICE_MERGES = ("A1:G1", "B2:D2", "F2:G2", "B4:D4", "F4:G4", "A5:G5", "B6:C6", "E6:F6", "B7:C7", "E7:G7", "B8:C8", "E8:G8", "B9:C9", "E9:G9", "A10:G10", "A11:G14", "A15:G15")


def notice_cells(**over: Any) -> dict[str, Any]:
    cells = {
        "A1": "浙江省成人学校社会培训项目申报表",
        "A2": "申 报 单 位", "B2": "宁波市鄞州区姜山镇成人文化技术学校", "E2": "机构代码", "F2": "330212B0031",
        "A3": "地址", "B3": "宁波", "C3": "市", "D3": "鄞州", "E3": "县", "F3": "姜山镇学院路 8", "G3": "号",
        "A4": "填报人", "B4": "张敏", "E4": "联系\n电话", "F4": "0574-88451234",
        "A5": "培训项目 1：名称：电商直播营销实务培训",
        "A6": "项目类别", "B6": "电商营销培训", "D6": "培训规模", "E6": "40", "G6": "人",
        "A7": "培训对象", "B7": "农村劳动力", "D7": "培训形式", "E7": "线上线下混合",
        "A8": "培训时数", "B8": "３２", "D8": "学时数", "E8": "40学时",
        "A9": "成果形式", "B9": "培训证书", "D9": "师资安排", "E9": "讲师2名",
        "A10": "培训项目介绍（培训目的、培训目标、培训对象及类型、培训内容、培训组织范围、培训规模、培训时间、地点等）",
        "A11": "帮助农产品经营户掌握直播带货技能。",
        "A15": "培训项目 2：名称",
    }
    cells.update(over)
    return cells


def test_notice_layout_with_merged_cells_units_and_address_cells(tmp_path):
    (decl,), findings = read(save(notice_cells(), tmp_path / "n.xlsx", NOTICE_MERGES, title="项目申报表"))
    assert findings == []
    assert values(decl.header)["申报单位"] == ("宁波市鄞州区姜山镇成人文化技术学校", "B2")
    assert values(decl.header)["联系电话"] == ("0574-88451234", "F4")
    assert decl.header.get("地址").text == "宁波市鄞州县姜山镇学院路 8号"
    assert decl.header.get("地址").cell == "B3"
    assert (decl.place.city, decl.place.county) == ("宁波市", "鄞州区")
    (project,) = decl.projects  # block 2 is blank
    assert project.number == 1 and not project.has_assessment_line
    got = values(project.record)
    assert got["项目名称"] == ("电商直播营销实务培训", "A5")
    assert got["培训规模"] == ("40", "E6")
    assert got["培训时数"] == ("32", "B8")
    assert got["学时数"] == ("40学时", "E8")
    assert got["培训项目介绍"] == ("帮助农产品经营户掌握直播带货技能。", "A11")
    assert got["考核方式"] == (None, None)


def test_notice_blank_form_has_no_address_or_name(tmp_path):
    cells = notice_cells(B2=None, F2=None, B3=None, D3=None, F3=None, B4=None, F4=None, A5="培训项目 1：名称", B6=None, E6=None, B7=None, E7=None, B8=None, E8=None, B9=None, E9=None, A11=None)
    (decl,), _ = read(save(cells, tmp_path / "n.xlsx", NOTICE_MERGES))
    assert decl.projects == []
    assert decl.header.get("地址").empty and decl.header.get("地址").cell == "B3"


def test_label_value_cells_and_two_labels_in_one_cell(tmp_path):
    cells = {
        "A1": "申报单位：杭州市余杭区良渚街道成人文化技术学校", "E1": "机构代码:330110C0001",
        "A2": "地址：杭州市余杭区良渚街道古墩路 1 号",
        "A3": "填报人：陈晓燕   联系电话：13967112345",
        "A4": "培训项目一", "B4": "良渚文化讲解员培训",
        "A5": "项目类别：传统文化（国学）教育培训", "C5": "培训规模：45人",
        "A6": "考核方式：", "B6": "讲解展示",
        "A7": "培训项目介绍", "B7": "围绕良渚古城遗址，培养讲解志愿者。",
    }
    (decl,), _ = read(save(cells, tmp_path / "i.xlsx", ("A1:D1",)))
    assert values(decl.header) == {
        "申报单位": ("杭州市余杭区良渚街道成人文化技术学校", "A1"), "机构代码": ("330110C0001", "E1"), "地址": ("杭州市余杭区良渚街道古墩路 1 号", "A2"),
        "填报人": ("陈晓燕", "A3"), "联系电话": ("13967112345", "A3"),
    }
    got = values(decl.projects[0].record)
    assert got["项目名称"] == ("良渚文化讲解员培训", "B4")
    assert got["项目类别"] == ("传统文化（国学）教育培训", "A5")
    assert got["培训规模"] == ("45人", "C5")
    assert got["考核方式"] == ("讲解展示", "B6")
    assert got["培训项目介绍"] == ("围绕良渚古城遗址，培养讲解志愿者。", "B7")
    assert got["培训对象"] == (None, None)  # no such line: label-missing for the checks


def test_form_without_block_headings_is_one_project(tmp_path):
    cells = {"A1": "申报单位", "B1": "某校", "A2": "项目名称", "B2": "插花", "A3": "学时", "B3": 16, "C3": "学时", "A4": "培训规模", "C4": "人"}
    (decl,), _ = read(save(cells, tmp_path / "p.xlsx"))
    (project,) = decl.projects
    assert project.number == 1
    assert values(project.record)["学时数"] == ("16", "B3")
    assert values(project.record)["培训规模"] == (None, "B4")  # the 人 cell is a unit, not a value


def test_intro_spread_over_rows_below(tmp_path):
    cells = {"A1": "申报单位", "B1": "某校", "A2": "培训项目1：插花", "A3": "培训项目介绍", "A4": "第一段。", "A5": "第二段。", "A6": "项目类别", "B6": "老年教育培训"}
    (decl,), _ = read(save(cells, tmp_path / "p.xlsx"))
    got = values(decl.projects[0].record)
    assert got["培训项目介绍"] == ("第一段。 第二段。", "A4")
    assert got["项目类别"] == ("老年教育培训", "B6")


def test_guide_and_list_sheets_are_skipped(tmp_path):
    guide = {"A1": "申报单位：填写学分银行系统中的机构名称", "A2": "项目类别：从下拉列表选择", "A3": "联系电话：手机或座机"}
    path = save({"A1": "申报单位", "B1": "某校", "A2": "培训项目1：插花"}, tmp_path / "g.xlsx", extra_sheets={"填表说明": guide, "代码表": {"A1": "项目类别选项"}})
    decls, _ = read(path)
    assert [d.sheet for d in decls] == ["Sheet1"]


def test_two_forms_on_two_sheets(tmp_path):
    path = save({"A1": "申报单位", "B1": "甲校", "A2": "培训项目1：插花"}, tmp_path / "two.xlsx", extra_sheets={"乙校": {"A1": "申报单位", "B1": "乙校", "A2": "培训项目1：茶艺"}})
    decls, _ = read(path)
    assert [(d.sheet, d.org_name, d.projects[0].name) for d in decls] == [("Sheet1", "甲校", "插花"), ("乙校", "乙校", "茶艺")]


def test_no_form_at_all(tmp_path):
    decls, findings = read(save({"A1": "序号", "B1": "姓名"}, tmp_path / "x.xlsx"))
    assert decls == [] and [f.rule for f in findings] == ["form-missing"]


def test_xls_notice_layout(tmp_path):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("申报表")
    ws.write_merge(0, 0, 0, 5, "浙江省成人学校社会培训项目申报表")
    ws.write(1, 0, "申报单位")
    ws.write_merge(1, 1, 1, 2, "宁波市北仑区大碶街道成人文化技术学校")
    ws.write(1, 3, "机构代码")
    ws.write_merge(1, 1, 4, 5, "330206D0008")
    ws.write(2, 0, "地  址")
    ws.write_merge(2, 2, 1, 5, "宁波市北仑区大碶街道灵山路 88 号")
    ws.write_merge(3, 3, 0, 5, "培训项目二：数控加工")
    ws.write(4, 0, "培训规模")
    ws.write_merge(4, 4, 1, 2, 60)
    ws.write(4, 3, "人")
    ws.write(5, 0, "培训项目介绍")
    ws.write_merge(6, 8, 0, 5, "面向模具企业员工。")
    wb.save(str(tmp_path / "old.xls"))
    (decl,), _ = read(tmp_path / "old.xls")
    assert decl.header.get("申报单位").cell == "B2"
    assert decl.place.county == "北仑区"
    got = values(decl.projects[0].record)
    assert got["项目名称"] == ("数控加工", "A4")
    assert got["培训规模"] == ("60", "B5")
    assert got["培训项目介绍"] == ("面向模具企业员工。", "A7")
