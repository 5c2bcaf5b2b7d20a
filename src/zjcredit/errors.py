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


def first_line(exc: BaseException) -> str:
    """The first line of an exception's text (its type when it has none), for a sentence about a file."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]


def damaged_workbook(display: str, exc: BaseException) -> Unreadable:
    """A workbook a reader library could not open."""
    return Unreadable(
        f"{display}：不是有效的 Excel 文件或文件已损坏（{first_line(exc)}）。请用 Excel/WPS 打开后另存为 .xlsx 再检查。",
        f"{display}: not a valid Excel file, or the file is damaged ({first_line(exc)}); open it in Excel/WPS, save as .xlsx and check again.",
    )
