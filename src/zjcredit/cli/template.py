"""`zjcredit template …`: the blank official workbooks, and the review and outcome sheets prefilled from
declarations or a catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from zjcredit.cli.app import template_app
from zjcredit.cli.i18n import T, examples
from zjcredit.cli.ledger import LedgerCatalogOpt, LedgerProjectOpt
from zjcredit.cli.options import ForceOpt, Lang, LangOpt, OrgCodeOpt, OutOpt
from zjcredit.cli.run import check_names, guarded


def _template(kind: str, output: Path | None, force: bool, lang: str, **kwargs: Any) -> None:
    from zjcredit.templates import DEFAULT_NAMES, write_template

    _check_name(output, lang)

    target = output or Path(DEFAULT_NAMES[kind])
    path = guarded(lang, write_template, kind, target, force=force, **kwargs)
    typer.echo(f"{'Wrote' if lang == 'en' else '已生成'} {path}")


def _report_prefilled(done: Any, lang: str, summary_zh: str, summary_en: str) -> None:
    for path in done.written:
        typer.echo(f"{'Wrote' if lang == 'en' else '已生成'} {path}")
    typer.echo(summary_en if lang == "en" else summary_zh)
    for path, zh, en in done.skipped:
        typer.echo(f"{'Not used' if lang == 'en' else '未使用'}：{path}（{en if lang == 'en' else zh}）", err=True)


@template_app.command(
    "annex1",
    help=T("生成附件1《浙江省成人学校社会培训项目申报汇总表》空白模板。", "Write the blank Annex 1 summary table."),
    epilog=examples("zjcredit template annex1", "zjcredit template annex1 -o 西湖区申报汇总表.xlsx"),
)
def template_annex1(output: OutOpt = None, force: ForceOpt = False, lang: LangOpt = Lang.zh) -> None:
    _template("annex1", output, force, lang.value)


@template_app.command(
    "annex2",
    help=T("生成附件2《浙江省成人学校社会培训项目申报表》空白模板。", "Write the blank Annex 2 declaration form."),
    epilog=examples("zjcredit template annex2", "zjcredit template annex2 --projects 5 -o 三墩成校申报表.xlsx"),
)
def template_annex2(
    output: OutOpt = None,
    projects: Annotated[int, typer.Option("--projects", min=1, max=50, help=T("表中预留的培训项目数（1–50）。", "Number of project blocks (1–50)."))] = 2,
    force: ForceOpt = False,
    lang: LangOpt = Lang.zh,
) -> None:
    _template("annex2", output, force, lang.value, projects=projects)


@template_app.command(
    "outcomes",
    help=T(
        "生成学习成果登记表：空白模板；给出 --catalog 时按项目目录为各机构预先填好（机构代码、只含本机构编码的下拉列表）。",
        "Write the learner-outcome sheet: blank, or with --catalog prefilled per institution (its code, drop-downs of its own codes).",
    ),
    epilog=examples("zjcredit template outcomes", "zjcredit template outcomes --catalog catalog-2019H1.xlsx -o 成果表", folder="examples/county"),
)
def template_outcomes(
    output: OutOpt = None,
    catalogs: Annotated[Optional[list[Path]], typer.Option("--catalog", help=T("项目目录：为目录中的机构生成预填的成果表（可多次给出）。", "Catalog: write sheets prefilled for its institutions (repeatable)."))] = None,
    org: Annotated[Optional[str], typer.Option("--org", help=T("只为这个机构代码生成一份（-o 为文件）；不给时每个机构一份，-o 为文件夹。", "Only this institution (-o is a file); without it one sheet per institution into the folder -o."))] = None,
    force: ForceOpt = False,
    lang: LangOpt = Lang.zh,
) -> None:
    if not catalogs:
        if org is not None:
            guarded(lang.value, _needs_catalog)
        _template("outcomes", output, force, lang.value)
        return
    if output is not None and org is None:  # one sheet per institution into the folder -o
        check_names(lang.value, folder=output, folder_option="-o")
    else:
        _check_name(output, lang.value)
    from zjcredit.documents.catalog.prefill import write_outcome_sheets

    done = guarded(lang.value, write_outcome_sheets, list(catalogs), output, org=org, force=force)
    n = len(done.written)
    _report_prefilled(done, lang.value, f"共 {n} 个机构的成果表，下拉列表中共 {done.rows} 门课程。", f"{n} institution sheet(s), {done.rows} course(s) in their drop-downs.")


def _check_name(output: Path | None, lang: str) -> None:
    """A template is a workbook: -o must end in .xlsx (checked before anything is read)."""
    if output is not None:
        check_names(lang, workbook=output)


def _needs_catalog() -> None:
    from zjcredit.errors import UsageError

    raise UsageError("--org 要与 --catalog 一起使用。", "--org needs --catalog.")


@template_app.command(
    "review",
    help=T(
        "生成审核结果表（catalog build --review 读取）：空白，或用 --from 由申报表、申报汇总表预先填好每个申报的项目。",
        "Write the review sheet read by catalog build --review: blank, or prefilled with every project declared in --from.",
    ),
    epilog=examples("zjcredit template review --from declarations -o 审核结果表.xlsx", folder="examples/county"),
)
def template_review(
    sources: Annotated[Optional[list[Path]], typer.Option("--from", help=T("申报表（附件2）或申报汇总表（附件1），文件或文件夹（可多次给出）。", "Declarations (Annex 2) or summaries (Annex 1), files or folders (repeatable)."))] = None,
    output: OutOpt = None,
    force: ForceOpt = False,
    lang: LangOpt = Lang.zh,
    org_code_pattern: OrgCodeOpt = None,
) -> None:
    if not sources:
        _template("review", output, force, lang.value)
        return
    _check_name(output, lang.value)
    from zjcredit.documents.catalog.prefill import write_review_sheet
    from zjcredit.documents.declarations.options import DeclarationOptions
    from zjcredit.templates import DEFAULT_NAMES

    target = output or Path(DEFAULT_NAMES["review"])
    done = guarded(lang.value, write_review_sheet, list(sources), target, force=force, options=DeclarationOptions(org_code_pattern))
    _report_prefilled(done, lang.value, f"审核结果表中有 {done.rows} 个申报的项目，请填写“审核结果”和“审核意见”。", f"The review sheet lists {done.rows} declared project(s); fill in 审核结果 and 审核意见.")


@template_app.command(
    "ledger",
    help=T(
        "生成过程性台账模板（学员信息表、签到表、项目课程设计表、开展情况记录、学习成果评价表）；给出 --catalog 和 --project 时按目录填好项目信息和课程设计。",
        "Write the process ledger (roster, sign-in sheet, course design, session records, outcome evaluation); with --catalog and --project, filled in for that catalog project.",
    ),
    epilog=examples("zjcredit template ledger", "zjcredit template ledger -o 台账模板.xlsx"),
)
def template_ledger(output: OutOpt = None, catalog: LedgerCatalogOpt = None, project: LedgerProjectOpt = None, force: ForceOpt = False, lang: LangOpt = Lang.zh) -> None:
    if not catalog and project is None:
        _template("ledger", output, force, lang.value)
        return
    _check_name(output, lang.value)
    from zjcredit.documents.ledger.blank import write_ledger_template
    from zjcredit.templates import DEFAULT_NAMES

    path = guarded(lang.value, write_ledger_template, output, force=force, catalogs=list(catalog or []), project=project, default_name=DEFAULT_NAMES["ledger"])
    typer.echo(f"{'Wrote' if lang.value == 'en' else '已生成'} {path}")
