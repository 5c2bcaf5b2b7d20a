"""The rules of one process ledger that need no catalog, each registered beside its check (scope ``ledger``:
``zjcredit validate`` runs these; ``zjcredit ledger check`` adds :mod:`.catalog_rules` and :mod:`.outcome_rules`).

Roster IDs are judged by the very rules of outcome sheets (``id-length``, ``id-checksum`` …, registered in
:mod:`zjcredit.documents.outcomes.rules`); a blank required value is ``required``, a phone ``phone-invalid``,
a 考核结果 ``result-invalid``, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator

from zjcredit.documents.common import EXCEL_ERROR, PHONE_INVALID, REQUIRED
from zjcredit.documents.declarations.rules import NUMBER_INVALID
from zjcredit.documents.ledger.context import KINDS, PART_EN, LedgerContext, filled
from zjcredit.documents.ledger.model import FOLDER, Learner, PartSheet, Person
from zjcredit.documents.ledger.parts import PARTS, SIGNIN, schema_of
from zjcredit.documents.outcomes import (
    rules as outcome_rules,  # registers the ID rules and result-invalid
)
from zjcredit.domain import idcard
from zjcredit.domain.normalize import (
    clean_text,
    code_key,
    compact,
    normalize_phone,
    parse_number,
    phone_kind,
)
from zjcredit.domain.vocab import RESULT_GRADES
from zjcredit.io.tables import Value
from zjcredit.report.findings import RULES, Finding, check, make, register

# 考核结果 that pass (as compared); a score passes from PASS_SCORE.
PASSING = frozenset({"合格", "优秀", "良好", "中等", "及格"})
PASS_SCORE = 60


# The whole ledger --------------------------------------------------------------------------------------

PART_MISSING = register(
    "ledger-part-missing",
    "error",
    "台账中找不到“{part}”：没有以它命名的{container}，也没有表头为“{header}”的工作表。过程性台账须包含学员信息表、签到表、项目课程设计表、开展情况记录和学习成果评价表（浙学银〔2019〕2号 规范内容 二（二））；请补上这一部分（格式见 zjcredit template ledger）。",
    "The ledger has no {part_en} ({part}): no {container_en} named after it and no sheet headed '{header}'. A process ledger holds a roster, sign-in sheets, a course design, session records and an outcome evaluation; add this part (layout: zjcredit template ledger).",
    title_zh="台账缺少部分",
    title_en="ledger part missing",
)
PART_EMPTY = register(
    "ledger-part-empty",
    "error",
    "“{part}”中没有任何记录：表头下面是空的。请填写。",
    "The {part_en} ({part}) holds no records under its header; fill it in.",
    title_zh="台账部分为空",
    title_en="ledger part empty",
)


@check(PART_MISSING, PART_EMPTY, kinds=KINDS, scope="ledger")
def completeness(ctx: LedgerContext) -> Iterator[Finding]:
    """All five parts present and holding records; a part that could not be read is already reported."""
    ledger = ctx.ledger
    container, container_en = ("文件", "file") if ledger.layout == FOLDER else ("工作表", "sheet")
    for part in PARTS:
        sheets = ledger.sheets_of(part)
        if not sheets:
            if part not in ledger.unreadable_parts:
                header = "、".join(f.name for f in schema_of(part).fields if f.required)
                yield ctx.whole(PART_MISSING, part=part, part_en=PART_EN[part], container=container, container_en=container_en, header=header)
            continue
        if not any(s.records for s in sheets):
            first = next((s for s in sheets if s.header_row is not None), None)
            if first is not None:
                yield ctx.at(PART_EMPTY, first, None, part=part, part_en=PART_EN[part])


CODE_MISSING = register(
    "ledger-code-missing",
    "error",
    "找不到这份台账的项目编码：各表标题处没有“项目编码：…”，{container}名中也没有（如 330106-2019H1-007）。请在每张表标题处的“项目编码”一栏填写目录中的项目编码。",
    "No 项目编码 found for this ledger: no '项目编码：…' above any table, none in the {container_en} name (such as 330106-2019H1-007). Fill in the catalog's project code above each table.",
    title_zh="台账没有项目编码",
    title_en="ledger without a project code",
)
CODE_CONFLICT = register(
    "ledger-code-conflict",
    "warning",
    "这里的项目编码 {value} 与{other_where}的 {other} 不一致；按 {used} 检查这份台账。请改正写错的一处。",
    "Project code {value} here differs from {other} {other_where_en}; the ledger is checked as {used}. Correct the wrong one.",
    title_zh="台账项目编码不一致",
    title_en="inconsistent project codes in a ledger",
)


@check(CODE_MISSING, CODE_CONFLICT, kinds=KINDS, scope="ledger")
def project_code(ctx: LedgerContext) -> Iterator[Finding]:
    """The 项目编码 of a title block, else of the workbook's or folder's name; all that are written agree."""
    ledger = ctx.ledger
    used = ledger.code
    if used is None:
        container, container_en = ("文件夹", "folder") if ledger.layout == FOLDER else ("文件", "file")
        yield ctx.whole(CODE_MISSING, container=container, container_en=container_en)
        return
    titles = ledger.titles("项目编码")
    first_value, first_sheet = titles[0] if titles else (None, None)
    for value, sheet in titles[1:]:
        if code_key(value.text) != used and first_sheet is not None:
            other = first_sheet.sheet or first_sheet.path
            yield ctx.at(CODE_CONFLICT, sheet, value, "项目编码", other=used, other_where=f"“{other}”", other_where_en=f"in {other}", used=used)
    name_code = ledger.name_code
    if first_value is not None and first_sheet is not None and name_code and code_key(name_code) != used:
        yield ctx.at(CODE_CONFLICT, first_sheet, first_value, "项目编码", other=name_code, other_where="文件（夹）名中", other_where_en="in the file or folder name", used=used)


@check(EXCEL_ERROR, kinds=KINDS, scope="ledger")
def excel_errors(ctx: LedgerContext) -> Iterator[Finding]:
    """Every Excel error value in a part's sheet, once (the other checks pass over such cells)."""
    for sheet in ctx.ledger.sheets:
        for cell, row, value in sheet.errors:
            yield make(EXCEL_ERROR, sheet.path, sheet=sheet.sheet, cell=cell, row=row, value=value)


@check(REQUIRED, NUMBER_INVALID, kinds=KINDS, scope="ledger")
def required_values(ctx: LedgerContext) -> Iterator[Finding]:
    """The required columns of each part's rows (a sign-in row needs only a name), and numbers."""
    ledger = ctx.ledger
    rows: list[tuple[PartSheet, list[tuple[str, Value]]]] = []
    rows += [(l.sheet, [("姓名", l.name), ("身份证号", l.id), ("联系电话", l.phone)]) for l in ledger.learners]
    rows += [(e.sheet, [("姓名", e.name), ("身份证号", e.id), ("考核结果", e.result)]) for e in ledger.evaluations]
    rows += [(c.sheet, [("课程名称", c.name), ("学时", c.hours)]) for c in ledger.courses]
    rows += [(r.sheet, [("日期", r.date_value), ("参加人数", r.count)]) for r in ledger.records]
    seen: set[tuple[int, int]] = set()
    for m in ledger.marks:
        if m.name.empty and (id(m.sheet), m.row) not in seen:
            seen.add((id(m.sheet), m.row))
            rows.append((m.sheet, [("姓名", m.name)]))
    for sheet, values in rows:
        for name, value in values:
            # A missing column is column-missing, once; a blank cell of a column is required here.
            if name in sheet.columns and value.empty:
                yield ctx.at(REQUIRED, sheet, value, name)
    for course in ledger.courses:
        if filled(course.hours) and not (parse_number(course.hours.raw) or 0) > 0:
            yield ctx.at(NUMBER_INVALID, course.sheet, course.hours, "学时", example="4")
    for record in ledger.records:
        number = parse_number(record.count.raw)
        if filled(record.count) and (number is None or number < 0 or not float(number).is_integer()):
            yield ctx.at(NUMBER_INVALID, record.sheet, record.count, "参加人数", example="30")


# The roster --------------------------------------------------------------------------------------------

ID_DUPLICATE = register(
    "ledger-id-duplicate",
    "error",
    "身份证号 {value} 在学员信息表中出现了两次（另一次在第 {first} 行）。每位学员只登记一行；请删去重复的一行或改正身份证号。",
    "ID {value} is on the roster twice (also on row {first}); keep one row per learner, or correct the ID.",
    title_zh="学员名册中身份证号重复",
    title_en="ID twice on the roster",
)


def _id_params(rule: str, number: str | None) -> dict[str, str]:
    text = number or ""
    if rule == "id-region":
        return {"region": text[:6]}
    if rule == "id-birthdate":
        return {"birth": text[6:14]}
    if rule == "id-checksum":
        return {"expected": idcard.check_char(text[:17])}
    return {}


@check(*(RULES[r] for r in idcard.ID_RULES if r), RULES["id-lowercase-x"], ID_DUPLICATE, PHONE_INVALID, kinds=KINDS, scope="ledger")
def roster(ctx: LedgerContext) -> Iterator[Finding]:
    """Each learner's ID by the resident-ID rules of outcome sheets, each ID once, each phone a number."""
    first: dict[str, Learner] = {}
    for learner in ctx.ledger.learners:
        if filled(learner.id):
            verdict = idcard.check_id(learner.id.raw, ctx.today)
            if verdict.rule is not None and verdict.rule != "required":
                yield ctx.at(RULES[verdict.rule], learner.sheet, learner.id, "身份证号", **_id_params(verdict.rule, verdict.number))
            elif verdict.lowercase_x:
                yield ctx.at(RULES["id-lowercase-x"], learner.sheet, learner.id, "身份证号")
            key = learner.id_key
            if key and key in first:
                yield ctx.at(ID_DUPLICATE, learner.sheet, learner.id, "身份证号", first=first[key].row)
            elif key:
                first[key] = learner
        if filled(learner.phone) and phone_kind(normalize_phone(learner.phone.raw)) is None:
            yield ctx.at(PHONE_INVALID, learner.sheet, learner.phone, "联系电话")


NOT_ON_ROSTER = register(
    "ledger-not-on-roster",
    "error",
    "{who} 在{part}中，却不在学员信息表中。{part}上的每个人都应登记在学员名册里；请核对姓名和身份证号，或把此人补进学员信息表。",
    "{who} is on the {part_en} but not on the roster; everyone there must be on the roster. Check the name and ID, or add the learner to the roster.",
    title_zh="不在学员名册中的人",
    title_en="person not on the roster",
)


def _who(person: Person) -> str:
    if person.name.text and person.id.text:
        return f"{person.name.text}（{person.id.text}）"
    return person.who


@check(NOT_ON_ROSTER, kinds=KINDS, scope="ledger")
def on_roster(ctx: LedgerContext) -> Iterator[Finding]:
    """Everyone signing in or evaluated is on the roster (by ID when the row has one, else by name); once
    per sign-in row (a grid's row holds all its sessions) and per evaluation row."""
    ledger = ctx.ledger
    if not ledger.learners:
        return  # the roster is missing or empty: said once, not for everyone
    seen: set[tuple[int, object]] = set()
    for m in ledger.marks:
        if m.name.empty and m.id.empty:
            continue
        key = (id(m.sheet), m.row if m.sheet.layout == "grid" else (m.id_key or m.name_key))
        if key in seen or ledger.find(m) is not None:
            continue
        seen.add(key)
        value, field = (m.id, "身份证号") if m.id_key else (m.name, "姓名")
        yield ctx.at(NOT_ON_ROSTER, m.sheet, value, field, who=_who(m), part="签到表", part_en=PART_EN[SIGNIN])
    for e in ledger.evaluations:
        if (e.name.empty and e.id.empty) or ledger.find(e) is not None:
            continue
        value, field = (e.id, "身份证号") if e.id_key else (e.name, "姓名")
        yield ctx.at(NOT_ON_ROSTER, e.sheet, value, field, who=_who(e), part="学习成果评价表", part_en=PART_EN["学习成果评价表"])


# The evaluation ------------------------------------------------------------------------------------------


def result_text(value: str | None) -> str:
    """考核结果 as compared: no spaces, numbers as numbers (``85.0`` → ``85``)."""
    text = compact(clean_text(value))
    number = parse_number(text) if text else None
    if number is not None and text not in RESULT_GRADES:
        return str(int(number)) if float(number).is_integer() else f"{number:g}"
    return text


def passing(value: str | None) -> bool:
    text = result_text(value)
    number = parse_number(text) if text else None
    return text in PASSING or (number is not None and number >= PASS_SCORE and text not in RESULT_GRADES)


@check(outcome_rules.RESULT_INVALID, kinds=KINDS, scope="ledger")
def results(ctx: LedgerContext) -> Iterator[Finding]:
    for e in ctx.ledger.evaluations:
        if filled(e.result) and not outcome_rules.result_ok(e.result.text or ""):
            yield ctx.at(outcome_rules.RESULT_INVALID, e.sheet, e.result, "考核结果")
