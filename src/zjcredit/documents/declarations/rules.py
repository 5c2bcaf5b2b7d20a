"""The content rules of declarations (Annex 2 forms and Annex 1 summary tables), each beside its check.

A check is registered with :func:`~zjcredit.report.findings.check` for the kinds ``annex1``/``annex2`` and
one scope; :mod:`zjcredit.documents.declarations.check` runs them. What a check receives, by scope:

- ``value``: ``(ctx, field, value)`` — one field's value, never blank and never an Excel error (the pipeline
  reports those once); ``fields`` says which fields the check wants.
- ``record``: ``(ctx, project)`` — one Annex 2 project block with its courses, or one Annex 1 row (a
  :class:`Project` without courses), after all its values were checked.
- ``document``: ``(ctx, declaration)`` for an Annex 2 form, ``(ctx, table)`` for an Annex 1 table — after all
  its records.

``ctx`` (:class:`Context`) says where findings go and carries the options and the form's resolved address.
Adding a rule is one registration and one function here, its test and its README line.

Thresholds for ``number-implausible`` (warnings, the value may still be right):

- 培训规模 above :data:`MAX_SCALE` persons, or not a whole number of persons;
- 培训时数 above :data:`MAX_TRAINING_HOURS`;
- 学时数 above :data:`MAX_STUDY_HOURS`, or more than :data:`STUDY_TO_TRAINING_RATIO` times the 培训时数
  (a 学时 is 40–45 minutes, so 学时数 is at most about 1.5 × 培训时数 when both are counted the same way).
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from zjcredit.documents.common import COURSE_HOURS_MISMATCH, NO_RECORDS, PHONE_INVALID
from zjcredit.documents.declarations.model import Declaration, Project, project_key
from zjcredit.documents.declarations.options import DEFAULT_ORG_CODE_PATTERN, DeclarationOptions
from zjcredit.domain import divisions, schema, vocab
from zjcredit.domain.divisions import Place
from zjcredit.domain.normalize import compact, name_key, normalize_phone, number_text, out_of_range, parse_number, phone_kind, split_contact
from zjcredit.io.tables import Table, Value
from zjcredit.report.findings import Finding, Rule, check, make, register

DECLARATIONS = ("annex1", "annex2")
MAX_SCALE = 5000
MAX_TRAINING_HOURS = 2000
MAX_STUDY_HOURS = 500
STUDY_TO_TRAINING_RATIO = 2.0
# Course hours add up to the project's 学时数 when they differ by less than this (float sums).
HOURS_TOLERANCE = 1e-6


@dataclass
class Context:
    """Where the findings of one part of a document go, and what its checks may need.

    A finding takes its cell and row from the value it is about; ``row`` is used when that value has none.
    """

    path: str
    sheet: str | None
    options: DeclarationOptions
    findings: list[Finding] = field(default_factory=list)
    project: int | None = None  # Annex 2 block number
    row: int | None = None
    place: Place | None = None  # the form's 地址 as the reader resolved it (Annex 2 header)

    def at(self, **changes: Any) -> Context:
        """The same document at another project or row; findings still go to the same list."""
        return dataclasses.replace(self, **changes)

    def add(self, rule: Rule, field: str | None, value: Value | None, **params: Any) -> None:
        # A placeholder the reader took for blank (名称, 市 县 号) is not shown as what was read.
        raw = None if value is None or value.text is None else value.raw
        self.findings.append(
            make(
                rule,
                self.path,
                sheet=self.sheet,
                cell=None if value is None else value.cell,
                row=value.row if value is not None and value.row is not None else self.row,
                project=self.project,
                field=field,
                value=raw,
                **params,
            )
        )


_F = TypeVar("_F")


def _first_repeats(items: Iterable[tuple[Any, _F]]) -> list[tuple[_F, _F]]:
    """(key, item) pairs → [(item, the first item with its key)] for every repeat; a falsy key never repeats."""
    seen: dict[Any, _F] = {}
    out = []
    for key, item in items:
        if not key:
            continue
        if key in seen:
            out.append((item, seen[key]))
        else:
            seen[key] = item
    return out


# 项目类别 -------------------------------------------------------------------------------------------

CATEGORY_UNKNOWN = register(
    "category-unknown",
    "error",
    "项目类别“{value}”不在通知规定的 18 类之中{hint}。请从下拉列表选择；确实无法归类的，填写新类别并在末尾注明（新）。",
    "Category '{value}' is not one of the notice's 18 categories{hint_en}; pick one from the list, or name a new category marked （新）.",
    title_zh="项目类别不在 18 类中",
    title_en="unknown category",
)
CATEGORY_NEW = register(
    "category-new",
    "info",
    "项目类别“{value}”是注明（新）的新类别，需分中心审核确认。",
    "Category '{value}' is a new category marked （新）; the sub-center will have to confirm it.",
    title_zh="新类别",
    title_en="new category",
)
_CATEGORY_KEYS = {schema.header_key(c): c for c in vocab.CATEGORIES}
_NEW_MARKS = ("（新）", "【新】")


@check(CATEGORY_UNKNOWN, CATEGORY_NEW, kinds=DECLARATIONS, scope="value", fields=("项目类别",))
def category(ctx: Context, field: str, value: Value) -> None:
    key = schema.header_key(value.text or "")
    if key in _CATEGORY_KEYS:
        return
    for mark in _NEW_MARKS:
        if mark in key:
            base = key.replace(mark, "")
            if base in _CATEGORY_KEYS:
                return  # a listed category needlessly marked new
            if base:
                ctx.add(CATEGORY_NEW, field, value)
                return
    close = difflib.get_close_matches(key, list(_CATEGORY_KEYS), n=1, cutoff=0.6)
    hint = f"（是否为“{_CATEGORY_KEYS[close[0]]}”？）" if close else ""
    hint_en = f" (did you mean '{_CATEGORY_KEYS[close[0]]}'?)" if close else ""
    ctx.add(CATEGORY_UNKNOWN, field, value, hint=hint, hint_en=hint_en)


# 培训对象 -------------------------------------------------------------------------------------------

TARGET_UNKNOWN = register(
    "target-unknown",
    "warning",
    "培训对象“{target}”不在通知列出的 14 类对象中。如确属其他对象可以保留；否则请从下拉列表选择，多个对象用顿号“、”分隔。",
    "Target group '{target}' is not one of the notice's 14 groups; keep it if intended, otherwise pick from the list (several separated by 、).",
    title_zh="培训对象不在列表中",
    title_en="unlisted target group",
)


def _target_keys() -> dict[str, str]:
    out = {schema.header_key(t): t for t in vocab.TARGETS}
    for t in vocab.TARGETS:
        m = re.match(r"^(.*)（(.*)）(.*)$", t)
        if m:  # 船员（渔民）→ 船员, 渔民; 自由职业（待业）人员 → 自由职业人员, 待业人员
            out.setdefault(schema.header_key(m.group(1) + m.group(3)), t)
            out.setdefault(schema.header_key(m.group(2) + m.group(3)), t)
    return out


_TARGET_KEYS = _target_keys()


@check(TARGET_UNKNOWN, kinds=DECLARATIONS, scope="value", fields=("培训对象",))
def targets(ctx: Context, field: str, value: Value) -> None:
    for target in vocab.split_targets(value.text):
        if schema.header_key(target) not in _TARGET_KEYS:
            ctx.add(TARGET_UNKNOWN, field, value, target=target)


# Numbers ----------------------------------------------------------------------------------------------

NUMBER_INVALID = register(
    "number-invalid",
    "error",
    "“{field}”应填写一个大于 0 的数字（如 {example}），读到的是“{value}”。",
    "'{field}' must be a number greater than 0 (e.g. {example}); read '{value}'.",
    title_zh="不是有效的数字",
    title_en="not a valid number",
)
NUMBER_OUT_OF_RANGE = register(
    "number-out-of-range",
    "error",
    "“{field}”为 {value}，不是可以使用的数字（太大，或不是有限的数）。请填写实际的数字（如 {example}）。",
    "'{field}' is {value}, not a usable number (too large, or not finite); enter the actual number (e.g. {example}).",
    title_zh="数字超出范围",
    title_en="number out of range",
)
NUMBER_IMPLAUSIBLE = register(
    "number-implausible",
    "warning",
    "“{field}”为 {value}，{reason}请核对。",
    "'{field}' is {value}: {reason_en}; please check it.",
    title_zh="数字不合常理",
    title_en="implausible number",
)
NUMBER_EXAMPLES = {"培训规模": "50", "培训时数": "24", "学时数": "32", "课程学时": "8"}
# 3天, 2周, 90分钟: a duration in other units is not a number of hours.
_NOT_HOURS_RE = re.compile(r"[天周月]|分钟")
# field → (limit, reason zh, reason en)
_LIMITS = {
    "培训时数": (MAX_TRAINING_HOURS, f"超过 {MAX_TRAINING_HOURS} 小时，", f"more than {MAX_TRAINING_HOURS} hours"),
    "学时数": (MAX_STUDY_HOURS, f"超过 {MAX_STUDY_HOURS} 学时，", f"more than {MAX_STUDY_HOURS} study hours"),
}


def declared_number(field: str, value: Value) -> float | None:
    """The number a 培训规模 / 培训时数 / 学时数 / 课程学时 value holds; None when it is blank, an Excel error
    or not a number greater than 0 (what ``number-invalid`` reports)."""
    if value.empty:
        return None
    number = parse_number(value.raw)
    if field != "培训规模" and _NOT_HOURS_RE.search(value.text or ""):
        return None
    return number if number is not None and number > 0 else None


@check(NUMBER_INVALID, NUMBER_OUT_OF_RANGE, NUMBER_IMPLAUSIBLE, kinds=DECLARATIONS, scope="value", fields=tuple(NUMBER_EXAMPLES))
def number(ctx: Context, field: str, value: Value) -> None:
    found = declared_number(field, value)
    if found is None:
        # A number cell of 1e308, inf or NaN is a number, but none a total or a catalog can hold.
        rule = NUMBER_OUT_OF_RANGE if out_of_range(value.raw) else NUMBER_INVALID
        ctx.add(rule, field, value, example=NUMBER_EXAMPLES[field])
    elif field == "培训规模":
        if not float(found).is_integer():
            ctx.add(NUMBER_IMPLAUSIBLE, field, value, reason="人数不是整数，", reason_en="a number of persons that is not whole")
        elif found > MAX_SCALE:
            ctx.add(NUMBER_IMPLAUSIBLE, field, value, reason=f"超过 {MAX_SCALE} 人，", reason_en=f"more than {MAX_SCALE} persons")
    elif field in _LIMITS and found > _LIMITS[field][0]:
        _, reason, reason_en = _LIMITS[field]
        ctx.add(NUMBER_IMPLAUSIBLE, field, value, reason=reason, reason_en=reason_en)


@check(NUMBER_IMPLAUSIBLE, kinds=DECLARATIONS, scope="record")
def hours_ratio(ctx: Context, project: Project) -> None:
    rec = project.record
    training = declared_number("培训时数", rec.get("培训时数"))
    study = declared_number("学时数", rec.get("学时数"))
    if training and study and study > STUDY_TO_TRAINING_RATIO * training:
        ctx.add(
            NUMBER_IMPLAUSIBLE,
            "学时数",
            rec.get("学时数"),
            reason=f"超过培训时数（{number_text(training)}）的 {STUDY_TO_TRAINING_RATIO:g} 倍，",
            reason_en=f"more than {STUDY_TO_TRAINING_RATIO:g} times the 培训时数 ({number_text(training)})",
        )


@check(COURSE_HOURS_MISMATCH, kinds=("annex2",), scope="record")
def course_hours(ctx: Context, project: Project) -> None:
    """The courses' hours add up to the project's 学时数 (only when every course has valid hours)."""
    study = declared_number("学时数", project.record.get("学时数"))
    hours = [declared_number("课程学时", course.hours) for course in project.courses]
    if not study or not hours or None in hours:
        return
    total = sum(h for h in hours if h is not None)
    if abs(total - study) > HOURS_TOLERANCE:
        ctx.add(COURSE_HOURS_MISMATCH, "学时数", project.record.get("学时数"), title=project.name or "", total=number_text(total))


# Phones, contacts, addresses, codes ------------------------------------------------------------------

# phone-invalid is shared with the outcome sheets and registered with the common rules.
PHONE_AREA = register(
    "phone-area",
    "warning",
    "座机区号 {area} 不是浙江省的区号（0570–0580）。请核对“{field}”是否填错。",
    "Area code {area} is not a Zhejiang area code (0570–0580); check '{field}'.",
    title_zh="区号不在浙江",
    title_en="area code outside Zhejiang",
)
_PHONE_SPLIT_RE = re.compile(r"\s*[/、,，;；]\s*|\s{2,}|\s+(?=1[3-9]\d{9}\b)|\s+(?=0\d{2,3}-)")


def _foreign_area(phone: str) -> str | None:
    """The area code of a landline outside Zhejiang, None for anything else."""
    if phone_kind(phone) != "landline":
        return None
    area = phone.split("-")[0]
    return None if area in divisions.area_codes() else area


@check(PHONE_INVALID, PHONE_AREA, kinds=("annex2",), scope="value", fields=("联系电话",))
def phone(ctx: Context, field: str, value: Value) -> None:
    """Each number of the cell (several may be given) is a mobile or a landline, landlines in Zhejiang."""
    text = value.text or ""
    parts = [p for p in _PHONE_SPLIT_RE.split(text) if p.strip()] or [text]
    phones = [normalize_phone(part) or "" for part in parts]
    if any(phone_kind(p) is None for p in phones):
        ctx.add(PHONE_INVALID, field, value)
        return
    area = next((a for a in map(_foreign_area, phones) if a), None)
    if area:
        ctx.add(PHONE_AREA, field, value, area=area)


CONTACT_INVALID = register(
    "contact-invalid",
    "error",
    "联系人（电话）“{value}”{what}。请写成“姓名 电话”，如“张三 13812345678”。",
    "Contact '{value}' {what_en}; write 'name phone', e.g. 张三 13812345678.",
    title_zh="联系人（电话）不完整",
    title_en="incomplete contact",
)


@check(CONTACT_INVALID, PHONE_AREA, kinds=("annex1",), scope="value", fields=("联系人（电话）",))
def contact(ctx: Context, field: str, value: Value) -> None:
    name, phone = split_contact(value.raw)
    if phone is None or phone_kind(phone) is None:
        ctx.add(CONTACT_INVALID, field, value, what="缺少有效的电话号码", what_en="lacks a valid phone number")
    elif name is None:
        ctx.add(CONTACT_INVALID, field, value, what="缺少联系人姓名", what_en="lacks the contact's name")
    elif area := _foreign_area(phone):
        ctx.add(PHONE_AREA, field, value, area=area)


ADDRESS_UNKNOWN = register(
    "address-unknown",
    "error",
    "从地址“{value}”中{what}。请写明浙江省内的市和县（市、区），如“杭州市西湖区文三路100号”。",
    "The address '{value}' {what_en}; name the Zhejiang city and county, e.g. 杭州市西湖区文三路100号.",
    title_zh="地址不在浙江省的县市区",
    title_en="address not in a Zhejiang county",
)


@check(ADDRESS_UNKNOWN, kinds=("annex2",), scope="value", fields=("地址",))
def address(ctx: Context, field: str, value: Value) -> None:
    place = ctx.place or divisions.resolve_address(value.text)
    if place.county_code:
        return
    if place.city_code:
        ctx.add(ADDRESS_UNKNOWN, field, value, what=f"只能识别出{place.city}，找不到县（市、区）", what_en=f"names {place.city} but no county")
    else:
        ctx.add(ADDRESS_UNKNOWN, field, value, what="找不到浙江省的市和县（市、区）", what_en="names no Zhejiang city or county")


ORG_CODE_INVALID = register(
    "org-code-invalid",
    "error",
    "机构代码“{value}”格式不对：应为“学分银行”系统生成的代码（{format}）。请从系统中复制，单元格设为文本格式。",
    "Institution code '{value}' is malformed: it should be the code the credit-bank system generated ({format_en}); copy it from the system into a text-formatted cell.",
    title_zh="机构代码格式不对",
    title_en="malformed institution code",
)


@check(ORG_CODE_INVALID, kinds=DECLARATIONS, scope="value", fields=("机构代码",))
def org_code(ctx: Context, field: str, value: Value) -> None:
    regex = ctx.options.org_code_regex
    if not regex.search(compact(value.text)):
        # The format in words, never the regular expression: a clerk reads this.
        if regex.pattern == DEFAULT_ORG_CODE_PATTERN:
            ctx.add(ORG_CODE_INVALID, field, value, format="4–30 位字母、数字或连字符", format_en="4–30 letters, digits or hyphens")
        else:
            ctx.add(ORG_CODE_INVALID, field, value, format="本次检查用 --org-code-pattern 指定的格式", format_en="the format given with --org-code-pattern")


# Whole forms and tables -------------------------------------------------------------------------------

PROJECT_DUPLICATE = register(
    "project-duplicate",
    "error",
    "项目名称“{value}”与{first}重复。同一申报单位的项目请勿重复填写；确为不同项目请改用能区分的名称。",
    "Project name '{value}' repeats {first_en}; do not declare a project twice, or give different projects distinct names.",
    title_zh="项目重复",
    title_en="duplicate project",
)


@check(PROJECT_DUPLICATE, kinds=("annex2",), scope="document")
def duplicate_projects(ctx: Context, decl: Declaration) -> None:
    for project, first in _first_repeats((name_key(p.name), p) for p in decl.projects):
        ctx.at(project=project.number, row=None).add(
            PROJECT_DUPLICATE, "项目名称", project.record.get("项目名称"), first=f"“培训项目 {first.number}”", first_en=f"project {first.number}"
        )


@check(NO_RECORDS, kinds=("annex2",), scope="document")
def form_without_projects(ctx: Context, decl: Declaration) -> None:
    if not decl.projects:
        ctx.at(row=decl.header.row).add(NO_RECORDS, None, None)


SEQUENCE_GAP = register(
    "sequence-gap",
    "warning",
    "序号应为 {expected}，读到的是“{value}”。序号请从 1 起连续编号。",
    "Sequence number should be {expected}, read '{value}'; number the rows 1, 2, 3 … without gaps.",
    title_zh="序号不连续",
    title_en="sequence gap",
)


@check(SEQUENCE_GAP, kinds=("annex1",), scope="document")
def sequence(ctx: Context, table: Table) -> None:
    """序号 runs 1, 2, 3 …; after a gap, counting goes on from the number written."""
    if "序号" not in table.columns:
        return
    expected = 1
    for rec in table.records:
        value = rec.get("序号")
        found = parse_number(value.raw)
        written = int(found) if found is not None and float(found).is_integer() else None
        if written != expected:
            ctx.at(row=rec.row).add(SEQUENCE_GAP, "序号", value, expected=expected)
            if written is not None:
                expected = written
        expected += 1


@check(PROJECT_DUPLICATE, kinds=("annex1",), scope="document")
def duplicate_rows(ctx: Context, table: Table) -> None:
    keyed = []
    for rec in table.records:
        key = project_key(rec.text("机构代码"), rec.text("申报单位"), rec.text("项目名称"))
        keyed.append((key if key[1] else None, rec))
    for rec, first in _first_repeats(keyed):
        ctx.at(row=rec.row).add(PROJECT_DUPLICATE, "项目名称", rec.get("项目名称"), first=f"第 {first.row} 行", first_en=f"row {first.row}")


@check(NO_RECORDS, kinds=("annex1",), scope="document")
def table_without_rows(ctx: Context, table: Table) -> None:
    if not table.records:
        ctx.at(row=table.header_row).add(NO_RECORDS, None, None)

