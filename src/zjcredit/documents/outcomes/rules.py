"""The rules of a learner-outcome sheet (学习成果表) that look at one record at a time, each registered
beside the check that reports it.

A check gets an :class:`~zjcredit.documents.outcomes.sheet.OutcomeSheet` (scope "sheet") and yields
:class:`Hits` or findings. The rules that are queries — across records (duplicates, shared phones …) and
against the catalogs (project, course, institution, hours, period) — are in :mod:`zjcredit.screens`.
Column-wise throughout: a check is a few array operations, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from zjcredit.documents.common import COLUMN_MISSING, EXCEL_ERROR, PHONE_INVALID, REQUIRED
from zjcredit.documents.outcomes.sheet import OUTCOME_FIELDS, REQUIRED_FIELDS, Hits, OutcomeSheet
from zjcredit.domain import columns as cols
from zjcredit.domain import idcard
from zjcredit.domain.columns import bools
from zjcredit.domain.normalize import clean_text, compact, parse_number
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
