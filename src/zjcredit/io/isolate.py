"""Load a large .xlsx in a child process while this process guards it.

fastexcel (Rust calamine) is the fastest reader we have, but on a crafted file it can inflate a zip part
whose header lies about its size, or abort the whole process on a sheet whose cells span Excel's grid.
The guard's deep check (:func:`zjcredit.io.guard.deep_check`) catches both but costs seconds on a
million-row sheet, so for large inputs the two run side by side: a child (a fresh interpreter, never a
fork of a process whose Arrow and Rust threads already run) loads the sheets and writes them as Arrow IPC
files into a private temporary folder while this process runs the deep check; the files are then mapped
(no copy) and removed at once. A refusal from the guard stops the child. What this saves is measured in
the README (section Performance): the deep check's seconds come off every large check.

Guarantees:

- the child's address space is capped at :data:`CHILD_MEMORY_LIMIT` (``RLIMIT_AS``), so a lying part
  cannot exhaust the machine before the deep check refuses it;
- a child that dies (abort, signal, memory limit) becomes :class:`~zjcredit.errors.Unreadable` with a
  sentence naming the file and the cause; its own messages (Rust panics) go to a file, never to the
  user's terminal;
- the temporary folder (under ``/dev/shm`` when it has room, else the system's temporary folder) is
  removed in every case, Ctrl-C included: the child runs in a session of its own (a Ctrl-C at the
  terminal reaches only this process, which stops it) and is killed if this process dies.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zjcredit.errors import OutOfMemory, Unreadable
from zjcredit.io.lean import leave_out_pandas

GIB = 1024**3
# The child's address-space limit. A 1,000,000-row outcome sheet needs about 1.4 GiB of address space.
CHILD_MEMORY_LIMIT = 4 * GIB
# /dev/shm is used when its free space is at least this many times the input's size (Arrow text
# columns take about 2.5 × the .xlsx's size).
SHM_HEADROOM = 8
_SHM = Path("/dev/shm")

# (sheet name, columns as an Arrow record batch) per loaded sheet.
Loaded = list[tuple[str, Any]]


SCRATCH_PREFIX = "zjcredit-"
# The owner's process id, written into every scratch folder: a folder whose owner is gone (killed,
# crashed, terminated twice) is removed by the next run (:func:`sweep_stale_scratch`).
OWNER_FILE = "owner.pid"
# A scratch folder without an owner file (written by an older version) is removed when this old.
UNOWNED_MAX_AGE = 24 * 3600
_swept = False
# Windows: no user ids, and ``os.kill(pid, 0)`` terminates the process instead of probing it.
_WINDOWS = os.name == "nt"


def scratch_dir(size: int) -> str:
    """A private temporary folder, in memory (/dev/shm) when there is room for ``size`` bytes of input,
    marked with this process's id. The first call of a run removes the folders of dead runs first."""
    sweep_stale_scratch()
    base: Path | None = None
    if _SHM.is_dir() and os.access(_SHM, os.W_OK):
        try:
            st = os.statvfs(_SHM)
            if st.f_bavail * st.f_frsize >= SHM_HEADROOM * max(size, 1):
                base = _SHM
        except OSError:
            pass
    folder = tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=base)
    try:
        with open(os.path.join(folder, OWNER_FILE), "w", encoding="ascii") as fh:
            fh.write(str(os.getpid()))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def sweep_stale_scratch() -> None:
    """Remove the scratch folders (in /dev/shm and the temporary folder) of runs that are gone: their
    owner process no longer exists. Folders of other users, of live runs and symlinks are left alone."""
    global _swept
    if _swept:
        return
    _swept = True
    import time

    for base in {_SHM, Path(tempfile.gettempdir())}:
        try:
            candidates = [p for p in base.iterdir() if p.name.startswith(SCRATCH_PREFIX)]
        except OSError:
            continue
        for folder in candidates:
            try:
                st = folder.lstat()
                if not folder.is_dir() or folder.is_symlink() or not _ours(st):
                    continue
                try:
                    owner = int((folder / OWNER_FILE).read_text(encoding="ascii").strip())
                except (OSError, ValueError):
                    if time.time() - st.st_mtime > UNOWNED_MAX_AGE:
                        shutil.rmtree(folder, ignore_errors=True)
                    continue
                if owner != os.getpid() and not _alive(owner):
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue


def _ours(st: os.stat_result) -> bool:
    """The folder belongs to this user (Windows has no user ids: the temporary folder is the user's own)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or st.st_uid == getuid()


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs. On Windows ``os.kill(pid, 0)`` would terminate it, so there a
    folder is never taken for a dead run's (the system's temporary-file clean-up removes it)."""
    if _WINDOWS:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


class _Load:
    """A child loading one file into a private folder; :meth:`stop` ends it and removes the folder."""

    def __init__(self, path: Path, display: str, memory_limit: int) -> None:
        self.display = display
        self.memory_limit = memory_limit
        self.folder = scratch_dir(path.stat().st_size)
        self.proc: subprocess.Popen[bytes] | None = None
        try:
            job = json.dumps({"path": str(path), "display": display, "dir": self.folder, "memory": memory_limit})
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "from zjcredit.io.isolate import child_main; child_main()", job],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the child points its stderr at a file in the folder
                start_new_session=True,
            )
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stdout is not None:
                with contextlib.suppress(OSError):
                    proc.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)


# Loads started before the command line was parsed (:func:`head_start`), by file version.
_HEAD_STARTS: dict[tuple[str, int, int], _Load] = {}


def head_start(path: Path, display: str) -> None:
    """Start loading ``path`` now, ahead of need (before the command is parsed, or while the file before
    it is checked); :func:`load_while_guarding` takes the load over. Only after the guard's cheap checks; a
    file they refuse, or anything unexpected, is left for the reader to report. A load never taken over
    is stopped at exit."""
    from zjcredit.io import guard

    try:
        guard.precheck(path, display)
        key = guard.file_key(path)
        if key in _HEAD_STARTS:
            return
        if not _HEAD_STARTS:
            import atexit

            atexit.register(_stop_head_starts)
        _HEAD_STARTS[key] = _Load(path, display, CHILD_MEMORY_LIMIT)
    except Exception:  # noqa: BLE001 - the command reads the file itself and says what is wrong
        return


def _stop_head_starts() -> None:
    while _HEAD_STARTS:
        _HEAD_STARTS.popitem()[1].stop()


def _taken(path: Path) -> _Load | None:
    from zjcredit.io import guard

    try:
        return _HEAD_STARTS.pop(guard.file_key(path), None)
    except OSError:
        return None


def load_while_guarding(path: Path, display: str, guard: Callable[[], None], memory_limit: int = CHILD_MEMORY_LIMIT) -> Loaded:
    """The sheets of ``path`` loaded by :func:`zjcredit.io.xlsxload.load_xlsx` in a child, while ``guard()``
    runs here; the guard's refusal (an exception) stops the child and is raised."""
    load = _taken(path)
    if load is None or load.memory_limit != memory_limit:
        if load is not None:
            load.stop()
        load = _Load(path, display, memory_limit)
    try:
        guard()
        assert load.proc is not None
        return _result(load.proc, load.folder, display, memory_limit)
    finally:
        load.stop()


def _result(proc: subprocess.Popen[bytes], folder: str, display: str, memory_limit: int) -> Loaded:
    """The loaded sheets, memory-mapped from the child's files (which are removed at once)."""
    assert proc.stdout is not None
    line = proc.stdout.readline().decode("utf-8", "replace")
    try:
        message = json.loads(line)
    except ValueError:
        raise _crashed(display, proc.wait(), folder, memory_limit) from None
    kind = message[0]
    if kind == "memory":
        raise _crashed(display, proc.wait(), folder, memory_limit, memory=True)
    if kind == "unreadable":
        raise Unreadable(message[1], message[2])
    if kind != "ok":
        raise Unreadable(
            f"{display}：读取文件时出错（{message[1]}）。请用 Excel/WPS 打开后另存为 .xlsx 再检查。",
            f"{display}: the file could not be read ({message[1]}); open it in Excel/WPS, save as .xlsx and check again.",
        )
    import pyarrow as pa
    from pyarrow import ipc

    loaded: Loaded = []
    for name, file_name in message[1]:
        target = os.path.join(folder, file_name)
        batch = ipc.open_file(pa.memory_map(target)).get_batch(0)
        os.unlink(target)  # the mapping stays valid while the batch lives; nothing is left behind
        loaded.append((name, batch))
    return loaded


def _stderr_tail(folder: str) -> str:
    try:
        with open(os.path.join(folder, "stderr.txt"), "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - 4096, 0))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _crashed(display: str, exitcode: int | None, folder: str, memory_limit: int, memory: bool = False) -> Unreadable:
    import signal

    tail = _stderr_tail(folder)
    limit = f"{memory_limit / GIB:g} GiB"
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
        f"{display}：读取程序在读取此文件时意外终止（{zh_cause}）。工作表可能引用了远离数据的单元格，或文件已损坏。"
        "请在 Excel/WPS 中删除多余的行列后另存为 .xlsx 再检查。",
        f"{display}: the reader crashed while reading this file ({en_cause}); the sheet may reference cells far outside its data, "
        "or the file is damaged. Delete the extra rows and columns in Excel/WPS, save it as .xlsx and check again.",
    )


def child_main() -> None:
    """The child's body (``sys.argv[1]``: the job as JSON): bounded memory, each sheet to an Arrow IPC file
    in the job's folder, and one JSON line on stdout saying what happened. Its stderr (Rust panics) goes to
    the job's folder."""
    leave_out_pandas()
    _die_with_parent()
    job = json.loads(sys.argv[1])
    folder = job["dir"]
    err = os.open(os.path.join(folder, "stderr.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(err, 2)
    os.close(err)
    _cap_memory(int(job["memory"]))
    try:
        from zjcredit.io.xlsxload import load_xlsx

        sheets = load_xlsx(Path(job["path"]), job["display"])
        import pyarrow as pa
        from pyarrow import ipc

        files = []
        for i, (sheet, batch) in enumerate(sheets):
            file_name = f"sheet{i}.arrow"
            with pa.OSFile(os.path.join(folder, file_name), "wb") as sink, ipc.new_file(sink, batch.schema) as writer:
                writer.write_batch(batch)
            files.append((sheet, file_name))
        message: list[Any] = ["ok", files]
    except Unreadable as exc:
        message = ["unreadable", exc.zh, exc.en]
    except (MemoryError, OutOfMemory):
        message = ["memory"]
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one sentence
        message = ["error", type(exc).__name__]
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _cap_memory(wanted: int) -> None:
    """Cap the child's address space (``RLIMIT_AS``). Windows has no such limit: the child runs uncapped there."""
    try:
        import resource
    except ImportError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


def _die_with_parent() -> None:
    """Linux: the child gets SIGKILL if the parent dies first, so it never outlives an interrupted run."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)
    except (OSError, AttributeError):
        pass
