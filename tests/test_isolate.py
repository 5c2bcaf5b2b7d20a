"""Large .xlsx outcome sheets are loaded in a child process while the parent runs the deep safety scan.

The size threshold is patched to 0 so tiny workbooks built here take that path; the scratch folder is
redirected into the test's own folder to prove nothing is left behind.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from test_hostile import HEADER_ROW, lying_bomb_xlsx, sheet, xlsx_bytes
from test_outcomes import HEAD, build_catalog, clean_rows, write_sheet
from zjcredit.io import columns as fastread, isolate, guard as safety
from zjcredit.cli import app
from zjcredit.documents.outcomes.check import check_outcomes
from zjcredit.errors import Unreadable

runner = CliRunner()


@dataclass
class Scratch:
    folder: Path  # where the children's temporary folders go
    children: list[subprocess.Popen[bytes]]

    def leftovers(self) -> list[Path]:
        return list(self.folder.iterdir())


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scratch]:
    """Isolate every .xlsx, with the children's temporary folders in the test's folder and a reader pool
    of the test's own; records the children and stops the idle ones at the end."""
    shm = tmp_path / "shm"
    shm.mkdir()
    monkeypatch.setattr(isolate, "ISOLATE_MIN_BYTES", 0)
    monkeypatch.setattr(isolate, "_SHM", shm)
    monkeypatch.setattr(isolate, "_IDLE", [])
    monkeypatch.setattr(isolate, "_PRESTARTED", {})
    children: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        proc = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        children.append(proc)
        return proc

    monkeypatch.setattr(isolate.subprocess, "Popen", popen)
    yield Scratch(shm, children)
    isolate.stop_readers()
    assert all(p.poll() is not None for p in children)


def _findings(report: object) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(f.rule, f.cell, f.row, f.value) for r in report.files for f in r.findings]


def test_isolated_load_gives_the_same_findings_and_leaves_nothing(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = clean_rows()
    rows[0][HEAD.index("项目编码")] = "330106-2019H1-099"
    rows[3][HEAD.index("身份证号")] = "330106199001011234"
    rows[5][HEAD.index("学时数")] = "16学时"
    path = write_sheet(tmp_path / "成果.xlsx", rows, title="2019年上半年学习成果")
    cat = build_catalog(tmp_path / "目录.xlsx")
    isolated = check_outcomes([path], [cat])
    assert len(scratch.children) == 1
    assert [r.proc for r in isolate._IDLE] == scratch.children  # waiting for the next file
    assert scratch.leftovers() == []
    check_outcomes([path], [cat])
    assert len(scratch.children) == 1  # the same reader took the second run
    monkeypatch.setattr(isolate, "ISOLATE_MIN_BYTES", 1 << 62)
    in_process = check_outcomes([path], [cat])
    assert len(scratch.children) == 1
    assert _findings(isolated) == _findings(in_process)
    assert {"project-unknown", "id-checksum"} <= {f[0] for f in _findings(isolated)}
    assert isolated.files[0].records == in_process.files[0].records == len(rows)


def test_small_files_stay_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a small file must not start a child")

    monkeypatch.setattr(isolate.IsolatedLoad, "__enter__", refuse)
    rows = clean_rows()
    path = write_sheet(tmp_path / "成果.xlsx", rows)
    assert path.stat().st_size < isolate.ISOLATE_MIN_BYTES
    report = check_outcomes([path], [build_catalog(tmp_path / "目录.xlsx")])
    assert report.files[0].records == len(rows) and _findings(report) == []


def test_a_file_already_guarded_in_full_is_read_in_process(tmp_path: Path, scratch: Scratch) -> None:
    path = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    safety.preflight(path, path.name)
    fmt, sheets = fastread.read_sheets(path, path.name)
    assert fmt == "xlsx" and sheets[0].nrows == len(clean_rows()) + 1
    assert scratch.children == []


def test_deep_scan_refusal_stops_the_child(tmp_path: Path, scratch: Scratch) -> None:
    """A part that inflates beyond its declared size: the same refusal as the sequential path."""
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(lying_bomb_xlsx())
    result = runner.invoke(app, ["outcomes", "check", str(bomb), "--catalog", str(build_catalog(tmp_path / "目录.xlsx")), "--format", "json"])
    assert result.exit_code == 2, result.output
    doc = json.loads(result.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["unreadable"]
    assert "超过其声明" in doc["findings"][0]["message"]
    assert all(p.poll() is not None for p in scratch.children)
    assert scratch.leftovers() == []


def test_reader_crash_is_a_sentence_and_the_run_goes_on(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the deep scan, a cell at XFD1048576 aborts fastexcel: only the child dies."""
    monkeypatch.setattr(safety, "deep_check", lambda path, display, **_: None)
    folder = tmp_path / "in"
    folder.mkdir()
    far = folder / "a-far.xlsx"
    far.write_bytes(xlsx_bytes(sheet(HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')))
    rows = clean_rows()
    write_sheet(folder / "b-good.xlsx", rows)
    result = runner.invoke(app, ["outcomes", "check", str(folder), "--catalog", str(build_catalog(tmp_path / "目录.xlsx")), "--format", "json"])
    assert "Traceback" not in result.output and "panicked" not in result.output
    assert result.exit_code == 2, result.output
    doc = json.loads(result.stdout)
    assert [(f["rule"], Path(f["path"]).name) for f in doc["findings"]] == [("unreadable", "a-far.xlsx")]
    message = doc["findings"][0]["message"]
    assert "a-far.xlsx" in message and "意外终止" in message and "远离数据的单元格" in message
    # The child's address space is capped: calamine's allocation for the whole grid fails.
    assert "4 GiB 的内存上限" in message
    assert [(Path(f["path"]).name, f["records"]) for f in doc["files"]] == [("a-far.xlsx", 0), ("b-good.xlsx", len(rows))]
    assert scratch.leftovers() == []


def test_ctrl_c_stops_the_child_and_leaves_nothing(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(path: Path, display: str, **_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(safety, "deep_check", interrupted)
    path = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    result = runner.invoke(app, ["outcomes", "check", str(path), "--catalog", str(build_catalog(tmp_path / "目录.xlsx")), "--format", "json"])
    assert result.exit_code == 130
    assert "Traceback" not in result.output
    assert len(scratch.children) == 1
    assert scratch.children[0].poll() is not None
    assert scratch.leftovers() == []


def test_scratch_folder_falls_back_when_shm_is_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "_SHM", tmp_path / "no-such-shm")
    monkeypatch.setattr(isolate.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folder = isolate._scratch_dir(1000)
    assert Path(folder).parent == tmp_path / "tmp"


def test_outcomes_check_starts_reading_before_parsing(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    """`zjcredit outcomes check` starts the child for its first large input from the raw arguments; the
    reader then takes that child over instead of starting another. Option values are never inputs."""
    from zjcredit import cli

    path = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    cat = build_catalog(tmp_path / "目录.xlsx")
    monkeypatch.setattr(isolate, "_PRESTARTED", {})
    cli._prestart_outcome_read(["outcomes", "check", "--catalog", str(cat), "-q", "--output", str(tmp_path / "x.xlsx"), str(path)])
    assert len(scratch.children) == 1 and [job.path for job in isolate._PRESTARTED.values()] == [path]
    report = check_outcomes([path], [cat])
    assert len(scratch.children) == 1  # claimed, not started again
    assert report.files[0].records == len(clean_rows()) and _findings(report) == []
    assert isolate._PRESTARTED == {} and scratch.leftovers() == []


def test_prestart_ignores_other_commands_and_bad_arguments(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    from zjcredit import cli

    path = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    monkeypatch.setattr(isolate, "_PRESTARTED", {})
    cli._prestart_outcome_read(["validate", str(path)])
    cli._prestart_outcome_read(["outcomes", "check", str(path), "--help"])
    cli._prestart_outcome_read(["outcomes", "check", "--catalog", str(path)])  # only an option value
    cli._prestart_outcome_read(["outcomes", "check", str(tmp_path / "missing.xlsx"), str(path)])  # the command will say
    assert scratch.children == []


def test_an_unclaimed_head_start_is_stopped_and_cleaned(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    monkeypatch.setattr(isolate, "_PRESTARTED", {})
    assert isolate.prestart(path, path.name)
    assert isolate.prestart(path, path.name)  # once per file
    assert len(scratch.children) == 1
    isolate._stop_prestarted()  # what happens at exit
    assert scratch.children[0].poll() is not None and scratch.leftovers() == []
    # A file changed since: its head start is not used.
    assert isolate.prestart(path, path.name)
    write_sheet(path, clean_rows(3))
    assert isolate.claim(path, isolate.XLSX_LOADER) is None
    isolate._stop_prestarted()
    assert scratch.leftovers() == []


def test_guard_work_runs_at_lower_priority_and_its_errors_surface() -> None:
    import os
    import threading

    def nice_here() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    mine = nice_here()
    assert isolate.run_yielding(nice_here) == min(mine + isolate.NICE_INCREMENT, 19)
    assert nice_here() == mine

    def refuse() -> None:
        raise safety._unreadable("拒绝", "refused")

    with pytest.raises(Unreadable) as caught:
        isolate.run_yielding(refuse)
    assert caught.value.zh == "拒绝"


def test_a_folder_is_read_one_file_ahead(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each next file starts loading while the current one is read and checked: one child per file, all
    taken over by the reader, the same findings as reading in-process, nothing left behind."""
    monkeypatch.setattr(isolate, "_PRESTARTED", {})
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(3):
        rows = clean_rows()
        rows[k][HEAD.index("项目编码")] = "330106-2019H1-099"
        write_sheet(folder / f"{k}.xlsx", rows)
    cat = build_catalog(tmp_path / "目录.xlsx")
    pipelined = check_outcomes([folder], [cat])
    # Two readers take turns: one reads the next file while the other's file is read and checked.
    assert len(scratch.children) == 2 and all(p.poll() is None for p in scratch.children)
    assert isolate._PRESTARTED == {} and scratch.leftovers() == []
    monkeypatch.setattr(isolate, "ISOLATE_MIN_BYTES", 1 << 62)
    assert _findings(pipelined) == _findings(check_outcomes([folder], [cat]))
    assert [f[0] for f in _findings(pipelined)].count("project-unknown") == 3


def test_large_next_files_wait_their_turn(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "_PRESTARTED", {})
    monkeypatch.setattr(isolate, "PIPELINE_MAX_BYTES", 0)
    path = write_sheet(tmp_path / "a.xlsx", clean_rows())
    assert not isolate.prestart(path, path.name, max_bytes=isolate.PIPELINE_MAX_BYTES)
    assert scratch.children == []


def test_a_reader_is_not_kept_after_a_large_file(tmp_path: Path, scratch: Scratch, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolate, "REUSE_MAX_BYTES", 0)
    path = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    report = check_outcomes([path], [build_catalog(tmp_path / "目录.xlsx")])
    assert report.files[0].records == len(clean_rows())
    assert isolate._IDLE == [] and scratch.children[0].poll() is not None
