"""`zjcredit catalog build`: approved declared projects → the quarterly catalog with project and course codes.

Inputs are Annex 2 declarations and/or Annex 1 summaries. Codes (DOMAIN.md): 项目编码
``{county code}-{period}-{NNN}``, 课程编码 ``{项目编码}-{NN}``.

Numbering order (deterministic): new projects are sorted by county code, then 机构代码, then the
normalised project name, then the order in which they were read (files in sorted order, projects in form
order), and numbered per county from 001. With ``--previous`` (the catalog of the same period built
before), a project already in it (same 机构代码 and normalised 项目名称) keeps its code and a course keeps
its code (same normalised 课程名称); new projects continue after the highest number that catalog used in
their county, new courses after the highest number of their project. Numbers are never reused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjcredit import __version__
from zjcredit.domain import divisions
from zjcredit.documents.catalog.model import Catalog, CatalogCourse, CatalogProject, load_catalog
from zjcredit.documents.catalog.rules import COURSE_CODE_RE, PROJECT_CODE_RE
from zjcredit.errors import UsageError, ZjcreditError
from zjcredit.report.findings import FileResult, Finding, Report, Severity, SummaryTable, make, register
from zjcredit.domain.normalize import compact
from zjcredit.domain.periods import parse_period
from zjcredit.domain.schema import CATALOG_COURSES, CATALOG_PROJECTS, REVIEW, TableSchema
from zjcredit.documents.summary.build import (
    DECLARATION_EXCLUDED,
    Input,
    Item,
    declaration_items,
    discover_inputs,
    excluded_entry,
    excluded_table,
    name_key,
    number_or_text,
    org_code_key,
    org_conflicts,
    parse_date_option,
    read_inputs,
)
from zjcredit.io.tables import read_table
from zjcredit.io.workbook import read_grid
from zjcredit.errors import Unreadable

COUNTY_UNKNOWN = register(
    "catalog-county-unknown",
    "error",
    "无法确定项目“{name}”所在的县（市、区）（{source_field}为“{value}”），该项目未编码、未收入目录。请在{fix}中写明县（市、区），如“杭州市西湖区……”。",
    "The county of project '{name}' could not be determined ({source_field} reads '{value}'), so it was not coded or catalogued. Name the county in {fix_en}, e.g. 杭州市西湖区….",
    title_zh="无法确定所在县",
    title_en="county unknown",
)
SUMMARY_ROW_EXCLUDED = register(
    "summary-row-excluded",
    "warning",
    "汇总表这一行（“{value}”）有 {errors} 个错误，未收入项目目录。请改正后重新运行。",
    "This summary row ('{value}') has {errors} error(s) and was left out of the catalog; fix them and run again.",
    title_zh="有错误的汇总表行未收录",
    title_en="summary row with errors left out",
)
DUPLICATE_PROJECT = register(
    "catalog-duplicate-project",
    "info",
    "同一机构的项目“{value}”也出现在 {kept}，目录中只收录、编码一次（以那一份为准）。",
    "Project '{value}' of the same institution also appears in {kept}; it is catalogued and coded once (from there).",
    title_zh="同一项目出现在多个文件中",
    title_en="project found in several inputs",
)
REVIEW_REJECTED = register(
    "review-rejected",
    "info",
    "审核未通过：“{name}”（{org}）未收入目录。审核意见：{opinion}",
    "Not approved: '{name}' ({org}) is not in the catalog. Reviewer's comment: {opinion}",
    title_zh="审核未通过",
    title_en="rejected in review",
)
REVIEW_MISSING = register(
    "review-missing",
    "warning",
    "审核结果表中没有这个项目（机构代码 {org_code}、项目名称“{value}”），视为未通过，未收入目录。请在审核结果表中补上这一行。",
    "The review sheet has no row for this project (机构代码 {org_code}, 项目名称 '{value}'); it counts as not approved and was left out. Add a row for it to the review sheet.",
    title_zh="审核结果表中没有该项目",
    title_en="project missing from the review sheet",
)
REVIEW_RESULT_INVALID = register(
    "review-result-invalid",
    "warning",
    "审核结果应为“通过”或“不通过”，这里是“{value}”；该项目视为未通过，未收入目录。",
    "审核结果 should be 通过 or 不通过, found '{value}'; the project counts as not approved and was left out.",
    title_zh="审核结果无效",
    title_en="invalid review result",
)
REVIEW_UNMATCHED = register(
    "review-unmatched",
    "warning",
    "审核结果表这一行（机构代码 {org_code}、项目名称“{value}”）在输入的申报表、汇总表和上一版目录中都找不到对应的项目。请核对机构代码和项目名称。",
    "This review row (机构代码 {org_code}, 项目名称 '{value}') matches no project in the inputs or the previous catalog; check the code and name.",
    title_zh="审核行找不到对应项目",
    title_en="review row matches no project",
)
REVIEW_DUPLICATE = register(
    "review-duplicate",
    "warning",
    "同一项目（机构代码 {org_code}、项目名称“{value}”）在审核结果表中出现了两次，以第 {first} 行为准。",
    "The same project (机构代码 {org_code}, 项目名称 '{value}') appears twice in the review sheet; row {first} is used.",
    title_zh="审核结果重复",
    title_en="project reviewed twice",
)
CARRIED_OVER = register(
    "catalog-carried-over",
    "info",
    "上一版目录中的项目 {code}（“{value}”）不在本次输入中，按原编码保留在目录里（已发布的编码不会删除）。",
    "Project {code} ('{value}') of the previous catalog is not among the inputs; it stays in the catalog with its code (published codes are not dropped).",
    title_zh="沿用上一版目录的项目",
    title_en="project carried over from the previous catalog",
)
COURSE_CARRIED_OVER = register(
    "catalog-course-carried-over",
    "info",
    "上一版目录中的课程 {code}（“{value}”）不在本次申报的课程中，按原编码保留。",
    "Course {code} ('{value}') of the previous catalog is no longer declared; it keeps its code and stays in the catalog.",
    title_zh="沿用上一版目录的课程",
    title_en="course carried over from the previous catalog",
)
PREVIOUS_REMOVED = register(
    "catalog-previous-removed",
    "warning",
    "上一版目录中的项目 {code}（“{name}”）在本次审核中未通过，已从目录中删除；该编码不再使用。已按此编码存入的学习成果需另行处理。",
    "Project {code} ('{name}') of the previous catalog was rejected in this review and removed; its code is retired. Outcomes already deposited under it need attention.",
    title_zh="上一版目录中的项目被删除",
    title_en="previous project removed",
)

APPROVED = frozenset({"通过", "审核通过", "同意", "批准", "是", "√", "✓", "✔", "y", "yes"})
REJECTED = frozenset({"不通过", "未通过", "审核不通过", "不同意", "不批准", "驳回", "否", "×", "✗", "✘", "n", "no"})

SYNTHETIC_NOTE = "（按项目生成）"
PROJECT_NUMBER_WIDTH = 3
COURSE_NUMBER_WIDTH = 2
ORDER_ZH = "新项目按所在县代码、机构代码、项目名称、读入顺序排序后逐县编号；有上一版目录时，原有项目（机构代码与项目名称相同）保持原编码，新项目接在该县已用的最大序号之后，序号不重复使用。"
ORDER_EN = "New projects are numbered per county in the order county code, 机构代码, project name, input order; with a previous catalog, projects already in it keep their codes and new ones continue after the highest number used in their county."


@dataclass
class CourseDraft:
    name: str | None
    hours: Any
    teacher: str | None


@dataclass
class Candidate:
    """A project read from an input, on its way into the catalog."""

    values: dict[str, Any]  # CATALOG_PROJECTS field → value (not 项目编码 / 目录期次)
    courses: list[CourseDraft]
    county_code: str | None
    path: str
    sheet: str | None
    cell: str | None  # the 项目名称 cell
    row: int | None
    project: int | None  # Annex 2 block number
    kind: str  # annex2 | annex1
    order: int
    address: str | None = None  # the text the county was taken from (地址, or the summary's 所在区域)
    code: str | None = None

    @property
    def name(self) -> str | None:
        return self.values.get("项目名称")

    @property
    def key(self) -> tuple[str, str]:
        return (org_code_key(self.values.get("机构代码")), name_key(self.name))

    def at(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "row": self.row, "project": self.project, "field": "项目名称", "value": self.name}

    @property
    def where(self) -> str:
        if self.project is not None:
            return f"{self.path}（项目 {self.project}）"
        return f"{self.path}（第 {self.row} 行）" if self.row else self.path


@dataclass
class ReviewRow:
    key: tuple[str, str]
    approved: bool | None  # None: neither 通过 nor 不通过
    result: str | None
    opinion: str | None
    org_code: str | None
    name: str | None
    row: int
    sheet: str | None
    cells: dict[str, str | None]
    used: bool = False


@dataclass
class Review:
    path: str
    result: FileResult
    rows: dict[tuple[str, str], ReviewRow]


# Inputs ----------------------------------------------------------------------------------------------


def _annex2_candidates(items: list[Item], report_excluded: list[dict[str, Any]], order_start: int) -> list[Candidate]:
    out: list[Candidate] = []
    order = order_start
    for item in items:
        decl = item.decl
        item.input.result.findings.extend(item.extra)
        if item.all_errors:
            report_excluded.append(excluded_entry(item))
            value = decl.header.get("申报单位")
            item.input.result.findings.append(
                make(
                    DECLARATION_EXCLUDED,
                    item.path,
                    sheet=decl.sheet,
                    cell=value.cell,
                    row=value.row,
                    field="申报单位",
                    value=value.text,
                    org=item.org_label,
                    errors=len(item.all_errors),
                    projects=len(decl.projects),
                    target="项目目录",
                    target_en="catalog",
                    hint="",
                    hint_en="",
                )
            )
            continue
        for project in decl.projects:
            rec = project.record
            name_value = rec.get("项目名称")
            courses = [CourseDraft(c.name.text, number_or_text(c.hours.raw), c.teacher.text) for c in project.courses if not c.name.empty]
            values = {
                "项目名称": rec.text("项目名称"),
                "项目类别": rec.text("项目类别"),
                "培训对象": rec.text("培训对象"),
                "培训形式": rec.text("培训形式"),
                "培训规模": number_or_text(rec.get("培训规模").raw),
                "培训时数": number_or_text(rec.get("培训时数").raw),
                "学时数": number_or_text(rec.get("学时数").raw),
                "成果形式": rec.text("成果形式"),
                "考核方式": rec.text("考核方式"),
                "申报单位": decl.org_name,
                "机构代码": compact(decl.org_code) or None,
                "所在市": decl.place.city,
                "所在县": decl.place.county,
            }
            out.append(
                Candidate(values, courses, decl.place.county_code, item.path, decl.sheet, name_value.cell, name_value.row, project.number, "annex2", order, decl.header.text("地址"))
            )
            order += 1
    return out


def _annex1_candidates(inp: Input, report_excluded: list[dict[str, Any]], order_start: int, **options: Any) -> list[Candidate]:
    """Rows of an Annex 1 summary; a row with errors (or a file with file-level errors) is left out."""
    from zjcredit.documents.declarations.rules import checked_annex1

    assert inp.grid is not None
    checked, tables, place = checked_annex1(inp.grid, **options)
    inp.result.records = checked.records
    inp.result.findings.extend(checked.findings)
    path = inp.source.display
    place = place or divisions.Place()
    region_text = "".join(p for p in (place.city, place.county) if p) or None
    errors = [f for f in checked.findings if f.severity is Severity.ERROR]
    record_rows = {(sheet, rec.row) for sheet, table in tables for rec in table.records}
    file_errors = [f for f in errors if (f.sheet, f.row) not in record_rows]
    out: list[Candidate] = []
    order = order_start
    for sheet, table in tables:
        for rec in table.records:
            name = rec.text("项目名称")
            row_errors = file_errors + [f for f in errors if (f.sheet, f.row) == (sheet, rec.row)]
            if row_errors:
                report_excluded.append(
                    {"path": path, "sheet": sheet, "row": rec.row, "org_name": rec.text("申报单位"), "org_code": rec.text("机构代码"), "projects": 1, "errors": len(row_errors), "rules": sorted({f.rule for f in row_errors})}
                )
                inp.result.findings.append(
                    make(SUMMARY_ROW_EXCLUDED, path, sheet=sheet, cell=table.cell_of("项目名称", rec.row), row=rec.row, field="项目名称", value=name, errors=len(row_errors))
                )
                continue
            values = {
                "项目名称": name,
                "项目类别": rec.text("项目类别"),
                "培训对象": rec.text("培训对象"),
                "培训形式": rec.text("培训形式"),
                "培训规模": number_or_text(rec.get("培训规模").raw),
                "培训时数": number_or_text(rec.get("培训时数").raw),
                "学时数": number_or_text(rec.get("学时数").raw),
                "成果形式": None,
                "考核方式": None,
                "申报单位": rec.text("申报单位"),
                "机构代码": compact(rec.text("机构代码")) or None,
                "所在市": place.city,
                "所在县": place.county,
            }
            out.append(Candidate(values, [], place.county_code, path, sheet, table.cell_of("项目名称", rec.row), rec.row, None, "annex1", order, region_text))
            order += 1
    return out


# Previous catalog and review ------------------------------------------------------------------------------


def _load_previous(path: Path, period: str) -> Catalog:
    cat = load_catalog(path)
    for p in cat.projects.values():
        m = PROJECT_CODE_RE.match(p.code)
        found = p.period or (m["period"] if m else None)
        try:
            found_period = parse_period(found) if found else None
        except UsageError:
            found_period = found
        if found_period != period:
            raise UsageError(
                f"上一版目录 {path} 的期次是 {found}（如项目 {p.code}），与 --period {period} 不同。--previous 只能给同一期次的目录。",
                f"The previous catalog {path} is for period {found} (e.g. project {p.code}), not {period}; --previous must be a catalog of the same period.",
            )
    return cat


def _review_verdict(text: str | None) -> bool | None:
    key = compact(text).casefold()
    if key in APPROVED:
        return True
    if key in REJECTED:
        return False
    return None


def _load_review(path: Path) -> Review:
    display = str(path)
    if not path.exists():
        raise UsageError(f"找不到审核结果表 {path}。", f"Review file {path} does not exist.")
    try:
        grid = read_grid(path, display)
    except Unreadable as exc:
        raise ZjcreditError(f"无法读取审核结果表：{exc.zh}", f"Cannot read the review file: {exc.en}") from None
    for sheet in grid.sheets:
        table = read_table(sheet, REVIEW)
        if table is None or not {"机构代码", "项目名称", "审核结果"} <= table.columns.keys():
            continue
        result = FileResult(display, "review", len(table.records))
        rows: dict[tuple[str, str], ReviewRow] = {}
        for rec in table.records:
            org_code, name = compact(rec.text("机构代码")) or None, rec.text("项目名称")
            if not org_code and not name:
                continue
            cells = {f: table.cell_of(f, rec.row) for f in ("机构代码", "项目名称", "审核结果", "审核意见")}
            result_text = rec.text("审核结果")
            row = ReviewRow((org_code_key(org_code), name_key(name)), _review_verdict(result_text), result_text, rec.text("审核意见"), org_code, name, rec.row, table.sheet, cells)
            if row.key in rows:
                result.findings.append(
                    make(REVIEW_DUPLICATE, display, sheet=table.sheet, cell=cells["项目名称"], row=rec.row, field="项目名称", value=name, org_code=org_code or "", first=rows[row.key].row)
                )
                continue
            rows[row.key] = row
        return Review(display, result, rows)
    raise UsageError(
        f"审核结果表 {path} 中找不到含“机构代码”“项目名称”“审核结果”三列的表头。请按说明准备审核结果表（另可有“审核意见”列）。",
        f"The review file {path} has no header with the columns 机构代码, 项目名称 and 审核结果 (plus optionally 审核意见).",
    )


# Building ---------------------------------------------------------------------------------------------


def build_catalog(
    paths: Iterable[str | Path],
    period: str,
    output: Path,
    *,
    previous: Path | None = None,
    review: Path | None = None,
    force: bool = False,
    date: str | None = None,
    org_code_pattern: str | None = None,
) -> Report:
    """Build the catalog of ``period`` from the declarations/summaries under ``paths``.

    ``report.extra``: ``output`` (None when nothing was written), ``period``, ``projects``, ``courses``,
    ``new_projects``, ``kept_codes``, ``carried_over``, ``excluded``, ``rejected``, ``not_approved``;
    ``report.status`` is 0 (written, nothing left out but review rejections), 1 (written, but some project was
    left out for errors, an unknown county or a missing/invalid review result, or an input could not be
    used) or 2 (nothing to write).
    """
    from zjcredit.report.output import check_target

    period = parse_period(period)
    output = Path(output)
    build_date = parse_date_option(date)
    sources = discover_inputs(paths)
    extra_inputs = [Path(p) for p in (previous, review) if p is not None]
    check_target(output, force, [s.path for s in sources] + extra_inputs)
    prev = _load_previous(Path(previous), period) if previous is not None else None
    rev = _load_review(Path(review)) if review is not None else None
    inputs = read_inputs(sources, ("annex2", "annex1"), "项目申报表（附件2）或申报汇总表（附件1）", "a declaration (Annex 2) or a summary (Annex 1)")

    report = Report("catalog build")
    report.files.extend(inp.result for inp in inputs)
    excluded: list[dict[str, Any]] = []
    items: list[Item] = []
    for inp in inputs:
        if inp.kind == "annex2" and inp.grid is not None:
            items.extend(declaration_items(inp, len(items), org_code_pattern=org_code_pattern))
    org_conflicts(items)
    candidates = _annex2_candidates(items, excluded, 0)
    for inp in inputs:
        if inp.kind == "annex1" and inp.grid is not None:
            candidates.extend(_annex1_candidates(inp, excluded, len(candidates), org_code_pattern=org_code_pattern))
    results = {inp.source.display: inp.result for inp in inputs}

    candidates = _with_county(candidates, results, excluded)
    candidates = _deduplicated(candidates, results)
    not_approved: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    prev_by_key = _previous_by_key(prev)
    removed_codes: set[str] = set()
    if rev is not None:
        report.files.append(rev.result)
        candidates = _apply_review(candidates, rev, prev_by_key, results, rejected, not_approved, removed_codes)
        all_keys = set(prev_by_key) | _all_keys(items, inputs)
        for row in rev.rows.values():
            if row.key not in all_keys:
                rev.result.findings.append(
                    make(REVIEW_UNMATCHED, rev.path, sheet=row.sheet, cell=row.cells["项目名称"], row=row.row, field="项目名称", value=row.name, org_code=row.org_code or "")
                )

    projects, courses, stats = _assign_codes(candidates, prev, prev_by_key, removed_codes, period, results)
    out_result = FileResult(str(output), "catalog", len(projects))
    for f in stats.pop("_findings"):
        out_result.findings.append(f)
    report.extra.update(
        {
            "output": None,
            "period": period,
            "projects": len(projects),
            "courses": len(courses),
            "excluded": excluded,
            "rejected": rejected,
            "not_approved": not_approved,
            **stats,
        }
    )
    tables = [_result_table(None, period, projects, courses, stats)]
    if excluded:
        tables.append(excluded_table(excluded, "未收录（有错误）的申报", "Declarations left out (errors)"))
    if rejected:
        tables.append(
            SummaryTable(
                "审核未通过的项目",
                "Projects rejected in review",
                ["机构代码", "项目名称", "审核意见"],
                ["code", "project", "comment"],
                [[r["org_code"] or "", r["name"] or "", r["opinion"] or ""] for r in rejected],
            )
        )
    report.tables = tables
    if not projects:
        report.status = 2
        return report

    _write(output, projects, courses, period, build_date, [s.display for s in sources], previous, review, stats, force, [s.path for s in sources] + extra_inputs)
    report.files.append(out_result)
    report.extra["output"] = str(output)
    report.tables[0] = _result_table(str(output), period, projects, courses, stats)
    left_out = bool(excluded or not_approved) or any(inp.grid is None for inp in inputs) or any(
        f.rule == COUNTY_UNKNOWN.id for inp in inputs for f in inp.result.findings
    )
    report.status = 1 if left_out else 0
    return report


def _result_table(output: str | None, period: str, projects: list[Any], courses: list[Any], stats: dict[str, Any]) -> SummaryTable:
    return SummaryTable(
        "已生成项目目录" if output else "未生成项目目录：没有可收录的项目",
        "Catalog written" if output else "No catalog written: no project to include",
        ["输出文件", "期次", "项目数", "课程数", "新编码", "沿用原编码"],
        ["output", "period", "projects", "courses", "new codes", "codes kept"],
        [[output or "—", period, len(projects), len(courses), stats.get("new_projects", 0), stats.get("kept_codes", 0) + stats.get("carried_over", 0)]],
    )


def _all_keys(items: list[Item], inputs: list[Input]) -> set[tuple[str, str]]:
    """Keys of every project read, excluded ones included: a review row naming one is not 'unmatched'."""
    from zjcredit.documents.declarations.rules import annex1_rows

    keys = set()
    for item in items:
        for project in item.decl.projects:
            keys.add((org_code_key(item.decl.org_code), name_key(project.name)))
    for inp in inputs:
        if inp.kind == "annex1" and inp.grid is not None:
            for _, table in annex1_rows(inp.grid)[0]:
                for rec in table.records:
                    keys.add((org_code_key(rec.text("机构代码")), name_key(rec.text("项目名称"))))
    return keys


def _with_county(candidates: list[Candidate], results: dict[str, FileResult], excluded: list[dict[str, Any]]) -> list[Candidate]:
    out = []
    for c in candidates:
        if c.county_code:
            out.append(c)
            continue
        if c.kind == "annex2":
            params = {"source_field": "申报表的地址", "fix": "申报表的“地址”", "fix_en": "the declaration's 地址"}
        else:
            params = {"source_field": "汇总表的所在区域", "fix": "汇总表的“所在区域”", "fix_en": "the summary's 所在区域"}
        at = c.at()
        at["value"] = c.address
        results[c.path].findings.append(make(COUNTY_UNKNOWN, c.path, **at, name=c.name or "", **params))
        excluded.append({"path": c.path, "sheet": c.sheet, "org_name": c.values.get("申报单位"), "org_code": c.values.get("机构代码"), "projects": 1, "errors": 1, "rules": [COUNTY_UNKNOWN.id], "name": c.name})
    return out


def _deduplicated(candidates: list[Candidate], results: dict[str, FileResult]) -> list[Candidate]:
    """One candidate per (机构代码, project name): a declaration wins over a summary row, then input order."""
    best: dict[tuple[str, str], Candidate] = {}
    for c in sorted(candidates, key=lambda c: (c.kind != "annex2", c.order)):
        best.setdefault(c.key, c)
    out = []
    for c in candidates:
        kept = best[c.key]
        if kept is c:
            out.append(c)
        else:
            results[c.path].findings.append(make(DUPLICATE_PROJECT, c.path, **c.at(), kept=kept.where))
    return out


def _previous_by_key(prev: Catalog | None) -> dict[tuple[str, str], CatalogProject]:
    if prev is None:
        return {}
    out: dict[tuple[str, str], CatalogProject] = {}
    for p in prev.projects.values():
        out.setdefault((org_code_key(p.org_code), name_key(p.name)), p)
    return out


def _apply_review(
    candidates: list[Candidate],
    rev: Review,
    prev_by_key: dict[tuple[str, str], CatalogProject],
    results: dict[str, FileResult],
    rejected: list[dict[str, Any]],
    not_approved: list[dict[str, Any]],
    removed_codes: set[str],
) -> list[Candidate]:
    """Only approved projects stay; a project already in the previous catalog stays unless rejected."""
    out = []
    for c in candidates:
        row = rev.rows.get(c.key)
        in_previous = c.key in prev_by_key
        if row is not None:
            row.used = True
        if row is not None and row.approved is True:
            out.append(c)
            continue
        if row is not None and row.approved is False:
            _reject(row, rev, c.values.get("申报单位") or c.values.get("机构代码") or "", rejected)
            if in_previous:
                removed_codes.add(prev_by_key[c.key].code)
                results[c.path].findings.append(make(PREVIOUS_REMOVED, c.path, **c.at(), name=c.name or "", code=prev_by_key[c.key].code))
            continue
        if in_previous:
            out.append(c)  # approved before; a review sheet for the late projects need not repeat it
            continue
        if row is None:
            results[c.path].findings.append(make(REVIEW_MISSING, c.path, **c.at(), org_code=c.values.get("机构代码") or ""))
        else:
            rev.result.findings.append(
                make(REVIEW_RESULT_INVALID, rev.path, sheet=row.sheet, cell=row.cells["审核结果"], row=row.row, field="审核结果", value=row.result)
            )
        not_approved.append({"path": c.path, "org_code": c.values.get("机构代码"), "name": c.name, "review": row.result if row else None})
    # Previous projects absent from the inputs may be rejected explicitly, too.
    for key, p in prev_by_key.items():
        row = rev.rows.get(key)
        if row is not None and not row.used and row.approved is False:
            row.used = True
            _reject(row, rev, p.org_name or p.org_code or "", rejected)
            removed_codes.add(p.code)
            rev.result.findings.append(make(PREVIOUS_REMOVED, rev.path, sheet=row.sheet, cell=row.cells["审核结果"], row=row.row, field="审核结果", value=row.result, name=p.name or "", code=p.code))
    return out


def _reject(row: ReviewRow, rev: Review, org: str, rejected: list[dict[str, Any]]) -> None:
    rev.result.findings.append(
        make(REVIEW_REJECTED, rev.path, sheet=row.sheet, cell=row.cells["审核结果"], row=row.row, field="审核结果", value=row.result, name=row.name or "", org=org, opinion=row.opinion or "（无）")
    )
    rejected.append({"org_code": row.org_code, "name": row.name, "opinion": row.opinion, "row": row.row})


def _code_number(code: str) -> tuple[str, int] | None:
    m = PROJECT_CODE_RE.match(code)
    return (m["county"], int(m["number"])) if m else None


def _assign_codes(
    candidates: list[Candidate],
    prev: Catalog | None,
    prev_by_key: dict[tuple[str, str], CatalogProject],
    removed_codes: set[str],
    period: str,
    results: dict[str, FileResult],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Project and course rows with their codes; see the module docstring for the order."""
    highest: dict[str, int] = defaultdict(int)
    prev_courses: dict[str, list[CatalogCourse]] = defaultdict(list)
    if prev is not None:
        for p in prev.projects.values():
            parsed = _code_number(p.code)
            if parsed:
                highest[parsed[0]] = max(highest[parsed[0]], parsed[1])
        for course in prev.courses.values():
            prev_courses[course.project_code].append(course)
    findings: list[Finding] = []
    projects: list[dict[str, Any]] = []
    courses: list[dict[str, Any]] = []
    kept = new = 0
    matched_prev: set[str] = set()

    new_ones = []
    for c in candidates:
        p = prev_by_key.get(c.key)
        if p is not None:
            c.code = p.code
            matched_prev.add(p.code)
            kept += 1
        else:
            new_ones.append(c)
    new_ones.sort(key=lambda c: (c.county_code or "", c.key[0], c.key[1], c.order))
    for c in new_ones:
        assert c.county_code is not None
        highest[c.county_code] += 1
        c.code = f"{c.county_code}-{period}-{highest[c.county_code]:0{PROJECT_NUMBER_WIDTH}d}"
        new += 1

    for c in candidates:
        assert c.code is not None
        projects.append({"项目编码": c.code, **c.values, "目录期次": period})
        drafts = c.courses or [CourseDraft(c.name, c.values.get("学时数"), None)]
        courses.extend(_course_rows(c.code, drafts, prev_courses.get(c.code, []), results[c.path], c))

    carried = 0
    if prev is not None:
        for p in prev.projects.values():
            if p.code in matched_prev or p.code in removed_codes:
                continue
            carried += 1
            findings.append(make(CARRIED_OVER, prev.sources[0] if prev.sources else "", value=p.name, code=p.code))
            projects.append(_previous_row(p, period))
            for course in sorted(prev_courses.get(p.code, []), key=lambda x: x.code):
                courses.append({"课程编码": course.code, "项目编码": p.code, "课程名称": course.name, "课程学时": _tidy(course.hours), "授课教师": course.teacher})
    projects.sort(key=lambda r: _sort_code(r["项目编码"]))
    courses.sort(key=lambda r: (_sort_code(r["项目编码"]), _course_number(r["课程编码"])))
    stats = {"new_projects": new, "kept_codes": kept, "carried_over": carried, "_findings": findings}
    return projects, courses, stats


def _course_rows(code: str, drafts: list[CourseDraft], previous: list[CatalogCourse], result: FileResult, cand: Candidate) -> list[dict[str, Any]]:
    unused = {course.code: course for course in previous}
    highest = max((_course_number(course.code) for course in previous), default=0)
    rows = []
    for d in drafts:
        match = next((pc for pc in unused.values() if name_key(pc.name) == name_key(d.name)), None)
        if match is not None:
            course_code = match.code
            del unused[match.code]
        else:
            highest += 1
            course_code = f"{code}-{highest:0{COURSE_NUMBER_WIDTH}d}"
        rows.append({"课程编码": course_code, "项目编码": code, "课程名称": d.name, "课程学时": d.hours, "授课教师": d.teacher})
    for course in unused.values():
        result.findings.append(make(COURSE_CARRIED_OVER, cand.path, **{**cand.at(), "value": course.name}, code=course.code))
        rows.append({"课程编码": course.code, "项目编码": code, "课程名称": course.name, "课程学时": _tidy(course.hours), "授课教师": course.teacher})
    return rows


def _previous_row(p: CatalogProject, period: str) -> dict[str, Any]:
    return {
        "项目编码": p.code,
        "项目名称": p.name,
        "项目类别": p.category,
        "培训对象": p.targets_text or "、".join(p.targets) or None,
        "培训形式": p.form,
        "培训规模": p.scale,
        "培训时数": _tidy(p.train_hours),
        "学时数": _tidy(p.hours),
        "成果形式": p.outcome,
        "考核方式": p.assessment,
        "申报单位": p.org_name,
        "机构代码": p.org_code,
        "所在市": p.city,
        "所在县": p.county,
        "目录期次": period,
    }


def _tidy(x: float | None) -> Any:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _sort_code(code: str) -> tuple[str, int, str]:
    parsed = _code_number(code)
    return (parsed[0], parsed[1], code) if parsed else ("~", 0, code)


def _course_number(code: str) -> int:
    m = COURSE_CODE_RE.match(code or "")
    return int(m["number"]) if m else 0


# Writing ---------------------------------------------------------------------------------------------


def _write(
    output: Path,
    projects: list[dict[str, Any]],
    courses: list[dict[str, Any]],
    period: str,
    date: dt.date,
    sources: list[str],
    previous: Path | None,
    review: Path | None,
    stats: dict[str, Any],
    force: bool,
    inputs: list[Path],
) -> None:
    from zjcredit.report.output import write_atomic
    from zjcredit.templates import workbook_bytes

    wb = catalog_workbook(projects, courses, period, date, sources, previous, review, stats)
    data = workbook_bytes(wb)
    write_atomic(output, lambda tmp: tmp.write_bytes(data), force=force, inputs=inputs)


def catalog_workbook(
    projects: list[dict[str, Any]],
    courses: list[dict[str, Any]],
    period: str,
    date: dt.date,
    sources: list[str],
    previous: Path | None,
    review: Path | None,
    stats: dict[str, Any],
) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    _table_sheet(wb.active, CATALOG_PROJECTS, projects)
    wb.active.title = CATALOG_PROJECTS.title_zh
    _table_sheet(wb.create_sheet(CATALOG_COURSES.title_zh), CATALOG_COURSES, courses)

    ws = wb.create_sheet("说明")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 80  # with A, fits a portrait A4 page; long lines wrap
    label = "第一、二季度合并" if period.endswith("H1") else ("第三季度" if period.endswith("Q3") else "第四季度")
    lines: list[tuple[str, Any]] = [
        ("目录", "季度培训项目目录（浙学银〔2019〕2号 三（一））"),
        ("目录期次", f"{period}（{period[:4]} 年{label}）"),
        ("编制日期", date),
        ("项目数", len(projects)),
        ("课程数", len(courses)),
        ("新编码项目数", stats.get("new_projects", 0)),
        ("沿用原编码项目数", stats.get("kept_codes", 0) + stats.get("carried_over", 0)),
        ("上一版目录", str(previous) if previous else "无"),
        ("审核结果表", str(review) if review else "无（通过检查的项目全部收录）"),
        ("编码规则", "项目编码 = 县（市、区）行政区划代码-期次-三位序号，如 330106-2019H1-007；课程编码 = 项目编码-两位序号，如 330106-2019H1-007-01。"),
        ("编号顺序", ORDER_ZH),
        ("课程", "申报时未列课程的项目，按一门与项目同名、学时数相同的课程编码。"),
        ("生成工具", f"zjcredit {__version__}"),
    ]
    lines.extend(("来源文件" if i == 0 else "", s) for i, s in enumerate(sources))
    ws["A1"] = "说明"
    ws["A1"].font = Font(size=14, bold=True)
    from zjcredit.report.output import set_text

    for i, (key, value) in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=key).font = Font(bold=True)
        ws.cell(row=i, column=1).alignment = Alignment(vertical="top")
        cell = ws.cell(row=i, column=2)
        set_text(cell, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    from zjcredit.templates import fit_row_heights

    fit_row_heights(ws, 2, len(lines) + 1, columns=(2,))
    from zjcredit.templates import print_setup

    print_setup(ws, landscape=False)
    props = wb.properties
    props.creator = "zjcredit"
    props.title = f"季度培训项目目录 {period}"
    props.created = dt.datetime.combine(date, dt.time())
    return wb


def _table_sheet(ws: Any, schema: TableSchema, rows: list[dict[str, Any]]) -> None:
    from copy import copy

    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from zjcredit.report.output import set_text

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="D9E1F2")
    for c, f in enumerate(schema.fields, start=1):
        cell = ws.cell(row=1, column=c, value=f.name)
        cell.font, cell.fill, cell.border = head_font, fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = f.width
    # One styled cell per column, copied: assigning style objects cell by cell is slow in openpyxl.
    styles = []
    wrap = Alignment(wrap_text=True, vertical="center")
    middle = Alignment(vertical="center")
    for c, f in enumerate(schema.fields, start=1):
        proto = ws.cell(row=2, column=c)
        proto.border = border
        proto.number_format = "@" if f.text_format else "General"
        # Long 申报单位/项目名称 wrap instead of being cut at the next column; codes and numbers stay on one line.
        proto.alignment = wrap if f.type in ("text", "category", "targets") else middle
        styles.append(copy(proto._style))
    for r, row in enumerate(rows, start=2):
        for c, f in enumerate(schema.fields, start=1):
            cell = ws.cell(row=r, column=c)
            cell._style = copy(styles[c - 1])
            set_text(cell, row.get(f.name))
    from zjcredit.templates import fit_row_heights

    fit_row_heights(ws, 2, len(rows) + 1)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(schema.fields))
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"
    ws.print_title_rows = "1:1"
    from zjcredit.templates import print_setup

    print_setup(ws, landscape=True)
