"""`zjcredit summary build` and `zjcredit catalog build`: declarations into the Annex 1 summary and the
quarterly catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from zjcredit.cli.app import catalog_app, summary_app
from zjcredit.cli.i18n import T
from zjcredit.cli.options import FailOn, ForceOpt, FormatOpt, Lang, LangOpt, OrgCodeOpt, PathsArg, QuietOpt, ReportOpt
from zjcredit.cli.run import emit, guarded



@summary_app.command("build", help=T("把各校的申报表（附件2）汇总成申报汇总表（附件1）。", "Merge Annex 2 declarations into an Annex 1 summary."))
def summary_build(
    paths: PathsArg,
    output: Annotated[Path, typer.Option("-o", "--output", help=T("输出的汇总表文件（.xlsx）。", "The summary workbook to write (.xlsx)."))],
    region: Annotated[Optional[str], typer.Option("--region", help=T("所在区域，如“杭州市西湖区”；默认取申报表中的地址。", "Region, e.g. 杭州市西湖区; defaults to the declarations' addresses."))] = None,
    filler: Annotated[Optional[str], typer.Option("--filler", help=T("填报人姓名。", "Name of the person filling in."))] = None,
    date: Annotated[Optional[str], typer.Option("--date", help=T("填报时间 YYYY-MM-DD，默认今天。", "Date YYYY-MM-DD; today by default."))] = None,
    include_invalid: Annotated[bool, typer.Option("--include-invalid", help=T("有错误的申报表也汇总进来，并在备注中标明。", "Keep declarations with errors and mark their rows."))] = False,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    report_output: ReportOpt = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    org_code_pattern: OrgCodeOpt = None,
) -> None:
    from zjcredit.documents.declarations.options import DeclarationOptions
    from zjcredit.documents.summary.build import SummaryOptions, build_summary

    options = SummaryOptions(output, region=region, filler=filler, date=date, include_invalid=include_invalid, force=force, declarations=DeclarationOptions(org_code_pattern))
    report = guarded(lang.value, build_summary, paths, options)
    emit(report, fmt, report_output, lang.value, quiet, FailOn.error, None, force)


@catalog_app.command("build", help=T("由申报表或汇总表生成季度培训项目目录，分配项目编码和课程编码。", "Build the quarterly catalog with project and course codes."))
def catalog_build(
    paths: PathsArg,
    period: Annotated[str, typer.Option("--period", help=T("目录期次：YYYYH1（第一、二季度合并）、YYYYQ3 或 YYYYQ4；YYYYQ1/YYYYQ2 视同 YYYYH1。", "Period: YYYYH1 (Q1+Q2), YYYYQ3 or YYYYQ4; YYYYQ1/YYYYQ2 mean YYYYH1."))],
    output: Annotated[Path, typer.Option("-o", "--output", help=T("输出的项目目录文件（.xlsx）。", "The catalog workbook to write (.xlsx)."))],
    previous: Annotated[Optional[Path], typer.Option("--previous", help=T("同一期次的上一版目录：已有项目保持原编码。", "The previous catalog of the same period: its projects keep their codes."))] = None,
    review: Annotated[Optional[Path], typer.Option("--review", help=T("审核结果表（机构代码、项目名称、审核结果、审核意见）：只收录“通过”的项目。", "Review sheet (机构代码, 项目名称, 审核结果, 审核意见): only approved projects enter."))] = None,
    date: Annotated[Optional[str], typer.Option("--date", help=T("编制日期 YYYY-MM-DD（写入“说明”页），默认今天。", "Build date YYYY-MM-DD for the 说明 sheet; today by default."))] = None,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    report_output: ReportOpt = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    org_code_pattern: OrgCodeOpt = None,
) -> None:
    from zjcredit.documents.catalog.build import CatalogOptions, build_catalog
    from zjcredit.documents.declarations.options import DeclarationOptions

    options = CatalogOptions(period, output, previous=previous, review=review, date=date, force=force, declarations=DeclarationOptions(org_code_pattern))
    report = guarded(lang.value, build_catalog, paths, options)
    emit(report, fmt, report_output, lang.value, quiet, FailOn.error, None, force)
