"""zjcredit runs where POSIX-only pieces are missing (Windows: no ``resource`` module, no user ids, and
``os.kill(pid, 0)`` terminates the process instead of probing it). Simulated here on Linux: the module
is made unimportable, ``os.getuid`` removed and the Windows switch set, and the command line is driven as a user
would (a fresh interpreter through the console entry point)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zjcredit.io import isolate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# The console entry point (``zjcredit``) with ``import resource`` failing, as on Windows.
NO_RESOURCE = "import sys; sys.modules['resource'] = None; sys.argv = ['zjcredit', *sys.argv[1:]]\nfrom zjcredit.entry import main\nmain()"


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), ZJCREDIT_LANG="zh")
    env.pop("ZJCREDIT_DEBUG", None)
    return env


def _zjcredit_without_resource(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", NO_RESOURCE, *args], capture_output=True, text=True, env=_env(), cwd=cwd, timeout=300)


def test_the_command_line_runs_without_the_resource_module(tmp_path: Path) -> None:
    done = _zjcredit_without_resource("--version", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("zjcredit ")

    form = EXAMPLES / "county" / "declarations" / "01-三墩镇成校.xlsx"
    done = _zjcredit_without_resource("validate", str(form), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(done.stdout)["summary"]["errors"] == 0


def test_the_child_reader_loads_a_sheet_without_the_resource_module(tmp_path: Path) -> None:
    """The child that loads a large .xlsx caps its memory with ``resource`` where there is one; without it
    (Windows) it loads the sheet uncapped instead of failing, so no large sheet becomes 'unreadable'."""
    sheet = EXAMPLES / "outcomes" / "成果_2019H1.xlsx"
    folder = tmp_path / "scratch"
    folder.mkdir()
    job = json.dumps({"path": str(sheet), "display": sheet.name, "dir": str(folder), "memory": isolate.CHILD_MEMORY_LIMIT})
    code = "import sys; sys.modules['resource'] = None\nfrom zjcredit.io.isolate import child_main\nchild_main()"
    done = subprocess.run([sys.executable, "-c", code, job], capture_output=True, text=True, env=_env(), timeout=300)
    assert done.returncode == 0, (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    status, files = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == "ok"
    assert [(folder / name).is_file() for _, name in files] == [True] * len(files) and files


def test_stale_scratch_sweep_never_signals_a_process_on_windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows ``os.kill(pid, 0)`` would terminate whatever process now has that id: the sweep must not
    call it, and without user ids it must not fail either. A folder whose owner cannot be probed stays."""
    shm = tmp_path / "shm"
    shm.mkdir()
    monkeypatch.setattr(isolate, "_SHM", shm)
    monkeypatch.setattr(isolate, "_swept", False)
    monkeypatch.setattr(isolate.tempfile, "gettempdir", lambda: str(shm))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    owned = shm / "zjcredit-owned"
    owned.mkdir()
    (owned / isolate.OWNER_FILE).write_text(str(dead.pid))
    signalled: list[int] = []
    monkeypatch.setattr(isolate.os, "kill", lambda pid, sig: signalled.append(pid))
    monkeypatch.delattr(isolate.os, "getuid")
    monkeypatch.setattr(isolate, "_WINDOWS", True)
    isolate.sweep_stale_scratch()
    monkeypatch.undo()
    assert signalled == []
    assert owned.is_dir()
