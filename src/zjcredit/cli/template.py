"""`zjcredit template …`: the blank official workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from zjcredit.cli.app import template_app
from zjcredit.cli.i18n import T
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
