"""`zjcredit ledger check`: process ledgers against the catalogs (and the outcome sheets), with the screens
across ledgers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from zjcredit.cli.app import ledger_app
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
    with_ledger_screen_options,
)
from zjcredit.cli.run import check_outputs, emit, guarded, progress_for, stop_progress

OutcomesOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--outcomes", help=T("学习成果表（文件或文件夹，可多次给出）：核对有成果的项目都有台账、成果学员都在台账中并经过评价。", "Outcome sheets (files or folders, repeatable): every project with outcomes has a ledger, every outcome learner is on it and evaluated.")),
]
MinAttendanceOpt = Annotated[
    float,
    typer.Option("--min-attendance", min=0.0, max=1.0, help=T("出勤比例低于此值却考核通过时警告（ledger-low-attendance），默认 0.67（三分之二）。", "Warn when a learner who passed attended less than this share of the sessions (ledger-low-attendance); default 0.67.")),
]


@ledger_app.command(
    "check",
    help=T("检查过程性台账：五个部分是否齐全、名册与签到和评价是否一致、日期、学时与课程，并做跨台账筛查。", "Check process ledgers: all five parts, roster against sign-ins and evaluation, dates, hours and courses, and screens across ledgers."),
    epilog=examples("zjcredit ledger check 台账 --catalog 目录_2019H1.xlsx", "zjcredit ledger check 台账 --catalog 目录_2019H1.xlsx --output 结果.xlsx", folder="examples/ledgers"),
)
@with_ledger_screen_options
def ledger_check(
    paths: PathsArg,
    catalog: CatalogsOpt,
    outcomes: OutcomesOpt = None,
    min_attendance: MinAttendanceOpt = 0.67,
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
    from zjcredit.documents.ledger.check import LedgerOptions, check_ledgers

    options = LedgerOptions(min_attendance=min_attendance, outcomes=tuple(outcomes or ()), screens=screens)
    check_outputs(lang.value, output=output, annotate=annotate, force=force, inputs=[*paths, *catalog, *(outcomes or ())], fmt=fmt)
    progress = progress_for(quiet, lang.value, verbose)
    try:
        report = guarded(lang.value, check_ledgers, paths, list(catalog), options, progress)
    finally:
        stop_progress(progress)
    emit(report, fmt, output, lang.value, quiet, fail_on, annotate, force, mask_ids=mask_ids)

# `zjcredit template ledger` (in :mod:`.template`) takes these.
LedgerCatalogOpt = Annotated[
    Optional[list[Path]],
    typer.Option("--catalog", help=T("项目目录（可多次给出）：按其中 --project 给出的项目填好台账的项目信息和课程设计。", "Catalog (repeatable): fill the ledger in for the --project it lists.")),
]
LedgerProjectOpt = Annotated[
    Optional[str],
    typer.Option("--project", help=T("项目编码：为目录中的这个项目生成台账（与 --catalog 一起用）。", "Project code: the catalog project the ledger is for (with --catalog).")),
]
