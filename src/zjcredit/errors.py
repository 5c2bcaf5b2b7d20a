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


class OutputFailed(ZjcreditError):
    """An output could not be written (no permission, a full disk …): exit status 2, nothing half written."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (every cleanup runs on the way out), then exit status 143.

    ``received`` stays True once a termination arrived, so that the exit status is 143 wherever the
    exception was caught."""

    received = False


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


class OutOfMemory(ZjcreditError):
    """Memory ran out (the machine's, or a limit set on the process): exit 2 with a plain sentence."""

    def __init__(self) -> None:
        super().__init__(
            "内存不足，检查没有完成，也没有写入任何输出。请关闭其他程序后重试，或把文件拆分成较小的几份分别检查。",
            "Out of memory: the check did not finish and nothing was written. Close other programs and try again, or split the file into smaller ones.",
        )


def is_memory_error(exc: BaseException) -> bool:
    """Memory ran out, as Python, Arrow (``ArrowMemoryError``) or DuckDB (``OutOfMemoryException``) says
    it, or as the system does when a library cannot even be loaded (``failed to map segment``, ENOMEM)."""
    if isinstance(exc, MemoryError) or type(exc).__name__ in ("OutOfMemoryException", "ArrowMemoryError"):
        return True
    if isinstance(exc, OSError) and exc.errno == 12:  # ENOMEM
        return True
    text = str(exc)
    return isinstance(exc, (ImportError, OSError)) and ("failed to map segment" in text or "Cannot allocate memory" in text)


def reraise_fatal(exc: BaseException) -> None:
    """Raise again what must never become a finding about one file: Ctrl-C, a termination, an exit, and
    memory running out (as :class:`OutOfMemory`). Anything else a reader library raised, a Rust panic
    included (pyo3's ``PanicException`` is not an ``Exception``), is the caller's to turn into a
    sentence about the file."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc
    if is_memory_error(exc):
        raise OutOfMemory() from None
