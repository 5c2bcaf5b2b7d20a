"""The one exception the library raises for problems a user must fix (never for bad data)."""

from __future__ import annotations


class ZjcreditError(Exception):
    """A failure that stops a command: bad usage, an output that exists, nothing to read.

    ``zh`` and ``en`` are complete sentences; the CLI prints the one for the chosen language.
    """

    def __init__(self, zh: str, en: str | None = None) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en or zh

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class UsageError(ZjcreditError):
    """Bad arguments: exit status 2."""


class Unreadable(Exception):
    """An input that could not be read at all; ``zh``/``en`` say why and what to do.

    Not a :class:`ZjcreditError`: an unreadable input becomes a finding (rule ``unreadable``) and the other
    inputs are still checked.
    """

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
