"""`zjcredit outcomes check`: outcome sheets against the catalogs, with the audit screens."""

from __future__ import annotations

from typing import Any

from zjcredit.cli.app import outcomes_app
from zjcredit.cli.i18n import T, examples
from zjcredit.cli.options import (
    AnnotateOpt,
    CatalogsOpt,
    FailOn,
    FailOnOpt,
    ForceOpt,
    FormatOpt,
    Lang,
    LangOpt,
    OutputOpt,
    PathsArg,
    MaskIdsOpt,
    QuietOpt,
    VerboseOpt,
    with_screen_options,
)
from zjcredit.cli.run import check_outputs, emit, guarded, progress_for, stop_progress


@outcomes_app.command(
    "check",
    help=T("对照项目目录检查学习成果表：编码匹配、身份证号、电话、学时、日期和数据失真筛查。", "Check outcome sheets against the catalog: codes, IDs, phones, hours, dates and audit screens."),
    epilog=examples("zjcredit outcomes check 成果 --catalog 目录_2019H1.xlsx", "zjcredit outcomes check 成果 --catalog 目录_2019H1.xlsx --output 结果.xlsx", folder="examples/province"),
)
@with_screen_options
def outcomes_check(
    paths: PathsArg,
    catalog: CatalogsOpt,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    annotate: AnnotateOpt = None,
    fail_on: FailOnOpt = FailOn.error,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    verbose: VerboseOpt = False,
    mask_ids: MaskIdsOpt = False,
    *,
    screens: Any = None,
) -> None:
    from zjcredit.documents.outcomes.check import OutcomeOptions, check_outcomes

    check_outputs(lang.value, output=output, annotate=annotate, force=force, inputs=[*paths, *catalog], fmt=fmt)
    progress = progress_for(quiet, lang.value, verbose)
    try:
        report = guarded(lang.value, check_outcomes, paths, catalog, OutcomeOptions(screens=screens), progress)
    finally:
        stop_progress(progress)
    emit(report, fmt, output, lang.value, quiet, fail_on, annotate, force, mask_ids=mask_ids)
