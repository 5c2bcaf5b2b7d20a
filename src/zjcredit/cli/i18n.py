"""Language choice for help texts and messages: Simplified Chinese by default, English on request."""

from __future__ import annotations

import os
import sys


def requested_lang(argv: list[str] | None = None) -> str:
    """'en' when ``--lang en`` (or ``--lang=en``) is on the command line or ZJCREDIT_LANG=en; else 'zh'."""
    args = sys.argv[1:] if argv is None else argv
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1].lower().startswith("en") else "zh"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1].lower().startswith("en") else "zh"
    return "en" if os.environ.get("ZJCREDIT_LANG", "").lower().startswith("en") else "zh"


HELP_LANG = requested_lang()


def T(zh: str, en: str) -> str:
    """Pick a help text by the language requested on the command line."""
    return en if HELP_LANG == "en" else zh
