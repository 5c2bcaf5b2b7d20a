"""Checking declarations: the pipelines that walk an Annex 2 form or an Annex 1 table and run the checks
registered for its kind in :mod:`zjcredit.documents.declarations.rules`.

The walk itself owns the structural rules, the same for every field: a blank field is ``required`` (on a
form, ``label-missing`` when the form has no line for it at all, ``assessment-missing`` for the 考核方式 line
the notice's own form lacks); an Excel error value is reported once as ``excel-error`` and gets no other
check; every other value goes to the ``value`` checks of its field. Then come the ``record`` checks of each
project or row, then the ``document`` checks of the form or table, and finally ``excel-error`` for error
values anywhere else in the workbook.
"""

from __future__ import annotations

from zjcredit.documents.common import EXCEL_ERROR, REQUIRED
from zjcredit.documents.declarations.annex1 import annex1_rows
from zjcredit.documents.declarations.form import ASSESSMENT, read_annex2
from zjcredit.documents.declarations.model import Declaration, Project
from zjcredit.documents.declarations.options import DeclarationOptions
from zjcredit.documents.declarations.rules import Context  # importing the rules registers their checks
from zjcredit.domain import schema
from zjcredit.domain.divisions import Place
from zjcredit.domain.normalize import is_excel_error
from zjcredit.io.tables import Record, Table, Value
from zjcredit.io.cells import cell_ref
from zjcredit.io.grid import WorkbookGrid
from zjcredit.report.findings import FileResult, Finding, checks_for, make, register

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


# The walk ------------------------------------------------------------------------------------------------


def check_value(ctx: Context, kind: str, field: str, value: Value) -> None:
    """A filled-in value: an Excel error is reported once, as such, and not checked further."""
    if is_excel_error(value.raw):
        ctx.add(EXCEL_ERROR, field, value)
        return
    for c in checks_for(kind, "value", field):
        c.func(ctx, field, value)


def _check_line(ctx: Context, field: str, value: Value) -> None:
    """A form line: blank is ``required``, or ``label-missing`` when the form has no such line."""
    if value.empty:
        ctx.add(LABEL_MISSING if value.cell is None else REQUIRED, field, value if value.cell else None)
    else:
        check_value(ctx, "annex2", field, value)


def _run(kind: str, scope: str, ctx: Context, subject: object) -> None:
    for c in checks_for(kind, scope):
        c.func(ctx, subject)


# Annex 2 -----------------------------------------------------------------------------------------------


def _check_project(ctx: Context, project: Project) -> None:
    """One project block: its lines, its course table, then the record checks."""
    for f in schema.ANNEX2_PROJECT:
        if f.name == ASSESSMENT and not project.has_assessment_line:
            ctx.add(ASSESSMENT_MISSING, f.name, None)
        else:
            _check_line(ctx, f.name, project.record.get(f.name))
    for course in project.courses:
        # A 课程名称 is only required: an Excel error in it is left to the sweep of the whole workbook.
        if course.name.empty:
            ctx.add(REQUIRED, "课程名称", course.name)
        if course.hours.empty:
            ctx.add(REQUIRED, "课程学时", course.hours)
        else:
            check_value(ctx, "annex2", "课程学时", course.hours)
    _run("annex2", "record", ctx, project)


def declaration_findings(decl: Declaration, path: str, options: DeclarationOptions | None = None) -> list[Finding]:
    """Every finding of one Annex 2 form: institution lines, each project, then the whole form."""
    ctx = Context(path, decl.sheet, options or DeclarationOptions(), row=decl.header.row, place=decl.place)
    for f in schema.ANNEX2_HEADER:
        _check_line(ctx, f.name, decl.header.get(f.name))
    for project in decl.projects:
        _check_project(ctx.at(project=project.number, row=project.record.row, place=None), project)
    _run("annex2", "document", ctx, decl)
    return ctx.findings


def checked_annex2(grid: WorkbookGrid, options: DeclarationOptions | None = None) -> tuple[FileResult, list[tuple[Declaration, list[Finding]]]]:
    """The file's result (exactly what validate reports) and each declaration with its own findings.

    Findings tied to no declaration (no form at all, a stray Excel error value) are in the file result only.
    """
    declarations, findings = read_annex2(grid)
    options = options or DeclarationOptions()
    per_declaration = [(decl, declaration_findings(decl, grid.path, options)) for decl in declarations]
    for _, own in per_declaration:
        findings.extend(own)
    findings.extend(_stray_errors(grid, findings))
    records = sum(len(decl.projects) for decl in declarations)
    return FileResult(grid.path, "annex2", records, findings), per_declaration


def check_annex2(grid: WorkbookGrid, options: DeclarationOptions | None = None) -> FileResult:
    """Read every form of an Annex 2 workbook and check it; records = used project blocks."""
    return checked_annex2(grid, options)[0]


# Annex 1 -----------------------------------------------------------------------------------------------


def _check_row(ctx: Context, table: Table, rec: Record, number: int) -> None:
    """One summary row: its values (序号 is the sequence check's), then the record checks."""
    for f in schema.ANNEX1.fields:
        if f.name == "序号" or f.name not in table.columns:
            continue
        value = rec.get(f.name)
        if not value.empty:
            check_value(ctx, "annex1", f.name, value)
        elif f.required:
            ctx.add(REQUIRED, f.name, value)
    _run("annex1", "record", ctx, Project(number, rec))


def checked_annex1(grid: WorkbookGrid, options: DeclarationOptions | None = None) -> tuple[FileResult, list[tuple[str | None, Table]], Place | None]:
    """The file's result (exactly what validate reports) with the tables and 所在区域 it was read from."""
    tables, place, findings = annex1_rows(grid)
    options = options or DeclarationOptions()
    for _sheet, table in tables:
        ctx = Context(grid.path, table.sheet, options, findings)
        for number, rec in enumerate(table.records, start=1):
            _check_row(ctx.at(row=rec.row), table, rec, number)
        _run("annex1", "document", ctx, table)
    findings.extend(_stray_errors(grid, findings))
    records = sum(len(table.records) for _, table in tables)
    return FileResult(grid.path, "annex1", records, findings), tables, place


def check_annex1(grid: WorkbookGrid, options: DeclarationOptions | None = None) -> FileResult:
    """Check an Annex 1 summary; records = data rows."""
    return checked_annex1(grid, options)[0]


# The rest of the workbook ----------------------------------------------------------------------------


def _stray_errors(grid: WorkbookGrid, findings: list[Finding]) -> list[Finding]:
    """excel-error for every error value in a cell not already reported at its field."""
    covered = {(f.sheet, f.cell) for f in findings if f.rule == EXCEL_ERROR.id and f.cell}
    out = []
    for sheet in grid.sheets:
        for r, c, v in sheet.iter_cells():
            if is_excel_error(v) and (sheet.name, cell_ref(r, c)) not in covered:
                out.append(make(EXCEL_ERROR, grid.path, sheet=sheet.name, cell=cell_ref(r, c), row=r + 1, value=v))
    return out

