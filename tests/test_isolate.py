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
from zjcredit.cli import app
from zjcredit.documents.outcomes.check import check_outcomes
from zjcredit.io import guard as safety
from zjcredit.io import isolate, readers

runner = CliRunner()


@dataclass
class Scratch:
    folder: Path  # where the children's temporary folders go
    children: list[subprocess.Popen[bytes]]

    def leftovers(self) -> list[Path]:
        return list(self.folder.iterdir())


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scratch]:
    """Isolate every .xlsx, with the children's temporary folders in the test's folder; records the
    children, which must all have ended by the end."""
    shm = tmp_path / "shm"
    shm.mkdir()
    monkeypatch.setattr(readers, "ISOLATE_MIN_BYTES", 0)
    monkeypatch.setattr(isolate, "_SHM", shm)
    children: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        proc = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        children.append(proc)
        return proc

    monkeypatch.setattr(isolate.subprocess, "Popen", popen)
    yield Scratch(shm, children)
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
    assert len(scratch.children) == 1 and scratch.children[0].poll() is not None
    assert scratch.leftovers() == []
    monkeypatch.setattr(readers, "ISOLATE_MIN_BYTES", 1 << 62)
    in_process = check_outcomes([path], [cat])
    assert len(scratch.children) == 1
    assert _findings(isolated) == _findings(in_process)
    assert {"project-unknown", "id-checksum"} <= {f[0] for f in _findings(isolated)}
    assert isolated.files[0].records == in_process.files[0].records == len(rows)


def test_small_files_stay_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a small file must not start a child")

    monkeypatch.setattr(isolate, "load_while_guarding", refuse)
    rows = clean_rows()
    path = write_sheet(tmp_path / "成果.xlsx", rows)
    assert path.stat().st_size < readers.ISOLATE_MIN_BYTES
    report = check_outcomes([path], [build_catalog(tmp_path / "目录.xlsx")])
    assert report.files[0].records == len(rows) and _findings(report) == []


def test_a_file_already_guarded_in_full_is_read_in_process(tmp_path: Path, scratch: Scratch) -> None:
    path = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    safety.preflight(path, path.name)
    fmt, sheets = readers.read_sheets(path, path.name)
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
    path = write_sheet(tmp_path / "成果.xlsx", clean_rows())

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(safety, "stream_check", interrupted)  # the guard's pass while the child reads
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
    folder = isolate.scratch_dir(1000)
    assert Path(folder).parent == tmp_path / "tmp"
