"""Fill the generated templates with valid values, validate them: no error (and no finding at all)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annex2_filler import fill_annex2_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zjcredit.documents.validate import check_source
from zjcredit.domain import vocab
from zjcredit.io.sources import Source
from zjcredit.templates import write_template

HEADER = {"申报单位": "宁波市鄞州区姜山镇成人文化技术学校", "机构代码": "330212B0031", "地址": "宁波市鄞州区姜山镇学院路8号", "填报人": "张敏", "联系电话": "0574-88451234"}


def fill_annex2(template: Path, target: Path, header: dict[str, Any], projects: list[dict[str, Any]]) -> Path:
    """Type into every value cell of the template: the cell right of a label, the area under 培训项目介绍."""
    from openpyxl import load_workbook

    wb = load_workbook(template)
    fill_annex2_sheet(wb["申报表"], header, projects)
    wb.save(target)
    return target


def project(n: int, category: str, targets: str, scale: int, hours: int, courses: int) -> dict[str, Any]:
    study = hours + hours // 3
    courses = max(1, min(courses, study))  # every course gets at least one 学时
    per = [study // courses] * courses
    per[-1] += study - sum(per)
    return {
        "项目名称": f"社区技能培训第{n}期",
        "项目类别": category,
        "培训规模": scale,
        "培训对象": targets,
        "培训形式": vocab.FORMS[n % len(vocab.FORMS)],
        "培训时数": hours,
        "学时数": study,
        "成果形式": vocab.OUTCOME_FORMS[n % len(vocab.OUTCOME_FORMS)],
        "师资安排": "本校专职教师 2 名",
        "考核方式": vocab.ASSESSMENT_METHODS[n % len(vocab.ASSESSMENT_METHODS)],
        "培训项目介绍": "培训目的、目标、对象、内容、范围、规模、时间和地点，如通知所列。",
        "courses": [(f"课程{i + 1}", h, "陈敏") for i, h in enumerate(per)],
    }


def validate_file(path: Path):
    return check_source(Source(path, path.name))


def test_filled_annex2_template_has_no_finding(tmp_path):
    template = write_template("annex2", tmp_path / "blank.xlsx", force=True, projects=3)
    projects = [project(1, "老年教育培训", "老年群体", 40, 12, 2), project(2, "电商营销培训", "农村劳动力、商业服务人员", 60, 32, 3)]
    result = validate_file(fill_annex2(template, tmp_path / "filled.xlsx", HEADER, projects))
    assert result.kind == "annex2"
    assert result.findings == []
    assert result.records == 2  # the third block is left blank: unused


def test_blank_annex2_template_reports_the_missing_institution_only(tmp_path):
    template = write_template("annex2", tmp_path / "blank.xlsx", force=True, projects=2)
    result = validate_file(template)
    assert sorted(f.field for f in result.findings if f.rule == "required") == sorted(HEADER)
    assert [f.rule for f in result.findings if f.rule != "required"] == ["no-records"]


def test_filled_annex1_template_has_no_finding(tmp_path):
    from openpyxl import load_workbook

    template = write_template("annex1", tmp_path / "blank.xlsx", force=True)
    wb = load_workbook(template)
    ws = wb.active
    header_row = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "序号")
    columns = {"".join(ws.cell(row=header_row, column=c).value.split()): c for c in range(1, 12)}
    region = next(r for r in range(1, header_row) if ws.cell(row=r, column=1).value == "所在区域：")
    ws.cell(row=region, column=3, value="宁波市 鄞州区")
    for i in range(3):
        p = project(i + 1, vocab.CATEGORIES[i], vocab.TARGETS[i], 30 + i, 16, 1)
        row = {**p, "序号": i + 1, "申报单位": HEADER["申报单位"], "机构代码": HEADER["机构代码"], "联系人（电话）": "张敏 0574-88451234"}
        for name, col in columns.items():
            ws.cell(row=header_row + 1 + i, column=col, value=row[name])
    wb.save(tmp_path / "filled.xlsx")
    result = validate_file(tmp_path / "filled.xlsx")
    assert result.kind == "annex1"
    assert result.findings == []
    assert result.records == 3


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    category=st.sampled_from(vocab.CATEGORIES),
    targets=st.lists(st.sampled_from(vocab.TARGETS), min_size=1, max_size=3, unique=True),
    sep=st.sampled_from(list("、，,/")),
    scale=st.integers(min_value=1, max_value=5000),
    hours=st.integers(min_value=1, max_value=360),  # 学时数 stays ≤ 480 (cap 500)
    courses=st.integers(min_value=1, max_value=5),
)
def test_any_valid_project_gives_no_finding(tmp_path_factory, category, targets, sep, scale, hours, courses):
    folder = tmp_path_factory.mktemp("rt")
    template = folder / "blank.xlsx"
    if not template.exists():
        write_template("annex2", template, force=True, projects=1)
    p = project(1, category, sep.join(targets), scale, hours, courses)
    result = validate_file(fill_annex2(template, folder / "f.xlsx", HEADER, [p]))
    assert result.findings == []
