"""Running a command: library errors as one sentence (exit 2), Ctrl-C as exit 130, a progress spinner
on terminals, and the report rendered once, written where asked, and turned into the exit status."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer

from zjcredit.cli.options import FailOn, Format
from zjcredit.errors import OutOfMemory, Terminated, UsageError, ZjcreditError, first_line, is_memory_error


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def fail(exc: ZjcreditError, lang: str) -> None:
    try:
        _stderr_console().print(f"[bold red]{'Error' if lang == 'en' else '错误'}：[/]{exc.text(lang)}", highlight=False, markup=True)
    except MemoryError:  # no room for rich: the sentence plainly
        sys.stderr.write(f"{'Error' if lang == 'en' else '错误'}：{exc.text(lang)}\n")
    raise typer.Exit(2)


def guarded(lang: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a library call: user mistakes and trouble with files or memory become a sentence and exit 2;
    Ctrl-C exits 130 and SIGTERM 143 (after every cleanup ran); anything else is a bug, one sentence."""
    try:
        return func(*args, **kwargs)
    except ZjcreditError as exc:
        fail(exc, lang)
    except KeyboardInterrupt:
        interrupted(lang)
    except (typer.Exit, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a Rust panic (pyo3's PanicException) is not an Exception
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


def check_outputs(lang: str, *, output: Path | None = None, annotate: Path | None = None, force: bool = False, inputs: Any = ()) -> None:
    """Check every place the command will write before it reads anything: the report file (not an input,
    not existing without --force, its folder writable) and the folder of annotated copies. A refusal is
    one sentence and exit 2, and nothing has been written."""
    from zjcredit.report.output import check_folder, check_target

    given = [Path(p) for p in inputs]
    if output is not None:
        guarded(lang, check_target, output, force, given)
    if annotate is not None:
        if annotate.exists() and not annotate.is_dir():
            fail(
                UsageError(
                    f"--annotate 要的是一个文件夹，而 {annotate} 是一个文件。请给出一个文件夹（不存在时会自动创建）。",
                    f"--annotate takes a folder, and {annotate} is a file; give a folder (it is created when missing).",
                ),
                lang,
            )
        guarded(lang, check_folder, annotate)


class _Progress:
    """A spinner on stderr naming the file being read and the time spent on it (terminals only)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.console = _stderr_console()
        self.status: Any = None

    def __call__(self, name: str) -> None:
        import time

        done = getattr(self, "_current", None)
        if done is not None:
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


def progress_for(quiet: bool, lang: str) -> _Progress | None:
    if quiet or not sys.stderr.isatty():
        return None
    return _Progress(lang)


def stop_progress(progress: _Progress | None) -> None:
    if progress is not None:
        progress.stop()


def emit(report: Any, fmt: Format | None, output: Path | None, lang: str, quiet: bool, fail_on: FailOn, annotate: Path | None, force: bool) -> None:
    """Render the report once, write it where asked, optionally annotate, then exit with its status."""
    from zjcredit.report import render
    from zjcredit.report.findings import Severity

    if fmt is None:
        if output is not None and output.suffix.lower() in (".json", ".csv"):
            fmt = Format(output.suffix.lower()[1:])
        elif output is None and sys.stdout.isatty():
            fmt = Format.table
        else:
            fmt = Format.json if output is None else Format.table
    check_outputs(lang, output=output, annotate=annotate, force=force, inputs=[fr.path for fr in report.files])
    if annotate is not None:
        from zjcredit.report.annotate import annotate as write_annotations

        guarded(lang, lambda: write_annotations(report, annotate, lang=lang, force=force))
    if fmt is Format.table:
        from rich.console import Console

        if output is not None:
            import io

            buf = io.StringIO()
            render.render_table(report, lang, Console(file=buf, width=140, no_color=True, highlight=False), quiet)
            _write_report(output, buf.getvalue(), force, lang, report)
        else:
            guarded(lang, render.render_table, report, lang, Console(highlight=False), quiet)  # Ctrl-C → 130
    else:
        text = render.to_json(report, lang) if fmt is Format.json else render.to_csv(report, lang)
        if output is not None:
            _write_report(output, text, force, lang, report)
        else:
            guarded(lang, sys.stdout.write, text)  # Ctrl-C → 130
    status = report.exit_status(Severity.ERROR if fail_on is FailOn.error else Severity.WARNING)
    if status == 2 and output is not None:
        _say_why(report, output, lang)
    raise typer.Exit(status)


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


def _write_report(output: Path, text: str, force: bool, lang: str, report: Any) -> None:
    from zjcredit.report.output import write_text_atomic

    inputs = [Path(fr.path) for fr in report.files]
    encoding = "utf-8-sig" if output.suffix.lower() == ".csv" else "utf-8"
    guarded(lang, write_text_atomic, output, text, force=force, inputs=inputs, encoding=encoding)
