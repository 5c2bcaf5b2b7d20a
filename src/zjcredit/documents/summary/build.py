"""`zjcredit summary build`: merge Annex 2 declarations into the regional summary (Annex 1).

Each declaration is checked with the same rules as ``zjcredit validate``; one with errors is left out
(or kept and marked with ``--include-invalid``). Declarations are then checked against each other: one
机构代码 per 申报单位 and back, and no project declared twice by one institution
(:mod:`zjcredit.documents.declarations.inputs`, :mod:`.rows`). The workbook is written by :mod:`.workbook`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjcredit.documents.common import skipped_results
from zjcredit.documents.declarations.inputs import (
    Item,
    declaration_position,
    discover_inputs,
    exclude_declaration,
    excluded_table,
    read_declarations,
    read_inputs,
)
from zjcredit.documents.declarations.options import DeclarationOptions, parse_date_option
from zjcredit.documents.summary.rows import Region, summary_rows
from zjcredit.domain import divisions
from zjcredit.domain.normalize import clean_text
from zjcredit.errors import UsageError
from zjcredit.report.findings import FileResult, Report, SummaryTable, make, register


@dataclass(frozen=True)
class SummaryOptions:
    """What `summary build` is asked for; ``region`` and ``date`` as written on the command line."""

    output: Path
    region: str | None = None  # --region, e.g. 杭州市西湖区; taken from the declarations' addresses when None
    filler: str | None = None  # 填报人
    date: str | None = None  # 填报时间, YYYY-MM-DD; today when None
    include_invalid: bool = False  # keep declarations with errors, their rows marked
    force: bool = False  # overwrite an existing output
    declarations: DeclarationOptions = field(default_factory=DeclarationOptions)


def build_summary(paths: Iterable[str | Path], options: SummaryOptions) -> Report:
    """Merge the Annex 2 declarations under ``paths`` into an Annex 1 workbook at ``options.output``.

    ``report.extra``: ``output`` (None when nothing was written), ``projects``, ``declarations``,
    ``excluded`` and ``duplicates``; ``report.status`` is 0 (written, nothing left out), 1 (written, but some
    declaration, project or file was left out or kept with errors) or 2 (nothing could be written; or
    written, but an input could not be read at all — the contract's 2).
    """
    from zjcredit.documents.summary.workbook import write_summary
    from zjcredit.report.output import check_target

    output = Path(options.output)
    fill_date = parse_date_option(options.date)
    chosen_region = region_from_option(options.region) if options.region else None
    sources = discover_inputs(paths, prefer=options.declarations.prefer)
    check_target(output, options.force, [s.path for s in sources])
    inputs = read_inputs(sources, ("annex2",))

    report = Report("summary build")
    report.files.extend(inp.result for inp in inputs)
    report.files.extend(skipped_results(sources.skipped, output))
    kept, excluded = _sort_out(read_declarations(inputs, options.declarations), options.include_invalid)
    rows, duplicates = summary_rows(kept)
    report.extra.update({"projects": len(rows), "declarations": len(kept), "excluded": excluded, "duplicates": duplicates, "output": None})
    report.tables = [_result_table(None, len(rows), len(kept), len(excluded))]
    if excluded:
        report.tables.append(excluded_table(excluded, "未汇总的申报表", "Declarations left out"))
    if not rows:
        report.status = 2
        return report

    out_result = FileResult(str(output), "annex1", len(rows), output=True)
    region = chosen_region if chosen_region is not None else _region_of(kept, out_result)
    filler = clean_text(options.filler)
    if not filler:
        out_result.findings.append(make(FILLER_MISSING, str(output)))
    write_summary(output, rows, region, filler, fill_date, options.force, [inp.source.path for inp in inputs])
    report.files.append(out_result)
    report.extra["output"] = str(output)
    report.tables[0] = _result_table(str(output), len(rows), len(kept), len(excluded))
    left_out = bool(excluded or duplicates) or any(inp.grid is None for inp in inputs) or any(it.all_errors for it in kept)
    report.status = 2 if report.any_unreadable else (1 if left_out else 0)  # written all the same
    return report


def _result_table(output: str | None, projects: int, declarations: int, excluded: int) -> SummaryTable:
    return SummaryTable(
        "已生成申报汇总表" if output else "未生成汇总表：没有可汇总的申报表",
        "Summary written" if output else "No summary written: no declaration could be used",
        ["输出文件", "项目数", "汇总的申报表", "未汇总的申报表"],
        ["output", "projects", "declarations used", "declarations left out"],
        [[output or "—", projects, declarations, excluded]],
    )


# Declarations with errors -----------------------------------------------------------------------------

DECLARATION_KEPT_WITH_ERRORS = register(
    "declaration-included-with-errors",
    "warning",
    "申报表（{org}）有 {errors} 个错误，按 --include-invalid 仍汇入汇总表，其 {projects} 行已标红并在“备注”列注明。",
    "The declaration ({org}) has {errors} error(s); kept because of --include-invalid, its {projects} row(s) are marked red with a note in 备注.",
    title_zh="有错误的申报表按要求仍汇总",
    title_en="declaration with errors kept on request",
)


def _sort_out(items: list[Item], include_invalid: bool) -> tuple[list[Item], list[dict[str, Any]]]:
    """The declarations to summarise and the entries of those left out for errors."""
    kept: list[Item] = []
    excluded: list[dict[str, Any]] = []
    for item in items:
        item.input.result.findings.extend(item.extra)
        if item.all_errors and not include_invalid:
            excluded.append(exclude_declaration(item, "汇总表", "summary", "，或加 --include-invalid 保留并标注", ", or add --include-invalid to keep and mark it"))
            continue
        if item.all_errors:
            at = declaration_position(item)
            item.input.result.findings.append(make(DECLARATION_KEPT_WITH_ERRORS, item.path, **at, org=item.org_label, errors=len(item.all_errors), projects=len(item.decl.projects)))
        kept.append(item)
    return kept, excluded


# The header lines -------------------------------------------------------------------------------------

REGION_UNDETERMINED = register(
    "region-undetermined",
    "warning",
    "无法从申报表的地址确定统一的所在区域（{detail}），汇总表“所在区域”{action}。可用 --region 指定，如 --region 杭州市西湖区。",
    "No single region could be taken from the declarations' addresses ({detail_en}); the summary's 所在区域 {action_en}. Pass --region, e.g. --region 杭州市西湖区.",
    title_zh="所在区域无法确定",
    title_en="region could not be determined",
)
FILLER_MISSING = register(
    "filler-missing",
    "warning",
    "汇总表的“填报人”为空。请用 --filler 姓名 指定。",
    "The summary's 填报人 is empty; pass --filler NAME.",
    title_zh="未指定填报人",
    title_en="no filler given",
)


def region_from_option(text: str) -> Region:
    """The --region option; naming no Zhejiang city or county is a usage error."""
    place = divisions.resolve_address(text)
    if place.city is None and place.county is None:
        county = divisions.county_by_name(text)
        if county is not None:
            return Region(county.city_name, county.name)
        raise UsageError(
            f"--region “{text}” 中找不到浙江省的市或县（市、区）。请写成“杭州市西湖区”或“杭州市”这样的形式。",
            f"--region '{text}' names no Zhejiang city or county; write it like 杭州市西湖区 or 杭州市.",
        )
    return Region(place.city, place.county)


def _region_of(items: list[Item], result: FileResult) -> Region:
    """The declarations' common county (or city); region-undetermined on ``result`` when there is none."""
    region, problem = region_from_items(items)
    if problem is not None:
        detail, detail_en, action, action_en = problem
        result.findings.append(make(REGION_UNDETERMINED, result.path, detail=detail, detail_en=detail_en, action=action, action_en=action_en))
    return region


def region_from_items(items: list[Item]) -> tuple[Region, tuple[str, str, str, str] | None]:
    """The declarations' common county (or city); the second value explains a partial result."""
    places = {(it.decl.place.city, it.decl.place.county) for it in items}
    cities = {c for c, _ in places if c}
    counties = {(c, k) for c, k in places if k}
    if len(counties) == 1 and len(places) == 1:
        city, county = next(iter(counties))
        return Region(city, county), None
    if len(cities) == 1:
        city = next(iter(cities))
        names = "、".join(sorted(k for _, k in counties)) or "未写明"
        return Region(city, None), (f"县（市、区）有 {names}", f"counties: {names}", f"只填了“{city}”", f"shows only {city}")
    if not cities:
        return Region(), ("地址中没有可识别的市、县", "no city or county recognised in the addresses", "留空", "is left empty")
    names = "、".join(sorted(cities))
    return Region(), (f"涉及 {names}", f"cities: {names}", "留空", "is left empty")

