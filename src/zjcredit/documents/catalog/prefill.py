"""Workbooks prefilled from what was declared or catalogued, so the next person fills in only what is
theirs: the sub-center's review sheet from the declarations (``zjcredit template review --from``), read
back by ``catalog build --review``; and each institution's outcome sheet from the catalog
(``zjcredit template outcomes --catalog``), whose drop-downs offer only that institution's codes.

The layouts are the templates' (:mod:`zjcredit.templates.review`, :mod:`zjcredit.templates.outcomes`);
here is only what goes into them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from zjcredit.documents.catalog.candidates import catalog_key
from zjcredit.documents.catalog.model import Catalog, load_catalogs
from zjcredit.documents.declarations.annex1 import annex1_rows
from zjcredit.documents.declarations.check import checked_annex1
from zjcredit.documents.declarations.inputs import Input, discover_inputs, number_or_text, read_declarations, read_inputs
from zjcredit.documents.declarations.options import DeclarationOptions
from zjcredit.domain.normalize import compact
from zjcredit.domain.periods import is_period, parse_period, period_start
from zjcredit.errors import UsageError
from zjcredit.report.findings import Severity
from zjcredit.report.output import check_target, write_atomic
from zjcredit.templates.outcomes import ROWS, CatalogCourseLine, InstitutionCatalog


@dataclass
class Prefilled:
    """What a prefill wrote: the files, how many rows they hold, and the inputs not used (file, reason)."""

    written: list[Path] = field(default_factory=list)
    rows: int = 0
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (file, reason zh, reason en)


# The review sheet ---------------------------------------------------------------------------------------


def write_review_sheet(paths: Iterable[str | Path], output: Path, *, force: bool = False, options: DeclarationOptions | None = None) -> Prefilled:
    """The review sheet for every project declared under ``paths`` (Annex 2 forms and Annex 1 summaries),
    once each, in the order read; a project whose declaration has errors is marked in 检查情况."""
    from zjcredit.templates import new_workbook, workbook_bytes
    from zjcredit.templates.review import TITLE, ReviewLine, build_review

    options = options or DeclarationOptions()
    _xlsx_only(output)
    sources = discover_inputs(paths, reads=("summary",))  # as catalog build: the counties' summaries are inputs
    check_target(output, force, [s.path for s in sources])
    inputs = read_inputs(sources, ("annex2", "annex1"))
    done = Prefilled()
    lines: dict[tuple[str, str], ReviewLine] = {}
    for item in read_declarations(inputs, options):
        errors = len(item.all_errors)
        for project in item.decl.projects:
            rec = project.record
            line = ReviewLine(compact(item.decl.org_code) or None, item.decl.org_name, rec.text("项目名称"), rec.text("项目类别"), number_or_text(rec.get("培训规模").raw), number_or_text(rec.get("学时数").raw), _note(errors))
            lines.setdefault(catalog_key(line.org_code, line.name), line)
    for inp in inputs:
        if inp.kind == "annex1" and inp.grid is not None:
            checked, tables, _ = checked_annex1(inp.grid, options)
            bad_rows = {(f.sheet, f.row) for f in checked.findings if f.severity is Severity.ERROR}
            for sheet, table in tables:
                for rec in table.records:
                    line = ReviewLine(compact(rec.text("机构代码")) or None, rec.text("申报单位"), rec.text("项目名称"), rec.text("项目类别"), number_or_text(rec.get("培训规模").raw), number_or_text(rec.get("学时数").raw), _note(1) if (sheet, rec.row) in bad_rows else None)
                    lines.setdefault(catalog_key(line.org_code, line.name), line)
    for inp in inputs:
        reason = _unused(inp)
        if reason is not None:
            done.skipped.append((inp.source.display, *reason))
    if not lines:
        raise UsageError(
            "在给定的文件中没有找到任何申报的项目（申报表或申报汇总表），没有生成审核结果表。",
            "No declared project (Annex 2 form or Annex 1 summary) was found in the given files; no review sheet was written.",
        )
    data = workbook_bytes(new_workbook(TITLE, lambda wb, st: build_review(wb, st, list(lines.values()))))
    done.written.append(write_atomic(output, lambda tmp: tmp.write_bytes(data), force=force, inputs=[s.path for s in sources]))
    done.rows = len(lines)
    return done


def _note(errors: int) -> str | None:
    return f"有 {errors} 个错误，改正前不会编入目录" if errors else None


def _unused(inp: Input) -> tuple[str, str] | None:
    """Why an input gave no project to review (zh, en), or None when it gave some."""
    if inp.grid is None or inp.kind not in ("annex2", "annex1"):
        reason = inp.result.findings[0] if inp.result.findings else None
        return (reason.message("zh"), reason.message("en")) if reason else ("无法使用", "not usable")
    if inp.kind == "annex1" and any(table.records for _, table in annex1_rows(inp.grid)[0]):
        return None
    if inp.kind == "annex2" and inp.result.records:
        return None
    return ("没有填写任何项目", "no project filled in")


def _xlsx_only(path: Path) -> None:
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"只能保存为 .xlsx 文件，请把 {path} 改为以 .xlsx 结尾的文件名。", f"Written as .xlsx only; give {path} a name ending in .xlsx.")


# Outcome sheets per institution ------------------------------------------------------------------------

FILE_PREFIX = "学习成果表"
MAX_ROWS = 3000
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def institutions(cat: Catalog) -> dict[str, list[str]]:
    """机构代码 → its project codes in the catalog (live projects only), in code order."""
    out: dict[str, list[str]] = defaultdict(list)
    for code in sorted(cat.projects):
        org = compact(cat.projects[code].org_code)
        if org:
            out[org].append(code)
    return dict(out)


def institution_catalog(cat: Catalog, org: str, codes: list[str]) -> InstitutionCatalog:
    """What the institution's sheet offers: its projects and courses, the rows its learners will need."""
    projects = [cat.projects[c] for c in codes]
    periods = sorted({parse_period(p.period) for p in projects if p.period and is_period(p.period)})
    courses = [c for c in sorted(cat.courses.values(), key=lambda c: c.code) if c.project_code in set(codes)]
    expected = sum((p.scale or 0) * max(1, sum(1 for c in courses if c.project_code == p.code)) for p in projects)
    rows = min(MAX_ROWS, max(ROWS, -(-expected // 50) * 50))
    return InstitutionCatalog(
        org_code=org,
        org_name=next((p.org_name for p in projects if p.org_name), None),
        periods=tuple(periods),
        projects=tuple((p.code, p.name) for p in projects),
        courses=tuple(CatalogCourseLine(c.code, c.project_code, c.name, c.hours) for c in courses),
        earliest=min((period_start(p) for p in periods), default=None),
        rows=rows,
    )


def outcome_sheet_name(org: str, name: str | None) -> str:
    """学习成果表_3301060011_某某学校.xlsx: the institution in the file name, safe on every system."""
    parts = [FILE_PREFIX, org] + ([name] if name else [])
    return _UNSAFE.sub("_", "_".join(parts)).strip(" .")[:120] + ".xlsx"


def write_outcome_sheets(catalogs: list[Path], output: Path | None, *, org: str | None = None, force: bool = False) -> Prefilled:
    """One prefilled outcome sheet for ``org`` into the file ``output``, or without ``org`` one per
    institution of the catalog into the folder ``output``. Every target is checked before anything is written."""
    from zjcredit.templates import new_workbook, workbook_bytes
    from zjcredit.templates.outcomes import build_for_institution, institution_title

    if not catalogs:
        raise UsageError("请用 --catalog 给出项目目录。", "Give the catalog with --catalog.")
    cat = load_catalogs(list(catalogs))
    orgs = institutions(cat)
    if org is not None:
        key = compact(org)
        if key not in orgs:
            known = "、".join(list(orgs)[:10]) + ("……" if len(orgs) > 10 else "")
            raise UsageError(f"项目目录中没有机构代码为 {org} 的项目。目录中的机构代码有：{known}。", f"The catalog has no project of institution {org}; its institutions are: {known}.")
        orgs = {key: orgs[key]}
    plans = []
    for code, projects in orgs.items():
        inst = institution_catalog(cat, code, projects)
        if org is not None:
            target = output or Path(outcome_sheet_name(code, None))
            _xlsx_only(target)
        else:
            folder = output or Path(FILE_PREFIX)
            if folder.exists() and not folder.is_dir():
                raise UsageError(f"{folder} 不是文件夹。不加 --org 时，-o 给出存放各机构成果表的文件夹。", f"{folder} is not a folder; without --org, -o names the folder for the institutions' sheets.")
            target = folder / outcome_sheet_name(code, inst.org_name)
        plans.append((inst, target))
    for _, target in plans:
        check_target(target, force, catalogs)
    done = Prefilled()
    for inst, target in plans:
        data = workbook_bytes(new_workbook(institution_title(inst), lambda wb, st, inst=inst: build_for_institution(wb, st, inst)))
        done.written.append(write_atomic(target, lambda tmp, data=data: tmp.write_bytes(data), force=force, inputs=catalogs))
        done.rows += len(inst.courses)
    return done
