"""The rules of a learner-outcome sheet (学习成果表) that look at one record at a time, each registered
beside the check that reports it.

A check gets an :class:`~zjcredit.documents.outcomes.sheet.OutcomeSheet` (scope "sheet"), or the sheet
and the catalogs' index (scope "catalog", only when catalogs are given), and yields :class:`Hits` or
findings. The rules across records (duplicates, shared phones …) are the screens of :mod:`zjcredit.screens`.
Column-wise throughout: a check is a few array operations, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zjcredit.documents.common import COLUMN_MISSING, EXCEL_ERROR, PHONE_INVALID, REQUIRED
from zjcredit.documents.outcomes.catalog import CatalogIndex
from zjcredit.documents.outcomes.sheet import OUTCOME_FIELDS, REQUIRED_FIELDS, Hits, OutcomeSheet
from zjcredit.domain import columns as cols
from zjcredit.domain import idcard
from zjcredit.domain.columns import bools
from zjcredit.domain.normalize import clean_text, code_key, compact, number_text, parse_number
from zjcredit.domain.vocab import RESULT_GRADES
from zjcredit.report.findings import Finding, check, make, register

DOC = ("outcomes",)
KINDS = DOC


# Values one by one --------------------------------------------------------------------------------


@check(COLUMN_MISSING, kinds=KINDS, scope="sheet")
def required_columns(sheet: OutcomeSheet) -> Iterator[Finding]:
    t = sheet.table
    for name in REQUIRED_FIELDS:
        if name not in t.columns:
            yield make(COLUMN_MISSING, t.path, sheet=t.sheet, row=t.header_row, field=name)


@check(EXCEL_ERROR, REQUIRED, kinds=KINDS, scope="sheet")
def required_values(sheet: OutcomeSheet) -> Iterator[Hits]:
    """An Excel error value (#N/A …) is reported as such and counts as empty."""
    for name in OUTCOME_FIELDS:
        if not sheet.has(name):
            continue
        if name in sheet.excel_errors:
            yield Hits(EXCEL_ERROR, name, np.flatnonzero(sheet.excel_errors[name]))
        if name in REQUIRED_FIELDS:
            yield Hits(REQUIRED, name, np.flatnonzero(~sheet.present(name)))


@check(PHONE_INVALID, kinds=KINDS, scope="sheet")
def phones(sheet: OutcomeSheet) -> Iterator[Hits]:
    if sheet.has("联系电话"):
        ok, _ = sheet.phones
        present = bools(sheet.column("联系电话").is_valid())
        yield Hits(PHONE_INVALID, "联系电话", np.flatnonzero(present & ~ok))


DATE_INVALID = register(
    "date-invalid",
    "error",
    "完成日期“{value}”无法识别为日期，请填写如 2019-05-05。",
    "Completion date '{value}' is not a date; write it like 2019-05-05.",
    title_zh="完成日期无效",
    title_en="completion date invalid",
    documents=DOC,
)
DATE_FUTURE = register(
    "date-future",
    "error",
    "完成日期 {date} 在今天之后。",
    "Completion date {date} is in the future.",
    title_zh="完成日期在未来",
    title_en="completion date in the future",
    documents=DOC,
)


def date_text(d: np.datetime64) -> str:
    return str(d.astype("datetime64[D]"))


@check(DATE_INVALID, DATE_FUTURE, kinds=KINDS, scope="sheet")
def completion_dates(sheet: OutcomeSheet) -> Iterator[Hits]:
    if not sheet.has("完成日期"):
        return
    d = sheet.completion_dates
    present = bools(sheet.column("完成日期").is_valid())
    yield Hits(DATE_INVALID, "完成日期", np.flatnonzero(present & np.isnat(d)))
    future = np.flatnonzero(~np.isnat(d) & (d > np.datetime64(sheet.today)))
    yield Hits(DATE_FUTURE, "完成日期", future, per_row=lambda k: {"date": date_text(d[future[k]])})


HOURS_INVALID = register(
    "hours-invalid",
    "error",
    "学时数“{value}”不是正数。",
    "Study hours '{value}' is not a positive number.",
    title_zh="学时数无效",
    title_en="study hours invalid",
    documents=DOC,
)


@check(HOURS_INVALID, kinds=KINDS, scope="sheet")
def study_hours(sheet: OutcomeSheet) -> Iterator[Hits]:
    if sheet.has("学时数"):
        present = bools(sheet.column("学时数").is_valid())
        yield Hits(HOURS_INVALID, "学时数", np.flatnonzero(present & np.isnan(sheet.hours)))


RESULT_INVALID = register(
    "result-invalid",
    "error",
    "考核结果“{value}”无效：应为 合格、不合格、优秀、良好、中等、及格 之一，或 0–100 的分数。",
    "Assessment result '{value}' is not valid: use 合格, 不合格, 优秀, 良好, 中等, 及格 or a score 0–100.",
    title_zh="考核结果无效",
    title_en="assessment result invalid",
    documents=DOC,
)


def result_ok(value: str) -> bool:
    """合格/不合格/优秀/良好/中等/及格, or a score 0–100."""
    text = compact(clean_text(value))
    if text in RESULT_GRADES:
        return True
    number = parse_number(text)
    return number is not None and 0 <= number <= 100


@check(RESULT_INVALID, kinds=KINDS, scope="sheet")
def results(sheet: OutcomeSheet) -> Iterator[Hits]:
    if sheet.has("考核结果"):
        bad = cols.per_distinct(sheet.column("考核结果"), lambda v: not result_ok(v), fill=False, dtype=bool)
        yield Hits(RESULT_INVALID, "考核结果", np.flatnonzero(bad))


# Resident ID --------------------------------------------------------------------------------------
ID_EXCEL_NUMBER = register(
    "id-excel-number",
    "error",
    "身份证号被 Excel 当成了数字（读到 {value}）：Excel 只保留 15 位有效数字，后几位已经丢失，无法恢复。请把这一列设为“文本”格式后按原件重新录入。",
    "The ID was stored by Excel as a number (read {value}): Excel keeps only 15 significant digits, so the last digits are lost for good. Format the column as Text and retype the number from the original.",
    title_zh="身份证号被 Excel 存成数字",
    title_en="ID stored as a number by Excel",
    documents=DOC,
)
ID_LEGACY_15 = register(
    "id-legacy-15",
    "error",
    "身份证号 {value} 是 15 位的旧号码，请改填 18 位公民身份号码。",
    "ID {value} is an old 15-digit number; enter the 18-digit citizen ID number instead.",
    title_zh="15 位旧身份证号",
    title_en="legacy 15-digit ID",
    documents=DOC,
)
ID_LENGTH = register(
    "id-length",
    "error",
    "身份证号“{value}”长度不对：应为 18 位。",
    "ID '{value}' has the wrong length: it must have 18 characters.",
    title_zh="身份证号位数错误",
    title_en="ID of wrong length",
    documents=DOC,
)
ID_CHARACTERS = register(
    "id-characters",
    "error",
    "身份证号“{value}”含有非法字符：前 17 位应为数字，最后一位为数字或 X。",
    "ID '{value}' has invalid characters: the first 17 must be digits, the last a digit or X.",
    title_zh="身份证号含非法字符",
    title_en="ID with invalid characters",
    documents=DOC,
)
ID_REGION = register(
    "id-region",
    "error",
    "身份证号 {value} 的地区码 {region} 不存在（省份不存在，或浙江省内没有这个县级代码）。",
    "ID {value}: region code {region} does not exist (no such province, or no such county code in Zhejiang).",
    title_zh="身份证号地区码不存在",
    title_en="ID region code unknown",
    documents=DOC,
)
ID_BIRTHDATE = register(
    "id-birthdate",
    "error",
    "身份证号 {value} 中的出生日期 {birth} 不是有效日期（不存在、早于 1900 年或在今天之后）。",
    "ID {value}: the birth date {birth} is not valid (no such date, before 1900, or in the future).",
    title_zh="身份证号出生日期无效",
    title_en="ID birth date invalid",
    documents=DOC,
)
ID_CHECKSUM = register(
    "id-checksum",
    "error",
    "身份证号 {value} 的校验位不对（按前 17 位应为 {expected}），可能有数字录错。请核对原件。",
    "ID {value}: the check character is wrong (the first 17 digits give {expected}); a digit was probably mistyped. Check against the original.",
    title_zh="身份证号校验位错误",
    title_en="ID check character wrong",
    documents=DOC,
)
ID_LOWERCASE_X = register(
    "id-lowercase-x",
    "info",
    "身份证号 {value} 末位是小写 x，已按大写 X 处理；建议改为大写。",
    "ID {value} ends in a lower-case x, read as X; better write it upper-case.",
    title_zh="身份证号末位为小写 x",
    title_en="ID ends in lower-case x",
    documents=DOC,
)


@check(ID_EXCEL_NUMBER, ID_LEGACY_15, ID_LENGTH, ID_CHARACTERS, ID_REGION, ID_BIRTHDATE, ID_CHECKSUM, ID_LOWERCASE_X, kinds=KINDS, scope="sheet")
def resident_ids(sheet: OutcomeSheet) -> Iterator[Hits]:
    """Each ID's first broken rule (GB 11643: length, characters, region, birth date, check character), an
    ID Excel stored as a number, and the lower-case x worth a note."""
    if not sheet.has("身份证号"):
        return
    ids = sheet.ids

    def texts(at: np.ndarray) -> list[str]:
        return [t or "" for t in ids.normalized.take(pa.array(at)).to_pylist()]

    for rule in (ID_EXCEL_NUMBER, ID_LEGACY_15, ID_LENGTH, ID_CHARACTERS, ID_REGION, ID_BIRTHDATE, ID_CHECKSUM):
        at = ids.positions(rule.id)
        if not len(at):
            continue
        if rule is ID_REGION:
            t = texts(at)
            yield Hits(rule, "身份证号", at, per_row=lambda k, t=t: {"region": t[k][:6]})
        elif rule is ID_BIRTHDATE:
            t = texts(at)
            yield Hits(rule, "身份证号", at, per_row=lambda k, t=t: {"birth": t[k][6:14]})
        elif rule is ID_CHECKSUM:
            t = texts(at)
            yield Hits(rule, "身份证号", at, per_row=lambda k, t=t: {"expected": idcard.check_char(t[k][:17])})
        else:
            yield Hits(rule, "身份证号", at)
    yield Hits(ID_LOWERCASE_X, "身份证号", np.flatnonzero(ids.lowercase_x & ids.ok))


# Against the catalog ------------------------------------------------------------------------------
PROJECT_UNKNOWN = register(
    "project-unknown",
    "error",
    "项目编码 {value} 不在所给的项目目录中。学习成果必须对应目录中的项目编码（浙学银〔2019〕2号 三（二））。",
    "Project code {value} is not in the catalog(s) given; every outcome must match a catalog project code.",
    title_zh="项目编码不在目录中",
    title_en="project code not in the catalog",
    documents=DOC,
)


@check(PROJECT_UNKNOWN, kinds=KINDS, scope="catalog")
def catalog_projects(sheet: OutcomeSheet, catalog: CatalogIndex) -> Iterator[Hits]:
    if sheet.has("项目编码"):
        known = bools(pc.is_in(sheet.projects, value_set=catalog.project_codes))
        present = bools(sheet.projects.is_valid())
        yield Hits(PROJECT_UNKNOWN, "项目编码", np.flatnonzero(present & ~known))


COURSE_UNKNOWN = register(
    "course-unknown",
    "error",
    "课程编码 {value} 不是项目 {project_code} 的课程{hint}。",
    "Course code {value} is not a course of project {project_code}{hint_en}.",
    title_zh="课程编码不属于该项目",
    title_en="course code not of that project",
    documents=DOC,
)


@check(COURSE_UNKNOWN, kinds=KINDS, scope="catalog")
def catalog_courses(sheet: OutcomeSheet, catalog: CatalogIndex) -> Iterator[Hits]:
    """The course must be a course of the row's project (judged once per distinct course)."""
    if not sheet.has("课程编码"):
        return
    project, course = sheet.projects, sheet.courses
    owner_key = cols.per_distinct_text(course, lambda c: code_key(catalog.owner_of_course(c)))
    same = bools(pc.equal(owner_key, project))
    both = bools(project.is_valid()) & bools(course.is_valid())
    at = np.flatnonzero(both & ~same)
    owners = [catalog.owner_of_course(c) for c in course.take(pa.array(at)).to_pylist()]  # as written in the catalog
    projects = project.take(pa.array(at)).to_pylist()

    def params(k: int) -> dict[str, Any]:
        if owners[k] is None:
            return {"project_code": projects[k], "hint": "（目录中没有这个课程编码）", "hint_en": " (no such course code in the catalog)"}
        return {"project_code": projects[k], "hint": f"（它属于项目 {owners[k]}）", "hint_en": f" (it belongs to project {owners[k]})"}

    yield Hits(COURSE_UNKNOWN, "课程编码", at, per_row=params)


ORG_MISMATCH = register(
    "org-mismatch",
    "error",
    "机构代码 {value} 与目录中项目 {project_code} 的申报机构（{expected}）不一致。",
    "Institution code {value} differs from the one that declared project {project_code} in the catalog ({expected}).",
    title_zh="机构代码与项目不符",
    title_en="institution code does not match the project",
    documents=DOC,
)


@check(ORG_MISMATCH, kinds=KINDS, scope="catalog")
def catalog_institutions(sheet: OutcomeSheet, catalog: CatalogIndex) -> Iterator[Hits]:
    """The 机构代码 must be the one that declared the project in the catalog."""
    if not sheet.has("机构代码"):
        return
    expected = cols.per_distinct_text(sheet.projects, catalog.org_of_project)
    differs = bools(pc.not_equal(sheet.orgs, expected))
    at = np.flatnonzero(differs)
    want = expected.take(pa.array(at)).to_pylist()
    projects = sheet.projects.take(pa.array(at)).to_pylist()
    yield Hits(ORG_MISMATCH, "机构代码", at, per_row=lambda k: {"expected": want[k], "project_code": projects[k]})


HOURS_EXCEED = register(
    "hours-exceed",
    "error",
    "学时数 {value} 超过目录中课程 {course_code} 的课程学时 {limit}。",
    "Study hours {value} exceed the {limit} hours of course {course_code} in the catalog.",
    title_zh="学时数超过课程学时",
    title_en="study hours above the course's",
    documents=DOC,
)


@check(HOURS_EXCEED, kinds=KINDS, scope="catalog")
def catalog_hours(sheet: OutcomeSheet, catalog: CatalogIndex) -> Iterator[Hits]:
    limit = cols.per_distinct(sheet.courses, catalog.hours_of_course, fill=np.nan, dtype=float)
    hours = sheet.hours
    over = np.flatnonzero(~np.isnan(hours) & ~np.isnan(limit) & (hours > limit + 1e-9))
    courses = sheet.courses.take(pa.array(over)).to_pylist()
    yield Hits(HOURS_EXCEED, "学时数", over, per_row=lambda k: {"course_code": courses[k], "limit": number_text(limit[over[k]])})


DATE_BEFORE_PERIOD = register(
    "date-before-period",
    "error",
    "完成日期 {date} 早于项目 {project_code} 所在目录期次 {period} 的开始日期 {start}。",
    "Completion date {date} is before the start ({start}) of period {period} of project {project_code}.",
    title_zh="完成日期早于目录期次",
    title_en="completion date before the catalog period",
    documents=DOC,
)


@check(DATE_BEFORE_PERIOD, kinds=KINDS, scope="catalog")
def catalog_periods(sheet: OutcomeSheet, catalog: CatalogIndex) -> Iterator[Hits]:
    """A completion date before the start of the project's catalog period."""
    nat = np.datetime64("NaT")
    start = cols.per_distinct(sheet.projects, catalog.period_start, fill=nat, dtype="datetime64[D]")
    date = sheet.dates
    early = np.flatnonzero(~np.isnat(date) & ~np.isnat(start) & (date < start))
    projects = sheet.projects.take(pa.array(early)).to_pylist()
    yield Hits(
        DATE_BEFORE_PERIOD, "完成日期", early,
        per_row=lambda k: {
            "date": date_text(date[early[k]]), "start": date_text(start[early[k]]),
            "project_code": projects[k], "period": catalog.projects[projects[k]].period,
        },
    )
