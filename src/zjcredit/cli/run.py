"""Running a command: library errors as one sentence (exit 2), Ctrl-C as exit 130, a progress spinner
on terminals, and the report rendered once, written where asked, and turned into the exit status."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer

from zjcredit.cli.options import FailOn, Format
from zjcredit.errors import (
    OutOfMemory,
    Terminated,
    UsageError,
    ZjcreditError,
    first_line,
    is_memory_error,
)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def fail(exc: ZjcreditError, lang: str) -> None:
    try:
        from rich.markup import escape  # importing may itself fail when memory ran out

        # soft_wrap: the terminal wraps the sentence; rich would break it inside a file name or a number.
        _stderr_console().print(f"[bold red]{'Error: ' if lang == 'en' else '错误：'}[/]{escape(exc.text(lang))}", highlight=False, markup=True, soft_wrap=True)
    except MemoryError:  # no room for rich: the sentence plainly
        sys.stderr.write(f"{'Error: ' if lang == 'en' else '错误：'}{exc.text(lang)}\n")
    raise typer.Exit(2)


SWITCH_INTERVAL = 0.001  # seconds: how long a thread waiting for Python's lock waits before asking for it


def guarded(lang: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a library call: user mistakes and trouble with files or memory become a sentence and exit 2;
    Ctrl-C exits 130 and SIGTERM 143 (after every cleanup ran); anything else is a bug, one sentence."""
    import gc

    # What is alive now (the modules and the command line imported: a few hundred thousand objects) is
    # left out of the cycle collector's scans while the command runs: each full collection went over all
    # of it again (an audit of one more file spent 0.14 s in two of them, now 0.04 s in one). Put back
    # afterwards, for a caller that runs many commands.
    gc.freeze()
    # While one thread runs Python (an audit placing findings, making the report's tables), another starts
    # and ends DuckDB queries, taking Python's lock at each: it waits for it up to the switch interval, 5 ms
    # by default, dozens of times. At 1 ms an audit of one more file took 0.2–0.3 s less (medians of ten).
    switch = sys.getswitchinterval()
    sys.setswitchinterval(min(switch, SWITCH_INTERVAL))
    try:
        return func(*args, **kwargs)
    except ZjcreditError as exc:
        fail(exc, lang)
    except KeyboardInterrupt:
        interrupted(lang)
    except (typer.Exit, SystemExit):
        raise
    except MemoryError as exc:
        # First, before anything that allocates: what filled the memory is held by the traceback's frames.
        exc.__traceback__ = None
        del exc
        import gc

        gc.collect()
        fail(OutOfMemory(), lang)
    except BaseException as exc:
        if Terminated.received or "Query interrupted" in str(exc):  # DuckDB turns Ctrl-C/SIGTERM into an error
            interrupted(lang)
        if is_memory_error(exc):
            # What filled the memory is still held by the traceback's frames: dropped before printing.
            exc.__traceback__ = None
            del exc
            import gc

            gc.collect()
            fail(OutOfMemory(), lang)
        if isinstance(exc, OSError):
            fail(file_trouble(exc), lang)
        if os.environ.get("ZJCREDIT_DEBUG"):
            raise
        msg = (
            f"内部错误（{type(exc).__name__}: {first_line(exc)}）。这是 zjcredit 的缺陷，请设置 ZJCREDIT_DEBUG=1 重新运行并报告。"
            if lang != "en"
            else f"Internal error ({type(exc).__name__}: {first_line(exc)}). This is a zjcredit bug; rerun with ZJCREDIT_DEBUG=1 and report it."
        )
        _stderr_console().print(msg, markup=False)
        raise typer.Exit(2) from None
    finally:
        gc.unfreeze()
        sys.setswitchinterval(switch)


def interrupted(lang: str) -> None:
    """Ctrl-C (exit 130) or SIGTERM (exit 143): one line, after the cleanups on the way here ran."""
    if Terminated.received:
        _stderr_console().print("已终止（收到 SIGTERM），没有留下临时文件。" if lang != "en" else "Terminated (SIGTERM); no temporary files were left.")
        raise typer.Exit(143) from None
    _stderr_console().print("已中断，未写入任何输出。" if lang != "en" else "Interrupted; nothing was written.")
    raise typer.Exit(130) from None


def file_trouble(exc: OSError) -> ZjcreditError:
    """An OSError no library call turned into a sentence of its own: which file, and why."""
    name = f" {exc.filename}" if exc.filename else ""
    reason = exc.strerror or type(exc).__name__
    return ZjcreditError(
        f"读写文件{name}时出错：{reason}。请检查文件和文件夹是否存在、是否有权限、磁盘是否已满，然后重试。",
        f"A file{name} could not be read or written: {reason}. Check that files and folders exist, that you have permission and that the disk is not full, then try again.",
    )


# What each kind of output may be called: the report's extension says its format.
REPORT_SUFFIXES = {".json": "json", ".csv": "csv", ".txt": "table", ".xlsx": "xlsx"}
FORMAT_SUFFIX = {"json": ".json", "csv": ".csv", "table": ".txt"}
# A folder named like one of these files is taken for a mistake (`--annotate 副本.xlsx`).
FILE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".json", ".txt", ".et", ".ods", ".doc", ".docx", ".pdf", ".zip", ".duckdb")


def report_format(output: Path | None, fmt: Format | None) -> str:
    """The format a report is written in: --format, else the --output extension, else the table."""
    if fmt is not None:
        return fmt.value
    if output is not None:
        return REPORT_SUFFIXES.get(output.suffix.lower(), "table")
    return "table"


def report_name_problem(output: Path, fmt: Format | None, option: str = "--output") -> UsageError | None:
    """Why ``output`` cannot name a report (its extension does not say what is written), or None."""
    suffix = output.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        return UsageError(
            f"{option} {output} 的扩展名不对：报告只能写成 .xlsx（问题清单工作簿）、.json、.csv 或 .txt（表格文本），例如 {output.with_suffix('.xlsx').name}。",
            f"{option} {output} has the wrong extension: a report is written as .xlsx (a findings workbook), .json, .csv or .txt (the table as text), e.g. {output.with_suffix('.xlsx').name}.",
        )
    if fmt is not None and FORMAT_SUFFIX.get(fmt.value) != suffix:
        wanted = output.with_suffix(FORMAT_SUFFIX[fmt.value]).name
        return UsageError(
            f"--format {fmt.value} 写出的不是 {suffix} 文件，而 {option} 是 {output}：请把文件名改为 {wanted}，或去掉 --format（由扩展名决定格式）。",
            f"--format {fmt.value} does not write a {suffix} file, and {option} is {output}: name it {wanted}, or leave out --format (the extension decides).",
        )
    return None


def workbook_name_problem(output: Path, option: str = "-o") -> UsageError | None:
    """Why ``output`` cannot name a workbook zjcredit writes (always .xlsx), or None."""
    if output.suffix.lower() == ".xlsx":
        return None
    return UsageError(
        f"{option} {output} 应以 .xlsx 结尾（写出的是 Excel 工作簿），例如 {output.with_suffix('.xlsx').name}。",
        f"{option} {output} should end in .xlsx (an Excel workbook is written), e.g. {output.with_suffix('.xlsx').name}.",
    )


def folder_name_problem(folder: Path, option: str = "--annotate") -> UsageError | None:
    """Why ``folder`` cannot be the folder an option writes into (a file, or a file's name), or None."""
    if folder.exists() and not folder.is_dir():
        return UsageError(
            f"{option} 要的是一个文件夹，而 {folder} 是一个文件。请给出一个文件夹（不存在时会自动创建）。",
            f"{option} takes a folder, and {folder} is a file; give a folder (it is created when missing).",
        )
    if not folder.exists() and folder.suffix.lower() in FILE_SUFFIXES:
        return UsageError(
            f"{option} 要的是一个文件夹，而 {folder} 像是一个文件名（{folder.suffix}）。请给出文件夹名，如 {folder.with_suffix('')}（不存在时会自动创建）。",
            f"{option} takes a folder, and {folder} looks like a file name ({folder.suffix}); name a folder, e.g. {folder.with_suffix('')} (it is created when missing).",
        )
    return None


def check_names(lang: str, *, report: Path | None = None, fmt: Format | None = None, report_option: str = "--output",
                workbook: Path | None = None, workbook_option: str = "-o", folder: Path | None = None, folder_option: str = "--annotate") -> None:
    """Refuse, before anything is read or written, an output whose name does not match what is written."""
    problems = [
        report_name_problem(report, fmt, report_option) if report is not None else None,
        workbook_name_problem(workbook, workbook_option) if workbook is not None else None,
        folder_name_problem(folder, folder_option) if folder is not None else None,
    ]
    for problem in problems:
        if problem is not None:
            fail(problem, lang)


def check_outputs(lang: str, *, output: Path | None = None, annotate: Path | None = None, force: bool = False, inputs: Any = (),
                  fmt: Format | None = None, workbook: Path | None = None, report_option: str = "--output") -> None:
    """Check every place the command will write before it reads anything: the names (a report's
    extension, a workbook's .xlsx, a folder that is not a file), the report file (not an input, not
    existing without --force, its folder writable) and the folder of annotated copies. A refusal is one
    sentence and exit 2, and nothing has been written."""
    from zjcredit.report.output import check_folder, check_target

    check_names(lang, report=output, fmt=fmt, report_option=report_option, workbook=workbook, folder=annotate)
    given = [Path(p) for p in inputs]
    if output is not None:
        guarded(lang, check_target, output, force, given)
    if annotate is not None:
        guarded(lang, check_folder, annotate)


class _Progress:
    """A spinner on stderr naming the file being read (terminals only); with --verbose, a line for each
    file read and the time it took."""

    def __init__(self, lang: str, verbose: bool = False) -> None:
        self.lang = lang
        self.verbose = verbose
        self.console = _stderr_console()
        self.status: Any = None

    def __call__(self, name: str) -> None:
        import time

        done = getattr(self, "_current", None)
        if done is not None and self.verbose:
            seconds = time.monotonic() - done[1]
            self.console.print(f"[dim]{'read' if self.lang == 'en' else '已读取'} {done[0]}（{seconds:.1f} s）[/]", highlight=False)
        self._current = (name, time.monotonic())
        text = f"{'reading' if self.lang == 'en' else '正在读取'} {name} …"
        if self.status is None:
            self.status = self.console.status(text, spinner="dots")
            self.status.start()
        else:
            self.status.update(text)

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None


def progress_for(quiet: bool, lang: str, verbose: bool = False) -> _Progress | None:
    if quiet or not sys.stderr.isatty():
        return None
    return _Progress(lang, verbose)


def stop_progress(progress: _Progress | None) -> None:
    if progress is not None:
        progress.stop()


def emit(report: Any, fmt: Format | None, output: Path | None, lang: str, quiet: bool, fail_on: FailOn, annotate: Path | None, force: bool,
         *, mask_ids: bool = False, report_option: str = "--output", written: tuple[str, str] | None = None) -> None:
    """Render the report once, write it where asked, optionally annotate, then exit with its status.

    The table is what standard output shows unless --format asks for JSON or CSV (whether it is a terminal,
    a file or a pipe; colour only on a terminal). A report file (--output) is written in the format its
    extension says, and the table then still shows on standard output, folded, pointing to the file.
    ``written``: the sentence naming the workbook the library wrote (``report.extra["output"]``), zh and en,
    said last on stderr."""
    from zjcredit.report import render
    from zjcredit.report.findings import Severity

    check_outputs(lang, output=output, annotate=annotate, force=force, inputs=[fr.path for fr in report.files if not fr.skipped], fmt=fmt, report_option=report_option)
    if mask_ids:
        from zjcredit.report.mask import mask_report

        report = mask_report(report)
    if annotate is not None:
        from zjcredit.report.annotate import annotate as write_annotations

        written = guarded(lang, lambda: write_annotations(report, annotate, lang=lang, force=force, mask=mask_ids))
        report.extra["annotated"] = [str(p) for p in written]  # what was written, for scripts
    if output is not None:
        _write_report(output, report_format(output, fmt), force, lang, report, quiet)
    shown = "table" if output is not None or fmt is None else fmt.value
    if shown == "table":
        from rich.console import Console

        guarded(lang, render.render_table, report, lang, Console(highlight=False), quiet, output=output)  # Ctrl-C → 130
    else:
        text = render.to_json(report, lang) if shown == "json" else render.to_csv(report, lang)
        guarded(lang, sys.stdout.write, text)  # Ctrl-C → 130
    status = report.exit_status(Severity.ERROR if fail_on is FailOn.error else Severity.WARNING)
    if status == 2 and output is not None:
        _say_why(report, output, lang)
    elif output is not None and not quiet:
        say_written(("完整报告已写入", "The full report was written to"), output, lang)
    if written is not None and report.extra.get("output") and not quiet:
        say_written(written, report.extra["output"], lang)
    raise typer.Exit(status)


def say_written(said: tuple[str, str], path: object, lang: str) -> None:
    """One line on stderr naming the workbook a command wrote (said: the sentence before the path, zh and en)."""
    _stderr_console().print(f"{said[0]} {path}" if lang != "en" else f"{said[1]} {path}", markup=False, highlight=False, soft_wrap=True)


def _say_why(report: Any, output: Path, lang: str) -> None:
    """Exit status 2 with the report in a file: one sentence on the terminal too, the most serious
    finding's, so that nobody is left with a silent failure."""
    from zjcredit.report.findings import Severity

    findings = [f for fr in report.files for f in fr.findings]
    first = next((f for f in findings if f.rule == "unreadable"), None) or next((f for f in findings if f.severity >= Severity.ERROR), None) or (findings[0] if findings else None)
    reason = first.message(lang) if first is not None else ("没有可写入的内容。" if lang != "en" else "there was nothing to write.")
    _stderr_console().print(
        f"{reason}（完整报告：{output}）" if lang != "en" else f"{reason} (full report: {output})",
        markup=False,
        highlight=False,
    )


def _write_report(output: Path, written: str, force: bool, lang: str, report: Any, quiet: bool = False) -> None:
    """The report file in its format: the table as plain text (every finding, none folded), JSON, CSV
    (UTF-8 with BOM for Excel/WPS) or the findings workbook."""
    from zjcredit.report import render
    from zjcredit.report.output import write_atomic, write_text_atomic

    inputs = [Path(fr.path) for fr in report.files if not fr.skipped]  # a file passed over may be replaced
    if written == "xlsx":
        from zjcredit.report.findings_sheet import write_report_workbook

        guarded(lang, write_atomic, output, lambda tmp: write_report_workbook(report, tmp, lang), force=force, inputs=inputs)
        return
    if written == "table":
        import io

        from rich.console import Console

        buf = io.StringIO()
        render.render_table(report, lang, Console(file=buf, width=120, no_color=True, highlight=False), quiet, fold=False, width=120)
        text = buf.getvalue()
    else:
        text = render.to_json(report, lang) if written == "json" else render.to_csv(report, lang)
    encoding = "utf-8-sig" if written == "csv" else "utf-8"
    guarded(lang, write_text_atomic, output, text, force=force, inputs=inputs, encoding=encoding)
