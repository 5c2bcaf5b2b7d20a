"""The Typer application and its command groups; each command module adds its commands to these."""

from __future__ import annotations

from typing import Annotated

import typer

from zjcredit import __version__
from zjcredit.cli.i18n import T

app = typer.Typer(
    name="zjcredit",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=T(
        "浙江省终身教育学分银行：社会培训项目申报、目录与学习成果的检查和汇总工具（依据浙学银〔2019〕2号）。",
        "Check and merge Zhejiang credit-bank training declarations, catalogs and learner outcomes (notice 浙学银〔2019〕2号).",
    ),
)
template_app = typer.Typer(no_args_is_help=True, help=T("生成空白的官方表格模板。", "Write the blank official workbooks."))
summary_app = typer.Typer(no_args_is_help=True, help=T("汇总申报表，生成申报汇总表（附件1）。", "Merge declarations into the regional summary (Annex 1)."))
catalog_app = typer.Typer(no_args_is_help=True, help=T("生成季度培训项目目录（含项目编码、课程编码）。", "Build the quarterly training-project catalog with codes."))
outcomes_app = typer.Typer(no_args_is_help=True, help=T("对照项目目录检查学习成果表。", "Check learner outcome sheets against the catalog."))
ledger_app = typer.Typer(no_args_is_help=True, help=T("检查过程性台账（学员信息表、签到表、项目课程设计表、开展情况记录、学习成果评价表）。", "Check process ledgers (roster, sign-in sheets, course design, session records, outcome evaluation)."))
app.add_typer(template_app, name="template")
app.add_typer(summary_app, name="summary")
app.add_typer(catalog_app, name="catalog")
store_app = typer.Typer(no_args_is_help=True, help=T("核查数据库（DuckDB 文件）。", "The verification store (a DuckDB file)."))
app.add_typer(outcomes_app, name="outcomes")
app.add_typer(ledger_app, name="ledger")
app.add_typer(store_app, name="store")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zjcredit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=T("显示版本号并退出。", "Show the version and exit."))] = False,
) -> None:
    """zjcredit."""
