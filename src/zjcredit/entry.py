"""The console entry point (``zjcredit``): a head start for large outcome sheets, then the command line.

``zjcredit outcomes check`` spends about half a second importing Typer and its checks before it reads
anything; the first large .xlsx input starts loading in a child process (:func:`zjcredit.io.isolate.head_start`)
before that, from the raw arguments. Every option of the command takes a value except :data:`FLAGS` (a
test keeps the two in step), so an option's value is never taken for an input; anything unexpected just
means no head start. What it saves is measured in the README (Performance).
"""

from __future__ import annotations

import sys
from pathlib import Path

# (group, command) whose arguments are outcome sheets, and their options that take no value.
COMMANDS = (("outcomes", "check"),)
FLAGS = frozenset({"-q", "--quiet", "--force", "-h", "--help"})


def _without_group_lang(argv: list[str]) -> list[str]:
    """``argv`` without the ``--lang`` the root and the groups take before the command's name
    (``zjcredit --lang en outcomes check …``, ``zjcredit outcomes --lang en check …``)."""
    out: list[str] = []
    words = 0
    args = iter(argv)
    for token in args:
        if words < 2 and token == "--lang":
            next(args, None)
            continue
        if words < 2 and token.startswith("--lang="):
            continue
        if not token.startswith("-"):
            words += 1
        out.append(token)
    return out


def input_paths(argv: list[str]) -> list[Path]:
    """The PATH arguments of an outcome-reading command line; [] for any other command or for --help."""
    argv = _without_group_lang(argv)
    command = next((c for c in COMMANDS if argv[: len(c)] == list(c)), None)
    if command is None or any(a in ("-h", "--help") for a in argv):
        return []
    paths: list[Path] = []
    args = iter(argv[len(command) :])
    for token in args:
        if token == "--":
            paths.extend(Path(t) for t in args)
        elif token.startswith("-"):
            if token not in FLAGS and "=" not in token:
                next(args, None)  # the option's value
        else:
            paths.append(Path(token))
    return paths


def head_start(argv: list[str]) -> None:
    paths = input_paths(argv)
    if not paths:
        return
    try:
        from zjcredit.io import readers
        from zjcredit.io.isolate import head_start as start
        from zjcredit.io.sources import discover

        for source in discover(paths):
            if source.path.suffix.lower() in (".xlsx", ".xlsm") and source.path.stat().st_size >= readers.ISOLATE_MIN_BYTES:
                start(source.path, source.display)
            return  # only the first input: the others wait for their turn
    except Exception:  # noqa: BLE001 - the command says what is wrong
        return


def handle_termination() -> None:
    """SIGTERM becomes :class:`~zjcredit.errors.Terminated` (a KeyboardInterrupt), so a terminated run
    cleans up like an interrupted one: children stopped, temporary files and folders removed. A second
    SIGTERM during that cleanup ends the process at once (the next run removes what is left)."""
    import signal

    from zjcredit.errors import Terminated

    def terminate(signum: int, frame: object) -> None:
        Terminated.received = True
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise Terminated()

    try:
        signal.signal(signal.SIGTERM, terminate)
    except ValueError:  # not the main thread (an embedding program): its own handling stays
        pass


def frugal_under_memory_limit() -> None:
    """Under an address-space limit (``ulimit -v``, ``prlimit --as``), reserve address space frugally.

    Measured on a 1,000,000-row outcome sheet: glibc's per-thread malloc arenas (64 MiB reserved each, one
    per DuckDB/Arrow thread) and Arrow's jemalloc pool reserve 1.6 GiB of address space beyond what is
    used, so a run peaking at 0.7 GiB resident needs 2.7 GiB of address space. Two arenas and Arrow on
    the system allocator bring that to 1.1 GiB. Without a limit nothing changes (no speed is lost)."""
    import os

    try:
        import resource
    except ImportError:  # Windows: no address-space limit to honour
        return
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # read when pyarrow is first imported
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # for child processes
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(-8, int(os.environ["MALLOC_ARENA_MAX"]))  # M_ARENA_MAX, for this process
    except (OSError, AttributeError, ValueError):
        pass


def quiet_finalizers() -> None:
    """An error inside a library object's finaliser (a damaged workbook's half-read sheet generator in
    openpyxl, a zip file closed onto a full disk) cannot change the result, which is already reported; Python
    would print it as "Exception ignored in: …" with a traceback. Shown only with ZJCREDIT_DEBUG=1."""
    import os

    if not os.environ.get("ZJCREDIT_DEBUG"):
        sys.unraisablehook = lambda unraisable: None


def main() -> None:
    """Run the command line, then leave without Python's teardown (:func:`leave`)."""
    try:
        _main()
    except SystemExit as exc:
        leave(exc.code)
    leave(0)


def leave(code: object) -> None:
    """Exit with ``code`` as ``sys.exit`` would — the at-exit functions run (children stopped, logs
    flushed) and the standard streams are flushed — but without tearing the interpreter down, which after
    an audit took 0.4 s (DuckDB and Arrow objects freed one by one, for nothing: every output is
    complete and closed by then). Falls back to a plain exit while another thread that Python would
    wait for still runs, and with ZJCREDIT_DEBUG set (the teardown's own errors shown)."""
    import atexit
    import os
    import threading

    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    if os.environ.get("ZJCREDIT_DEBUG") or any(t is not threading.main_thread() and not t.daemon and t.is_alive() for t in threading.enumerate()):
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (zjcredit … | head): nothing more to say there
            pass
    os._exit(code)


def _main() -> None:
    from zjcredit.io.lean import leave_out_pandas

    leave_out_pandas()
    handle_termination()
    frugal_under_memory_limit()
    quiet_finalizers()
    try:
        head_start(sys.argv[1:])
        from zjcredit.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:  # before or after the command ran (a command handles its own): one line
        from zjcredit.cli.i18n import requested_lang
        from zjcredit.errors import Terminated

        en = requested_lang() == "en"
        if Terminated.received:
            sys.stderr.write("Terminated (SIGTERM); no temporary files were left.\n" if en else "已终止（收到 SIGTERM），没有留下临时文件。\n")
            raise SystemExit(143) from None
        sys.stderr.write("Interrupted; nothing was written.\n" if en else "已中断，未写入任何输出。\n")
        raise SystemExit(130) from None
