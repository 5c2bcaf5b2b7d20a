"""Options shared by the commands, defined once; and the screens' thresholds as options.

Every command that reports findings takes the same reporting options (:data:`FormatOpt` …). The screens'
thresholds are not written here: :func:`with_screen_options` adds one option per threshold that the outcome
screens declare (:mod:`zjcredit.screens`), :func:`with_ledger_screen_options` the same for the ledger
screens (:mod:`zjcredit.documents.ledger.screens`), so a new screen brings its options with it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from zjcredit.cli.i18n import T


class Kind(str, Enum):
    auto = "auto"
    annex1 = "annex1"
    annex2 = "annex2"
    catalog = "catalog"
    outcomes = "outcomes"
    ledger = "ledger"


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


# Options shared by every reporting command ---------------------------------------------------------
FormatOpt = Annotated[Optional[Format], typer.Option("--format", "-f", help=T("输出格式：table（表格）、json 或 csv。默认是表格，屏幕上和重定向到文件时都一样；给出 --output 时按它的扩展名（.json、.csv、.txt、.xlsx）决定。", "Output format: table, json or csv. The table by default, on a terminal and when redirected alike; with --output, its extension (.json, .csv, .txt, .xlsx) decides."))]
# Commands whose findings report goes to --report: the format of what they print; the file's is its extension's.
ReportFormatOpt = Annotated[Optional[Format], typer.Option("--format", "-f", help=T("屏幕上的输出格式：table（表格）、json 或 csv，默认是表格（重定向到文件时也一样）。--report 写入的文件按它的扩展名决定格式，给出 --format 时两者须一致。", "Format of what is printed: table, json or csv; the table by default (redirected too). The --report file's format is its extension's; with --format the two must agree."))]
# Commands that print one document and write no findings report (stats, catalog diff, rules).
PlainFormatOpt = Annotated[Optional[Format], typer.Option("--format", "-f", help=T("输出格式：table（表格）、json 或 csv，默认是表格（重定向到文件时也一样）。", "Output format: table, json or csv; the table by default (redirected too)."))]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", help=T("另把完整报告写入此文件：.xlsx（问题清单工作簿）、.json、.csv 或 .txt（表格文本）。", "Also write the full report to this file: .xlsx (a findings workbook), .json, .csv or .txt (the table as text)."))]
AnnotateOpt = Annotated[Optional[Path], typer.Option("--annotate", help=T("在此文件夹中为每个输入写一份标出问题单元格的副本（*.checked.xlsx）。", "Write a copy of each input with its problem cells marked (*.checked.xlsx) into this folder."))]
FailOnOpt = Annotated[FailOn, typer.Option("--fail-on", help=T("达到此级别的问题时退出状态为 1：error 或 warning。", "Exit with status 1 when findings reach this level: error or warning."))]


def _chosen_lang(ctx: typer.Context, param: typer.CallbackParam, value: Lang) -> Lang:
    """A command's --lang when given to it; else the language of the whole command line (``--lang`` before
    the command, as in ``zjcredit --lang en validate …``, or ZJCREDIT_LANG)."""
    from typer._click.core import ParameterSource

    from zjcredit.cli.click_zh import current

    if ctx.get_parameter_source(param.name or "lang") is ParameterSource.COMMANDLINE:
        return value
    return Lang(current())


LangOpt = Annotated[Lang, typer.Option("--lang", callback=_chosen_lang, show_default=False, help=T("信息语言：zh（中文）或 en（英文）。不给时为中文，或环境变量 ZJCREDIT_LANG 所说的语言（ZJCREDIT_LANG=en 为英文）。", "Language of messages: zh or en. Without it, Chinese, or the language ZJCREDIT_LANG names (ZJCREDIT_LANG=en for English)."))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=T("表格输出只显示每个文件的汇总行；不显示进度。", "Table output shows only the summary lines; no progress."))]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help=T("进度中逐个列出已读取的文件及用时。", "List each file read, with its time, in the progress."))]
MaskIdsOpt = Annotated[bool, typer.Option("--mask-ids", help=T("在报告和标注副本中遮盖身份证号和电话号码（如 330106********123X、138****5678、0571-****6666），行和单元格位置不变；外发或共享报告时使用。", "Mask resident IDs and phone numbers in reports and annotated copies (330106********123X, 138****5678, 0571-****6666), keeping rows and cells; use it when sharing reports."))]
OrgCodeOpt = Annotated[Optional[str], typer.Option("--org-code-pattern", help=T("机构代码的格式（正则表达式，供熟悉的人调整）。不给时，机构代码应为 4–30 位字母、数字或连字符。", "The format of 机构代码, as a regular expression (for those who know them). Without it, a code is 4–30 letters, digits or hyphens."))]
ForceOpt = Annotated[bool, typer.Option("--force", help=T("允许覆盖已存在的输出文件。", "Allow overwriting an existing output file."))]
PathsArg = Annotated[list[Path], typer.Argument(metavar=T("路径", "PATH"), help=T("要检查的文件或文件夹（文件夹会递归读取）。", "Files or folders to read (folders recursively)."), show_default=False, readable=False)]
OutOpt = Annotated[Optional[Path], typer.Option("-o", "--output", help=T("输出文件名（默认在当前文件夹）。", "Output file (default: in the current folder)."))]
ReportOpt = Annotated[Optional[Path], typer.Option("--report", help=T("把检查报告写入此文件：.xlsx（问题清单工作簿）、.json、.csv 或 .txt。", "Write the findings report to this file: .xlsx (a findings workbook), .json, .csv or .txt."))]
CatalogsOpt = Annotated[list[Path], typer.Option("--catalog", help=T("项目目录文件（可多次给出，对应多个期次）。", "Catalog workbook (repeatable, one per period)."), readable=False)]


def with_screen_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add an option for every outcome screen's threshold to ``command``; it receives them as one
    ``screens`` argument (a :class:`~zjcredit.screens.ScreenOptions`)."""
    from zjcredit.screens import ScreenOptions, cli_options

    return with_threshold_options(command, cli_options(), ScreenOptions.from_flags)


def with_ledger_screen_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The same for the screens across process ledgers (a
    :class:`~zjcredit.documents.ledger.screens.LedgerScreenOptions`)."""
    from zjcredit.documents.ledger.screens import LedgerScreenOptions, cli_options

    return with_threshold_options(command, cli_options(), LedgerScreenOptions.from_flags)


def with_threshold_options(command: Callable[..., Any], specs: list[Any], build: Callable[..., Any]) -> Callable[..., Any]:
    """Add an option for each threshold of ``specs`` (:class:`~zjcredit.screens.Option`) to ``command``;
    it receives them as one ``screens`` argument, ``build(**values by option dest)``."""
    from zjcredit.cli.i18n import HELP_LANG

    import typing

    signature = inspect.signature(command)
    hints = typing.get_type_hints(command, include_extras=True)  # the command's own annotations, resolved
    params = [p.replace(annotation=hints[p.name]) for p in signature.parameters.values() if p.name != "screens"]
    annotations = {k: v for k, v in hints.items() if k not in ("screens", "return")}
    for opt in specs:
        help_text = opt.help_en if HELP_LANG == "en" else opt.help_zh
        info = typer.Option(opt.flag, min=opt.minimum, help=help_text)
        annotation = Annotated[opt.type, info]  # type: ignore[valid-type]
        params.append(inspect.Parameter(opt.dest, inspect.Parameter.KEYWORD_ONLY, default=opt.default, annotation=annotation))
        annotations[opt.dest] = annotation

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {opt.dest: kwargs.pop(opt.dest) for opt in specs if opt.dest in kwargs}
        return command(*args, screens=build(**given), **kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = annotations
    del wrapper.__wrapped__  # Typer reads the signature above, not the command's own
    return wrapper
