"""Language choice for help texts and messages: Simplified Chinese by default, English on request."""

from __future__ import annotations

import os
import sys


def requested_lang(argv: list[str] | None = None) -> str:
    """'en' when ``--lang en`` (or ``--lang=en``) is on the command line or ZJCREDIT_LANG=en; else 'zh'.
    The last ``--lang`` counts, as it does for the command that receives it."""
    args = sys.argv[1:] if argv is None else argv
    chosen = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    if chosen is None:
        chosen = os.environ.get("ZJCREDIT_LANG", "")
    return "en" if chosen.lower().startswith("en") else "zh"


HELP_LANG = requested_lang()


def T(zh: str, en: str) -> str:
    """Pick a help text by the language requested on the command line."""
    return en if HELP_LANG == "en" else zh


def examples(*commands: str, folder: str | None = None) -> str:
    """A help page's closing examples (an epilog): a heading and one command a line, kept as written
    (Click does not rewrap a paragraph that starts with a \\b line). ``folder``: the bundled example
    folder the commands are run in (a test runs them there)."""
    if folder:
        heading = T(f"示例（在 {folder} 文件夹中运行）：", f"Examples (run in {folder}):")
    else:
        heading = T("示例：", "Examples:")
    return "\b\n" + heading + "\n" + "\n".join(f"  {command}" for command in commands)
