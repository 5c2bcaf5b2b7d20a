"""`zjcredit catalog build`: approved declared projects → the quarterly catalog with project and course codes.

Inputs are Annex 2 declarations and/or Annex 1 summaries, read and checked as for `summary build`
(:mod:`zjcredit.documents.declarations.inputs`); the projects without errors and with a known county, once
each (:mod:`.candidates`), approved in the review sheet when one is given (:mod:`.review`), get their codes
(:mod:`.codes`, which also says the numbering order) and are written (:mod:`.workbook`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjcredit.documents.catalog.candidates import COUNTY_UNKNOWN, Candidate, annex1_candidates, annex2_candidates, catalog_key, deduplicated, every_key, with_county
from zjcredit.documents.catalog.codes import Coded, assign_codes, load_previous, previous_by_key
from zjcredit.documents.catalog.review import Decisions, apply_review, load_review, unmatched_rows
from zjcredit.documents.common import skipped_results
from zjcredit.documents.declarations.inputs import Input, discover_inputs, excluded_table, read_declarations, read_inputs
from zjcredit.documents.declarations.options import DeclarationOptions, parse_date_option
from zjcredit.domain.periods import parse_period
from zjcredit.report.findings import RULES, FileResult, Report, SummaryTable


@dataclass(frozen=True)
class CatalogOptions:
    """What `catalog build` is asked for; ``period`` and ``date`` as written on the command line."""

    period: str  # --period: YYYYH1, YYYYQ3 or YYYYQ4 (YYYYQ1/YYYYQ2 mean YYYYH1)
    output: Path
    previous: Path | None = None  # the catalog of the same period built before: its codes are kept
    review: Path | None = None  # the review sheet: only approved projects enter
    date: str | None = None  # 编制日期, YYYY-MM-DD; today when None
    force: bool = False  # overwrite an existing output
    declarations: DeclarationOptions = field(default_factory=DeclarationOptions)


def build_catalog(paths: Iterable[str | Path], options: CatalogOptions) -> Report:
    """Build the catalog of ``options.period`` from the declarations/summaries under ``paths``.

    ``report.extra``: ``output`` (None when nothing was written), ``period``, ``projects``, ``courses``,
    ``new_projects``, ``kept_codes``, ``carried_over``, ``excluded``, ``rejected``, ``not_approved``;
    ``report.status`` is 0 (written, nothing left out but review rejections), 1 (written, but some project was
    left out for errors, an unknown county or a missing/invalid review result, or an input could not be
    used) or 2 (nothing to write; or written, but an input could not be read at all — the contract's 2).
    """
    from zjcredit.documents.catalog.workbook import CatalogNotes, catalog_region, write_catalog
    from zjcredit.report.output import check_target

    period = parse_period(options.period)
    output = Path(options.output)
    build_date = parse_date_option(options.date)
    sources = discover_inputs(paths, reads=("summary",), prefer=options.declarations.prefer)  # the counties' summaries are inputs here
    extra_inputs = [Path(p) for p in (options.previous, options.review) if p is not None]
    check_target(output, options.force, [s.path for s in sources] + extra_inputs)
    prev = load_previous(Path(options.previous), period) if options.previous is not None else None
    rev = load_review(Path(options.review)) if options.review is not None else None
    inputs = read_inputs(sources, ("annex2", "annex1"))

    report = Report("catalog build")
    report.files.extend(inp.result for inp in inputs)
    report.files.extend(skipped_results(sources.skipped, output, extra_inputs))
    items = read_declarations(inputs, options.declarations)
    excluded: list[dict[str, Any]] = []
    candidates = annex2_candidates(items, excluded, 0)
    for inp in inputs:
        if inp.kind == "annex1" and inp.grid is not None:
            candidates.extend(annex1_candidates(inp, excluded, len(candidates), options.declarations))
    results = {inp.source.display: inp.result for inp in inputs}
    candidates = deduplicated(with_county(candidates, results, excluded), results)
    decisions = Decisions([], [], set())
    before_review = list(candidates)
    if rev is not None:
        report.files.append(rev.result)
        prev_by_key = previous_by_key(prev)
        candidates, decisions = apply_review(candidates, rev, prev_by_key, results)
        unmatched_rows(rev, set(prev_by_key) | every_key(items, inputs))

    coded = assign_codes(candidates, prev, decisions.removed_codes, period, results)
    live = coded.live_projects
    out_result = FileResult(str(output), "catalog", len(live), list(coded.findings), output=True)
    report.extra.update(
        {"output": None, "period": period, "projects": len(live), "courses": len(coded.live_courses), "excluded": excluded, "rejected": decisions.rejected, "not_approved": decisions.not_approved, **coded.stats}
    )
    report.tables = _tables(None, period, coded, excluded, decisions)
    if not live:
        report.status = 2
        return report

    used, left_out = source_notes(inputs, before_review, candidates, decisions)
    notes = CatalogNotes(period, build_date, catalog_region(live), used, left_out, options.previous, options.review)
    write_catalog(output, coded, notes, options.force, [s.path for s in sources] + extra_inputs)
    report.files.append(out_result)
    report.extra["output"] = str(output)
    report.extra["codes"] = catalog_codes(coded)
    report.tables[0] = _result_table(str(output), period, coded)
    report.status = 2 if report.any_unreadable else (1 if _left_out(inputs, excluded, decisions) else 0)  # written all the same
    return report


def catalog_codes(coded: Coded) -> list[dict[str, Any]]:
    """The codes of the catalog written, for scripts (JSON key ``codes``): each project code with its
    project and institution, and its courses' codes (withdrawn rows included, with their 状态)."""
    courses: dict[str, list[dict[str, Any]]] = {}
    for c in coded.courses:
        courses.setdefault(c["项目编码"], []).append({"course_code": c["课程编码"], "course": c["课程名称"], "hours": c.get("课程学时"), "status": c.get("状态")})
    return [
        {
            "project_code": p["项目编码"],
            "project": p.get("项目名称"),
            "org_code": p.get("机构代码"),
            "org_name": p.get("申报单位"),
            "status": p.get("状态"),
            "courses": courses.get(p["项目编码"], []),
        }
        for p in coded.projects
    ]


# Why an input gave fewer projects than it holds: these rules, on its result, say so.
LEFT_OUT_RULES = ("unreadable", "input-skipped", "declaration-excluded", "summary-row-excluded", "catalog-county-unknown", "catalog-duplicate-project", "review-missing", "no-records", "form-missing", "header-missing")


def source_notes(inputs: list[Input], read: list[Candidate], kept: list[Candidate], decisions: Decisions) -> tuple[list[str], list[tuple[str, str]]]:
    """For the 说明 sheet: each file that gave projects (with how many, and why others were left out), and
    apart each file that gave none, with the reason."""
    catalogued = Counter(c.path for c in kept)
    rejected_keys = {catalog_key(r["org_code"], r["name"]) for r in decisions.rejected}
    used: list[str] = []
    excluded: list[tuple[str, str]] = []
    for inp in inputs:
        path = inp.source.display
        reasons = Counter(RULES[f.rule].title_zh or f.rule for f in inp.result.findings if f.rule in LEFT_OUT_RULES)
        rejected = sum(1 for c in read if c.path == path and c.key in rejected_keys)
        if rejected:
            reasons["审核未通过"] += rejected
        if inp.grid is None and inp.result.findings:
            why = inp.result.findings[0].message("zh")  # unreadable, or of another kind: the sentence says it all
        else:
            why = "；".join(f"{title}（{n}）" if n > 1 else title for title, n in reasons.items())
        if catalogued[path]:
            used.append(f"{path}（收录 {catalogued[path]} 个项目{'；另有未收录：' + why if why else ''}）")
        else:
            excluded.append((path, why or "没有可收录的项目"))
    return used, excluded


def _left_out(inputs: list[Input], excluded: list[dict[str, Any]], decisions: Decisions) -> bool:
    """Whether some project was left out for a reason to fix (a review rejection is no such reason)."""
    if excluded or decisions.not_approved or any(inp.grid is None for inp in inputs):
        return True
    return any(f.rule == COUNTY_UNKNOWN.id for inp in inputs for f in inp.result.findings)


def _tables(output: str | None, period: str, coded: Coded, excluded: list[dict[str, Any]], decisions: Decisions) -> list[SummaryTable]:
    tables = [_result_table(output, period, coded)]
    if excluded:
        tables.append(excluded_table(excluded, "未收录（有错误）的申报", "Declarations left out (errors)"))
    if decisions.rejected:
        rows = [[r["org_code"] or "", r["name"] or "", r["opinion"] or ""] for r in decisions.rejected]
        tables.append(SummaryTable("审核未通过的项目", "Projects rejected in review", ["机构代码", "项目名称", "审核意见"], ["code", "project", "comment"], rows))
    return tables


def _result_table(output: str | None, period: str, coded: Coded) -> SummaryTable:
    return SummaryTable(
        "已生成项目目录" if output else "未生成项目目录：没有可收录的项目",
        "Catalog written" if output else "No catalog written: no project to include",
        ["输出文件", "期次", "项目数", "课程数", "新编码", "沿用原编码"],
        ["output", "period", "projects", "courses", "new codes", "codes kept"],
        [[output or "—", period, len(coded.live_projects), len(coded.live_courses), coded.new_projects, coded.kept_codes + coded.carried_over]],
    )
