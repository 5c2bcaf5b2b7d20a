"""`zjcredit catalog build` and `zjcredit validate --kind catalog`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_summary import LIUXIA, SANDUN, ZHUANTANG, project, rules, run, write_declaration

from zjcredit.documents.catalog.model import load_catalogs
from zjcredit.domain.schema import header_key
from zjcredit.report.output import set_text

SHUANGPU = ("杭州市西湖区双浦镇成人文化技术学校", "XH0000", "杭州市西湖区双浦镇新浦路66号")


@pytest.fixture
def decl(tmp_path: Path) -> Path:
    d = tmp_path / "decl"
    write_declaration(d / "a.xlsx", SANDUN, [project("智能手机应用", courses=[("微信使用", 8, "李明"), ("网上挂号", 8, "李明")]), project("茶艺", category="文化休闲生活技能培训", hours=24)])
    write_declaration(d / "b.xlsx", ZHUANTANG, [project("电商直播", category="电商营销培训", hours=32)])
    return d


def table_of(path: Path, sheet: str) -> list[dict[str, Any]]:
    """A catalog sheet's rows by header (the title is row 1, the header row 2)."""
    ws = openpyxl.load_workbook(path)[sheet]
    header = [header_key(c.value) for c in ws[2]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=3)]


def projects_of(path: Path) -> list[dict[str, Any]]:
    return table_of(path, "项目目录")


def courses_of(path: Path) -> list[tuple[Any, ...]]:
    """The live courses as (课程编码, 项目编码, 课程名称, 课程学时, 授课教师)."""
    keys = ("课程编码", "项目编码", "课程名称", "课程学时", "授课教师")
    return [tuple(r[k] for k in keys) for r in table_of(path, "课程目录") if r.get("状态") != "作废"]


def codes(path: Path) -> dict[str, str]:
    """项目名称 → 项目编码 of the live projects (作废 rows left out)."""
    return {r["项目名称"]: r["项目编码"] for r in projects_of(path) if r.get("状态") != "作废"}


def write_review(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["机构代码", "项目名称", "审核结果", "审核意见"])
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            set_text(ws.cell(row=r, column=c), v)
    wb.save(path)
    return path


def test_catalog_sheets_codes_and_courses(decl: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalog.xlsx"
    code, doc, _ = run("catalog", "build", str(decl), "--period", "2019Q2", "-o", str(out), "--date", "2019-07-01")
    assert code == 0, doc
    assert (doc["period"], doc["projects"], doc["courses"], doc["new_projects"]) == ("2019H1", 3, 4, 3)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["项目目录", "课程目录", "说明"]
    assert wb["项目目录"]["A1"].value == "杭州市西湖区 2019年第一、二季度 社会培训项目目录"
    assert [header_key(c.value) for c in wb["项目目录"][2]] == ["序号", "项目编码", "项目名称", "项目类别", "培训对象", "培训形式", "培训规模", "培训时数", "学时数", "成果形式", "考核方式", "申报单位", "机构代码", "所在县", "所在市", "目录期次"]
    assert wb["课程目录"]["A1"].value == "杭州市西湖区 2019年第一、二季度 社会培训项目课程目录"
    assert [header_key(c.value) for c in wb["课程目录"][2]] == ["序号", "课程编码", "项目编码", "项目名称", "课程名称", "课程学时", "授课教师"]
    # Ordered by county, 机构代码, then project name (智 U+667A before 茶 U+8336).
    assert codes(out) == {"智能手机应用": "330106-2019H1-001", "茶艺": "330106-2019H1-002", "电商直播": "330106-2019H1-003"}
    first = projects_of(out)[1]
    assert first["序号"] == 2 and (first["培训规模"], first["培训时数"], first["学时数"]) == (30, 24, 24)
    assert (first["机构代码"], first["所在市"], first["所在县"], first["目录期次"]) == ("XH0001", "杭州市", "西湖区", "2019H1")
    assert courses_of(out) == [
        ("330106-2019H1-001-01", "330106-2019H1-001", "微信使用", 8, "李明"),
        ("330106-2019H1-001-02", "330106-2019H1-001", "网上挂号", 8, "李明"),
        ("330106-2019H1-002-01", "330106-2019H1-002", "茶艺", 24, None),  # no courses declared: one named after it
        ("330106-2019H1-003-01", "330106-2019H1-003", "电商直播", 32, None),
    ]
    notes = {r[0]: r[1] for r in (tuple(c.value for c in row) for row in wb["说明"].iter_rows()) if r[0]}
    assert notes["目录期次"].startswith("2019H1") and notes["项目数"] == 3 and notes["课程数"] == 4
    assert notes["编制日期"].date().isoformat() == "2019-07-01" and notes["使用的来源文件"].endswith("a.xlsx（收录 2 个项目）")

    # Our own catalog reads back: auto-detected as a catalog, no findings; the loader sees every column.
    code, doc, _ = run("validate", str(out))
    assert code == 0 and doc["files"][0]["kind"] == "catalog" and doc["findings"] == []
    cat = load_catalogs([out])
    p = cat.projects["330106-2019H1-002"]
    assert (p.name, p.org_code, p.county, p.period, p.form, p.assessment, p.hours) == ("茶艺", "XH0001", "西湖区", "2019H1", "线下面授", "实操考核", 24)
    assert cat.courses["330106-2019H1-001-02"].name == "网上挂号"

    # Same inputs, same date: the same bytes.
    again = tmp_path / "again.xlsx"
    run("catalog", "build", str(decl), "--period", "2019H1", "-o", str(again), "--date", "2019-07-01")
    assert again.read_bytes() == out.read_bytes()


def test_rebuild_with_previous_keeps_codes_and_appends(decl: Path, tmp_path: Path) -> None:
    first = tmp_path / "v1.xlsx"
    assert run("catalog", "build", str(decl), "--period", "2019H1", "-o", str(first))[0] == 0
    old = codes(first)
    # A late school whose 机构代码 sorts first, and a new course and a new project for an existing school.
    write_declaration(decl / "c.xlsx", SHUANGPU, [project("茶园管理", category="农村实用技术培训")])
    write_declaration(
        decl / "a.xlsx",
        SANDUN,
        [project("智能手机应用", courses=[("网上挂号", 8, "李明"), ("手机支付", 4, "李明"), ("微信使用", 4, "李明")]), project("茶艺", category="文化休闲生活技能培训", hours=24), project("插花", category="文化休闲生活技能培训")],
    )
    second = tmp_path / "v2.xlsx"
    code, doc, _ = run("catalog", "build", str(decl), "--period", "2019H1", "--previous", str(first), "-o", str(second))
    assert code == 0, doc
    new = codes(second)
    assert {k: new[k] for k in old} == old
    assert new["茶园管理"] == "330106-2019H1-004" and new["插花"] == "330106-2019H1-005"  # after the highest, in order
    assert (doc["kept_codes"], doc["new_projects"]) == (3, 2)
    phone_courses = [(c[0], c[2], c[3]) for c in courses_of(second) if c[1] == "330106-2019H1-001"]
    assert phone_courses == [
        ("330106-2019H1-001-01", "微信使用", 4),
        ("330106-2019H1-001-02", "网上挂号", 8),
        ("330106-2019H1-001-03", "手机支付", 4),
    ]
    assert run("validate", str(second))[1]["findings"] == []

    # A third build from the second keeps everything again, even with a school's file gone.
    (decl / "b.xlsx").unlink()
    third = tmp_path / "v3.xlsx"
    code, doc, _ = run("catalog", "build", str(decl), "--period", "2019H1", "--previous", str(second), "-o", str(third))
    assert code == 0 and codes(third) == new
    assert [(f["rule"], f["value"]) for f in doc["findings"]] == [("catalog-carried-over", "电商直播")]
    assert ("330106-2019H1-003-01", "330106-2019H1-003", "电商直播", 32, None) in courses_of(third)


def test_previous_of_another_period_and_bad_period_are_usage_errors(decl: Path, tmp_path: Path) -> None:
    first = tmp_path / "v1.xlsx"
    assert run("catalog", "build", str(decl), "--period", "2019H1", "-o", str(first))[0] == 0
    code, _, output = run("catalog", "build", str(decl), "--period", "2019Q3", "--previous", str(first), "-o", str(tmp_path / "q3.xlsx"))
    assert code == 2 and "2019H1" in output and not (tmp_path / "q3.xlsx").exists()
    code, _, output = run("catalog", "build", str(decl), "--period", "2019-1", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "2019H1" in output and "Q3" in output and "YYYY" not in output
    existing = tmp_path / "existing.xlsx"
    existing.write_bytes(b"keep")
    code, _, output = run("catalog", "build", str(decl), "--period", "2019H1", "-o", str(existing))
    assert code == 2 and "--force" in output and existing.read_bytes() == b"keep"
    code, _, output = run("catalog", "build", str(decl), "--period", "2019H1", "--previous", str(first), "-o", str(first), "--force")
    assert code == 2 and "输入文件" in output


def test_review_file(decl: Path, tmp_path: Path) -> None:
    write_declaration(decl / "c.xlsx", SHUANGPU, [project("茶园管理", category="农村实用技术培训")])
    write_declaration(decl / "d.xlsx", LIUXIA, [project("书法", category="老年人培训")])  # errors: left out anyway
    review = write_review(
        tmp_path / "review.xlsx",
        [
            ("XH0001", "智能手机应用", "通过", ""),
            ("XH0001", "茶艺", "不通过", "与已有项目重复"),
            ("XH0002", "电商直播", "待定", ""),
            ("XH0003", "书法", "通过", ""),
            ("XH0009", "不存在的项目", "通过", ""),
        ],
    )
    out = tmp_path / "catalog.xlsx"
    code, doc, _ = run("catalog", "build", str(decl), "--period", "2019H1", "--review", str(review), "-o", str(out))
    assert code == 1  # 电商直播 and 茶园管理 were not approved: someone has to look
    assert list(codes(out)) == ["智能手机应用"]
    found = rules(doc)
    assert ("review.xlsx", "C3", "review-rejected") in found
    assert ("review.xlsx", "C4", "review-result-invalid") in found
    assert ("review.xlsx", "B6", "review-unmatched") in found
    assert ("c.xlsx", "B5", "review-missing") in found
    assert not any(rule == "review-unmatched" and cell == "B5" for _, cell, rule in found)  # 书法 exists, has errors
    assert doc["rejected"] == [{"org_code": "XH0001", "name": "茶艺", "opinion": "与已有项目重复", "row": 3}]
    assert sorted(n["name"] for n in doc["not_approved"]) == ["电商直播", "茶园管理"]
    rejected = next(f for f in doc["findings"] if f["rule"] == "review-rejected")
    assert rejected["severity"] == "info" and "与已有项目重复" in rejected["message"] and rejected["value"] == "不通过"
    _, doc_en, _ = run("catalog", "build", str(decl), "--period", "2019H1", "--review", str(review), "-o", str(tmp_path / "en.xlsx"), "--lang", "en")
    assert next(f for f in doc_en["findings"] if f["rule"] == "review-missing")["message"].startswith("The review sheet has no row for this project")

    # Everything decided and only rejections: exit 0. Nothing approved at all: exit 2, nothing written.
    ok = write_review(tmp_path / "ok.xlsx", [("XH0001", "智能手机应用", "通过", ""), ("XH0001", "茶艺", "不通过", ""), ("XH0002", "电商直播", "通过", ""), ("XH0000", "茶园管理", "通过", "")])
    (decl / "d.xlsx").unlink()
    assert run("catalog", "build", str(decl), "--period", "2019H1", "--review", str(ok), "-o", str(tmp_path / "ok-cat.xlsx"))[0] == 0
    none = write_review(tmp_path / "none.xlsx", [("XH0001", "智能手机应用", "不通过", "")])
    code, doc, _ = run("catalog", "build", str(decl), "--period", "2019H1", "--review", str(none), "-o", str(tmp_path / "none-cat.xlsx"))
    assert code == 2 and doc["output"] is None and not (tmp_path / "none-cat.xlsx").exists()
    bad = tmp_path / "bad-review.xlsx"
    openpyxl.Workbook().save(bad)
    code, _, output = run("catalog", "build", str(decl), "--period", "2019H1", "--review", str(bad), "-o", str(tmp_path / "b.xlsx"))
    assert code == 2 and "审核结果" in output


def test_review_of_a_rebuild_need_not_repeat_previous_projects(decl: Path, tmp_path: Path) -> None:
    first = tmp_path / "v1.xlsx"
    assert run("catalog", "build", str(decl), "--period", "2019H1", "-o", str(first))[0] == 0
    write_declaration(decl / "c.xlsx", SHUANGPU, [project("茶园管理", category="农村实用技术培训")])
    review = write_review(tmp_path / "late.xlsx", [("XH0000", "茶园管理", "通过", ""), ("XH0002", "电商直播", "不通过", "停办")])
    second = tmp_path / "v2.xlsx"
    code, doc, _ = run("catalog", "build", str(decl), "--period", "2019H1", "--previous", str(first), "--review", str(review), "-o", str(second))
    assert code == 0
    assert codes(second) == {"智能手机应用": "330106-2019H1-001", "茶艺": "330106-2019H1-002", "茶园管理": "330106-2019H1-004"}
    assert ("b.xlsx", "B5", "catalog-previous-removed") in rules(doc)  # 003 is retired, not reused
    # The retired project stays in the published catalog, struck through, and nothing can be deposited under it.
    status = {r["项目编码"]: r["状态"] for r in projects_of(second)}
    assert status == {"330106-2019H1-001": "沿用", "330106-2019H1-002": "沿用", "330106-2019H1-003": "作废", "330106-2019H1-004": "新增"}
    assert doc["projects"] == 3 and doc["voided"] == 1
    cat = load_catalogs([second])
    assert "330106-2019H1-003" not in cat.projects and "330106-2019H1-003" in cat.retired
    assert "330106-2019H1-003-01" in cat.retired_courses and "330106-2019H1-003-01" not in cat.courses


def test_summary_and_declarations_together(decl: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.xlsx"
    assert run("summary", "build", str(decl), "-o", str(summary), "--filler", "陈静")[0] == 0
    only_summary = tmp_path / "from-summary.xlsx"
    code, doc, _ = run("catalog", "build", str(summary), "--period", "2019H1", "-o", str(only_summary))
    assert code == 0 and codes(only_summary) == {"智能手机应用": "330106-2019H1-001", "茶艺": "330106-2019H1-002", "电商直播": "330106-2019H1-003"}
    both = tmp_path / "both.xlsx"
    code, doc, _ = run("catalog", "build", str(decl), str(summary), "--period", "2019H1", "-o", str(both))
    assert code == 0 and doc["projects"] == 3
    dupes = [f for f in doc["findings"] if f["rule"] == "catalog-duplicate-project"]
    assert len(dupes) == 3 and all(f["path"] == str(summary) and f["severity"] == "info" for f in dupes)
    # The declaration wins over the summary row: its courses are kept.
    assert [c[2] for c in courses_of(both) if c[1] == "330106-2019H1-001"] == ["微信使用", "网上挂号"]


def test_county_unknown_is_excluded_with_a_fix(tmp_path: Path) -> None:
    ws_rows = [
        ["浙江省成人学校社会培训项目申报汇总表"],
        ["所在区域：杭州市"],
        ["填报人：陈静"],
        ["序号", "项目名称", "项目类别", "培训规模", "培训对象", "培训形式", "培训时数", "学时数", "申报单位", "机构代码", "联系人（电话）"],
        [1, "茶艺", "文化休闲生活技能培训", 30, "企业职工", "线下面授", 24, 24, SANDUN[0], "XH0001", "王芳 13812345678"],
    ]
    wb = openpyxl.Workbook()
    for row in ws_rows:
        wb.active.append(row)
    path = tmp_path / "city-summary.xlsx"
    wb.save(path)
    code, doc, _ = run("catalog", "build", str(path), "--period", "2019H1", "-o", str(tmp_path / "c.xlsx"))
    assert code == 2
    found = [f for f in doc["findings"] if f["rule"] == "catalog-county-unknown"]
    assert [(f["cell"], f["value"]) for f in found] == [("B5", "杭州市")]
    assert "所在区域" in found[0]["message"]


# validate --kind catalog -----------------------------------------------------------------------------


def write_catalog(path: Path, projects: list[list[Any]], courses: list[list[Any]] | None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目目录"
    ws.append(["项目编码", "项目名称", "项目类别", "培训对象", "培训规模", "学时数", "申报单位", "机构代码", "目录期次"])
    for row in projects:
        ws.append(row)
    if courses is not None:
        wc = wb.create_sheet("课程目录")
        wc.append(["课程编码", "项目编码", "课程名称", "课程学时", "授课教师"])
        for row in courses:
            wc.append(row)
    wb.save(path)
    return path


def catalog_findings(path: Path, kind: str = "catalog") -> list[tuple[str | None, str | None, str, str]]:
    code, doc, _ = run("validate", str(path), "--kind", kind)
    assert doc["files"][0]["kind"] == "catalog"
    return sorted((f["sheet"], f["cell"], f["rule"], f["severity"]) for f in doc["findings"])


def p(code: str, name: str, hours: Any = 16, period: str = "2019H1") -> list[Any]:
    return [code, name, "老年教育培训", "老年群体", 30, hours, SANDUN[0], "XH0001", period]


def test_validate_catalog_rules(tmp_path: Path) -> None:
    path = write_catalog(
        tmp_path / "cat.xlsx",
        [
            p("330106-2019H1-001", "智能手机应用"),
            p("330106-2019H1-1", "茶艺"),  # three digits needed
            p("330106-2019H1-001", "重复"),
            p("339999-2019H1-002", "县码不存在"),
            p("330106-2019Q3-003", "期次不符"),
            p("330106-2019H1-004", "学时不符", hours=20),
            p("330106-2019H1-005", "没有课程"),
            p("330106-2019H1-006", "学时不是数字", hours="很多"),
        ],
        [
            ["330106-2019H1-001-01", "330106-2019H1-001", "微信", 8, "李明"],
            ["330106-2019H1-001-02", "330106-2019H1-001", "挂号", 8, "李明"],
            ["330106-2019H1-001-02", "330106-2019H1-001", "重复课程", 0, ""],
            ["330106-2019H1-009-01", "330106-2019H1-009", "孤儿课程", 8, ""],
            ["330106-2019H1-004-1", "330106-2019H1-004", "格式不对", 8, ""],
            ["330106-2019H1-002-01", "330106-2019H1-004", "挂错项目", 8, ""],
            ["330106-2019Q3-003-01", "330106-2019Q3-003", "期次课程", 16, ""],
            ["339999-2019H1-002-01", "339999-2019H1-002", "课", 16, ""],
            ["330106-2019H1-006-01", "330106-2019H1-006", "课", 16, ""],
        ],
    )
    assert catalog_findings(path) == sorted(
        [
            ("项目目录", "A3", "catalog-code-format", "error"),
            ("项目目录", "A4", "catalog-code-duplicate", "error"),
            ("项目目录", "A5", "catalog-county-code-unknown", "error"),
            ("项目目录", "A6", "catalog-period-mismatch", "error"),  # code says Q3, row says H1
            ("项目目录", "F7", "course-hours-mismatch", "warning"),  # 16 ≠ 20
            ("项目目录", "A8", "catalog-project-no-course", "warning"),
            ("项目目录", "A3", "catalog-project-no-course", "warning"),
            ("项目目录", "F9", "catalog-number-invalid", "error"),
            ("课程目录", "A4", "catalog-code-duplicate", "error"),
            ("课程目录", "B5", "course-orphan", "error"),
            ("课程目录", "A6", "catalog-code-format", "error"),
            ("课程目录", "A7", "course-code-mismatch", "error"),
        ]
    )


def test_catalog_targets_are_split_as_declarations_are(tmp_path: Path) -> None:
    row = p("330106-2019H1-001", "a")
    row[3] = "老年群体等"  # the 等 of the notice's own list: a project for 老年群体 only
    other = p("330106-2019H1-002", "b")
    other[3] = "在校学生 企业职工"
    cat = load_catalogs([write_catalog(tmp_path / "cat.xlsx", [row, other], [])])
    assert cat.projects["330106-2019H1-001"].targets == ("老年群体",)
    assert cat.projects["330106-2019H1-002"].targets == ("在校学生", "企业职工")
    assert cat.projects["330106-2019H1-001"].targets_text == "老年群体等"


def test_catalog_findings_come_row_by_row(tmp_path: Path) -> None:
    """Each row's cells, then its row checks in registration order, then the sheet's checks: annotated copies
    list a file's findings in this order."""
    from zjcredit.documents.catalog.rules import check_catalog
    from zjcredit.io.readers import read_grid

    path = write_catalog(
        tmp_path / "cat.xlsx",
        [p("330106-2019H1-1", "a", hours="很多"), p("330106-2019H1-1", "b", period="2019Q3")],
        [["330106-2019H1-9-1", "330106-2019H1-009", "课", 8, ""]],
    )
    result = check_catalog(read_grid(path, "cat.xlsx"))
    assert [(f.sheet, f.cell, f.rule) for f in result.findings] == [
        ("项目目录", "F2", "catalog-number-invalid"),
        ("项目目录", "A2", "catalog-code-format"),
        ("项目目录", "A3", "catalog-code-format"),
        ("项目目录", "A3", "catalog-code-duplicate"),
        ("课程目录", "B2", "course-orphan"),
        ("课程目录", "A2", "catalog-code-format"),
        ("项目目录", "A2", "catalog-project-no-course"),
    ]


def test_validate_catalog_periods_and_missing_sheet(tmp_path: Path) -> None:
    mixed = write_catalog(
        tmp_path / "mixed.xlsx",
        [p("330106-2019H1-001", "a"), p("330106-2019H1-002", "b"), p("330106-2019Q3-001", "c", period="2019Q3"), p("330106-2019H1-003", "d", period="2019上半年")],
        [[f"{c}-01", c, "课", 16, ""] for c in ("330106-2019H1-001", "330106-2019H1-002", "330106-2019Q3-001", "330106-2019H1-003")],
    )
    assert catalog_findings(mixed, "auto") == [
        ("项目目录", "I4", "catalog-period-mismatch", "error"),  # one catalog, one period
        ("项目目录", "I5", "catalog-period-invalid", "error"),
    ]
    no_courses = write_catalog(tmp_path / "nocourses.xlsx", [p("330106-2019H1-001", "a")], None)
    assert catalog_findings(no_courses) == [("课程目录", None, "catalog-courses-missing", "error")]
    code, _, _ = run("validate", str(no_courses), "--kind", "catalog")
    assert code == 1
