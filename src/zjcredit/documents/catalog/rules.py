"""Checks of a quarterly catalog workbook (sheets 项目目录 and 课程目录): codes, periods, courses, hours.

Code scheme (DOMAIN.md): 项目编码 ``{county code}-{period}-{NNN}`` (``330106-2019H1-007``), 课程编码
``{项目编码}-{NN}`` (``330106-2019H1-007-01``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from zjcredit.domain import divisions
from zjcredit.documents.catalog.model import catalog_tables
from zjcredit.documents.common import COLUMN_MISSING, COURSE_HOURS_MISMATCH, EXCEL_ERROR, HEADER_MISSING, NO_RECORDS, REQUIRED
from zjcredit.report.findings import FileResult, Finding, make, register
from zjcredit.domain.normalize import compact, is_excel_error, parse_number
from zjcredit.domain.periods import is_period, parse_period
from zjcredit.domain.schema import CATALOG_COURSES, CATALOG_PROJECTS
from zjcredit.io.tables import Record, Table

PROJECT_CODE_RE = re.compile(r"^(?P<county>\d{6})-(?P<period>\d{4}(?:H1|Q3|Q4))-(?P<number>\d{3,})$")
COURSE_CODE_RE = re.compile(r"^(?P<project>\d{6}-\d{4}(?:H1|Q3|Q4)-\d{3,})-(?P<number>\d{2,})$")
PROJECT_CODE_EXAMPLE = "330106-2019H1-007"
COURSE_CODE_EXAMPLE = "330106-2019H1-007-01"
# Course hours are written with at most one decimal; anything closer than this adds up.
HOURS_TOLERANCE = 1e-6

CODE_FORMAT = register(
    "catalog-code-format",
    "error",
    "{field}“{value}”格式不对，应为 {expected}（{scheme}）。",
    "{field} '{value}' is malformed; expected {expected} ({scheme_en}).",
    title_zh="编码格式错误",
    title_en="malformed code",
    documents=("catalog",),
)
COUNTY_CODE_UNKNOWN = register(
    "catalog-county-code-unknown",
    "error",
    "项目编码“{value}”开头的 {county} 不是浙江省的县（市、区）行政区划代码。",
    "Project code '{value}' starts with {county}, which is not a Zhejiang county-level division code.",
    title_zh="编码中的县级代码不存在",
    title_en="unknown county code in a project code",
    documents=("catalog",),
)
CODE_DUPLICATE = register(
    "catalog-code-duplicate",
    "error",
    "{field}“{value}”重复，第一次出现在 {first}。编码在目录中必须唯一。",
    "{field} '{value}' appears twice (first at {first}); codes must be unique in a catalog.",
    title_zh="编码重复",
    title_en="duplicate code",
    documents=("catalog",),
)
COURSE_ORPHAN = register(
    "course-orphan",
    "error",
    "课程所属的项目编码“{value}”在“项目目录”中不存在。每门课程都必须属于目录中的一个项目。",
    "The course's project code '{value}' is not in the 项目目录 sheet; every course must belong to a catalog project.",
    title_zh="课程没有对应的项目",
    title_en="course without a project",
    documents=("catalog",),
)
COURSE_CODE_MISMATCH = register(
    "course-code-mismatch",
    "error",
    "课程编码“{value}”与所属项目编码“{project_code}”不一致：课程编码应以项目编码开头，如 {project_code}-01。",
    "Course code '{value}' does not match its project code '{project_code}'; it should start with it, e.g. {project_code}-01.",
    title_zh="课程编码与项目编码不一致",
    title_en="course code does not match its project",
    documents=("catalog",),
)
PROJECT_NO_COURSE = register(
    "catalog-project-no-course",
    "warning",
    "项目“{value}”在“课程目录”中没有任何课程，学习成果将无法按课程编码存入。",
    "Project '{value}' has no course in the 课程目录 sheet, so no outcome can be deposited against it.",
    title_zh="项目没有课程",
    title_en="project without courses",
    documents=("catalog",),
)
COURSES_MISSING = register(
    "catalog-courses-missing",
    "error",
    "找不到“课程目录”工作表（或含“课程编码”的表头）。项目目录必须同时列出各项目的课程。",
    "No 课程目录 sheet (or header with 课程编码) found; a catalog must list each project's courses.",
    title_zh="缺少课程目录",
    title_en="course sheet missing",
    documents=("catalog",),
)
PERIOD_INVALID = register(
    "catalog-period-invalid",
    "error",
    "目录期次“{value}”无效，应为 YYYYH1（第一、二季度合并）、YYYYQ3 或 YYYYQ4，如 2019H1。",
    "Period '{value}' is invalid; use YYYYH1 (Q1 and Q2 merged), YYYYQ3 or YYYYQ4, e.g. 2019H1.",
    title_zh="目录期次无效",
    title_en="invalid period",
    documents=("catalog",),
)
PERIOD_MISMATCH = register(
    "catalog-period-mismatch",
    "error",
    "{reason}",
    "{reason_en}",
    title_zh="期次不一致",
    title_en="inconsistent period",
    documents=("catalog",),
)
NUMBER_INVALID = register(
    "catalog-number-invalid",
    "error",
    "“{field}”应为数字，读到的是“{value}”。",
    "'{field}' should be a number; found '{value}'.",
    title_zh="应为数字",
    title_en="not a number",
    documents=("catalog",),
)

SCHEME_ZH = {
    "项目编码": "县级行政区划代码-期次-三位序号",
    "课程编码": "项目编码-两位序号",
}
SCHEME_EN = {
    "项目编码": "county code-period-three-digit number",
    "课程编码": "project code-two-digit number",
}

PROJECT_REQUIRED = tuple(f.name for f in CATALOG_PROJECTS.fields if f.required)
COURSE_REQUIRED = tuple(f.name for f in CATALOG_COURSES.fields if f.required)
PROJECT_NUMBERS = ("培训规模", "培训时数", "学时数")


def _where(table: Table, rec: Record, name: str) -> dict[str, Any]:
    return {"sheet": table.sheet, "cell": table.cell_of(name, rec.row), "row": rec.row, "field": name}


def _position(table: Table, rec: Record, name: str) -> str:
    cell = table.cell_of(name, rec.row)
    return f"{table.sheet}!{cell}" if table.sheet and cell else (cell or str(rec.row))


def check_catalog(source: Any, grid: Any, **options: Any) -> FileResult:
    """Check one catalog workbook; every problem is a finding on its cell."""
    path = source.display
    result = FileResult(path, "catalog")
    projects, courses = catalog_tables(grid)
    if projects is None:
        result.findings.append(make(HEADER_MISSING, path, sheet="项目目录", expected="项目编码、项目名称、申报单位、学时数"))
        return result
    out = result.findings
    for name in PROJECT_REQUIRED:
        if name not in projects.columns:
            out.append(make(COLUMN_MISSING, path, sheet=projects.sheet, row=projects.header_row, field=name))
    result.records = len(projects.records)
    if not projects.records:
        out.append(make(NO_RECORDS, path, sheet=projects.sheet))

    project_hours: dict[str, tuple[Record, float | None]] = {}
    first_seen: dict[str, str] = {}
    periods: list[tuple[Record, str]] = []
    for rec in projects.records:
        out.extend(_check_cells(path, projects, rec, PROJECT_REQUIRED, PROJECT_NUMBERS))
        code = compact(rec.text("项目编码"))
        if not code or is_excel_error(rec.get("项目编码").raw):
            continue
        where = _where(projects, rec, "项目编码")
        m = PROJECT_CODE_RE.match(code)
        if m is None:
            out.append(_format_finding(path, where, code, "项目编码"))
        elif m["county"] not in divisions.counties():
            out.append(make(COUNTY_CODE_UNKNOWN, path, value=code, county=m["county"], **where))
        if code in first_seen:
            out.append(make(CODE_DUPLICATE, path, value=code, first=first_seen[code], **where))
            continue
        first_seen[code] = _position(projects, rec, "项目编码")
        project_hours[code] = (rec, parse_number(rec.get("学时数").raw))
        period_text = compact(rec.text("目录期次"))
        if period_text:
            if not is_period(period_text):
                out.append(make(PERIOD_INVALID, path, value=period_text, **_where(projects, rec, "目录期次")))
                continue
            period = parse_period(period_text)
            periods.append((rec, period))
            if m is not None and m["period"] != period:
                out.append(
                    make(
                        PERIOD_MISMATCH,
                        path,
                        value=code,
                        reason=f"项目编码“{code}”中的期次 {m['period']} 与目录期次 {period} 不一致。",
                        reason_en=f"Project code '{code}' carries period {m['period']}, but its 目录期次 is {period}.",
                        **where,
                    )
                )
    out.extend(_mixed_periods(path, projects, periods))

    if courses is None:
        out.append(make(COURSES_MISSING, path, sheet="课程目录"))
        return result
    for name in COURSE_REQUIRED:
        if name not in courses.columns:
            out.append(make(COLUMN_MISSING, path, sheet=courses.sheet, row=courses.header_row, field=name))
    totals: dict[str, float] = {}
    with_courses: set[str] = set()
    seen_courses: dict[str, str] = {}
    for rec in courses.records:
        out.extend(_check_cells(path, courses, rec, COURSE_REQUIRED, ("课程学时",)))
        code = compact(rec.text("课程编码"))
        project_code = compact(rec.text("项目编码"))
        if project_code and not is_excel_error(rec.get("项目编码").raw):
            if project_code not in project_hours:
                out.append(make(COURSE_ORPHAN, path, value=project_code, **_where(courses, rec, "项目编码")))
            else:
                with_courses.add(project_code)
                hours = parse_number(rec.get("课程学时").raw)
                if hours is not None:
                    totals[project_code] = totals.get(project_code, 0.0) + hours
        if not code or is_excel_error(rec.get("课程编码").raw):
            continue
        where = _where(courses, rec, "课程编码")
        m = COURSE_CODE_RE.match(code)
        if m is None:
            out.append(_format_finding(path, where, code, "课程编码"))
        elif project_code and m["project"] != project_code:
            out.append(make(COURSE_CODE_MISMATCH, path, value=code, project_code=project_code, **where))
        if code in seen_courses:
            out.append(make(CODE_DUPLICATE, path, value=code, first=seen_courses[code], **where))
        else:
            seen_courses[code] = _position(courses, rec, "课程编码")

    for code, (rec, hours) in project_hours.items():
        where = _where(projects, rec, "学时数")
        if code not in with_courses:
            out.append(make(PROJECT_NO_COURSE, path, value=code, **_where(projects, rec, "项目编码")))
        elif hours is not None and abs(totals.get(code, 0.0) - hours) > HOURS_TOLERANCE:
            out.append(
                make(COURSE_HOURS_MISMATCH, path, value=rec.get("学时数").raw, title=rec.text("项目名称") or code, total=_num(totals.get(code, 0.0)), **where)
            )
    return result


def _check_cells(path: str, table: Table, rec: Record, required: tuple[str, ...], numbers: tuple[str, ...]) -> list[Finding]:
    out: list[Finding] = []
    for name in table.columns:
        value = rec.get(name)
        where = _where(table, rec, name)
        if is_excel_error(value.raw):
            out.append(make(EXCEL_ERROR, path, value=value.raw, **where))
        elif value.empty:
            if name in required:
                out.append(make(REQUIRED, path, **where))
        elif name in numbers and parse_number(value.raw) is None:
            out.append(make(NUMBER_INVALID, path, value=value.raw, **where))
    return out


def _format_finding(path: str, where: dict[str, Any], code: str, field: str) -> Finding:
    example = PROJECT_CODE_EXAMPLE if field == "项目编码" else COURSE_CODE_EXAMPLE
    return make(CODE_FORMAT, path, value=code, expected=example, scheme=SCHEME_ZH[field], scheme_en=SCHEME_EN[field], **where)


def _mixed_periods(path: str, table: Table, periods: list[tuple[Record, str]]) -> list[Finding]:
    """A catalog is one period: rows whose period differs from the most common one are reported."""
    counts = Counter(p for _, p in periods)
    if len(counts) <= 1:
        return []
    main = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return [
        make(
            PERIOD_MISMATCH,
            path,
            value=period,
            reason=f"本目录的期次是 {main}，这一行却是 {period}。一个目录只能有一个期次，请分开编制。",
            reason_en=f"This catalog is for {main}, but this row says {period}; a catalog covers one period only.",
            **_where(table, rec, "目录期次"),
        )
        for rec, period in periods
        if period != main
    ]


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 2)
