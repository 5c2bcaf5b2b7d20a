"""The rules of one ledger against the catalogs (scope ``catalog``): its project is a catalog project, of the
institution its title names, and its course design is the catalog's courses with the project's 学时数."""

from __future__ import annotations

from collections.abc import Iterator

from zjcredit.documents.ledger.context import KINDS, LedgerContext, filled
from zjcredit.domain.normalize import code_key, name_key, number_text, parse_number
from zjcredit.io.tables import Value
from zjcredit.report.findings import Finding, check, register

# Course hours add up when they differ by less than this (float sums).
HOURS_TOLERANCE = 1e-6

PROJECT_UNKNOWN = register(
    "ledger-project-unknown",
    "error",
    "台账的项目编码 {value} 不在所给的项目目录中。台账应对应目录中的项目（浙学银〔2019〕2号 三（二））；请核对项目编码，或确认给出了该期次的目录。",
    "The ledger's project code {value} is in none of the catalogs given; a ledger belongs to a catalog project. Check the code, or give the catalog of its period.",
    title_zh="台账的项目不在目录中",
    title_en="ledger's project not in the catalog",
)
ORG_MISMATCH = register(
    "ledger-org-mismatch",
    "error",
    "台账标题中的机构代码 {value} 与目录中项目 {code} 的申报机构（{expected}，{org_name}）不一致。请核对这份台账是否属于该项目。",
    "The 机构代码 {value} above the ledger's table differs from the institution of project {code} in the catalog ({expected}, {org_name}); check the ledger belongs to that project.",
    title_zh="台账的机构代码与项目不符",
    title_en="ledger's institution does not match the project",
)


@check(PROJECT_UNKNOWN, ORG_MISMATCH, kinds=KINDS, scope="catalog")
def catalog_project(ctx: LedgerContext) -> Iterator[Finding]:
    """The ledger's 项目编码 is a catalog project's, and the 机构代码 its title names is that project's."""
    ledger = ctx.ledger
    if ctx.code is None:
        return  # ledger-code-missing
    if ctx.project is None:
        found = ledger.code_value
        if found is not None:
            yield ctx.at(PROJECT_UNKNOWN, found[1], found[0], "项目编码")
        else:
            yield ctx.whole(PROJECT_UNKNOWN, value=ctx.code)
        return
    expected = code_key(ctx.project.org_code)
    for value, sheet in ledger.titles("机构代码")[:1]:
        if expected and code_key(value.text) != expected:
            yield ctx.at(ORG_MISMATCH, sheet, value, "机构代码", code=ctx.project.code, expected=ctx.project.org_code, org_name=ctx.project.org_name or "")


HOURS_MISMATCH = register(
    "ledger-hours-mismatch",
    "error",
    "项目课程设计表各课程学时合计 {total}，与目录中项目 {code} 的学时数 {expected} 不一致。请按目录核对课程学时。",
    "The course design's hours add up to {total}, not the {expected} 学时数 of project {code} in the catalog; check the course hours.",
    title_zh="课程设计学时与目录不符",
    title_en="course design hours differ from the catalog",
)
COURSE_MISMATCH = register(
    "ledger-course-mismatch",
    "error",
    "项目课程设计表与目录中项目 {code} 的课程不一致：{detail}请按目录核对课程名称。",
    "The course design differs from the courses of project {code} in the catalog: {detail_en} Check the course names.",
    title_zh="课程设计与目录课程不符",
    title_en="course design differs from the catalog's courses",
)


@check(HOURS_MISMATCH, COURSE_MISMATCH, kinds=KINDS, scope="catalog")
def course_design(ctx: LedgerContext) -> Iterator[Finding]:
    """The course design's hours add up to the project's 学时数; its courses are the catalog's courses
    (names compared without spaces, quotes or book-title marks; a course may take several rows)."""
    ledger = ctx.ledger
    project = ctx.project
    courses = [c for c in ledger.courses if not c.name.empty or not c.hours.empty]
    if project is None or not courses:
        return  # not a catalog project, or the design is missing or empty: said elsewhere
    sheet = courses[0].sheet
    hours = [parse_number(c.hours.raw) for c in courses if filled(c.hours)]
    if project.hours and hours and all(h is not None and h > 0 for h in hours):
        total = sum(h for h in hours if h is not None)
        if abs(total - float(project.hours)) > HOURS_TOLERANCE:
            where = Value(None, None, sheet.header_cell("学时"), sheet.header_row)
            yield ctx.at(HOURS_MISMATCH, sheet, where, "学时", total=number_text(total), expected=number_text(project.hours), code=project.code)
    catalog_names = {name_key(c.name): c.name for c in ctx.courses if c.name}
    if not catalog_names:
        return
    listed = "、".join(str(n) for n in catalog_names.values())
    written = set()
    for course in courses:
        key = name_key(course.name.text)
        written.add(key)
        if filled(course.name) and key not in catalog_names:
            yield ctx.at(
                COURSE_MISMATCH, course.sheet, course.name, "课程名称", code=project.code,
                detail=f"课程“{course.name.text}”不是该项目的课程（目录中的课程：{listed}）。",
                detail_en=f"course '{course.name.text}' is not one of the project's ({listed}).",
            )
    header = Value(None, None, sheet.header_cell("课程名称"), sheet.header_row)
    for key, name in catalog_names.items():
        if key not in written:
            yield ctx.at(
                COURSE_MISMATCH, sheet, header, "课程名称", code=project.code,
                detail=f"目录中的课程“{name}”不在表中。", detail_en=f"the catalog's course '{name}' is not in it.",
            )
