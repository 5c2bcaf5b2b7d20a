"""Load a large workbook in a child process while the parent guards it.

fastexcel (Rust calamine) is the fastest reader we have, but on a crafted file it can inflate a zip part
whose header lies about its size, or abort the whole process on a sheet whose cells span Excel's grid.
:func:`zjcredit.safety.deep_check` catches both, but costs seconds on a million-row sheet. For large
inputs the two therefore run side by side: the child (a fresh interpreter, ``spawn``: never a ``fork``
of a process whose Arrow and Rust threads already run) loads the sheets and writes them as Arrow IPC
files into a private temporary folder, while the parent runs the deep scan. The parent then maps the
files (no copy) and removes them at once; a refusal from the deep scan stops the child.

Guarantees:

- the child's address space is capped at :data:`CHILD_MEMORY_LIMIT` (``RLIMIT_AS``), so a lying part
  cannot exhaust the machine before the deep scan refuses it;
- a child that dies (abort, signal, memory limit) becomes :class:`~zjcredit.workbook.Unreadable` with a
  sentence naming the file and the cause; its own messages (Rust panics) go to a file, never to the
  user's terminal;
- the temporary folder (under ``/dev/shm`` when it has room, else the system's temporary folder) is
  removed in every case, Ctrl-C included; the child ignores Ctrl-C and is stopped by the parent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zjcredit.workbook import Unreadable

GIB = 1024**3
# Inputs at least this large (bytes) are loaded in a child while the deep scan runs; smaller ones are
# guarded first and read in-process (a child costs about half a second to start).
ISOLATE_MIN_BYTES = 8 * 1024**2
# The child's address-space limit. A 1,000,000-row outcome sheet needs about 1.4 GiB of address space.
CHILD_MEMORY_LIMIT = 4 * GIB
# /dev/shm is used when its free space is at least this many times the input's size (Arrow text
# columns take about 2.5 × the .xlsx's size).
SHM_HEADROOM = 8

_SHM = Path("/dev/shm")

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


class IsolatedLoad:
    """A child loading ``path`` with ``loader`` (a module-level function ``(path, display) -> Loaded``
    that may raise Unreadable). Use as a context manager: leaving it always stops the child and
    removes the temporary folder; :meth:`result` waits for the sheets."""

    def __init__(self, loader: Callable[[Path, str], Loaded], path: Path, display: str, memory_limit: int | None = None) -> None:
        self.loader = loader
        self.path = path
        self.display = display
        self.memory_limit = CHILD_MEMORY_LIMIT if memory_limit is None else memory_limit
        self.dir: str | None = None
        self.proc: Any = None
        self.conn: Any = None

    def __enter__(self) -> IsolatedLoad:
        import multiprocessing

        try:
            self.dir = _scratch_dir(self.path.stat().st_size)
            ctx = multiprocessing.get_context("spawn")
            self.conn, child_conn = ctx.Pipe(duplex=False)
            self.proc = ctx.Process(
                target=_child,
                args=(child_conn, self.loader, str(self.path), self.display, self.dir, self.memory_limit),
                name="zjcredit-reader",
                daemon=True,
            )
            self.proc.start()
            child_conn.close()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
                if proc.is_alive():
                    proc.kill()
            proc.join()
            proc.close()
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def result(self) -> Loaded:
        """The loaded sheets, memory-mapped from the child's files (which are removed at once)."""
        from multiprocessing.connection import wait

        assert self.proc is not None and self.conn is not None and self.dir is not None
        wait([self.conn, self.proc.sentinel])
        message: tuple[Any, ...] | None = None
        if self.conn.poll():
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                message = None
        if message is None:
            self.proc.join()
            raise self._crashed(self.proc.exitcode)
        kind = message[0]
        if kind == "unreadable":
            raise Unreadable(message[1], message[2])
        if kind == "memory":
            raise self._crashed(None, memory=True)
        if kind == "error":
            raise Unreadable(
                f"{self.display}：读取文件时出错（{message[1]}）。请用 Excel/WPS 打开后另存为 .xlsx 再检查。",
                f"{self.display}: the file could not be read ({message[1]}); open it in Excel/WPS, save as .xlsx and check again.",
            )
        import pyarrow as pa
        import pyarrow.ipc as ipc

        loaded: Loaded = []
        for name, file_name in message[1]:
            target = os.path.join(self.dir, file_name)
            with pa.memory_map(target) as source:
                batch = ipc.open_file(source).get_batch(0)
            os.unlink(target)  # the mapping stays valid; nothing is left behind
            loaded.append((name, batch))
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


def _child(conn: Any, loader: Callable[[Path, str], Loaded], path: str, display: str, folder: str, memory_limit: int) -> None:
    """The child's body: bounded memory, quiet stderr, no Ctrl-C; sheets to Arrow IPC files."""
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    err = os.open(os.path.join(folder, "stderr.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(err, 2)
    os.close(err)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        import pyarrow as pa
        import pyarrow.ipc as ipc

        sheets = loader(Path(path), display)
        files = []
        for i, (name, batch) in enumerate(sheets):
            file_name = f"sheet{i}.arrow"
            with pa.OSFile(os.path.join(folder, file_name), "wb") as sink, ipc.new_file(sink, batch.schema) as writer:
                writer.write_batch(batch)
            files.append((name, file_name))
        message: tuple[Any, ...] = ("ok", files)
    except Unreadable as exc:
        message = ("unreadable", exc.zh, exc.en)
    except MemoryError:
        message = ("memory",)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one sentence
        message = ("error", type(exc).__name__)
    conn.send(message)
    conn.close()
