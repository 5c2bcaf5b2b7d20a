"""Load a large workbook in a child process while the parent guards it.

fastexcel (Rust calamine) is the fastest reader we have, but on a crafted file it can inflate a zip part
whose header lies about its size, or abort the whole process on a sheet whose cells span Excel's grid.
:func:`zjcredit.io.guard.deep_check` catches both, but costs seconds on a million-row sheet. For large
inputs the two therefore run side by side: the child (a fresh interpreter started with ``subprocess``,
like multiprocessing's ``spawn`` but without re-importing the caller's ``__main__``; never a ``fork`` of
a process whose Arrow and Rust threads already run) loads the sheets and writes them as Arrow IPC
files into a private temporary folder, while the parent runs the deep scan. The parent then maps the
files (no copy) and removes them at once; a refusal from the deep scan stops the child.

Guarantees:

- the child's address space is capped at :data:`CHILD_MEMORY_LIMIT` (``RLIMIT_AS``), so a lying part
  cannot exhaust the machine before the deep scan refuses it;
- a child that dies (abort, signal, memory limit) becomes :class:`~zjcredit.io.workbook.Unreadable` with a
  sentence naming the file and the cause; its own messages (Rust panics) go to a file, never to the
  user's terminal;
- the temporary folder (under ``/dev/shm`` when it has room, else the system's temporary folder) is
  removed in every case, Ctrl-C included: the child runs in a session of its own (a Ctrl-C at the
  terminal reaches only the parent, which stops it) and is killed if the parent dies.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from zjcredit.io import guard as safety
from zjcredit.errors import Unreadable

GIB = 1024**3
# Inputs at least this large (bytes) are loaded in a child while the deep scan runs; smaller ones are
# guarded first and read in-process. The child costs about 0.15 s to start: from about 1 MiB (15,000
# outcome rows) the overlap gains more (30,000 rows: 1.2–1.4 s instead of 1.3–1.8 s end to end).
ISOLATE_MIN_BYTES = 1024**2
# The child's address-space limit. A 1,000,000-row outcome sheet needs about 1.4 GiB of address space.
CHILD_MEMORY_LIMIT = 4 * GIB
# /dev/shm is used when its free space is at least this many times the input's size (Arrow text
# columns take about 2.5 × the .xlsx's size).
SHM_HEADROOM = 8
# A reader is kept for the next file after files up to this size.
REUSE_MAX_BYTES = 64 * 1024**2
# The next file of a run is loaded while the current one is checked when it is at most this large
# (a 24 MiB sheet holds about 330,000 outcome rows; its child needs about 300 MiB beside the checks).
PIPELINE_MAX_BYTES = 24 * 1024**2
# How much nicer than the child the parent's guard threads run while the child reads.
NICE_INCREMENT = 10

_SHM = Path("/dev/shm")

# The loader the fast outcome reader runs in the child.
XLSX_LOADER = "zjcredit.io.xlsxload:load_xlsx"

# (name, columns as Arrow record batch) per loaded sheet.
Loaded = list[tuple[str, Any]]


def _scratch_dir(size: int) -> str:
    if _SHM.is_dir() and os.access(_SHM, os.W_OK):
        try:
            st = os.statvfs(_SHM)
            if st.f_bavail * st.f_frsize >= SHM_HEADROOM * max(size, 1):
                return tempfile.mkdtemp(prefix="zjcredit-", dir=_SHM)
        except OSError:
            pass
    return tempfile.mkdtemp(prefix="zjcredit-")


class _Reader:
    """A child process that loads files on request: one job (JSON) per line on its stdin, one answer per
    line on its stdout. A fresh interpreter (never a fork of this process, whose Arrow and Rust threads
    may run), in a session of its own so a Ctrl-C at the terminal reaches only the parent. Kept for the
    next file when it answered normally (:data:`_IDLE`), so a folder of sheets does not pay for starting
    Python and importing fastexcel and pyarrow once per file."""

    def __init__(self, memory_limit: int) -> None:
        self.memory_limit = memory_limit
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from zjcredit.io.isolate import child_main; child_main()", str(memory_limit)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # each job points the child's stderr at a file of its own
            start_new_session=True,
        )

    def send(self, job: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def answer(self) -> str:
        """The next answer line; '' if the child died."""
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().decode("utf-8", "replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.kill()  # nothing of the child's is worth keeping; its files go with the job's folder
        code = self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        return code


# Readers waiting for their next job (at most _IDLE_MAX), and whether the exit hook is in place.
_IDLE: list[_Reader] = []
_IDLE_MAX = 2
_HOOKED: list[bool] = []


def _reader(memory_limit: int) -> _Reader:
    while _IDLE:
        reader = _IDLE.pop()
        if reader.alive() and reader.memory_limit == memory_limit:
            return reader
        reader.kill()
    if not _HOOKED:
        import atexit

        atexit.register(stop_readers)
        _HOOKED.append(True)
    return _Reader(memory_limit)


def _release(reader: _Reader, reuse: bool) -> None:
    if reuse and reader.alive() and len(_IDLE) < _IDLE_MAX:
        _IDLE.append(reader)
    else:
        reader.kill()


def stop_readers() -> None:
    """Stop the idle readers and any load started ahead but never taken (also run at exit)."""
    _stop_prestarted()
    while _IDLE:
        _IDLE.pop().kill()


class IsolatedLoad:
    """A child loading ``path`` with ``loader`` (``"module:function"``, a function ``(path, display) ->
    Loaded`` that may raise Unreadable). Use as a context manager: leaving it always removes the temporary
    folder, and stops the child unless it finished its job normally (then it waits for the next file);
    :meth:`result` waits for the sheets."""

    def __init__(self, loader: str, path: Path, display: str, memory_limit: int | None = None) -> None:
        self.loader = loader
        self.path = path
        self.display = display
        self.memory_limit = CHILD_MEMORY_LIMIT if memory_limit is None else memory_limit
        self.dir: str | None = None
        self.reader: _Reader | None = None
        self.size = 0

    @property
    def proc(self) -> subprocess.Popen[bytes] | None:
        return self.reader.proc if self.reader is not None else None

    def __enter__(self) -> IsolatedLoad:  # noqa: PYI034 - not subclassed
        if self.reader is not None:  # started ahead (prestart)
            return self
        try:
            self.size = self.path.stat().st_size
            self.dir = _scratch_dir(self.size)
            self.reader = _reader(self.memory_limit)
            self.reader.send({"loader": self.loader, "path": str(self.path), "display": self.display, "dir": self.dir})
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _stop(self, reuse: bool = False) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            # A reader still busy with this job (an error or a refusal here) cannot be interrupted.
            _release(reader, reuse)
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def result(self) -> Loaded:
        """The loaded sheets, memory-mapped from the child's files (which are removed at once)."""
        assert self.reader is not None and self.dir is not None
        line = self.reader.answer()
        try:
            message = json.loads(line)
        except ValueError:
            raise self._crashed(self.reader.kill()) from None
        kind = message[0]
        if kind == "memory":
            raise self._crashed(self.reader.kill(), memory=True)
        # The reader answered: it may take the next file, unless this one was large (its allocator may
        # keep address space that the next large file would need under the memory limit).
        reuse = self.size <= REUSE_MAX_BYTES
        if kind == "unreadable":
            self._stop(reuse)
            raise Unreadable(message[1], message[2])
        if kind != "ok":
            self._stop(reuse)
            raise Unreadable(
                f"{self.display}：读取文件时出错（{message[1]}）。请用 Excel/WPS 打开后另存为 .xlsx 再检查。",
                f"{self.display}: the file could not be read ({message[1]}); open it in Excel/WPS, save as .xlsx and check again.",
            )
        import pyarrow as pa
        from pyarrow import ipc

        loaded: Loaded = []
        for name, file_name in message[1]:
            target = os.path.join(self.dir, file_name)
            source = pa.memory_map(target)
            batch = ipc.open_file(source).get_batch(0)
            os.unlink(target)  # the mapping stays valid while the batch lives; nothing is left behind
            loaded.append((name, batch))
        reader, self.reader = self.reader, None
        _release(reader, reuse)
        return loaded

    def _stderr_tail(self) -> str:
        if self.dir is None:
            return ""
        try:
            with open(os.path.join(self.dir, "stderr.txt"), "rb") as fh:
                fh.seek(0, os.SEEK_END)
                fh.seek(max(fh.tell() - 4096, 0))
                return fh.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _crashed(self, exitcode: int | None, memory: bool = False) -> Unreadable:
        import signal

        tail = self._stderr_tail()
        limit = f"{self.memory_limit / GIB:g} GiB"
        if memory or "memory allocation" in tail or "MemoryError" in tail:
            zh_cause, en_cause = f"超过了 {limit} 的内存上限", f"it exceeded the memory limit of {limit}"
        elif exitcode is not None and exitcode < 0:
            try:
                sig = signal.Signals(-exitcode).name
            except ValueError:
                sig = str(-exitcode)
            zh_cause, en_cause = f"被信号 {sig} 终止", f"killed by signal {sig}"
        else:
            zh_cause, en_cause = f"退出码 {exitcode}", f"exit status {exitcode}"
        return Unreadable(
            f"{self.display}：读取程序在读取此文件时意外终止（{zh_cause}）。工作表可能引用了远离数据的单元格，或文件已损坏。"
            "请在 Excel/WPS 中删除多余的行列后另存为 .xlsx 再检查。",
            f"{self.display}: the reader crashed while reading this file ({en_cause}); the sheet may reference cells far outside its data, "
            "or the file is damaged. Delete the extra rows and columns in Excel/WPS, save it as .xlsx and check again.",
        )


# Loads started ahead of need by :func:`prestart`, by :func:`zjcredit.io.guard.file_key`.
_PRESTARTED: dict[tuple[str, int, int], IsolatedLoad] = {}


def wants_isolation(path: Path) -> bool:
    """Is ``path`` an .xlsx large enough to be loaded in a child, and not yet guarded in full?"""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        size = path.stat().st_size
    except OSError:
        return False  # the reader says why
    return size >= ISOLATE_MIN_BYTES and not safety.deep_checked(path)


def prestart(path: Path, display: str, max_bytes: int | None = None) -> bool:
    """Start loading ``path`` with :data:`XLSX_LOADER` now, so the child reads while this process still
    imports its checks; :func:`claim` hands the load to the reader. Only after the cheap guards pass;
    anything unusual (a refused or missing file) is left for the reader to report. True if started.
    A load never claimed is stopped when the interpreter exits. ``max_bytes``: only files up to that size
    (a load running beside another file's checks must leave memory for them)."""
    try:
        if not wants_isolation(path) or (max_bytes is not None and path.stat().st_size > max_bytes):
            return False
        safety.precheck(path, display)
        key = safety.file_key(path)
        if key in _PRESTARTED:
            return True
        job = IsolatedLoad(XLSX_LOADER, path, display)
        job.__enter__()
    except Exception:
        return False
    _PRESTARTED[key] = job  # stopped at exit by stop_readers if never claimed
    return True


def claim(path: Path, loader: str) -> IsolatedLoad | None:
    """The load :func:`prestart` began for this very file (same size and modification time), if any."""
    try:
        key = safety.file_key(path)
    except OSError:
        return None
    job = _PRESTARTED.pop(key, None)
    if job is not None and job.loader != loader:
        job._stop()
        return None
    return job


def _stop_prestarted() -> None:
    while _PRESTARTED:
        _, job = _PRESTARTED.popitem()
        job._stop()


def run_yielding(func: Any, *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` in a thread of lower scheduling priority (nice +10 on Linux, inherited
    by the threads it starts), so that while a child reads, this process's guard work takes the cores
    the child leaves idle rather than time from the child, which decides the wall time. Its exceptions
    are raised here."""
    import threading

    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE_INCREMENT)
        except (OSError, AttributeError):
            pass  # not Linux, or not allowed: run at the usual priority
        try:
            outcome["value"] = func(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="zjcredit-guard", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def child_main() -> None:
    """The child's body (``sys.argv[1]``: the memory limit): bounded memory, then for each job line on
    stdin, each sheet to an Arrow IPC file in the job's folder and one JSON line on stdout saying what
    happened. Its stderr (Rust panics) goes to the job's folder. Ends at the end of stdin, or after
    running out of memory."""
    import gc
    import importlib
    import resource
    import threading

    _die_with_parent()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
    # pyarrow (a fifth of a second to import) is needed only to write the result: it is imported while
    # the first file is read (fastexcel releases the GIL).
    arrow = threading.Thread(target=importlib.import_module, args=("pyarrow.ipc",), daemon=True)
    arrow.start()
    for line in sys.stdin:
        job = json.loads(line)
        folder = job["dir"]
        err = os.open(os.path.join(folder, "stderr.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(err, 2)
        os.close(err)
        out_of_memory = False
        try:
            module, _, name = job["loader"].partition(":")
            loader = getattr(importlib.import_module(module), name)
            sheets = loader(Path(job["path"]), job["display"])
            arrow.join()
            import pyarrow as pa
            from pyarrow import ipc

            files = []
            for i, (sheet, batch) in enumerate(sheets):
                file_name = f"sheet{i}.arrow"
                with pa.OSFile(os.path.join(folder, file_name), "wb") as sink, ipc.new_file(sink, batch.schema) as writer:
                    writer.write_batch(batch)
                files.append((sheet, file_name))
            sheets = batch = None  # the next file starts from a clean slate
            message: list[Any] = ["ok", files]
        except Unreadable as exc:
            message = ["unreadable", exc.zh, exc.en]
        except MemoryError:
            message, out_of_memory = ["memory"], True
        except Exception as exc:  # noqa: BLE001 - reported to the parent as one sentence
            message = ["error", type(exc).__name__]
        sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        if out_of_memory:
            return
        gc.collect()
        with contextlib.suppress(Exception):
            import pyarrow as pa

            pa.default_memory_pool().release_unused()


def _die_with_parent() -> None:
    """Linux: the child gets SIGKILL if the parent dies first, so it never outlives an interrupted run."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass
