"""`zjcredit summary build` and `zjcredit catalog build`: declarations into the Annex 1 summary and the
quarterly catalog; `zjcredit catalog diff`: what changed between two versions of a catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from zjcredit.cli.app import catalog_app, summary_app
from zjcredit.cli.i18n import T, examples
from zjcredit.cli.options import FailOn, ForceOpt, Lang, LangOpt, MaskIdsOpt, OrgCodeOpt, PathsArg, PlainFormatOpt, QuietOpt, ReportFormatOpt, ReportOpt
from zjcredit.cli.run import check_names, check_outputs, emit, guarded

PreferOpt = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--prefer",
        help=T(
            "同一机构有两份申报表时使用这一份（可多次给出）；默认使用较新的一份（表上日期、文件名中的“修改/更正/第二版”、文件修改时间）。",
            "When an institution has two declarations, use this one (repeatable); by default the newer one is used (the date on the form, a name marked 修改/更正/v2, the file's modification time).",
        ),
        readable=False,
    ),
]

@summary_app.command(
    "build",
    help=T("把各校的申报表（附件2）汇总成申报汇总表（附件1）。", "Merge Annex 2 declarations into an Annex 1 summary."),
    epilog=examples("zjcredit summary build declarations -o 申报汇总表.xlsx --filler 陈静", folder="examples/county"),
)
def summary_build(
    paths: PathsArg,
    output: Annotated[Path, typer.Option("-o", "--output", help=T("输出的汇总表文件（.xlsx）。", "The summary workbook to write (.xlsx)."))],
    region: Annotated[Optional[str], typer.Option("--region", help=T("所在区域，如“杭州市西湖区”；默认取申报表中的地址。", "Region, e.g. 杭州市西湖区; defaults to the declarations' addresses."))] = None,
    filler: Annotated[Optional[str], typer.Option("--filler", help=T("填报人姓名。", "Name of the person filling in."))] = None,
    date: Annotated[Optional[str], typer.Option("--date", help=T("填报时间，写成年-月-日，如 2019-05-20；默认今天。", "Date, as year-month-day, e.g. 2019-05-20; today by default."))] = None,
    include_invalid: Annotated[bool, typer.Option("--include-invalid", help=T("有错误的申报表也汇总进来，并在备注中标明。", "Keep declarations with errors and mark their rows."))] = False,
    force: ForceOpt = False,
    fmt: ReportFormatOpt = None,
    report_output: ReportOpt = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    org_code_pattern: OrgCodeOpt = None,
    prefer: PreferOpt = None,
    mask_ids: MaskIdsOpt = False,
) -> None:
    from zjcredit.documents.declarations.options import DeclarationOptions
    from zjcredit.documents.summary.build import SummaryOptions, build_summary

    options = SummaryOptions(output, region=region, filler=filler, date=date, include_invalid=include_invalid, force=force, declarations=DeclarationOptions(org_code_pattern, tuple(prefer or ())))
    check_outputs(lang.value, output=report_output, force=force, inputs=[*paths, output], fmt=fmt, workbook=output, report_option="--report")  # before the workbook is written
    report = guarded(lang.value, build_summary, paths, options)
    emit(report, fmt, report_output, lang.value, quiet, FailOn.error, None, force, mask_ids=mask_ids, report_option="--report")


@catalog_app.command(
    "build",
    help=T("由申报表或汇总表生成季度培训项目目录，分配项目编码和课程编码。", "Build the quarterly catalog with project and course codes."),
    epilog=examples("zjcredit catalog build declarations --period 2019H1 -o 目录.xlsx", folder="examples/county"),
)
def catalog_build(
    paths: PathsArg,
    period: Annotated[str, typer.Option("--period", help=T("目录期次：年份加 H1（第一、二季度合并，如 2019H1）、Q3 或 Q4（如 2019Q3）；2019Q1、2019Q2 视同 2019H1。", "Period: the year and H1 (Q1 and Q2 merged, e.g. 2019H1), Q3 or Q4 (e.g. 2019Q3); 2019Q1 and 2019Q2 mean 2019H1."))],
    output: Annotated[Path, typer.Option("-o", "--output", help=T("输出的项目目录文件（.xlsx）。", "The catalog workbook to write (.xlsx)."))],
    previous: Annotated[Optional[Path], typer.Option("--previous", help=T("同一期次的上一版目录：已有项目保持原编码。", "The previous catalog of the same period: its projects keep their codes."), readable=False)] = None,
    review: Annotated[Optional[Path], typer.Option("--review", help=T("审核结果表（机构代码、项目名称、审核结果、审核意见）：只收录“通过”的项目。", "Review sheet (机构代码, 项目名称, 审核结果, 审核意见): only approved projects enter."), readable=False)] = None,
    date: Annotated[Optional[str], typer.Option("--date", help=T("编制日期（写入“说明”页），写成年-月-日，如 2019-07-01；默认今天。", "Build date for the 说明 sheet, as year-month-day, e.g. 2019-07-01; today by default."))] = None,
    force: ForceOpt = False,
    fmt: ReportFormatOpt = None,
    report_output: ReportOpt = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    org_code_pattern: OrgCodeOpt = None,
    prefer: PreferOpt = None,
    mask_ids: MaskIdsOpt = False,
) -> None:
    from zjcredit.documents.catalog.build import CatalogOptions, build_catalog
    from zjcredit.documents.declarations.options import DeclarationOptions

    options = CatalogOptions(period, output, previous=previous, review=review, date=date, force=force, declarations=DeclarationOptions(org_code_pattern, tuple(prefer or ())))
    check_outputs(lang.value, output=report_output, force=force, inputs=[*paths, output, *(p for p in (previous, review) if p is not None)], fmt=fmt, workbook=output, report_option="--report")
    report = guarded(lang.value, build_catalog, paths, options)
    emit(report, fmt, report_output, lang.value, quiet, FailOn.error, None, force, mask_ids=mask_ids, report_option="--report")


@catalog_app.command(
    "diff",
    help=T(
        "比较同一期次的两版项目目录：新增、删除（含作废）、修改和未变的项目与课程。退出状态 0 相同，1 有差别，2 用法错误。",
        "Compare two versions of one period's catalog: projects and courses added, removed, changed and kept. Exit 0 identical, 1 different, 2 usage error.",
    ),
    epilog=examples("zjcredit catalog diff catalog-2019H1.xlsx catalog-2019H1-v2.xlsx", folder="examples/county"),
)
def catalog_diff(
    old: Annotated[Path, typer.Argument(metavar=T("原目录", "OLD"), help=T("原来的目录（.xlsx）。", "The earlier catalog (.xlsx)."), show_default=False)],
    new: Annotated[Path, typer.Argument(metavar=T("新目录", "NEW"), help=T("新的目录（.xlsx）。", "The later catalog (.xlsx)."), show_default=False)],
    fmt: PlainFormatOpt = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help=T("另把变化写成可打印的工作簿（.xlsx）。", "Also write the changes as a printable workbook (.xlsx)."))] = None,
    force: ForceOpt = False,
    lang: LangOpt = Lang.zh,
) -> None:
    import sys

    from zjcredit.documents.catalog.diff import compare_catalogs, write_diff_workbook

    if output is not None:
        check_names(lang.value, workbook=output)
    diff = guarded(lang.value, compare_catalogs, old, new)
    if output is not None:
        guarded(lang.value, write_diff_workbook, diff, output, force=force)
    if fmt is None or fmt.value == "table":
        _diff_table(diff, lang.value)
    else:
        guarded(lang.value, sys.stdout.write, diff.to_json() if fmt.value == "json" else diff.to_csv())
    raise typer.Exit(0 if diff.identical else 1)


def _diff_table(diff: object, lang: str) -> None:
    from rich.console import Console

    from zjcredit.documents.catalog.diff import ADDED, CHANGE_ZH, CHANGED, KEPT, KIND_ZH, REMOVED, CatalogDiff
    from zjcredit.report.fit import Column, Grid, draw, terminal_width

    assert isinstance(diff, CatalogDiff)
    en = lang == "en"
    console = Console(highlight=False)
    for kind in ("project", "course"):
        c = diff.counts(kind)
        label = (kind + "s") if en else KIND_ZH[kind]
        if en:
            console.print(f"{label}: {c[ADDED]} added, {c[REMOVED]} removed, {c[CHANGED]} changed, {c[KEPT]} kept")
        else:
            console.print(f"{label}：新增 {c[ADDED]}，删除 {c[REMOVED]}，修改 {c[CHANGED]}，未变 {c[KEPT]}")
    if diff.identical:
        console.print(f"{diff.old} = {diff.new}：" + ("identical" if en else "两版目录相同"))
        return
    heads = ("kind", "change", "code", "name", "field", "old", "new") if en else ("类别", "变化", "编码", "名称", "字段", "原值", "新值")
    rows = []
    for e in diff.changes():
        change = e.change if en else CHANGE_ZH[e.change]
        if e.voided:
            change += " (void)" if en else "（作废）"
        for f, before, after in e.fields or [(None, None, None)]:
            rows.append([e.kind if en else KIND_ZH[e.kind], change, e.code, e.name or "", f or "", "" if before is None else str(before), "" if after is None else str(after)])
    columns = [Column(h, keep=k == 2) for k, h in enumerate(heads)]
    draw(console, Grid(columns, rows), terminal_width(console))
