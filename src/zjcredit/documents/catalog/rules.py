"""`validate --kind catalog`: the rules of a quarterly catalog workbook (sheets 项目目录 and 课程目录), each
beside its check, and the pipeline that runs them.

Code scheme (DOMAIN.md): 项目编码 ``{county code}-{period}-{NNN}`` (``330106-2019H1-007``), 课程编码
``{项目编码}-{NN}`` (``330106-2019H1-007-01``).

A check is registered with :func:`~zjcredit.report.findings.check` for the kind ``catalog`` and one scope;
what it receives, by scope (``ctx`` is the :class:`CatalogContext`):

- ``value``: ``(ctx, table, record, field)`` — one filled-in cell that is no Excel error (the pipeline
  reports blank required cells and error values once); ``fields`` says which fields the check wants;
- ``project`` / ``course``: ``(ctx, record)`` — one row of 项目目录 / 课程目录, after its cells;
- ``projects`` / ``courses``: ``(ctx)`` — the whole sheet, after its rows (``courses`` only when the catalog
  has a course sheet).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from zjcredit.documents.catalog.model import catalog_tables
from zjcredit.documents.common import COLUMN_MISSING, COURSE_HOURS_MISMATCH, EXCEL_ERROR, HEADER_MISSING, NO_RECORDS, REQUIRED
from zjcredit.domain import divisions
from zjcredit.domain.normalize import compact, is_excel_error, number_text, parse_number
from zjcredit.domain.periods import is_period, parse_period
from zjcredit.domain.schema import CATALOG_COURSES, CATALOG_PROJECTS
from zjcredit.io.tables import Record, Table
from zjcredit.io.grid import WorkbookGrid
from zjcredit.report.findings import FileResult, Finding, Rule, check, checks_for, make, register

CATALOG = ("catalog",)
PROJECT_CODE_RE = re.compile(r"^(?P<county>\d{6})-(?P<period>\d{4}(?:H1|Q3|Q4))-(?P<number>\d{3,})$")
COURSE_CODE_RE = re.compile(r"^(?P<project>\d{6}-\d{4}(?:H1|Q3|Q4)-\d{3,})-(?P<number>\d{2,})$")
PROJECT_CODE_EXAMPLE = "330106-2019H1-007"
COURSE_CODE_EXAMPLE = "330106-2019H1-007-01"
# Course hours are written with at most one decimal; anything closer than this adds up.
HOURS_TOLERANCE = 1e-6
PROJECT_REQUIRED = tuple(f.name for f in CATALOG_PROJECTS.fields if f.required)
COURSE_REQUIRED = tuple(f.name for f in CATALOG_COURSES.fields if f.required)


@dataclass
class CatalogContext:
    """A catalog being checked: its two sheets, the first row of every code, and where findings go."""

    path: str
    projects: Table
    courses: Table | None
    findings: list[Finding]
    project_rows: dict[str, Record]  # 项目编码 → its first row
    course_rows: dict[str, Record]  # 课程编码 → its first row

    def add(self, rule: Rule, table: Table, rec: Record, field: str, value: Any = None, **params: Any) -> None:
        self.findings.append(make(rule, self.path, value=value, sheet=table.sheet, cell=table.cell_of(field, rec.row), row=rec.row, field=field, **params))

    def position(self, table: Table, rec: Record, field: str) -> str:
        """Where a row's cell is, as a person would name it (项目目录!A5)."""
        cell = table.cell_of(field, rec.row)
        return f"{table.sheet}!{cell}" if table.sheet and cell else (cell or str(rec.row))


def row_code(rec: Record, field: str) -> str | None:
    """A row's 项目编码 / 课程编码 without spaces; None when blank or an Excel error (reported as such)."""
    code = compact(rec.text(field))
    return code if code and not is_excel_error(rec.get(field).raw) else None


def _first_rows(table: Table | None, field: str) -> dict[str, Record]:
    first: dict[str, Record] = {}
    for rec in table.records if table is not None else ():
        code = row_code(rec, field)
        if code:
            first.setdefault(code, rec)
    return first


# Cells ------------------------------------------------------------------------------------------------

NUMBER_INVALID = register(
    "catalog-number-invalid",
    "error",
    "“{field}”应为数字，读到的是“{value}”。",
    "'{field}' should be a number; found '{value}'.",
    title_zh="应为数字",
    title_en="not a number",
    documents=CATALOG,
)


@check(NUMBER_INVALID, kinds=CATALOG, scope="value", fields=("培训规模", "培训时数", "学时数", "课程学时"))
def number_cell(ctx: CatalogContext, table: Table, rec: Record, field: str) -> None:
    value = rec.get(field)
    if parse_number(value.raw) is None:
        ctx.add(NUMBER_INVALID, table, rec, field, value.raw)


# 项目目录 rows: codes and periods ----------------------------------------------------------------------

CODE_FORMAT = register(
    "catalog-code-format",
    "error",
    "{field}“{value}”格式不对，应为 {expected}（{scheme}）。",
    "{field} '{value}' is malformed; expected {expected} ({scheme_en}).",
    title_zh="编码格式错误",
    title_en="malformed code",
    documents=CATALOG,
)
COUNTY_CODE_UNKNOWN = register(
    "catalog-county-code-unknown",
    "error",
    "项目编码“{value}”开头的 {county} 不是浙江省的县（市、区）行政区划代码。",
    "Project code '{value}' starts with {county}, which is not a Zhejiang county-level division code.",
    title_zh="编码中的县级代码不存在",
    title_en="unknown county code in a project code",
    documents=CATALOG,
)
CODE_DUPLICATE = register(
    "catalog-code-duplicate",
    "error",
    "{field}“{value}”重复，第一次出现在 {first}。编码在目录中必须唯一。",
    "{field} '{value}' appears twice (first at {first}); codes must be unique in a catalog.",
    title_zh="编码重复",
    title_en="duplicate code",
    documents=CATALOG,
)


def _bad_format(ctx: CatalogContext, table: Table, rec: Record, field: str, code: str) -> None:
    if field == "项目编码":
        example, scheme, scheme_en = PROJECT_CODE_EXAMPLE, "县级行政区划代码-期次-三位序号", "county code-period-three-digit number"
    else:
        example, scheme, scheme_en = COURSE_CODE_EXAMPLE, "项目编码-两位序号", "project code-two-digit number"
    ctx.add(CODE_FORMAT, table, rec, field, code, expected=example, scheme=scheme, scheme_en=scheme_en)


@check(CODE_FORMAT, COUNTY_CODE_UNKNOWN, kinds=CATALOG, scope="project")
def project_code(ctx: CatalogContext, rec: Record) -> None:
    code = row_code(rec, "项目编码")
    if code is None:
        return
    m = PROJECT_CODE_RE.match(code)
    if m is None:
        _bad_format(ctx, ctx.projects, rec, "项目编码", code)
    elif m["county"] not in divisions.counties():
        ctx.add(COUNTY_CODE_UNKNOWN, ctx.projects, rec, "项目编码", code, county=m["county"])


@check(CODE_DUPLICATE, kinds=CATALOG, scope="project")
def project_code_once(ctx: CatalogContext, rec: Record) -> None:
    code = row_code(rec, "项目编码")
    first = ctx.project_rows.get(code or "")
    if first is not None and first is not rec:
        ctx.add(CODE_DUPLICATE, ctx.projects, rec, "项目编码", code, first=ctx.position(ctx.projects, first, "项目编码"))


PERIOD_INVALID = register(
    "catalog-period-invalid",
    "error",
    "目录期次“{value}”无效，应为年份加 H1（第一、二季度合并，如 2019H1）、Q3 或 Q4（如 2019Q3）。",
    "Period '{value}' is invalid; write the year and H1 (Q1 and Q2 merged, e.g. 2019H1), Q3 or Q4 (e.g. 2019Q3).",
    title_zh="目录期次无效",
    title_en="invalid period",
    documents=CATALOG,
)
PERIOD_MISMATCH = register(
    "catalog-period-mismatch",
    "error",
    "{reason}",
    "{reason_en}",
    title_zh="期次不一致",
    title_en="inconsistent period",
    documents=CATALOG,
)


def _own_period(ctx: CatalogContext, rec: Record) -> str | None:
    """The 目录期次 written on the first row of a code (a repeated code is reported as such, not again)."""
    code = row_code(rec, "项目编码")
    if code is None or ctx.project_rows[code] is not rec:
        return None
    return compact(rec.text("目录期次")) or None


@check(PERIOD_INVALID, PERIOD_MISMATCH, kinds=CATALOG, scope="project")
def project_period(ctx: CatalogContext, rec: Record) -> None:
    text = _own_period(ctx, rec)
    if text is None:
        return
    if not is_period(text):
        ctx.add(PERIOD_INVALID, ctx.projects, rec, "目录期次", text)
        return
    period = parse_period(text)
    code = row_code(rec, "项目编码") or ""
    m = PROJECT_CODE_RE.match(code)
    if m is not None and m["period"] != period:
        reason = f"项目编码“{code}”中的期次 {m['period']} 与目录期次 {period} 不一致。"
        reason_en = f"Project code '{code}' carries period {m['period']}, but its 目录期次 is {period}."
        ctx.add(PERIOD_MISMATCH, ctx.projects, rec, "项目编码", code, reason=reason, reason_en=reason_en)


@check(PERIOD_MISMATCH, kinds=CATALOG, scope="projects")
def one_period(ctx: CatalogContext) -> None:
    """A catalog is one period: rows whose period differs from the most common one are reported."""
    periods = []
    for rec in ctx.projects.records:
        text = _own_period(ctx, rec)
        if text is not None and is_period(text):
            periods.append((rec, parse_period(text)))
    counts = Counter(p for _, p in periods)
    if len(counts) <= 1:
        return
    main = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    for rec, period in periods:
        if period != main:
            reason = f"本目录的期次是 {main}，这一行却是 {period}。一个目录只能有一个期次，请分开编制。"
            reason_en = f"This catalog is for {main}, but this row says {period}; a catalog covers one period only."
            ctx.add(PERIOD_MISMATCH, ctx.projects, rec, "目录期次", period, reason=reason, reason_en=reason_en)


# 课程目录 rows -------------------------------------------------------------------------------------------

COURSE_ORPHAN = register(
    "course-orphan",
    "error",
    "课程所属的项目编码“{value}”在“项目目录”中不存在。每门课程都必须属于目录中的一个项目。",
    "The course's project code '{value}' is not in the 项目目录 sheet; every course must belong to a catalog project.",
    title_zh="课程没有对应的项目",
    title_en="course without a project",
    documents=CATALOG,
)
COURSE_CODE_MISMATCH = register(
    "course-code-mismatch",
    "error",
    "课程编码“{value}”与所属项目编码“{project_code}”不一致：课程编码应以项目编码开头，如 {project_code}-01。",
    "Course code '{value}' does not match its project code '{project_code}'; it should start with it, e.g. {project_code}-01.",
    title_zh="课程编码与项目编码不一致",
    title_en="course code does not match its project",
    documents=CATALOG,
)


@check(COURSE_ORPHAN, kinds=CATALOG, scope="course")
def course_project(ctx: CatalogContext, rec: Record) -> None:
    assert ctx.courses is not None
    project_code = row_code(rec, "项目编码")
    if project_code and project_code not in ctx.project_rows:
        ctx.add(COURSE_ORPHAN, ctx.courses, rec, "项目编码", project_code)


@check(CODE_FORMAT, COURSE_CODE_MISMATCH, kinds=CATALOG, scope="course")
def course_code(ctx: CatalogContext, rec: Record) -> None:
    assert ctx.courses is not None
    code = row_code(rec, "课程编码")
    if code is None:
        return
    project_code = compact(rec.text("项目编码"))
    m = COURSE_CODE_RE.match(code)
    if m is None:
        _bad_format(ctx, ctx.courses, rec, "课程编码", code)
    elif project_code and m["project"] != project_code:
        ctx.add(COURSE_CODE_MISMATCH, ctx.courses, rec, "课程编码", code, project_code=project_code)


@check(CODE_DUPLICATE, kinds=CATALOG, scope="course")
def course_code_once(ctx: CatalogContext, rec: Record) -> None:
    assert ctx.courses is not None
    code = row_code(rec, "课程编码")
    first = ctx.course_rows.get(code or "")
    if first is not None and first is not rec:
        ctx.add(CODE_DUPLICATE, ctx.courses, rec, "课程编码", code, first=ctx.position(ctx.courses, first, "课程编码"))


# 课程目录 sheet ------------------------------------------------------------------------------------------

PROJECT_NO_COURSE = register(
    "catalog-project-no-course",
    "warning",
    "项目“{value}”在“课程目录”中没有任何课程，学习成果将无法按课程编码存入。",
    "Project '{value}' has no course in the 课程目录 sheet, so no outcome can be deposited against it.",
    title_zh="项目没有课程",
    title_en="project without courses",
    documents=CATALOG,
)


@check(PROJECT_NO_COURSE, COURSE_HOURS_MISMATCH, kinds=CATALOG, scope="courses")
def project_courses(ctx: CatalogContext) -> None:
    """Every project has courses, and their 课程学时 add up to its 学时数."""
    assert ctx.courses is not None
    totals: dict[str, float] = defaultdict(float)
    with_courses: set[str] = set()
    for rec in ctx.courses.records:
        project_code = row_code(rec, "项目编码")
        if project_code and project_code in ctx.project_rows:
            with_courses.add(project_code)
            hours = parse_number(rec.get("课程学时").raw)
            if hours is not None:
                totals[project_code] += hours
    for code, rec in ctx.project_rows.items():
        hours = parse_number(rec.get("学时数").raw)
        if code not in with_courses:
            ctx.add(PROJECT_NO_COURSE, ctx.projects, rec, "项目编码", code)
        elif hours is not None and abs(totals[code] - hours) > HOURS_TOLERANCE:
            title = rec.text("项目名称") or code
            ctx.add(COURSE_HOURS_MISMATCH, ctx.projects, rec, "学时数", rec.get("学时数").raw, title=title, total=number_text(totals[code]))


# The pipeline -------------------------------------------------------------------------------------------

COURSES_MISSING = register(
    "catalog-courses-missing",
    "error",
    "找不到“课程目录”工作表（或含“课程编码”的表头）。项目目录必须同时列出各项目的课程。",
    "No 课程目录 sheet (or header with 课程编码) found; a catalog must list each project's courses.",
    title_zh="缺少课程目录",
    title_en="course sheet missing",
    documents=CATALOG,
)


def _check_columns(ctx: CatalogContext, table: Table, required: tuple[str, ...]) -> None:
    for name in required:
        if name not in table.columns:
            ctx.findings.append(make(COLUMN_MISSING, ctx.path, sheet=table.sheet, row=table.header_row, field=name))


def _check_rows(ctx: CatalogContext, table: Table, required: tuple[str, ...], scope: str) -> None:
    """Each row's cells (a blank required cell, an Excel error, then the value checks), then its row checks."""
    row_checks = checks_for("catalog", scope)
    for rec in table.records:
        for name in table.columns:
            value = rec.get(name)
            if is_excel_error(value.raw):
                ctx.add(EXCEL_ERROR, table, rec, name, value.raw)
            elif value.empty:
                if name in required:
                    ctx.add(REQUIRED, table, rec, name)
            else:
                for c in checks_for("catalog", "value", name):
                    c.func(ctx, table, rec, name)
        for c in row_checks:
            c.func(ctx, rec)


def check_catalog(grid: WorkbookGrid) -> FileResult:
    """Check one catalog workbook; every problem is a finding on its cell; records = 项目目录 rows."""
    result = FileResult(grid.path, "catalog")
    projects, courses = catalog_tables(grid)
    if projects is None:
        result.findings.append(make(HEADER_MISSING, grid.path, sheet="项目目录", expected="项目编码、项目名称、申报单位、学时数"))
        return result
    ctx = CatalogContext(grid.path, projects, courses, result.findings, _first_rows(projects, "项目编码"), _first_rows(courses, "课程编码"))
    _check_columns(ctx, projects, PROJECT_REQUIRED)
    result.records = len(projects.records)
    if not projects.records:
        result.findings.append(make(NO_RECORDS, grid.path, sheet=projects.sheet))
    _check_rows(ctx, projects, PROJECT_REQUIRED, "project")
    for c in checks_for("catalog", "projects"):
        c.func(ctx)
    if courses is None:
        result.findings.append(make(COURSES_MISSING, grid.path, sheet="课程目录"))
        return result
    _check_columns(ctx, courses, COURSE_REQUIRED)
    _check_rows(ctx, courses, COURSE_REQUIRED, "course")
    for c in checks_for("catalog", "courses"):
        c.func(ctx)
    return result
