"""Per-rule tests for declarations: tiny Annex 2 forms and Annex 1 tables built in each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from zjcredit.documents.declarations.check import check_annex1, check_annex2, declaration_findings
from zjcredit.documents.declarations.options import DEFAULT_ORG_CODE_PATTERN, DeclarationOptions
from zjcredit.documents.declarations.rules import Context
from zjcredit.errors import UsageError
from zjcredit.documents.declarations.form import read_annex2
from zjcredit.io.readers import read_grid

# A small, correct form: label | value | label | value, one project block.
FORM: dict[str, object] = {
    "A1": "申报单位", "B1": "杭州市西湖区三墩镇成人文化技术学校", "C1": "机构代码", "D1": "330106A0012",
    "A2": "地址", "B2": "杭州市西湖区三墩镇墩余路12号",
    "A3": "填报人", "B3": "王丽", "C3": "联系电话", "D3": "13857112345",
    "A4": "培训项目1：西湖龙井茶艺培训",
    "A5": "项目类别", "B5": "市（农）民职业技能培训", "C5": "培训规模", "D5": 50,
    "A6": "培训对象", "B6": "农村劳动力、企业职工", "C6": "培训形式", "D6": "线下面授",
    "A7": "培训时数", "B7": 24, "C7": "学时数", "D7": 32,
    "A8": "成果形式", "B8": "结业证书", "C8": "师资安排", "D8": "高级茶艺师2名",
    "A9": "考核方式", "B9": "实操考核",
    "A10": "培训项目介绍", "B10": "面向三墩镇农村劳动力开展茶艺技能培训。",
}


def write_form(path: Path, changes: dict[str, object] | None = None, drop: tuple[str, ...] = (), merges: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook

    cells = {**FORM, **(changes or {})}
    wb = Workbook()
    ws = wb.active
    ws.title = "申报表"
    for ref, value in cells.items():
        if ref not in drop and value is not None:
            ws[ref] = value
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def check(path: Path, **options):
    grid = read_grid(path, path.name)
    return check_annex2(grid, DeclarationOptions(**options))


def rules(result) -> list[tuple[str, str | None, int | None, str | None]]:
    return sorted(((f.rule, f.cell, f.project, f.field) for f in result.findings), key=lambda t: tuple("" if v is None else str(v) for v in t))


def test_correct_form_has_no_finding(tmp_path):
    result = check(write_form(tmp_path / "ok.xlsx"))
    assert result.findings == []
    assert result.records == 1
    assert result.kind == "annex2"


@pytest.mark.parametrize(
    ("ref", "field", "project"),
    [
        ("B1", "申报单位", None), ("D1", "机构代码", None), ("B2", "地址", None), ("B3", "填报人", None), ("D3", "联系电话", None),
        ("B5", "项目类别", 1), ("D5", "培训规模", 1), ("B6", "培训对象", 1), ("D6", "培训形式", 1), ("B7", "培训时数", 1),
        ("D7", "学时数", 1), ("B8", "成果形式", 1), ("D8", "师资安排", 1), ("B9", "考核方式", 1), ("B10", "培训项目介绍", 1),
    ],
)
def test_required_field_empty(tmp_path, ref, field, project):
    result = check(write_form(tmp_path / "f.xlsx", drop=(ref,)))
    assert rules(result) == [("required", ref, project, field)]
    assert result.findings[0].value is None
    assert result.findings[0].sheet == "申报表"


def test_project_name_empty_is_required_at_the_cell_right_of_the_block(tmp_path):
    result = check(write_form(tmp_path / "f.xlsx", {"A4": "培训项目 1：名称"}))
    assert rules(result) == [("required", "B4", 1, "项目名称")]


def test_label_missing(tmp_path):
    result = check(write_form(tmp_path / "f.xlsx", drop=("C3", "D3", "C8", "D8")))
    assert rules(result) == [("label-missing", None, None, "联系电话"), ("label-missing", None, 1, "师资安排")]


def test_assessment_line_missing_is_a_warning(tmp_path):
    result = check(write_form(tmp_path / "f.xlsx", drop=("A9", "B9")))
    assert rules(result) == [("assessment-missing", None, 1, "考核方式")]
    assert result.findings[0].severity.label == "warning"
    assert result.errors == 0


@pytest.mark.parametrize(
    ("value", "rule"),
    [("养老护理培训", "category-unknown"), ("老年教育", "category-unknown"), ("研学旅行培训（新）", "category-new"), ("研学旅行培训(新)", "category-new")],
)
def test_category(tmp_path, value, rule):
    result = check(write_form(tmp_path / "f.xlsx", {"B5": value}))
    assert rules(result) == [(rule, "B5", 1, "项目类别")]
    assert result.findings[0].value == value


def test_category_unknown_suggests_the_closest(tmp_path):
    result = check(write_form(tmp_path / "f.xlsx", {"B5": "老年教育"}))
    assert "老年教育培训" in result.findings[0].message("zh")
    assert "did you mean" in result.findings[0].message("en")


@pytest.mark.parametrize("value", ["市(农)民职业技能培训", " 老年教育培训 ", "传统文化（国学）教育培训"])
def test_category_spellings_accepted(tmp_path, value):
    assert check(write_form(tmp_path / "f.xlsx", {"B5": value})).findings == []


def test_targets(tmp_path):
    ok = check(write_form(tmp_path / "ok.xlsx", {"B6": "企业职工，外来务工人员/船员（渔民）等"}))
    assert ok.findings == []
    result = check(write_form(tmp_path / "f.xlsx", {"B6": "企业职工、老年人、社区居民"}))
    assert rules(result) == [("target-unknown", "B6", 1, "培训对象")] * 2
    assert sorted(dict(f.params)["target"] for f in result.findings) == ["社区居民", "老年人"]
    assert {f.severity.label for f in result.findings} == {"warning"}


@pytest.mark.parametrize(
    ("ref", "value", "rule", "others"),
    [
        ("D5", "二十人", "number-invalid", {}), ("D5", 0, "number-invalid", {}), ("B7", "-3", "number-invalid", {}),
        ("B7", "3天", "number-invalid", {}), ("D5", "20-30人", "number-invalid", {}),
        ("D5", 6000, "number-implausible", {}), ("D5", 12.5, "number-implausible", {}),
        ("B7", 2400, "number-implausible", {"D7": 400}), ("D7", 600, "number-implausible", {"B7": 400}),
        ("D7", 49, "number-implausible", {}),  # more than twice the 24 training hours
    ],
)
def test_numbers(tmp_path, ref, value, rule, others):
    result = check(write_form(tmp_path / "f.xlsx", {ref: value, **others}))
    assert rules(result) == [(rule, ref, 1, {"D5": "培训规模", "B7": "培训时数", "D7": "学时数"}[ref])]
    assert result.findings[0].value == (str(value) if not isinstance(value, float) else "12.5")


@pytest.mark.parametrize("value", ["50人", "５０", " 50 ", "约50人"])
def test_numbers_with_units_and_full_width_digits_are_fine(tmp_path, value):
    assert check(write_form(tmp_path / "f.xlsx", {"D5": value, "B7": "24学时", "D7": "３２"})).findings == []


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("1385710234", "phone-invalid"), ("88561234", "phone-invalid"), ("王老师", "phone-invalid"), ("12857112345", "phone-invalid"),
        ("021-58761234", "phone-area"), ("0571-88561234", None), ("0571 88561234", None), ("+86 138 5711 2345", None),
        ("0571-88561234/13857112345", None), (13857112345, None), ("057488451234", None),
    ],
)
def test_phone(tmp_path, value, rule):
    result = check(write_form(tmp_path / "f.xlsx", {"D3": value}))
    assert rules(result) == ([] if rule is None else [(rule, "D3", None, "联系电话")])


@pytest.mark.parametrize(
    ("value", "bad"),
    [("杭州市文三路100号", True), ("上海市浦东新区张江路1号", True), ("杭州 市 西湖 县 文三路 号", False), ("下城区武林路1号", False), ("浙江省宁波市鄞州区姜山镇", False), ("建德市新安江街道", False)],
)
def test_address(tmp_path, value, bad):
    result = check(write_form(tmp_path / "f.xlsx", {"B2": value}))
    assert rules(result) == ([("address-unknown", "B2", None, "地址")] if bad else [])


def test_org_code_pattern_default_and_option(tmp_path):
    assert rules(check(write_form(tmp_path / "a.xlsx", {"D1": "余杭成校"}))) == [("org-code-invalid", "D1", None, "机构代码")]
    assert rules(check(write_form(tmp_path / "b.xlsx", {"D1": "33 0106-A0012"}))) == []  # spaces dropped
    strict = r"^\d{6}[A-Z]\d{4}$"
    assert check(write_form(tmp_path / "c.xlsx"), org_code_pattern=strict).findings == []
    assert rules(check(write_form(tmp_path / "d.xlsx", {"D1": "330106-12"}), org_code_pattern=strict)) == [("org-code-invalid", "D1", None, "机构代码")]
    with pytest.raises(UsageError):
        check(write_form(tmp_path / "e.xlsx"), org_code_pattern="([")


def test_duplicate_project(tmp_path):
    second = {f"{col}{row + 7}": FORM[f"{col}{row}"] for col in "ABCD" for row in range(4, 11) if f"{col}{row}" in FORM}
    second["A11"] = "培训项目2： 西湖龙井茶艺培训 "
    result = check(write_form(tmp_path / "f.xlsx", second))
    assert rules(result) == [("project-duplicate", "A11", 2, "项目名称")]
    assert "培训项目 1" in result.findings[0].message("zh")
    assert result.records == 2


def test_duplicate_project_names_ignore_quotes_and_book_title_marks(tmp_path):
    second = {f"{col}{row + 7}": FORM[f"{col}{row}"] for col in "ABCD" for row in range(4, 11) if f"{col}{row}" in FORM}
    second["A11"] = "培训项目2：《西湖龙井茶艺培训》"
    result = check(write_form(tmp_path / "f.xlsx", second))
    assert rules(result) == [("project-duplicate", "A11", 2, "项目名称")]


def test_org_code_pattern_is_compiled_once_when_first_used():
    options = DeclarationOptions("([")  # a bad pattern stops a run only when a declaration is checked
    with pytest.raises(UsageError):
        options.org_code_regex
    strict = DeclarationOptions(r"^\d{12}$")
    assert strict.org_code_regex is strict.org_code_regex
    assert DeclarationOptions().org_code_regex.pattern == DEFAULT_ORG_CODE_PATTERN


def test_a_new_rule_is_one_registered_check(tmp_path, monkeypatch):
    """Registering a rule and its check is all it takes: the pipelines run it for its kind and scope."""
    from zjcredit.report import findings

    monkeypatch.setattr(findings, "RULES", dict(findings.RULES))
    monkeypatch.setattr(findings, "CHECKS", list(findings.CHECKS))
    form_rule = findings.register("test-form-online", "info", "“{field}”是 {value}", "'{field}' is {value}")
    size_rule = findings.register("test-projects", "info", "{count} 个项目", "{count} project(s)")
    seen = []

    @findings.check(form_rule, kinds=("annex2",), scope="value", fields=("培训形式",))
    def form_online(ctx: Context, field: str, value) -> None:
        seen.append(value.text)
        ctx.add(form_rule, field, value)

    @findings.check(size_rule, kinds=("annex1", "annex2"), scope="document")
    def projects_count(ctx: Context, document) -> None:
        ctx.add(size_rule, None, None, count=len(getattr(document, "projects", getattr(document, "records", []))))

    gated = check(write_form(tmp_path / "f.xlsx", {"D6": "#N/A"}))
    assert seen == [] and "excel-error" in [f.rule for f in gated.findings]  # reported as such, never a value
    result = check(write_form(tmp_path / "g.xlsx"))
    assert rules(result) == [("test-form-online", "D6", 1, "培训形式"), ("test-projects", None, None, None)]
    assert [f.message("en") for f in result.findings] == ["'培训形式' is 线下面授", "1 project(s)"]
    assert [f.rule for f in check1(write_table(tmp_path / "a.xlsx", [[1, *ROW]])).findings] == ["test-projects"]


def test_excel_error_in_a_value_and_anywhere_else(tmp_path):
    result = check(write_form(tmp_path / "f.xlsx", {"D7": "#REF!", "F20": "#VALUE!"}))
    assert rules(result) == [("excel-error", "D7", 1, "学时数"), ("excel-error", "F20", None, None)]
    assert [f.value for f in sorted(result.findings, key=lambda f: f.cell)] == ["#REF!", "#VALUE!"]


def test_course_hours_must_add_up(tmp_path):
    courses = {"A11": "课程名称", "B11": "学时", "C11": "授课教师", "A12": "茶艺基础", "B12": 16, "C12": "陈敏", "A13": "茶席设计", "B13": 8}
    result = check(write_form(tmp_path / "f.xlsx", courses))
    assert rules(result) == [("course-hours-mismatch", "D7", 1, "学时数")]
    ok = check(write_form(tmp_path / "ok.xlsx", {**courses, "B13": 16}))
    assert ok.findings == []


def test_course_needs_name_and_valid_hours(tmp_path):
    courses = {"A11": "课程名称", "B11": "学时", "A12": "茶艺基础", "B12": "很多", "B13": 32}
    result = check(write_form(tmp_path / "f.xlsx", courses))
    assert rules(result) == [("number-invalid", "B12", 1, "课程学时"), ("required", "A13", 1, "课程名称")]


def test_every_finding_names_path_sheet_and_row(tmp_path):
    result = check(write_form(tmp_path / "f.xlsx", {"B5": "某某培训", "D3": "123"}))
    for f in result.findings:
        assert f.path == "f.xlsx" and f.sheet == "申报表" and f.row is not None and f.message("zh") and f.message("en")


def test_declaration_findings_is_the_whole_rule_set(tmp_path):
    grid = read_grid(write_form(tmp_path / "f.xlsx", {"B5": "某某培训"}), "f.xlsx")
    (decl,), structural = read_annex2(grid)
    assert structural == []
    assert [f.rule for f in declaration_findings(decl, "f.xlsx")] == ["category-unknown"]


def test_form_missing_and_no_records(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "随便写的内容"
    wb.save(tmp_path / "x.xlsx")
    assert [f.rule for f in check(tmp_path / "x.xlsx").findings] == ["form-missing"]
    empty = check(write_form(tmp_path / "e.xlsx", {"A4": "培训项目1：名称"}, drop=tuple(k for k in FORM if k[1:] not in ("1", "2", "3", "4"))))
    assert [f.rule for f in empty.findings] == ["no-records"]
    assert empty.records == 0


# Annex 1 -----------------------------------------------------------------------------------------

HEADER = ["序号", "项目名称", "项目类别", "培训规模", "培训对象", "培训形式", "培训时数", "学时数", "申报单位", "机构代码", "联系人（电话）"]
ROW = ["茶艺培训", "企业职工培训", 50, "企业职工", "线下面授", 24, 32, "杭州市西湖区三墩镇成人文化技术学校", "330106A0012", "王丽 13857112345"]


def write_table(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws.append(["浙江省成人学校社会培训项目申报汇总表"])
    ws.append(header or HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def check1(path: Path):
    return check_annex1(read_grid(path, path.name))


def annex1_rules(result):
    return sorted(((f.rule, f.cell, f.field) for f in result.findings), key=lambda t: tuple("" if v is None else str(v) for v in t))


def test_annex1_clean(tmp_path):
    result = check1(write_table(tmp_path / "a.xlsx", [[1, *ROW], [2, "插花", *ROW[1:]]]))
    assert result.findings == [] and result.records == 2 and result.kind == "annex1"


def test_annex1_field_rules(tmp_path):
    bad = [3, "插花", "某某培训", "五十", "企业职工", None, 24, 32, "某校", "成校", "王丽"]
    result = check1(write_table(tmp_path / "a.xlsx", [[1, *ROW], [2, "甲", *ROW[1:]], bad]))
    assert annex1_rules(result) == [
        ("category-unknown", "C5", "项目类别"),
        ("contact-invalid", "K5", "联系人（电话）"),
        ("number-invalid", "D5", "培训规模"),
        ("org-code-invalid", "J5", "机构代码"),
        ("required", "F5", "培训形式"),
    ]


@pytest.mark.parametrize(("contact", "rule"), [("王丽", "contact-invalid"), ("13857112345", "contact-invalid"), ("王丽 0571-8856", "contact-invalid"), ("王丽 021-58761234", "phone-area"), ("王丽（0571-88561234）", None)])
def test_annex1_contact(tmp_path, contact, rule):
    result = check1(write_table(tmp_path / "a.xlsx", [[1, *ROW[:-1], contact]]))
    assert annex1_rules(result) == ([] if rule is None else [(rule, "K3", "联系人（电话）")])


def test_annex1_sequence_gap(tmp_path):
    rows = [[n, f"项目{n}", *ROW[1:]] for n in (1, 2, 4, 5, None)]
    result = check1(write_table(tmp_path / "a.xlsx", rows))
    assert annex1_rules(result) == [("sequence-gap", "A5", "序号"), ("sequence-gap", "A7", "序号")]
    assert {dict(f.params)["expected"] for f in result.findings} == {3, 6}


def test_annex1_duplicate_and_excel_error(tmp_path):
    rows = [[1, *ROW], [2, *ROW[:5], "#REF!", *ROW[6:]]]
    result = check1(write_table(tmp_path / "a.xlsx", rows))
    assert annex1_rules(result) == [("excel-error", "G4", "培训时数"), ("project-duplicate", "B4", "项目名称")]


def test_annex1_header_and_column_missing(tmp_path):
    no_header = check1(write_table(tmp_path / "a.xlsx", [[1, *ROW]], header=["甲", "乙", "丙"]))
    assert [f.rule for f in no_header.findings] == ["header-missing"]
    short = [h for h in HEADER if h != "机构代码"]
    result = check1(write_table(tmp_path / "b.xlsx", [[1, *ROW[:8], ROW[9]]], header=short))
    assert annex1_rules(result) == [("column-missing", None, "机构代码")]
