"""`zjcredit validate`: check declarations, summaries, catalogs or outcome sheets, kind by kind."""

from __future__ import annotations

from typing import Annotated

import typer

from zjcredit.cli.app import app
from zjcredit.cli.i18n import T, examples
from zjcredit.cli.options import (
    AnnotateOpt,
    FailOn,
    FailOnOpt,
    ForceOpt,
    FormatOpt,
    Kind,
    Lang,
    LangOpt,
    OrgCodeOpt,
    OutputOpt,
    PathsArg,
    MaskIdsOpt,
    QuietOpt,
    VerboseOpt,
)
from zjcredit.cli.run import check_outputs, emit, guarded, progress_for, stop_progress


@app.command(
    help=T("检查申报表、汇总表、项目目录或学习成果表，列出每个问题所在的单元格。", "Check declarations, summaries, catalogs or outcome sheets and list every problem by cell."),
    epilog=examples("zjcredit validate declarations", "zjcredit validate declarations --output 检查结果.xlsx", folder="examples/county"),
)
def validate(
    paths: PathsArg,
    kind: Annotated[Kind, typer.Option("--kind", help=T("表格类型；auto 为自动识别。", "Document kind; auto recognises it."))] = Kind.auto,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    annotate: AnnotateOpt = None,
    fail_on: FailOnOpt = FailOn.error,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    org_code_pattern: OrgCodeOpt = None,
    verbose: VerboseOpt = False,
    mask_ids: MaskIdsOpt = False,
) -> None:
    from zjcredit.documents.kinds import ValidateOptions
    from zjcredit.documents.validate import validate as run

    check_outputs(lang.value, output=output, annotate=annotate, force=force, inputs=paths, fmt=fmt)
    progress = progress_for(quiet, lang.value, verbose)
    try:
        report = guarded(lang.value, run, paths, kind.value, ValidateOptions(org_code_pattern), progress)
    finally:
        stop_progress(progress)
    emit(report, fmt, output, lang.value, quiet, fail_on, annotate, force, mask_ids=mask_ids)
