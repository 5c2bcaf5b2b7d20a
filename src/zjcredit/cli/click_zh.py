"""Typer's own words in the clerk's language: 用法, 选项, [默认：…], and its error sentences in Chinese.

Typer 0.29 carries its own copy of Click (``typer._click``). Only a few of its words go through gettext
(``typer.core``'s section titles, "default: …", "required", "No such command …"); the rest are English
literals in the code that formats help and errors. :func:`install` therefore does two things, once:

- it points ``typer.core``'s gettext name ``_`` at :data:`CATALOG`, a dict-based gettext translation of
  every msgid that module uses (a test keeps the two in step);
- it wraps the few functions that write English literals (the usage line, the help option's help, the
  error sentences, the type and range shown beside an option) so they write Chinese.

Every wrapped place asks :func:`zh` at the moment it writes, so ``--lang en`` or ``ZJCREDIT_LANG=en``
(read by :class:`LangGroup` from the command line it runs) gives Typer's English words back unchanged.

Independently of the language, help text is wrapped by display width (:mod:`.width`).
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable, Sequence
from typing import Any

import typer
import typer._click._textwrap as click_textwrap
import typer._click.core as click_core
import typer._click.formatting as click_formatting
import typer._coercion as typer_coercion
import typer._param_types as typer_param_types
import typer.core as typer_core
from typer._click import exceptions as click_exceptions
from typer._click._compat import get_text_stderr
from typer._click.utils import echo

from zjcredit.cli.i18n import requested_lang
from zjcredit.cli.width import DisplayWidthWrapper, cell_width, short_help

_state = {"lang": requested_lang()}


def use(lang: str) -> None:
    """Speak ``lang`` ('zh' or 'en') from now on."""
    _state["lang"] = "en" if lang == "en" else "zh"


def current() -> str:
    return _state["lang"]


def zh() -> bool:
    return _state["lang"] != "en"


# typer.core's gettext msgids -------------------------------------------------------------------------

MESSAGES: dict[str, str] = {
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（运行时决定）",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令：请写上要运行的命令（加 -h 可查看有哪些命令）。",
    "No such command {name!r}.": "没有 {name} 这个命令。",
}


class Catalog(gettext.NullTranslations):
    """A gettext translation held in a dict; English (the msgid itself) while the language is 'en'."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message) if zh() else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


CATALOG = Catalog(MESSAGES)


# Help pages -------------------------------------------------------------------------------------------

TYPE_WORDS = {  # the type Typer shows beside an option, without <>: (zh, en)
    "Path": ("路径", "path"),
    "path": ("路径", "path"),
    "file": ("文件", "file"),
    "str": ("文字", "text"),
    "int": ("整数", "integer"),
    "int range": ("整数", "integer"),
    "float": ("数字", "number"),
    "float range": ("数字", "number"),
    "bool": ("是或否", "yes/no"),
    "datetime": ("日期", "date"),
}


def type_word(label: str) -> str:
    """'<list[Path]>' → '<路径>'; '<int range>' → '<整数>'; choices ('<zh|en>') as they are."""
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    while inner.startswith("list[") and inner.endswith("]"):
        inner = inner[5:-1]
    words = TYPE_WORDS.get(inner)
    if words:
        inner = words[0] if zh() else words[1]
    return f"<{inner}>"


def number_range(minimum: float | None, maximum: float | None) -> str | None:
    """The bounds shown in an option's help: '最小 2', '0–1', never 'x>=2'."""
    if minimum is None and maximum is None:
        return None
    if maximum is None:
        return f"最小 {minimum}" if zh() else f"at least {minimum}"
    if minimum is None:
        return f"最大 {maximum}" if zh() else f"at most {maximum}"
    return f"{minimum}–{maximum}" if zh() else f"{minimum} to {maximum}"


HELP_OPTION_HELP = ("Show this message and exit.", "显示此帮助并退出。")


# Error sentences --------------------------------------------------------------------------------------

# English sentences Typer composes (ctx.fail, parser errors), as patterns, and their Chinese.
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?P<msg>.*?)\.? Did you mean (?P<names>.*)\?", re.DOTALL), "{msg}是不是要用 {names}？"),
    (re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", re.DOTALL), "多出来的内容：{args}。请检查是否多写了文件名，或文件名中有空格却没加引号。"),
    (re.compile(r"Option '(?P<opt>[^']*)' requires an argument\.", re.DOTALL), "选项 {opt} 后面要写一个值。"),
    (re.compile(r"Option '(?P<opt>[^']*)' requires (?P<n>\d+) arguments\.", re.DOTALL), "选项 {opt} 后面要写 {n} 个值。"),
    (re.compile(r"Option '(?P<opt>[^']*)' does not take a value\.", re.DOTALL), "选项 {opt} 后面不带值。"),
    (re.compile(r"Argument '(?P<arg>[^']*)' takes (?P<n>\d+) values\.", re.DOTALL), "参数 {arg} 要写 {n} 个值。"),
    (re.compile(r"Value must be an iterable\.", re.DOTALL), "这里要写一个或多个值。"),
    (re.compile(r"Could not open file '(?P<name>.*)': (?P<why>.*)", re.DOTALL), "打不开文件 {name}：{why}"),
    (re.compile(r"No such option: (?P<opt>\S+)", re.DOTALL), "没有 {opt} 这个选项。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' does not exist\.", re.DOTALL), "找不到 {name}：请检查路径是否正确。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' is a file\.", re.DOTALL), "{name} 是一个文件，这里要写文件夹。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' is a directory\.", re.DOTALL), "{name} 是一个文件夹，这里要写文件。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' is not readable\.", re.DOTALL), "没有读取 {name} 的权限。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' is not writable\.", re.DOTALL), "没有写入 {name} 的权限。"),
    (re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.*)\.", re.DOTALL), "“{value}”不是可选的值，可选：{choices}。"),
]


def translate(message: str) -> str:
    """An English sentence of Typer's in Chinese (when the language is Chinese and the sentence known)."""
    if not zh():
        return message
    for pattern, template in PATTERNS:
        match = pattern.fullmatch(message.strip())
        if match:
            parts = dict(match.groupdict())
            if "msg" in parts:
                parts["msg"] = translate(parts["msg"])
            if "choices" in parts:
                parts["choices"] = _choice_list(parts["choices"])
            return template.format(**parts)
    return message


def _choice_list(text: str) -> str:
    return "、".join(part.strip().strip("'") for part in text.split(","))


def _param_name(param: Any) -> str:
    """'选项 --catalog' / '参数 路径' (zh), "'--catalog'" (en) for an error sentence."""
    if getattr(param, "param_type_name", None) == "option":
        return "选项 " + " / ".join(param.opts or [param.display_name_raw])
    return "参数 " + str(param.display_name_raw)


def _hint(exc: Any) -> str:
    if exc.param_hint is not None:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        return " / ".join(h.strip("'") for h in hints)
    if exc.param is not None:
        return _param_name(exc.param)
    return ""


def _choices(param: Any) -> list[str]:
    from typer._param_types import choice_as_str

    desc = getattr(param, "type_descriptor", None)
    if desc is None or not desc.is_choice or not desc.choices:
        return []
    return [choice_as_str(c) for c in desc.choices]


def pydantic_message(exc: Any) -> str | None:
    """The first error of a pydantic ValidationError (how Typer checks values) as a sentence in the chosen
    language: "“1”太小：最小为 2。" rather than "Input should be greater than or equal to 2"."""
    errors = exc.errors()
    if not errors:
        return None
    error = errors[0]
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    z = zh()
    shown = (f"“{value}”" if z else f"'{value}'") if value is not None else ("这个值" if z else "The value")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{shown}不是整数。" if z else f"{shown} is not a whole number."
    if kind in ("float_parsing", "float_type", "decimal_parsing"):
        return f"{shown}不是数字。" if z else f"{shown} is not a number."
    if kind == "greater_than_equal":
        return f"{shown}太小：最小为 {ctx.get('ge')}。" if z else f"{shown} is too small: the least allowed is {ctx.get('ge')}."
    if kind == "greater_than":
        return f"{shown}太小：应大于 {ctx.get('gt')}。" if z else f"{shown} is too small: it must be more than {ctx.get('gt')}."
    if kind == "less_than_equal":
        return f"{shown}太大：最大为 {ctx.get('le')}。" if z else f"{shown} is too large: the most allowed is {ctx.get('le')}."
    if kind == "less_than":
        return f"{shown}太大：应小于 {ctx.get('lt')}。" if z else f"{shown} is too large: it must be less than {ctx.get('lt')}."
    if kind == "bool_parsing":
        return f"{shown}不是“是”或“否”（可写 yes 或 no）。" if z else f"{shown} is not yes or no."
    if kind == "value_error" and "error" in ctx:
        return translate(str(ctx["error"]))
    if kind in ("date_parsing", "date_from_datetime_parsing", "datetime_parsing"):
        return f"{shown}不是有效的日期，请写成 2019-07-01 这样的形式。" if z else f"{shown} is not a date; write it like 2019-07-01."
    return None


# The patches: each ``replacement(original, *args)`` stands in for ``original`` ----------------------

def _patch(owner: Any, name: str, replacement: Callable[..., Any]) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def patched(*args: Any, **kwargs: Any) -> Any:
        return replacement(original, *args, **kwargs)

    setattr(owner, name, patched)


def _write_heading(original: Callable[..., Any], self: Any, heading: str) -> None:
    if not zh():
        return original(self, heading)
    self.write(f"{'':>{self.current_indent}}{heading}：\n")
    return None


def _write_usage(original: Callable[..., Any], self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
    if zh():
        prefix = "用法：" if prefix is None else prefix
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
    original(self, prog, args, prefix)


def _display_type(original: Callable[..., Any], self: Any, ctx: Any) -> str:
    return type_word(original(self, ctx))


def _argument_name(self: Any) -> str:
    """An argument as the usage line and the Arguments list show it: PATH..., [PATH]..., 路径..."""
    name = str(self.display_name_raw)
    return (name.upper() if self.metavar is None else name) + ("..." if self.nargs != 1 else "")


def _usage_name(self: Any) -> str:
    name = _argument_name(self)
    return name if self.required else f"[{name.removesuffix('...')}]" + ("..." if self.nargs != 1 else "")


def _help_record(original: Callable[..., Any], self: Any, ctx: Any) -> Any:
    record = original(self, ctx)
    if record is None or not zh():
        return record
    name, help = record
    if help.startswith(HELP_OPTION_HELP[0]):
        help = HELP_OPTION_HELP[1] + help[len(HELP_OPTION_HELP[0]) :]
    text, bracket, extra = help.rpartition("  [")
    if bracket and extra.endswith("]"):  # [默认：5; 最小 2] → [默认：5，最小 2]
        help = f"{text}  [{extra.replace('; ', '，')}"
    elif help.startswith("[") and help.endswith("]"):
        help = help.replace("; ", "，")
    return name, help


def _error_msg(original: Callable[..., Any], exc: Any) -> str:
    try:
        text = pydantic_message(exc)
    except Exception:  # noqa: BLE001 - not a pydantic error after all: Typer's own words
        text = None
    return text or original(exc)


def _bad_parameter(original: Callable[..., Any], self: Any) -> str:
    if not zh():
        return original(self)
    hint = _hint(self)
    message = translate(self.message)
    return f"{hint} 的值不对：{message}" if hint else f"值不对：{message}"


def _missing_parameter(original: Callable[..., Any], self: Any) -> str:
    if not zh():
        return original(self)
    hint = _hint(self)
    if self.param is None and hint:
        kind = {"option": "选项", "argument": "参数"}.get(self.param_type or "", "")
        hint = f"{kind} {hint}".strip()
    text = f"缺少{hint}，它是必填的。" if hint else "缺少必填的内容。"
    choices = _choices(self.param)
    if choices:
        text += "可选：" + "、".join(choices) + "。"
    if self.message:
        text += translate(self.message)
    return text


def _no_such_option(original: Callable[..., Any], self: Any) -> str:
    if not zh():
        return original(self)
    text = translate(self.message)
    if self.possibilities:
        text += "是不是要用 " + "、".join(sorted(self.possibilities)) + "？"
    return text


def _usage_show(original: Callable[..., Any], self: Any, file: Any = None) -> None:
    """用法 line, 查看帮助 hint and 错误：sentence (Click: Usage, Try '… -h' for help., Error:)."""
    if not zh():
        return original(self, file)
    file = file or get_text_stderr()
    color = None
    if self.ctx is not None:
        color = self.ctx.color
        hint = ""
        if self.ctx.command.get_help_option(self.ctx) is not None:
            hint = f"查看帮助：{self.ctx.command_path} {self.ctx.help_option_names[0]}\n"
        echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
    echo(f"错误：{translate(self.format_message())}", file=file, color=color)
    return None


def _click_show(original: Callable[..., Any], self: Any, file: Any = None) -> None:
    if not zh():
        return original(self, file)
    echo(f"错误：{translate(self.format_message())}", file=file or get_text_stderr(), color=self.show_color)
    return None


_installed: list[bool] = []


def install() -> None:
    """Patch Typer once (idempotent); what the patches write follows :func:`zh` at the time."""
    if _installed:
        return
    _installed.append(True)
    typer_core._ = CATALOG.gettext  # type: ignore[attr-defined]
    # Help pages: widths and wrapping (both languages), headings, usage line, types, ranges, argument names.
    click_formatting.term_len = cell_width  # type: ignore[assignment]
    click_textwrap.TextWrapper = DisplayWidthWrapper  # type: ignore[misc]
    _patch(click_core, "make_default_short_help", short_help)
    _patch(click_formatting.HelpFormatter, "write_heading", _write_heading)
    _patch(click_formatting.HelpFormatter, "write_usage", _write_usage)
    _patch(typer_core._TyperParameter, "display_type", _display_type)
    _patch(typer_core.TyperOption, "get_help_record", _help_record)
    typer_core.describe_number_range = number_range  # type: ignore[attr-defined]
    typer_core.TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]
    typer_core.TyperArgument._rich_display_name = _argument_name  # type: ignore[method-assign]
    typer_core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign,assignment]
    # Error sentences.
    for module in (typer_coercion, typer_param_types):
        _patch(module, "get_error_msg", _error_msg)
    _patch(click_exceptions.BadParameter, "format_message", _bad_parameter)
    _patch(click_exceptions.MissingParameter, "format_message", _missing_parameter)
    _patch(click_exceptions.NoSuchOption, "format_message", _no_such_option)
    _patch(click_exceptions.UsageError, "show", _usage_show)
    _patch(click_exceptions.ClickException, "show", _click_show)


class LangGroup(typer.core.TyperGroup):
    """The root command: before parsing, take the language from the command line it runs (``--lang`` anywhere,
    else ZJCREDIT_LANG), so Typer's words follow it as the help texts do."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        use(requested_lang(list(args) if args is not None else None))
        return super().main(args, *rest, **extra)

    def list_commands(self, ctx: Any) -> list[str]:
        """The commands in the order of a quarter's work, from the school's declaration to the province's
        verification (Typer would list the single commands before the groups)."""
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: COMMAND_ORDER.index(n) if n in COMMAND_ORDER else len(COMMAND_ORDER))


COMMAND_ORDER = ["validate", "template", "summary", "catalog", "outcomes", "ledger", "audit", "stats", "store", "rules"]
