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

Independently of the language, help text is wrapped by display width: a Chinese character takes two
columns, so Click's wrapping (which counts characters) made Chinese help lines half again as wide as the
terminal. Chinese text is also broken between characters, never before a closing mark such as “，”.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import typer
import typer._click._textwrap as click_textwrap
import typer._click.core as click_core
import typer._click.formatting as click_formatting
import typer.core as typer_core
from typer._click import exceptions as click_exceptions
from typer._click._compat import strip_ansi

from zjcredit.cli.i18n import requested_lang

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
    "Missing command.": "缺少命令：请在后面写上要做的事（见下面的帮助）。",
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


# Display width ----------------------------------------------------------------------------------------

def char_width(ch: str) -> int:
    if ch < "\u1100":
        return 0 if unicodedata.combining(ch) else 1
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (ANSI colours not counted; a Chinese character is two)."""
    text = strip_ansi(text)
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


# Never at the start of a line / never at the end of one.
_CLOSING = set("，。、；：？！）》」』】〕”’…·—") | set(")]}")
_OPENING = set("（《「『【〔“‘") | set("([{")


def _is_wide(ch: str) -> bool:
    return char_width(ch) == 2


class DisplayWidthWrapper(click_textwrap.TextWrapper):
    """Click's text wrapper, measuring display columns and breaking Chinese text between characters (and
    never inside a hyphenated name such as a rule id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("break_on_hyphens", False)
        super().__init__(*args, **kwargs)

    def _split(self, text: str) -> list[str]:
        chunks: list[str] = []
        for chunk in super()._split(text):
            if chunk.isascii():
                chunks.append(chunk)
                continue
            # Each Chinese character is a chunk of its own; a closing mark stays with what precedes it,
            # an opening mark with what follows it, and a run of other characters stays together.
            units: list[str] = []
            for ch in chunk:
                if units and (ch in _CLOSING or units[-1][-1] in _OPENING):
                    units[-1] += ch
                elif units and not _is_wide(ch) and not _is_wide(units[-1][-1]):
                    units[-1] += ch
                else:
                    units.append(ch)
            chunks.extend(units)
        return chunks

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int) -> None:
        space_left = max(width - cur_len, 1)
        last = reversed_chunks[-1]
        used = 0
        cut = 0
        for ch in last:
            w = char_width(ch)
            if used + w > space_left and cut > 0:
                break
            used += w
            cut += 1
        cur_line.append(last[:cut])
        reversed_chunks[-1] = last[cut:]

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        # textwrap.TextWrapper._wrap_chunks (Python 3.11), measuring with cell_width.
        lines: list[str] = []
        chunks.reverse()
        while chunks:
            cur_line: list[str] = []
            cur_len = 0
            indent = self.subsequent_indent if lines else self.initial_indent
            width = self.width - cell_width(indent)
            if self.drop_whitespace and chunks[-1].strip() == "" and lines:
                del chunks[-1]
            while chunks:
                size = cell_width(chunks[-1])
                if cur_len + size <= width:
                    cur_line.append(chunks.pop())
                    cur_len += size
                else:
                    break
            if chunks and cell_width(chunks[-1]) > width:
                self._handle_long_word(chunks, cur_line, cur_len, width)
                cur_len = sum(cell_width(c) for c in cur_line)
            if self.drop_whitespace and cur_line and cur_line[-1].strip() == "":
                cur_len -= cell_width(cur_line[-1])
                del cur_line[-1]
            if cur_line:
                lines.append(indent + "".join(cur_line))
        return lines


# Help pages -------------------------------------------------------------------------------------------

def short_help(original: Callable[..., str]) -> Callable[..., str]:
    """A command's one-line summary in a group's list, cut to ``max_length`` display columns.

    Click cuts at spaces and counts characters, so a Chinese summary (no spaces) came out as "..." or
    twice as wide as the column. Chinese text ends at its first sentence, or at the last clause mark
    (，；：、) that fits, with "…"."""

    def wrapper(help: str, max_length: int = 45) -> str:
        text = " ".join(help.split("\n\n", 1)[0].split()).removeprefix("\b").strip()
        if text.isascii():
            return original(help, max_length)
        end = text.find("。")
        if end >= 0:
            text = text[: end + 1]
        if cell_width(text) <= max_length:
            return text
        cut, used, best, depth = 0, 0, 0, 0
        for i, ch in enumerate(text):
            used += char_width(ch)
            if used > max_length - 1:
                break
            cut = i + 1
            depth += (ch in "（(《“") - (ch in "）)》”")
            if ch in "，；：、,;:" and i > 0 and depth == 0:
                best = i
        if cell_width(text[:best]) < max_length // 2:
            best = cut
        return text[:best].rstrip() + "…"

    return wrapper


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
    (re.compile(r"(?P<msg>.*?)\.? Did you mean (?P<names>.*)\?", re.S), "{msg}是不是要用 {names}？"),
    (re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", re.S), "多出来的内容：{args}。请检查是否多写了文件名，或文件名中有空格却没加引号。"),
    (re.compile(r"Option '(?P<opt>[^']*)' requires an argument\.", re.S), "选项 {opt} 后面要写一个值。"),
    (re.compile(r"Option '(?P<opt>[^']*)' requires (?P<n>\d+) arguments\.", re.S), "选项 {opt} 后面要写 {n} 个值。"),
    (re.compile(r"Option '(?P<opt>[^']*)' does not take a value\.", re.S), "选项 {opt} 后面不带值。"),
    (re.compile(r"Argument '(?P<arg>[^']*)' takes (?P<n>\d+) values\.", re.S), "参数 {arg} 要写 {n} 个值。"),
    (re.compile(r"Value must be an iterable\.", re.S), "这里要写一个或多个值。"),
    (re.compile(r"Could not open file '(?P<name>.*)': (?P<why>.*)", re.S), "打不开文件 {name}：{why}"),
    (re.compile(r"No such option: (?P<opt>\S+)", re.S), "没有 {opt} 这个选项。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' does not exist\.", re.S), "找不到 {name}：请检查路径是否正确。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' is a file\.", re.S), "{name} 是一个文件，这里要写文件夹。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' is a directory\.", re.S), "{name} 是一个文件夹，这里要写文件。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' is not readable\.", re.S), "没有读取 {name} 的权限。"),
    (re.compile(r"(?:File|Directory|Path) '(?P<name>.*)' is not writable\.", re.S), "没有写入 {name} 的权限。"),
    (re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.*)\.", re.S), "“{value}”不是可选的值，可选：{choices}。"),
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


# Installing -------------------------------------------------------------------------------------------

_installed: list[bool] = []


def _wrap(owner: Any, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(owner, name)
    setattr(owner, name, make(original))


def install() -> None:
    """Patch Typer once (idempotent); what the patches write follows :func:`zh` at the time."""
    if _installed:
        return
    _installed.append(True)

    typer_core._ = CATALOG.gettext  # type: ignore[attr-defined]

    # Widths and wrapping, in both languages.
    click_formatting.term_len = cell_width  # type: ignore[assignment]
    click_textwrap.TextWrapper = DisplayWidthWrapper  # type: ignore[misc]

    _wrap(click_core, "make_default_short_help", short_help)

    def write_heading(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, heading: str) -> None:
            if zh():
                self.write(f"{'':>{self.current_indent}}{heading}：\n")
            else:
                original(self, heading)

        return wrapper

    _wrap(click_formatting.HelpFormatter, "write_heading", write_heading)

    # Usage line.
    def write_usage(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            if zh():
                prefix = "用法：" if prefix is None else prefix
                args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
            original(self, prog, args, prefix)

        return wrapper

    _wrap(click_formatting.HelpFormatter, "write_usage", write_usage)

    # Types and ranges beside options; arguments by their names.
    _wrap(typer_core._TyperParameter, "display_type", lambda original: lambda self, ctx: type_word(original(self, ctx)))
    typer_core.describe_number_range = number_range  # type: ignore[attr-defined]

    def usage_name(self: Any) -> str:
        name = str(self.display_name_raw)
        if self.metavar is None:
            name = name.upper()
        if not self.required:
            name = f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def list_name(self: Any) -> str:
        name = str(self.display_name_raw)
        if self.metavar is None:
            name = name.upper()
        return name + ("..." if self.nargs != 1 else "")

    typer_core.TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
    typer_core.TyperArgument._rich_display_name = list_name  # type: ignore[method-assign]
    typer_core.TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign,assignment]

    def help_record(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, ctx: Any) -> Any:
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

        return wrapper

    _wrap(typer_core.TyperOption, "get_help_record", help_record)

    # Error sentences.
    def error_msg(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(exc: Any) -> str:
            try:
                text = pydantic_message(exc)
            except Exception:  # noqa: BLE001 - not a pydantic error after all: Typer's own words
                text = None
            return text or original(exc)

        return wrapper

    import typer._coercion as coercion
    import typer._param_types as param_types

    for module in (coercion, param_types):
        _wrap(module, "get_error_msg", error_msg)

    E = click_exceptions

    def bad_parameter(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any) -> str:
            if not zh():
                return original(self)
            hint = _hint(self)
            message = translate(self.message)
            return f"{hint} 的值不对：{message}" if hint else f"值不对：{message}"

        return wrapper

    def missing_parameter(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any) -> str:
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

        return wrapper

    def no_such_option(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any) -> str:
            if not zh():
                return original(self)
            text = translate(self.message)
            if self.possibilities:
                text += "是不是要用 " + "、".join(sorted(self.possibilities)) + "？"
            return text

        return wrapper

    _wrap(E.BadParameter, "format_message", bad_parameter)
    _wrap(E.MissingParameter, "format_message", missing_parameter)
    _wrap(E.NoSuchOption, "format_message", no_such_option)

    def usage_show(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, file: Any = None) -> None:
            if not zh():
                return original(self, file)
            from typer._click._compat import get_text_stderr
            from typer._click.utils import echo

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

        return wrapper

    def click_show(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, file: Any = None) -> None:
            if not zh():
                return original(self, file)
            from typer._click._compat import get_text_stderr
            from typer._click.utils import echo

            echo(f"错误：{translate(self.format_message())}", file=file or get_text_stderr(), color=self.show_color)
            return None

        return wrapper

    _wrap(E.UsageError, "show", usage_show)
    _wrap(E.ClickException, "show", click_show)


class LangGroup(typer.core.TyperGroup):
    """The root command: before parsing, take the language from the command line it runs (``--lang`` anywhere,
    else ZJCREDIT_LANG), so Typer's words follow it as the help texts do."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        use(requested_lang(list(args) if args is not None else None))
        return super().main(args, *rest, **extra)
