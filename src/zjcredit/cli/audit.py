"""`zjcredit audit`, `zjcredit stats` and `zjcredit store export`: the province's verification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from zjcredit.cli.app import app, store_app
from zjcredit.cli.i18n import T, examples
from zjcredit.cli.options import FailOn, ForceOpt, Format, Lang, LangOpt, MaskIdsOpt, PlainFormatOpt, QuietOpt, ReportFormatOpt, ReportOpt, VerboseOpt, with_screen_options
from zjcredit.cli.run import check_names, check_outputs, emit, guarded, progress_for, report_format, say_written, stop_progress

StoreOpt = Annotated[Optional[Path], typer.Option("--store", help=T("核查数据库文件（DuckDB）；不存在时新建。不给时只在本次运行的内存中核查。", "The verification store (a DuckDB file), made when missing; without it, this run's files only."))]
LedgersOpt = Annotated[Optional[list[Path]], typer.Option("--ledgers", help=T("过程性台账（文件或文件夹，可多次给出）：据此判断“缺乏相关材料”。", "Process ledgers (files or folders, repeatable): judged for missing materials."))]
YearOpt = Annotated[Optional[int], typer.Option("--year", min=2000, max=2100, help=T("只统计这一年目录期次的成果。", "Count only outcomes of this year's catalog periods."))]
StoreCatalogsOpt = Annotated[Optional[list[Path]], typer.Option("--catalog", help=T(
    "项目目录文件（可多次给出，对应多个期次）；给过的目录存入核查数据库，以后用同一个 --store 时可不再给。",
    "Catalog workbook (repeatable, one per period); stored with --store, so later runs on that store may leave it out.",
))]
OptionalPaths = Annotated[Optional[list[Path]], typer.Argument(metavar=T("路径", "PATH"), help=T("成果表文件或文件夹（有 --store 时可不给：核查数据库中已有的全部成果）。", "Outcome sheets or folders (optional with --store: everything stored)."), show_default=False)]


@app.command(
    help=T(
        "省中心核查：检查全部成果表并对每个机构作出结论（申报备案未落实、缺乏相关材料、数据严重失真），统计年度数据，写出核查报告。",
        "The province's verification: check every outcome sheet, judge each institution (undeclared, materials missing, distorted), count the "
        "yearly figures and write the report.",
    ),
    epilog=examples(
        "zjcredit audit 成果 --catalog 目录_2019H1.xlsx -o 核查.xlsx",
        "zjcredit audit 成果 --catalog 目录_2019H1.xlsx --ledgers 台账 -o 报告.xlsx",
        folder="examples/province",
    ),
)
@with_screen_options
def audit(
    paths: OptionalPaths = None,
    catalog: StoreCatalogsOpt = None,
    output: Annotated[Path, typer.Option("-o", "--output", help=T("核查报告（.xlsx）：核查结论、县区汇总、年度数据、问题明细。", "The report workbook (.xlsx)."))] = ...,  # type: ignore[assignment]
    ledgers: LedgersOpt = None,
    store: StoreOpt = None,
    distorted_share: Annotated[float, typer.Option("--distorted-share", min=0.0, max=1.0, help=T("被数据失真筛查标出的记录占机构记录的比例达到此值即判为“数据严重失真”。", "Share of an institution's rows flagged by the distortion screens that makes it 'distorted'."))] = 0.05,
    report_output: ReportOpt = None,
    fmt: ReportFormatOpt = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    verbose: VerboseOpt = False,
    mask_ids: MaskIdsOpt = False,
    *,
    screens: Any = None,
) -> None:
    from zjcredit.documents.audit.options import AuditOptions
    from zjcredit.documents.audit.run import audit as run

    as_json = report_format(report_output, fmt) == "json"  # on standard output, or in the --report file
    options = AuditOptions(
        tuple(catalog or ()), store, tuple(ledgers or ()), output, distorted_share, None, force, lang.value, screens=screens, mask_ids=mask_ids, findings_json=as_json,
    )
    _need_input(paths, store, lang)
    check_names(lang.value, workbook=output)
    check_outputs(lang.value, output=report_output, force=force, inputs=[*(paths or ()), *(catalog or ())], fmt=fmt, report_option="--report")
    progress = progress_for(quiet, lang.value, verbose)
    try:
        report = guarded(lang.value, run, paths or [], options, progress)
    finally:
        stop_progress(progress)
    emit(report, fmt, report_output, lang.value, quiet, FailOn.error, None, force, mask_ids=mask_ids, report_option="--report", written=("核查报告已写入", "The report was written to"))


@app.command(
    help=T(
        "年度数据（浙学银〔2019〕2号 四（五））：按县（市、区）、机构、项目类别和培训对象统计成果数、学员数、学时、双证制成果和未计入的记录。",
        "The yearly figures by county, institution, category and target group.",
    ),
    epilog=examples(
        "zjcredit stats 成果 --catalog 目录_2019H1.xlsx --year 2019",
        "zjcredit stats 成果 --catalog 目录_2019H1.xlsx -o 年度数据.xlsx",
        folder="examples/province",
    ),
)
def stats(
    paths: OptionalPaths = None,
    catalog: StoreCatalogsOpt = None,
    store: StoreOpt = None,
    year: YearOpt = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help=T("把年度数据连同图表写入此工作簿（.xlsx）。", "Write the figures with charts to this workbook (.xlsx)."))] = None,
    fmt: PlainFormatOpt = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    from zjcredit.documents.audit.options import AuditOptions
    from zjcredit.documents.audit.run import stats as run

    options = AuditOptions(tuple(catalog or ()), store, (), output, year=year, force=force, lang=lang.value)
    _need_input(paths, store, lang)
    if output is not None:
        check_names(lang.value, workbook=output)
    progress = progress_for(quiet, lang.value, verbose)
    try:
        figures, left_out = guarded(lang.value, run, paths or [], options, progress)
    finally:
        stop_progress(progress)
    if output is not None:
        from zjcredit.documents.audit.workbook import write_figures

        guarded(lang.value, write_figures, output, figures, options)
    _emit_figures(figures, fmt, lang.value)
    _tell_left_out(left_out, lang.value, quiet)
    if output is not None and not quiet:
        say_written(("年度数据已写入", "The figures were written to"), output, lang.value)
    raise typer.Exit(2 if any(r.unreadable for r in left_out) else 0)


def _tell_left_out(left_out: list[Any], lang: str, quiet: bool) -> None:
    """On stderr, after the figures: each file they leave out whole, and why — never passed over in
    silence (``--quiet``: only the errors, such as a file that could not be read)."""
    from zjcredit.report.findings import Severity

    err = typer.get_text_stream("stderr")
    colon = ": " if lang == "en" else "："
    for result in left_out:
        for finding in result.findings:
            if quiet and finding.severity is not Severity.ERROR:
                continue
            message = finding.message(lang)
            print(message if message.startswith(result.path) else f"{result.path}{colon}{message}", file=err)
    n = sum(1 for r in left_out if r.unreadable)
    if n:
        print(
            f"以上 {n} 个文件无法读取，年度数据不含其中的记录；改正后重新运行。" if lang != "en"
            else f"{n} file(s) above could not be read: the figures leave out their records. Mend them and run again.",
            file=err,
        )


def _need_input(paths: list[Path] | None, store: Path | None, lang: Lang) -> None:
    if not paths and store is None:
        from zjcredit.cli.run import fail
        from zjcredit.errors import UsageError

        fail(UsageError("请给出成果表文件或文件夹（或用 --store 核查数据库中已有的成果）。", "Give outcome sheets or folders (or --store to use what is stored)."), lang.value)


def _emit_figures(figures: dict[str, Any], fmt: Format | None, lang: str) -> None:
    from zjcredit.report import render

    if fmt is Format.json:
        typer.echo(render.figures_json(figures), nl=False)
    elif fmt is Format.csv:
        typer.echo(render.figures_csv(figures, lang), nl=False)
    else:
        from rich.console import Console

        render.render_figures(figures, lang, Console(highlight=False))


@store_app.command(
    "export",
    help=T(
        "把核查数据库导出为 Parquet 文件（成果记录按目录期次和县（市、区）分区）。核查数据库由 zjcredit audit --store 生成。",
        "Export the store as Parquet files (outcome records partitioned by period and county). The store is written by zjcredit audit --store.",
    ),
    epilog=examples(
        "zjcredit stats 成果 --catalog 目录_2019H1.xlsx --store 核查.duckdb",
        "zjcredit store export 导出 --store 核查.duckdb",
        folder="examples/province",
    ),
)
def store_export(
    directory: Annotated[Path, typer.Argument(metavar=T("文件夹", "DIR"), help=T("导出到这个文件夹。", "The folder to write into."), show_default=False)],
    store: Annotated[Path, typer.Option("--store", help=T("核查数据库文件。", "The store file."))],
    lang: LangOpt = Lang.zh,
    force: ForceOpt = False,
) -> None:
    check_names(lang.value, folder=directory, folder_option="store export")
    from zjcredit.store.export import export

    counts = guarded(lang.value, export, store, directory, force=force)
    for table, n in counts.items():
        typer.echo(f"{table}: {n:,}")
