"""`zjcredit template …`: the blank official workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from zjcredit.cli.app import template_app
from zjcredit.cli.i18n import T
from zjcredit.cli.ledger import LedgerCatalogOpt, LedgerProjectOpt
from zjcredit.cli.options import ForceOpt, Lang, LangOpt, OutOpt
from zjcredit.cli.run import guarded


def _template(kind: str, output: Path | None, force: bool, lang: str, **kwargs: Any) -> None:
    from zjcredit.templates import DEFAULT_NAMES, write_template

    target = output or Path(DEFAULT_NAMES[kind])
    path = guarded(lang, write_template, kind, target, force=force, **kwargs)
    typer.echo(f"{'Wrote' if lang == 'en' else '已生成'} {path}")


@template_app.command("annex1", help=T("生成附件1《浙江省成人学校社会培训项目申报汇总表》空白模板。", "Write the blank Annex 1 summary table."))
def template_annex1(output: OutOpt = None, force: ForceOpt = False, lang: LangOpt = Lang.zh) -> None:
    _template("annex1", output, force, lang.value)


@template_app.command("annex2", help=T("生成附件2《浙江省成人学校社会培训项目申报表》空白模板。", "Write the blank Annex 2 declaration form."))
def template_annex2(
    output: OutOpt = None,
    projects: Annotated[int, typer.Option("--projects", min=1, max=50, help=T("表中预留的培训项目数（1–50）。", "Number of project blocks (1–50)."))] = 2,
    force: ForceOpt = False,
    lang: LangOpt = Lang.zh,
) -> None:
    _template("annex2", output, force, lang.value, projects=projects)


@template_app.command("outcomes", help=T("生成学习成果登记表空白模板。", "Write the blank learner-outcome sheet."))
def template_outcomes(output: OutOpt = None, force: ForceOpt = False, lang: LangOpt = Lang.zh) -> None:
    _template("outcomes", output, force, lang.value)


@template_app.command(
    "ledger",
    help=T(
        "生成过程性台账模板（学员信息表、签到表、项目课程设计表、开展情况记录、学习成果评价表）；给出 --catalog 和 --project 时按目录填好项目信息和课程设计。",
        "Write the process ledger (roster, sign-in sheet, course design, session records, outcome evaluation); with --catalog and --project, filled in for that catalog project.",
    ),
)
def template_ledger(output: OutOpt = None, catalog: LedgerCatalogOpt = None, project: LedgerProjectOpt = None, force: ForceOpt = False, lang: LangOpt = Lang.zh) -> None:
    if not catalog and project is None:
        _template("ledger", output, force, lang.value)
        return
    from zjcredit.documents.ledger.blank import write_ledger_template
    from zjcredit.templates import DEFAULT_NAMES

    path = guarded(lang.value, write_ledger_template, output, force=force, catalogs=list(catalog or []), project=project, default_name=DEFAULT_NAMES["ledger"])
    typer.echo(f"{'Wrote' if lang.value == 'en' else '已生成'} {path}")
