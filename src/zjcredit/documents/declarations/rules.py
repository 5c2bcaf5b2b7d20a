"""Rules for declarations: the Annex 2 form (one per institution) and the Annex 1 summary table.

Thresholds for ``number-implausible`` (warnings, the value may still be right):

- 培训规模 above :data:`MAX_SCALE` persons, or not a whole number of persons;
- 培训时数 above :data:`MAX_TRAINING_HOURS`;
- 学时数 above :data:`MAX_STUDY_HOURS`, or more than :data:`STUDY_TO_TRAINING_RATIO` times the 培训时数
  (a 学时 is 40–45 minutes, so 学时数 is at most about 1.5 × 培训时数 when both are counted the same way).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from zjcredit.domain import divisions, schema, vocab
from zjcredit.documents.common import COLUMN_MISSING, COURSE_HOURS_MISMATCH, EXCEL_ERROR, HEADER_MISSING, NO_RECORDS, PHONE_INVALID, REQUIRED

# phone-invalid is shared with the outcome sheets and registered there (a rule id is registered once).
from zjcredit.domain.divisions import Place
from zjcredit.errors import UsageError
from zjcredit.report.findings import FileResult, Finding, make, register
from zjcredit.documents.declarations.form import ASSESSMENT, read_annex2
from zjcredit.documents.declarations.model import Declaration, Project
from zjcredit.domain.normalize import clean_text, compact, is_excel_error, normalize_phone, parse_number, phone_kind, split_contact
from zjcredit.io.tables import Record, Table, Value, read_table
from zjcredit.io.workbook import SheetGrid, WorkbookGrid, cell_ref

MAX_SCALE = 5000
MAX_TRAINING_HOURS = 2000
MAX_STUDY_HOURS = 500
STUDY_TO_TRAINING_RATIO = 2.0
DEFAULT_ORG_CODE_PATTERN = r"^[A-Za-z0-9-]{4,30}$"

# Rules ------------------------------------------------------------------------------------------------

LABEL_MISSING = register(
    "label-missing",
    "error",
    "表中找不到“{field}”这一栏。请按附件2的格式补上“{field}”并填写。",
    "The form has no '{field}' line; add it as in Annex 2 and fill it in.",
    title_zh="申报表缺少栏目",
    title_en="form line missing",
)
ASSESSMENT_MISSING = register(
    "assessment-missing",
    "warning",
    "本项目没有“考核方式”一栏（通知附件2的原表就没有这一栏，但规范内容要求写明考核考察方式）。请补一行“考核方式”并填写，如“实操考核”。",
    "This project has no 考核方式 line (the notice's own Annex 2 lacks it, but the rules require an assessment method); add a 考核方式 line and fill it in.",
    title_zh="缺少考核方式栏",
    title_en="assessment line missing",
)
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
TARGET_UNKNOWN = register(
    "target-unknown",
    "warning",
    "培训对象“{target}”不在通知列出的 14 类对象中。如确属其他对象可以保留；否则请从下拉列表选择，多个对象用顿号“、”分隔。",
    "Target group '{target}' is not one of the notice's 14 groups; keep it if intended, otherwise pick from the list (several separated by 、).",
    title_zh="培训对象不在列表中",
    title_en="unlisted target group",
)
NUMBER_INVALID = register(
    "number-invalid",
    "error",
    "“{field}”应填写一个大于 0 的数字（如 {example}），读到的是“{value}”。",
    "'{field}' must be a number greater than 0 (e.g. {example}); read '{value}'.",
    title_zh="不是有效的数字",
    title_en="not a valid number",
)
NUMBER_IMPLAUSIBLE = register(
    "number-implausible",
    "warning",
    "“{field}”为 {value}，{reason}请核对。",
    "'{field}' is {value}: {reason_en}; please check it.",
    title_zh="数字不合常理",
    title_en="implausible number",
)
PHONE_AREA = register(
    "phone-area",
    "warning",
    "座机区号 {area} 不是浙江省的区号（0570–0580）。请核对“{field}”是否填错。",
    "Area code {area} is not a Zhejiang area code (0570–0580); check '{field}'.",
    title_zh="区号不在浙江",
    title_en="area code outside Zhejiang",
)
ADDRESS_UNKNOWN = register(
    "address-unknown",
    "error",
    "从地址“{value}”中{what}。请写明浙江省内的市和县（市、区），如“杭州市西湖区文三路100号”。",
    "The address '{value}' {what_en}; name the Zhejiang city and county, e.g. 杭州市西湖区文三路100号.",
    title_zh="地址不在浙江省的县市区",
    title_en="address not in a Zhejiang county",
)
REGION_UNKNOWN = register(
    "region-unknown",
    "warning",
    "所在区域“{value}”中找不到浙江省的市或县（市、区）。请写明，如“杭州 市、西湖 区”。",
    "No Zhejiang city or county found in the region line '{value}'; name them, e.g. 杭州 市、西湖 区.",
    title_zh="所在区域无法识别",
    title_en="region not recognised",
)
ORG_CODE_INVALID = register(
    "org-code-invalid",
    "error",
    "机构代码“{value}”格式不对：应为“学分银行”系统生成的代码（字母、数字和连字符，{pattern}）。请从系统中复制，单元格设为文本格式。",
    "Institution code '{value}' is malformed: it should be the code the credit-bank system generated (letters, digits, hyphens; {pattern}); copy it from the system into a text-formatted cell.",
    title_zh="机构代码格式不对",
    title_en="malformed institution code",
)
PROJECT_DUPLICATE = register(
    "project-duplicate",
    "error",
    "项目名称“{value}”与{first}重复。同一申报单位的项目请勿重复填写；确为不同项目请改用能区分的名称。",
    "Project name '{value}' repeats {first_en}; do not declare a project twice, or give different projects distinct names.",
    title_zh="项目重复",
    title_en="duplicate project",
)
SEQUENCE_GAP = register(
    "sequence-gap",
    "warning",
    "序号应为 {expected}，读到的是“{value}”。序号请从 1 起连续编号。",
    "Sequence number should be {expected}, read '{value}'; number the rows 1, 2, 3 … without gaps.",
    title_zh="序号不连续",
    title_en="sequence gap",
)
CONTACT_INVALID = register(
    "contact-invalid",
    "error",
    "联系人（电话）“{value}”{what}。请写成“姓名 电话”，如“张三 13812345678”。",
    "Contact '{value}' {what_en}; write 'name phone', e.g. 张三 13812345678.",
    title_zh="联系人（电话）不完整",
    title_en="incomplete contact",
)

# Vocabulary look-ups ------------------------------------------------------------------------------


def _key(text: str) -> str:
    return schema.header_key(text)


_CATEGORY_KEYS = {_key(c): c for c in vocab.CATEGORIES}
_NEW_MARKS = ("（新）", "【新】")


def _target_keys() -> dict[str, str]:
    out = {_key(t): t for t in vocab.TARGETS}
    for t in vocab.TARGETS:
        m = re.match(r"^(.*)（(.*)）(.*)$", t)
        if m:  # 船员（渔民）→ 船员, 渔民; 自由职业（待业）人员 → 自由职业人员, 待业人员
            out.setdefault(_key(m.group(1) + m.group(3)), t)
            out.setdefault(_key(m.group(2) + m.group(3)), t)
    return out


_TARGET_KEYS = _target_keys()
_TARGET_SPLIT_RE = re.compile("[" + re.escape(vocab.TARGET_SEPARATORS) + r"\s]+")


def split_targets(text: str | None) -> list[str]:
    """``企业职工、外来务工人员等`` → [企业职工, 外来务工人员]."""
    if not text:
        return []
    parts = [p.strip() for p in _TARGET_SPLIT_RE.split(text)]
    out = []
    for p in parts:
        p = re.sub(r"(等|等等|等人员)$", "", p)
        if p:
            out.append(p)
    return out


# Field checks shared by Annex 1 rows and Annex 2 projects ------------------------------------------


class _Ctx:
    """Where findings of one record go: path, sheet, project; builds findings for a value."""

    def __init__(self, path: str, sheet: str | None, project: int | None, row: int | None = None) -> None:
        self.path, self.sheet, self.project, self.row = path, sheet, project, row
        self.out: list[Finding] = []

    def add(self, rule: Any, name: str | None, value: Value | None, **params: Any) -> None:
        v = value
        raw = None if v is None or v.text is None else v.raw
        self.out.append(
            make(
                rule,
                self.path,
                sheet=self.sheet,
                cell=None if v is None else v.cell,
                row=(v.row if v is not None and v.row is not None else self.row),
                project=self.project,
                field=name,
                value=raw,
                **params,
            )
        )


def _number_example(name: str) -> str:
    return {"培训规模": "50", "培训时数": "24", "学时数": "32", "课程学时": "8"}.get(name, "24")


def check_number(ctx: _Ctx, name: str, value: Value) -> float | None:
    """number-invalid / number-implausible for 培训规模, 培训时数, 学时数; returns the number when valid."""
    if value.empty:
        return None
    number = parse_number(value.raw)
    text = value.text or ""
    if name != "培训规模" and re.search(r"[天周月]|分钟", text):
        number = None  # 3天 is not a number of hours
    if number is None or number <= 0:
        ctx.add(NUMBER_INVALID, name, value, example=_number_example(name))
        return None
    if name == "培训规模":
        if not float(number).is_integer():
            ctx.add(NUMBER_IMPLAUSIBLE, name, value, reason="人数不是整数，", reason_en="a number of persons that is not whole")
        elif number > MAX_SCALE:
            ctx.add(NUMBER_IMPLAUSIBLE, name, value, reason=f"超过 {MAX_SCALE} 人，", reason_en=f"more than {MAX_SCALE} persons")
    elif name == "培训时数" and number > MAX_TRAINING_HOURS:
        ctx.add(NUMBER_IMPLAUSIBLE, name, value, reason=f"超过 {MAX_TRAINING_HOURS} 小时，", reason_en=f"more than {MAX_TRAINING_HOURS} hours")
    elif name == "学时数" and number > MAX_STUDY_HOURS:
        ctx.add(NUMBER_IMPLAUSIBLE, name, value, reason=f"超过 {MAX_STUDY_HOURS} 学时，", reason_en=f"more than {MAX_STUDY_HOURS} study hours")
    return number


def check_hours_ratio(ctx: _Ctx, training: float | None, study: float | None, value: Value) -> None:
    if training and study and study > STUDY_TO_TRAINING_RATIO * training:
        ctx.add(
            NUMBER_IMPLAUSIBLE,
            "学时数",
            value,
            reason=f"超过培训时数（{_fmt(training)}）的 {STUDY_TO_TRAINING_RATIO:g} 倍，",
            reason_en=f"more than {STUDY_TO_TRAINING_RATIO:g} times the 培训时数 ({_fmt(training)})",
        )


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def check_category(ctx: _Ctx, value: Value) -> None:
    if value.empty:
        return
    key = _key(value.text or "")
    if key in _CATEGORY_KEYS:
        return
    for mark in _NEW_MARKS:
        if mark in key:
            base = key.replace(mark, "")
            if base in _CATEGORY_KEYS:
                return  # a listed category needlessly marked new
            if base:
                ctx.add(CATEGORY_NEW, "项目类别", value)
                return
    close = difflib.get_close_matches(key, list(_CATEGORY_KEYS), n=1, cutoff=0.6)
    hint = f"（是否为“{_CATEGORY_KEYS[close[0]]}”？）" if close else ""
    hint_en = f" (did you mean '{_CATEGORY_KEYS[close[0]]}'?)" if close else ""
    ctx.add(CATEGORY_UNKNOWN, "项目类别", value, hint=hint, hint_en=hint_en)


def check_targets(ctx: _Ctx, value: Value) -> None:
    for target in split_targets(value.text):
        if _key(target) not in _TARGET_KEYS:
            ctx.add(TARGET_UNKNOWN, "培训对象", value, target=target)


_PHONE_SPLIT_RE = re.compile(r"\s*[/、,，;；]\s*|\s{2,}|\s+(?=1[3-9]\d{9}\b)|\s+(?=0\d{2,3}-)")


def check_phone(ctx: _Ctx, name: str, value: Value) -> None:
    """phone-invalid (not a mobile or landline) and phone-area (landline outside Zhejiang)."""
    if value.empty:
        return
    text = value.text or ""
    parts = [p for p in _PHONE_SPLIT_RE.split(text) if p.strip()] or [text]
    for part in parts:
        phone = normalize_phone(part)
        kind = phone_kind(phone)
        if kind is None:
            ctx.add(PHONE_INVALID, name, value)
            return
    for part in parts:
        phone = normalize_phone(part) or ""
        if phone_kind(phone) == "landline":
            area = phone.split("-")[0]
            if area not in divisions.area_codes():
                ctx.add(PHONE_AREA, name, value, area=area)
                return


def org_code_regex(options: dict[str, Any]) -> re.Pattern[str]:
    pattern = options.get("org_code_pattern") or DEFAULT_ORG_CODE_PATTERN
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise UsageError(
            f"机构代码格式“{pattern}”不是有效的正则表达式（{exc}）。",
            f"The institution-code pattern '{pattern}' is not a valid regular expression ({exc}).",
        ) from None


def check_org_code(ctx: _Ctx, value: Value, regex: re.Pattern[str]) -> None:
    if value.empty:
        return
    if not regex.search(compact(value.text)):
        ctx.add(ORG_CODE_INVALID, "机构代码", value, pattern=regex.pattern)


def check_address(ctx: _Ctx, value: Value, place: Place | None = None) -> None:
    if value.empty:
        return
    place = place or divisions.resolve_address(value.text)
    if place.county_code:
        return
    if place.city_code:
        ctx.add(ADDRESS_UNKNOWN, "地址", value, what=f"只能识别出{place.city}，找不到县（市、区）", what_en=f"names {place.city} but no county")
    else:
        ctx.add(ADDRESS_UNKNOWN, "地址", value, what="找不到浙江省的市和县（市、区）", what_en="names no Zhejiang city or county")


def _value_ok(ctx: _Ctx, name: str, value: Value) -> bool:
    """Excel error values are reported once, as such, and not checked further."""
    if value.raw is not None and is_excel_error(value.raw):
        ctx.add(EXCEL_ERROR, name, value)
        return False
    return True


def _duplicates(items: Iterable[tuple[str | None, Any]]) -> list[tuple[Any, Any]]:
    """(key, item) pairs → [(item, first item with that key)] for every repeat."""
    seen: dict[str, Any] = {}
    out = []
    for key, item in items:
        if not key:
            continue
        if key in seen:
            out.append((item, seen[key]))
        else:
            seen[key] = item
    return out


def _name_key(text: str | None) -> str | None:
    return _key(text).casefold() if text else None


# Annex 2 ------------------------------------------------------------------------------------------


def declaration_findings(decl: Declaration, path: str, **options: Any) -> list[Finding]:
    """Every rule check for one Annex 2 form: institution header, each project, courses, duplicates."""
    regex = org_code_regex(options)
    out: list[Finding] = []
    ctx = _Ctx(path, decl.sheet, None, decl.header.row)
    for f in schema.ANNEX2_HEADER:
        value = decl.header.get(f.name)
        if value.empty:
            ctx.add(LABEL_MISSING if value.cell is None else REQUIRED, f.name, value if value.cell else None)
            continue
        if not _value_ok(ctx, f.name, value):
            continue
        if f.name == "机构代码":
            check_org_code(ctx, value, regex)
        elif f.name == "联系电话":
            check_phone(ctx, f.name, value)
        elif f.name == "地址":
            check_address(ctx, value, decl.place)
    out.extend(ctx.out)
    for project in decl.projects:
        out.extend(project_findings(project, path, decl.sheet))
    for project, first in _duplicates((_name_key(p.name), p) for p in decl.projects):
        ctx = _Ctx(path, decl.sheet, project.number)
        ctx.add(PROJECT_DUPLICATE, "项目名称", project.record.get("项目名称"), first=f"“培训项目 {first.number}”", first_en=f"project {first.number}")
        out.extend(ctx.out)
    return out


def project_findings(project: Project, path: str, sheet: str | None) -> list[Finding]:
    """Field rules for one project block (required, category, targets, numbers, assessment, courses)."""
    ctx = _Ctx(path, sheet, project.number, project.record.row)
    numbers: dict[str, float | None] = {}
    for f in schema.ANNEX2_PROJECT:
        value = project.record.get(f.name)
        if f.name == ASSESSMENT and not project.has_assessment_line:
            ctx.add(ASSESSMENT_MISSING, f.name, None)
            continue
        if value.empty:
            ctx.add(LABEL_MISSING if value.cell is None else REQUIRED, f.name, value if value.cell else None)
            continue
        check_project_field(ctx, f.name, value, numbers)
    check_hours_ratio(ctx, numbers.get("培训时数"), numbers.get("学时数"), project.record.get("学时数"))
    total = 0.0
    counted = 0
    for course in project.courses:
        if course.name.empty:
            ctx.add(REQUIRED, "课程名称", course.name)
        if course.hours.empty:
            ctx.add(REQUIRED, "课程学时", course.hours)
            continue
        if not _value_ok(ctx, "课程学时", course.hours):
            continue
        hours = check_number(ctx, "课程学时", course.hours)
        if hours is not None:
            total += hours
            counted += 1
    study = numbers.get("学时数")
    if counted and counted == len(project.courses) and study and abs(total - study) > 1e-6:
        ctx.add(COURSE_HOURS_MISMATCH, "学时数", project.record.get("学时数"), title=project.name or "", total=_fmt(total))
    return ctx.out


def _grid_errors(grid: WorkbookGrid, covered: set[tuple[str | None, str]]) -> list[Finding]:
    """excel-error for every error value in any cell not already reported at its field."""
    out = []
    for sheet in grid.sheets:
        for r, c, v in sheet.iter_cells():
            if is_excel_error(v) and (sheet.name, cell_ref(r, c)) not in covered:
                out.append(make(EXCEL_ERROR, grid.path, sheet=sheet.name, cell=cell_ref(r, c), row=r + 1, value=v))
    return out


def check_annex2(source: Any, grid: WorkbookGrid, **options: Any) -> FileResult:
    """Read every form of an Annex 2 workbook and check it; records = used project blocks."""
    return checked_annex2(grid, **options)[0]


def checked_annex2(grid: WorkbookGrid, **options: Any) -> tuple[FileResult, list[tuple[Declaration, list[Finding]]]]:
    """The file's result (exactly what validate reports) and each declaration with its own findings.

    Findings tied to no declaration (no form at all, a stray Excel error value) are in the file result only.
    """
    path = grid.path
    declarations, findings = read_annex2(grid)
    records = 0
    per_declaration: list[tuple[Declaration, list[Finding]]] = []
    for decl in declarations:
        records += len(decl.projects)
        own = declaration_findings(decl, path, **options)
        if not decl.projects:
            own.append(make(NO_RECORDS, path, sheet=decl.sheet, row=decl.header.row))
        per_declaration.append((decl, own))
        findings.extend(own)
    covered = {(f.sheet, f.cell) for f in findings if f.rule == EXCEL_ERROR.id and f.cell}
    findings.extend(_grid_errors(grid, covered))
    return FileResult(path, "annex2", records, findings), per_declaration


# Annex 1 ------------------------------------------------------------------------------------------

_REGION_RE = re.compile(r"^所\s*在\s*区\s*域\s*[:：]?\s*(.*)$", re.S)
_REGION_PLACEHOLDER_RE = re.compile(r"县?[（(]市[、,，]?区[）)]")


def _skip_sheet(sheet: SheetGrid) -> bool:
    from zjcredit.documents.declarations.form import SKIP_SHEETS

    return schema.header_key(sheet.name or "") in SKIP_SHEETS


def _region(sheet: SheetGrid, above: int) -> tuple[str | None, str | None, int | None]:
    """The 所在区域 line above the header: (joined text, cell, 1-based row)."""
    for r in range(min(above, sheet.height)):
        for c in range(sheet.width):
            if not sheet.is_origin(r, c):
                continue
            text = clean_text(sheet.value(r, c))
            if not text:
                continue
            m = _REGION_RE.match(text)
            if m is None:
                break  # only the first text of a line can be its label
            pieces = [m.group(1)]
            for cc in range(sheet.span(r, c)[3] + 1, sheet.width):
                if sheet.is_origin(r, cc):
                    t = clean_text(sheet.value(r, cc))
                    if t:
                        pieces.append(t)
            joined = "".join(pieces).strip()
            return joined, cell_ref(r, c), r + 1
    return None, None, None


def annex1_rows(grid: WorkbookGrid) -> tuple[list[tuple[str | None, Table]], Place | None, list[Finding]]:
    """The Annex 1 tables of a workbook, its 所在区域 and the structural findings.

    Returns ``(tables, place, findings)``: ``tables`` is a list of ``(sheet name, tables.Table)`` for every
    sheet with an Annex 1 header (records with only 序号 filled are dropped — pre-numbered blank rows);
    ``place`` is the city/county of the 所在区域 line above the first table (None when the line is absent
    or blank); ``findings`` holds ``header-missing`` (no sheet has the header), ``column-missing`` (a
    required column absent) and ``region-unknown`` (a 所在区域 line naming no Zhejiang place).
    """
    path = grid.path
    tables: list[tuple[str | None, Table]] = []
    findings: list[Finding] = []
    place: Place | None = None
    for sheet in grid.sheets:
        if _skip_sheet(sheet):
            continue
        table = read_table(sheet, schema.ANNEX1)
        if table is None:
            continue
        table.records = [rec for rec in table.records if any(not rec.get(n).empty for n in schema.ANNEX1.names if n != "序号")]
        tables.append((sheet.name, table))
        for f in schema.ANNEX1.fields:
            if f.required and f.name not in table.columns:
                findings.append(make(COLUMN_MISSING, path, sheet=sheet.name, row=table.header_row, field=f.name))
        if place is None:
            text, cell, row = _region(sheet, table.header_row - 1)
            cleaned = _REGION_PLACEHOLDER_RE.sub("", text or "")
            if cleaned and re.sub(r"[市县区、,，]", "", cleaned):
                place = divisions.resolve_address(cleaned)
                if place.city_code is None and place.county_code is None:
                    findings.append(make(REGION_UNKNOWN, path, sheet=sheet.name, cell=cell, row=row, value=text))
                    place = None
    if not tables:
        expected = "、".join(schema.ANNEX1.names[:5])
        sheet_name = next((s.name for s in grid.sheets if not _skip_sheet(s)), None)
        findings.append(make(HEADER_MISSING, path, sheet=sheet_name, expected=expected))
    return tables, place, findings


def row_findings(record: Record, table: Table, path: str, regex: re.Pattern[str]) -> list[Finding]:
    """Field rules for one Annex 1 row."""
    ctx = _Ctx(path, table.sheet, None, record.row)
    numbers: dict[str, float | None] = {}
    for f in schema.ANNEX1.fields:
        if f.name == "序号" or f.name not in table.columns:
            continue
        value = record.get(f.name)
        if value.empty:
            if f.required:
                ctx.add(REQUIRED, f.name, value)
            continue
        if not check_project_field(ctx, f.name, value, numbers):
            continue
        if f.name == "机构代码":
            check_org_code(ctx, value, regex)
        elif f.name == "联系人（电话）":
            check_contact(ctx, value)
    check_hours_ratio(ctx, numbers.get("培训时数"), numbers.get("学时数"), record.get("学时数"))
    return ctx.out


def check_project_field(ctx: _Ctx, name: str, value: Value, numbers: dict[str, float | None]) -> bool:
    """The checks a project field gets on both annexes; False when the value is unusable (already reported).

    Numbers read are put in ``numbers`` for the cross-field checks that follow.
    """
    if not _value_ok(ctx, name, value):
        return False
    if name == "项目类别":
        check_category(ctx, value)
    elif name == "培训对象":
        check_targets(ctx, value)
    elif name in ("培训规模", "培训时数", "学时数"):
        numbers[name] = check_number(ctx, name, value)
    return True


def check_contact(ctx: _Ctx, value: Value) -> None:
    name, phone = split_contact(value.raw)
    if phone is None or phone_kind(phone) is None:
        what, what_en = "缺少有效的电话号码", "lacks a valid phone number"
    elif name is None:
        what, what_en = "缺少联系人姓名", "lacks the contact's name"
    else:
        if phone_kind(phone) == "landline" and phone.split("-")[0] not in divisions.area_codes():
            ctx.add(PHONE_AREA, "联系人（电话）", value, area=phone.split("-")[0])
        return
    ctx.add(CONTACT_INVALID, "联系人（电话）", value, what=what, what_en=what_en)


def _sequence(ctx: _Ctx, table: Table) -> None:
    if "序号" not in table.columns:
        return
    expected = 1
    for rec in table.records:
        value = rec.get("序号")
        number = parse_number(value.raw)
        if number is None or not float(number).is_integer() or int(number) != expected:
            ctx.row = rec.row
            ctx.add(SEQUENCE_GAP, "序号", value, expected=expected)
            if number is not None and float(number).is_integer():
                expected = int(number)
        expected += 1


def check_annex1(source: Any, grid: WorkbookGrid, **options: Any) -> FileResult:
    """Check an Annex 1 summary; records = data rows."""
    return checked_annex1(grid, **options)[0]


def checked_annex1(grid: WorkbookGrid, **options: Any) -> tuple[FileResult, list[tuple[str | None, Table]], Place | None]:
    """The file's result (exactly what validate reports) with the tables and 所在区域 it was read from."""
    path = grid.path
    regex = org_code_regex(options)
    tables, place, findings = annex1_rows(grid)
    records = 0
    for _sheet, table in tables:
        records += len(table.records)
        for rec in table.records:
            findings.extend(row_findings(rec, table, path, regex))
        ctx = _Ctx(path, table.sheet, None)
        _sequence(ctx, table)
        keyed = []
        for rec in table.records:
            org = _name_key(rec.text("机构代码")) or _name_key(rec.text("申报单位")) or ""
            name = _name_key(rec.text("项目名称"))
            keyed.append((f"{org}|{name}" if name else None, rec))
        for rec, first in _duplicates(keyed):
            ctx.row = rec.row
            ctx.add(PROJECT_DUPLICATE, "项目名称", rec.get("项目名称"), first=f"第 {first.row} 行", first_en=f"row {first.row}")
        findings.extend(ctx.out)
        if not table.records:
            findings.append(make(NO_RECORDS, path, sheet=table.sheet, row=table.header_row))
    covered = {(f.sheet, f.cell) for f in findings if f.rule == EXCEL_ERROR.id and f.cell}
    findings.extend(_grid_errors(grid, covered))
    return FileResult(path, "annex1", records, findings), tables, place
