"""The Typer application and its command groups; each command module adds its commands to these.

Typer's own words (用法, 选项, its error sentences) are put into the chosen language by :mod:`.click_zh`,
installed here before any command is defined, with :mod:`.plain_values` (plain values checked without
pydantic). Every group accepts ``--lang`` too, so
``zjcredit --lang en --help`` and ``zjcredit ledger --help --lang en`` work like a command's ``--lang``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from zjcredit import __version__
from zjcredit.cli import click_zh, plain_values
from zjcredit.cli.i18n import T, examples
from zjcredit.cli.options import Lang, LangOpt

click_zh.install()
plain_values.install()

app = typer.Typer(
    name="zjcredit",
    cls=click_zh.LangGroup,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=T(
        "浙江省终身教育学分银行：社会培训项目申报、目录与学习成果的检查和汇总工具（依据浙学银〔2019〕2号）。每个命令加 -h 查看它的说明和示例。",
        "Check and merge Zhejiang credit-bank training declarations, catalogs and learner outcomes (notice 浙学银〔2019〕2号). Add -h to any command for its help and examples.",
    ),
    epilog=examples("zjcredit validate examples/county/declarations", "zjcredit outcomes check -h"),
)
template_app = typer.Typer(
    no_args_is_help=True,
    help=T("生成空白的官方表格模板。", "Write the blank official workbooks."),
    epilog=examples("zjcredit template annex2 -o 项目申报表.xlsx", "zjcredit template outcomes --catalog catalog-2019H1.xlsx -o 成果表", folder="examples/county"),
)
summary_app = typer.Typer(
    no_args_is_help=True,
    help=T("汇总申报表，生成申报汇总表（附件1）。", "Merge declarations into the regional summary (Annex 1)."),
    epilog=examples("zjcredit summary build declarations -o 申报汇总表.xlsx", folder="examples/county"),
)
catalog_app = typer.Typer(
    no_args_is_help=True,
    help=T("生成季度培训项目目录（含项目编码、课程编码）。", "Build the quarterly training-project catalog with codes."),
    epilog=examples(
        "zjcredit catalog build declarations --period 2019H1 -o 目录.xlsx",
        "zjcredit catalog diff catalog-2019H1.xlsx catalog-2019H1-v2.xlsx",
        folder="examples/county",
    ),
)
outcomes_app = typer.Typer(
    no_args_is_help=True,
    help=T("对照项目目录检查学习成果表。", "Check learner outcome sheets against the catalog."),
    epilog=examples("zjcredit outcomes check 成果 --catalog 目录_2019H1.xlsx", folder="examples/province"),
)
ledger_app = typer.Typer(
    no_args_is_help=True,
    help=T("检查过程性台账（学员信息表、签到表、项目课程设计表、开展情况记录、学习成果评价表）。", "Check process ledgers (roster, sign-in sheets, course design, session records, outcome evaluation)."),
    epilog=examples("zjcredit ledger check 台账 --catalog 目录_2019H1.xlsx", folder="examples/ledgers"),
)
store_app = typer.Typer(
    no_args_is_help=True,
    help=T("核查数据库（DuckDB 文件）。", "The verification store (a DuckDB file)."),
    epilog=examples(
        "zjcredit stats 成果 --catalog 目录_2019H1.xlsx --store 核查.duckdb",
        "zjcredit store export 导出 --store 核查.duckdb",
        folder="examples/province",
    ),
)
app.add_typer(template_app, name="template")
app.add_typer(summary_app, name="summary")
app.add_typer(catalog_app, name="catalog")
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
    lang: LangOpt = Lang.zh,
) -> None:
    """zjcredit."""


def _group(lang: LangOpt = Lang.zh) -> None:
    """A group's own options: only --lang (the language was chosen from the command line before parsing)."""


for _sub in (template_app, summary_app, catalog_app, outcomes_app, ledger_app, store_app):
    _sub.callback()(_group)
