"""Hostile input, round two (issue 10): one test or more per point, each through the command line.

Points 3, 10 and 15's concurrent copies concern annotated copies (``report/annotate.py``) and are tested
with it; the fuzzer (``tests/test_fuzz.py``, ``benchmarks/fuzz.py``) runs ``--annotate`` on every case.
Every file is built here; nothing binary is committed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from test_hostile import fingerprint, sheet, xlsx_bytes
from test_outcomes import HEAD, build_catalog, clean_rows, learner, write_sheet
from zjcredit.cli import app
from zjcredit.domain.idcard import check_id, make_id
from zjcredit.io import isolate

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
XLS_EXAMPLE = EXAMPLES / "declarations" / "05_北仑区大碶街道成校_申报表.xls"
FORM_EXAMPLE = EXAMPLES / "declarations" / "01_西湖区三墩镇成校_申报表.xlsx"


def cli(*args: str | Path) -> tuple[int, str, dict[str, Any] | None]:
    result = runner.invoke(app, [str(a) for a in args])
    text = result.stdout + result.stderr
    doc = json.loads(result.stdout) if result.stdout.strip().startswith("{") else None
    return result.exit_code, text, doc


def rules_of(doc: dict[str, Any] | None) -> list[str]:
    return [f["rule"] for f in (doc or {}).get("findings", [])]


def assert_one_sentence(code: int, text: str, *, exit_code: int = 2) -> None:
    assert code == exit_code, text
    assert "Traceback" not in text and "内部错误" not in text and "Internal error" not in text, text
    assert "Exception ignored" not in text, text


# 1. A crafted .xls: the compound file's header, tables and records against the real file -------------------

DIR_SECTOR = 9  # the example's directory sector (its header says so)


def xls_bytes() -> bytes:
    return XLS_EXAMPLE.read_bytes()


def with_u32(data: bytes, offset: int, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into("<I", out, offset, value)
    return bytes(out)


def biff_records(data: bytes) -> list[tuple[int, int, int]]:
    """(type, offset in the file, length) of the example's workbook records (its stream starts at sector 0)."""
    stream_start = 512
    size = struct.unpack_from("<I", data, (DIR_SECTOR + 1) * 512 + 128 + 120)[0]
    out, pos = [], 0
    while pos + 4 <= size:
        kind, length = struct.unpack_from("<HH", data, stream_start + pos)
        out.append((kind, stream_start + pos, length))
        pos += 4 + length
    return out


def crafted_xls(case: str) -> bytes:
    data = xls_bytes()
    entry = (DIR_SECTOR + 1) * 512 + 128  # the Workbook stream's directory entry
    if case == "fat-count":
        return with_u32(data, 44, 0x7FFFFFFF)
    if case == "difat-count":
        return with_u32(data, 72, 0xFFFFFFFF)
    if case == "minifat-count":
        return with_u32(with_u32(data, 60, 0), 64, 0xFFFF_FFFF)
    if case == "dir-count":
        return with_u32(data, 40, 0x00FF_FFFF)
    if case == "stream-size":
        return with_u32(data, entry + 120, 0xFFFF_FFF0)
    if case == "fat-far":
        return with_u32(data, 76 + 4, 0x0080_0000)
    if case == "small-1.5k":
        return with_u32(data[:1536], 76, 0x0080_0000)
    if case == "dimensions":
        kind, at, length = next(r for r in biff_records(data) if r[0] == 0x0200)
        out = bytearray(data)
        struct.pack_into("<IIHH", out, at + 4, 0, 0xFFFF_FFFF, 0, 0xFFFF)
        return bytes(out)
    if case == "far-cell":
        kind, at, length = [r for r in biff_records(data) if r[0] == 0x00FD][-1]
        out = bytearray(data)
        struct.pack_into("<HH", out, at + 4, 0xFFFF, 0xFFFF)
        return bytes(out)
    raise AssertionError(case)


CRAFTED_XLS = ("fat-count", "difat-count", "minifat-count", "dir-count", "stream-size", "fat-far", "small-1.5k", "dimensions", "far-cell")


@pytest.mark.parametrize("case", CRAFTED_XLS)
def test_crafted_xls_is_unreadable_at_once(tmp_path: Path, case: str) -> None:
    path = tmp_path / "申报表.xls"
    path.write_bytes(crafted_xls(case))
    before = fingerprint(path)
    started = time.monotonic()
    code, text, doc = cli("validate", path, "--format", "json")
    assert time.monotonic() - started < 1.0
    assert_one_sentence(code, text)
    assert rules_of(doc) == ["unreadable"]
    message = doc["findings"][0]["message"]
    assert str(path) in message and ("文件已损坏或不是 Excel 文件" in message or "为安全起见拒绝读取" in message)
    assert fingerprint(path) == before


def test_crafted_xls_under_a_memory_limit_exits_2_in_a_second(tmp_path: Path) -> None:
    """The crafted files of the issue, run as a user would under a 2 GiB address-space limit: a sentence,
    never an abort (signal 6) or a process that grows until it is killed."""
    for case in ("dimensions", "far-cell", "small-1.5k"):
        path = tmp_path / f"{case}.xls"
        path.write_bytes(crafted_xls(case))
        started = time.monotonic()
        proc = run_limited(["validate", str(path), "--format", "json"], memory=2 * 1024**3)
        assert proc.returncode == 2, proc.stderr
        assert json.loads(proc.stdout)["findings"][0]["rule"] == "unreadable"
        assert time.monotonic() - started < 10  # a fresh interpreter's start-up included


def test_a_sound_xls_still_reads() -> None:
    code, text, doc = cli("validate", XLS_EXAMPLE, "--format", "json")
    assert code in (0, 1) and "unreadable" not in rules_of(doc), text


# 2. A truncated .xls, under every command ----------------------------------------------------------------


@pytest.mark.parametrize("cut", [600, 1536, 4096, 5532])
def test_truncated_xls_under_every_command(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "申报表.xls"
    path.write_bytes(xls_bytes()[:cut])
    catalog = build_catalog(tmp_path / "目录.xlsx")
    out = tmp_path / "out"
    commands = [
        ["validate", path, "--format", "json"],
        ["validate", path, "--format", "json", "--annotate", out],
        ["outcomes", "check", path, "--catalog", catalog, "--format", "json"],
        ["summary", "build", path, "-o", out / "汇总.xlsx", "--format", "json"],
        ["catalog", "build", path, "--period", "2019H1", "-o", out / "目录.xlsx", "--format", "json"],
    ]
    for command in commands:
        code, text, doc = cli(*command)
        assert_one_sentence(code, text)
        assert "unreadable" in rules_of(doc) or "找不到可用的" in text or "no usable" in text.lower(), (command, text)
    assert not out.exists() or not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


# 3. (annotate) Merged ranges: far-reaching and overlapping ranges cost no more than the grid --------------


def test_far_and_overlapping_merged_ranges_are_read_quickly(tmp_path: Path) -> None:
    path = tmp_path / "申报表.xlsx"
    with zipfile.ZipFile(FORM_EXAMPLE) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                extra = b'<mergeCell ref="A1:XFD1048576"/>' + b'<mergeCell ref="B2:D9"/><mergeCell ref="C3:F12"/>' * 2000
                data = re.sub(rb'<mergeCells count="\d+">', lambda m: m.group(0) + extra, data)
            zout.writestr(info, data)
    started = time.monotonic()
    code, text, _ = cli("validate", path, "--format", "json")
    assert time.monotonic() - started < 5
    assert code in (0, 1, 2) and "Traceback" not in text and "内部错误" not in text


# 4. Numbers at the edge -----------------------------------------------------------------------------------


def declaration_with_scale(tmp_path: Path, value: Any, name: str = "申报表.xlsx") -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(FORM_EXAMPLE)
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.replace(" ", "").startswith("培训规模"):
                ws.cell(row=cell.row, column=cell.column + 1).value = value
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.mark.parametrize("value", [1e308, 1e20, 12345678901234567890])
def test_huge_number_is_a_finding_not_an_overflow(tmp_path: Path, value: Any) -> None:
    path = declaration_with_scale(tmp_path, value)
    code, text, doc = cli("summary", "build", path, "-o", tmp_path / "汇总.xlsx", "--include-invalid", "--format", "json")
    assert code == 1, text
    assert "number-out-of-range" in rules_of(doc)
    found = next(f for f in doc["findings"] if f["rule"] == "number-out-of-range")
    assert found["field"] == "培训规模" and "培训规模" in found["message"]
    code, text, doc = cli("validate", path, "--format", "json", "--lang", "en")
    assert code == 1 and "not a usable number" in text


@pytest.mark.parametrize("value, rule", [("1e309", "number-invalid"), ("NaN", "number-invalid"), ("inf", "number-invalid"), (-0.0, "number-invalid"), ("-0", "number-invalid")])
def test_non_finite_and_negative_zero_are_findings(tmp_path: Path, value: Any, rule: str) -> None:
    path = declaration_with_scale(tmp_path, value)
    code, text, doc = cli("summary", "build", path, "-o", tmp_path / "汇总.xlsx", "--include-invalid", "--format", "json")
    assert code == 1, text
    assert rule in rules_of(doc)


def test_full_width_thousands_are_a_number(tmp_path: Path) -> None:
    path = declaration_with_scale(tmp_path, "１,２００")
    code, text, doc = cli("validate", path, "--format", "json")
    assert not {"number-invalid", "number-out-of-range"} & set(rules_of(doc)), text


def test_number_parser_bounds() -> None:
    from zjcredit.domain.normalize import parse_number, plain_number

    assert [parse_number(v) for v in (1e308, float("inf"), float("nan"), 10**20, 1e15)] == [None] * 5
    assert parse_number(999_999_999_999_999) == 999_999_999_999_999
    assert plain_number(10**400) is None and plain_number(float("inf")) is None


# 5 and 14. File-system trouble: one sentence, exit 2, nothing half written -------------------------------


def _mount_tmpfs(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True).returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Any:
    folder = tmp_path / "只读"
    if os.geteuid() != 0:
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if not _mount_tmpfs(folder, "ro,size=64k"):
        pytest.skip("cannot make a read-only folder here (root without mount)")
    yield folder
    _umount(folder)


@pytest.fixture
def full_disk(tmp_path: Path) -> Any:
    folder = tmp_path / "满"
    if not _mount_tmpfs(folder, "size=64k"):
        pytest.skip("cannot mount a 64 KiB tmpfs here")
    (folder / "fill").write_bytes(b"\0" * (60 * 1024))
    yield folder
    _umount(folder)


def test_read_only_output_folder(tmp_path: Path, read_only_dir: Path) -> None:
    commands = [
        ["summary", "build", FORM_EXAMPLE, "-o", read_only_dir / "汇总.xlsx"],
        ["validate", FORM_EXAMPLE, "--output", read_only_dir / "报告.json"],
        ["validate", FORM_EXAMPLE, "--annotate", read_only_dir / "副本"],
        ["template", "annex2", "-o", read_only_dir / "模板.xlsx"],
    ]
    for command in commands:
        code, text, _ = cli(*command, "--lang", "en")
        assert_one_sentence(code, text)
        assert "read-only" in text or "permission" in text, text
    assert sorted(p.name for p in read_only_dir.iterdir()) == []


def test_missing_folder_is_created_but_a_file_in_the_path_is_a_sentence(tmp_path: Path) -> None:
    code, text, _ = cli("validate", FORM_EXAMPLE, "--output", tmp_path / "新" / "报告.json")
    assert code in (0, 1) and (tmp_path / "新" / "报告.json").exists()
    (tmp_path / "文件").write_text("x")
    code, text, _ = cli("validate", FORM_EXAMPLE, "--output", tmp_path / "文件" / "报告.json")
    assert_one_sentence(code, text)
    assert "文件而不是文件夹" in text


def test_annotate_naming_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "已有.xlsx"
    target.write_bytes(b"keep")
    code, text, _ = cli("validate", FORM_EXAMPLE, "--annotate", target)
    assert_one_sentence(code, text)
    assert "文件夹" in text and target.read_bytes() == b"keep"


def test_full_disk(tmp_path: Path, full_disk: Path) -> None:
    big = tmp_path / "成果.xlsx"
    rows = clean_rows(400)
    for row in rows:
        row[HEAD.index("身份证号")] = "身份证号写错了"  # a finding per row: a report far above 64 KiB
    write_sheet(big, rows)
    commands = [
        ["summary", "build", FORM_EXAMPLE, "-o", full_disk / "汇总.xlsx"],
        ["validate", big, "--output", full_disk / "报告.csv", "--format", "csv"],
        ["validate", FORM_EXAMPLE, big, "--annotate", full_disk / "副本"],
    ]
    for command in commands:
        if command[-2] == "--annotate":  # a fresh process: Python prints "Exception ignored" at its exit
            proc = run_cli([str(c) for c in command])
            code, text = proc.returncode, proc.stderr
        else:
            code, text, _ = cli(*command)
        assert_one_sentence(code, text)
        assert "磁盘空间不足" in text, text
        leftovers = [p.name for p in full_disk.rglob("*") if p.name != "fill" and p.is_file()]
        assert leftovers == [], leftovers


def test_unwritable_report_is_refused_before_the_workbook_is_written(tmp_path: Path) -> None:
    (tmp_path / "文件").write_text("x")
    out = tmp_path / "汇总.xlsx"
    code, text, _ = cli("summary", "build", FORM_EXAMPLE, "-o", out, "--report", tmp_path / "文件" / "报告.json")
    assert_one_sentence(code, text)
    assert not out.exists()
    out = tmp_path / "目录.xlsx"
    code, text, _ = cli("catalog", "build", FORM_EXAMPLE, "--period", "2019H1", "-o", out, "--report", tmp_path / "文件" / "r.csv")
    assert_one_sentence(code, text)
    assert not out.exists()


def test_report_that_exists_is_refused_before_the_workbook_is_written(tmp_path: Path) -> None:
    report = tmp_path / "报告.json"
    report.write_text("old")
    out = tmp_path / "汇总.xlsx"
    code, text, _ = cli("summary", "build", FORM_EXAMPLE, "-o", out, "--report", report)
    assert_one_sentence(code, text)
    assert not out.exists() and report.read_text() == "old"


# 6. Every file the run reads is an input: --force never writes over it -----------------------------------


def test_report_over_the_catalog_is_refused_whatever_its_name(tmp_path: Path) -> None:
    sheet_path = write_sheet(tmp_path / "成果.xlsx", clean_rows())
    catalog = build_catalog(tmp_path / "目录.xlsx")
    os.link(catalog, tmp_path / "硬链接.xlsx")
    (tmp_path / "软链接.xlsx").symlink_to(catalog)
    before = fingerprint(catalog)
    for target in (catalog, tmp_path / "硬链接.xlsx", tmp_path / "软链接.xlsx", tmp_path / "." / "目录.xlsx"):
        code, text, _ = cli("outcomes", "check", sheet_path, "--catalog", catalog, "--output", target, "--force")
        assert_one_sentence(code, text)
        assert "输入文件之一" in text
    # The catalog named through a link, the report onto its real name.
    code, text, _ = cli("outcomes", "check", sheet_path, "--catalog", tmp_path / "软链接.xlsx", "--output", catalog, "--force")
    assert_one_sentence(code, text)
    assert fingerprint(catalog) == before


def test_catalog_build_never_writes_over_previous_or_review(tmp_path: Path) -> None:
    previous = tmp_path / "上一版.xlsx"
    shutil.copy(EXAMPLES / "county" / "catalog-2019H1.xlsx", previous)
    review = tmp_path / "审核.xlsx"
    shutil.copy(EXAMPLES / "county" / "review.xlsx", review)
    for target, option in ((previous, "-o"), (review, "-o"), (previous, "--report"), (review, "--report")):
        before = fingerprint(target)
        args = ["catalog", "build", EXAMPLES / "county" / "declarations", "--period", "2019H1", "--previous", previous, "--review", review, "--force"]
        args += ["-o", target] if option == "-o" else ["-o", tmp_path / "新目录.xlsx", "--report", target]
        code, text, _ = cli(*args)
        assert_one_sentence(code, text)
        assert fingerprint(target) == before


def test_output_hard_linked_to_an_input_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "表"
    folder.mkdir()
    shutil.copy(FORM_EXAMPLE, folder / "a.xlsx")
    os.link(folder / "a.xlsx", tmp_path / "b.xlsx")
    before = fingerprint(folder / "a.xlsx")
    code, text, _ = cli("validate", folder, "--output", tmp_path / "b.xlsx", "--force")
    assert_one_sentence(code, text)
    assert fingerprint(folder / "a.xlsx") == before


# 7. Long CSV lines and fields, SIGTERM, stale scratch folders ---------------------------------------------


def test_csv_line_beyond_the_limit_is_unreadable_naming_the_line(tmp_path: Path) -> None:
    from zjcredit.io.csvfile import MAX_LINE_BYTES

    path = tmp_path / "成果.csv"
    path.write_bytes("姓名,身份证号,项目编码,课程编码\n张三,1,2,3\n".encode() + b"x," * (MAX_LINE_BYTES // 2 + 10) + b"\n")
    started = time.monotonic()
    out = tmp_path / "副本"
    code, text, doc = cli("validate", path, "--format", "json", "--annotate", out)
    assert time.monotonic() - started < 10
    assert_one_sentence(code, text)
    assert rules_of(doc) == ["unreadable"] and "第 3 行" in doc["findings"][0]["message"]


def test_unpaired_quote_joining_lines_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "成果.csv"
    path.write_bytes("姓名,身份证号,项目编码,课程编码\n张三,\"1,2,3\n".encode() + "李四,1,2,3\n".encode() * 120_000)
    code, text, doc = cli("validate", path, "--format", "json")
    assert_one_sentence(code, text)
    assert rules_of(doc) == ["unreadable"] and "引号" in doc["findings"][0]["message"]


def test_csv_field_beyond_excel_cell_limit(tmp_path: Path) -> None:
    path = tmp_path / "成果.csv"
    path.write_bytes("姓名,身份证号,项目编码,课程编码\n".encode() + ("张三,1,2," + "长" * 40_000 + "\n").encode())
    code, text, doc = cli("validate", path, "--format", "json", "--lang", "en")
    assert_one_sentence(code, text)
    assert rules_of(doc) == ["unreadable"] and "D2" in doc["findings"][0]["message"]


def test_old_mac_line_endings_are_lines(tmp_path: Path) -> None:
    rows = clean_rows(3000)
    text = ",".join(HEAD) + "\r" + "".join(",".join(str(v) for v in r) + "\r" for r in rows)
    path = tmp_path / "成果.csv"
    path.write_text(text, encoding="utf-8")
    code, text_out, doc = cli("validate", path, "--format", "json")
    assert "unreadable" not in rules_of(doc), text_out


def _generate(folder: Path, name: str, rows: int, *extra: str) -> tuple[Path, Path]:
    """An outcome sheet as Excel and WPS write it (shared strings, a title line), and its catalog."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_outcomes.py"), "--rows", str(rows), "-o", str(path), "--seed", "7", *extra], check=True, capture_output=True)
    return path, folder / f"{path.stem}_catalog.xlsx"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """30,000 rows (2 MB): loaded in a child, streamed by the guard."""
    return _generate(tmp_path_factory.mktemp("big"), "成果.xlsx", 30_000)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _generate(tmp_path_factory.mktemp("small"), "plain.xlsx", 40, "--error-rate", "0")


def _big_outcome_sheet(tmp_path: Path, rows: int = 30_000) -> tuple[Path, Path]:
    return _generate(tmp_path, "成果.xlsx", rows)


def _scratch_of(pid: int) -> list[Path]:
    out = []
    for base in (Path("/dev/shm"), Path(os.environ.get("TMPDIR", "/tmp"))):
        for folder in base.glob("zjcredit-*") if base.is_dir() else []:
            try:
                if int((folder / "owner.pid").read_text()) == pid:
                    out.append(folder)
            except (OSError, ValueError):
                continue
    return out


def test_sigterm_during_a_check_cleans_up_and_exits_143(tmp_path: Path, big: tuple[Path, Path]) -> None:
    sheet_path, catalog = big
    proc = subprocess.Popen([sys.executable, "-m", "zjcredit", "outcomes", "check", str(sheet_path), "--catalog", str(catalog), "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=tmp_path)
    deadline = time.monotonic() + 30
    while not _scratch_of(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert _scratch_of(proc.pid), "the child's scratch folder never appeared"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err.decode()
    assert "SIGTERM" in err.decode() and "Traceback" not in err.decode()
    assert _scratch_of(proc.pid) == []


def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path: Path, big: tuple[Path, Path]) -> None:
    sheet_path, _ = big
    out = tmp_path / "副本"
    for delay in (0.8, 2.5):
        proc = subprocess.Popen([sys.executable, "-m", "zjcredit", "validate", str(sheet_path), "--annotate", str(out), "--output", str(tmp_path / "r.json"), "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=tmp_path)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (0, 1, 143), err.decode()
        assert "Traceback" not in err.decode()
        assert [p.name for p in tmp_path.rglob("*.tmp")] == []
        assert _scratch_of(proc.pid) == []


def test_stale_scratch_folders_of_dead_runs_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path]) -> None:
    shm = tmp_path / "shm"
    shm.mkdir()
    monkeypatch.setattr(isolate, "_SHM", shm)
    monkeypatch.setattr(isolate, "_swept", False)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = shm / "zjcredit-stale"
    stale.mkdir()
    (stale / "owner.pid").write_text(str(dead.pid))
    (stale / "sheet0.arrow").write_bytes(b"x" * 100)
    alive = shm / "zjcredit-alive"
    alive.mkdir()
    (alive / "owner.pid").write_text(str(os.getppid()))
    other = shm / "something-else"
    other.mkdir()
    sheet_path, catalog = small
    monkeypatch.setattr("zjcredit.io.readers.ISOLATE_MIN_BYTES", 0)
    code, text, _ = cli("outcomes", "check", sheet_path, "--catalog", catalog, "--format", "json")
    assert code in (0, 1), text
    assert sorted(p.name for p in shm.iterdir()) == ["something-else", "zjcredit-alive"]


# 8. Memory: a large outcome sheet under an address-space limit ------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src")
    env.pop("ZJCREDIT_DEBUG", None)
    return env


def run_cli(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zjcredit", *args], capture_output=True, text=True, env=_env(), timeout=300, **kwargs)


def run_limited(args: list[str], memory: int) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return run_cli(args, preexec_fn=limit)


def test_validate_of_a_large_sheet_under_2_gib(tmp_path: Path, big: tuple[Path, Path]) -> None:
    """validate reads an outcome sheet column-wise, as outcomes check does (a million rows under 2 GiB is
    checked by ``benchmarks/fuzz.py --memory``)."""
    sheet_path, catalog = big
    proc = run_limited(["validate", str(sheet_path), "--format", "json"], memory=2 * 1024**3)
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["files"][0]["records"] == 30_000


def test_memory_running_out_is_a_plain_sentence(tmp_path: Path, big: tuple[Path, Path]) -> None:
    sheet_path, _ = big
    proc = run_limited(["validate", str(sheet_path), "--format", "json"], memory=420 * 1024**2)
    assert proc.returncode in (1, 2), proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr, proc.stderr
    if proc.returncode == 2 and "unreadable" not in proc.stdout:
        assert "内存不足" in proc.stderr, proc.stderr


# 9. An ID stored as a number of 16+ digits is always id-excel-number ----------------------------------


def _mangled_id_passing_the_check() -> str:
    """An 18-digit ID as Excel keeps a typed number (15 significant digits) whose digits still pass the
    check digit: the case that used to get no finding."""
    for k in range(1, 5000):
        good = make_id("330106", dt.date(1980, 1, 1) + dt.timedelta(days=k), 17)
        kept = str(int(float(f"{int(good[:17] + '0'):.14e}")))
        if kept != good and check_id(kept).rule is None:
            return kept
    raise AssertionError("no such ID")


def test_number_cell_id_passing_the_check_digit_is_still_an_excel_number(tmp_path: Path) -> None:
    kept = _mangled_id_passing_the_check()
    rows = clean_rows()
    rows[3][HEAD.index("身份证号")] = float(kept)
    rows[4][HEAD.index("身份证号")] = float(kept[:16])  # 16 digits typed as a number
    rows[5][HEAD.index("身份证号")] = kept  # the same digits as text: a valid ID, no finding
    path = write_sheet(tmp_path / "成果.xlsx", rows)
    catalog = build_catalog(tmp_path / "目录.xlsx")
    code, text, doc = cli("outcomes", "check", path, "--catalog", catalog, "--format", "json")
    cells = {f["cell"] for f in doc["findings"] if f["rule"] == "id-excel-number"}
    assert {"C5", "C6"} <= cells and "C7" not in cells, text


def test_number_cell_id_in_a_large_sheet(tmp_path: Path) -> None:
    kept = _mangled_id_passing_the_check()
    rows = clean_rows(12)
    rows[2][HEAD.index("身份证号")] = float(kept)
    path = write_sheet(tmp_path / "成果.xlsx", rows)
    catalog = build_catalog(tmp_path / "目录.xlsx")
    runner_env = {"ZJCREDIT_TEST": "1"}
    import zjcredit.io.readers as readers

    old = readers.ISOLATE_MIN_BYTES
    readers.ISOLATE_MIN_BYTES = 0  # through the child and the guard's streamed notes
    try:
        result = runner.invoke(app, ["outcomes", "check", str(path), "--catalog", str(catalog), "--format", "json"], env=runner_env)
    finally:
        readers.ISOLATE_MIN_BYTES = old
    doc = json.loads(result.stdout)
    assert ("id-excel-number", "C4") in {(f["rule"], f["cell"]) for f in doc["findings"]}


# 11. Excel error values in an outcome .xlsx --------------------------------------------------------------


def _patched_sheet(source: Path, target: Path, edit: Any) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            zout.writestr(info, data)
    return target


def _error_cells(data: bytes) -> bytes:
    data = re.sub(rb'<c r="H3"([^>]*)>.*?</c>', rb'<c r="H3" t="e"><f>1/0</f><v>#DIV/0!</v></c>', data, count=1)
    data = re.sub(rb'<c r="J4"([^>]*)>.*?</c>', rb'<c r="J4" t="e"><v>#N/A</v></c>', data, count=1)
    return re.sub(rb'<c r="D5"([^>]*)>.*?</c>', rb"<c r='D5' t='e'><v>#REF!</v></c>", data, count=1)


@pytest.mark.parametrize("isolated", [False, True])
def test_excel_errors_in_an_outcome_xlsx(tmp_path: Path, isolated: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = write_sheet(tmp_path / "plain.xlsx", clean_rows())
    path = _patched_sheet(plain, tmp_path / "成果.xlsx", _error_cells)
    catalog = build_catalog(tmp_path / "目录.xlsx")
    if isolated:
        monkeypatch.setattr("zjcredit.io.readers.ISOLATE_MIN_BYTES", 0)
    for command in (["outcomes", "check", path, "--catalog", catalog], ["validate", path]):
        code, text, doc = cli(*command, "--format", "json")
        found = {(f["rule"], f["cell"], f["value"]) for f in doc["findings"]}
        assert {("excel-error", "H3", "#DIV/0!"), ("excel-error", "J4", "#N/A"), ("excel-error", "D5", "#REF!")} <= found, text
        assert not {("required", "H3"), ("required", "J4"), ("required", "D5")} & {(r, c) for r, c, _ in found}


# 12. A shared-string index that points nowhere -------------------------------------------------------------


@pytest.mark.parametrize(
    "value, isolated",
    [(b"-1", False), (b"1.5", False), (b"abc", False), (b"", False), (b"99999999999999999999", False), (b"-1", True), (b"abc", True)],
)
def test_shared_string_index_pointing_nowhere(tmp_path: Path, value: bytes, isolated: bool, monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path]) -> None:
    """In a child-loaded sheet an empty index reads as an empty cell (no value): the full scan, which the
    guard runs on sheets read in this process, finds it there."""
    plain, catalog = small
    title = zipfile.ZipFile(plain).read("xl/sharedStrings.xml").split(b"<t>")[1].split(b"</t>")[0].decode()
    path = _patched_sheet(plain, tmp_path / "成果.xlsx", lambda d: re.sub(rb'(<c r="B5"[^>]*t="s"[^>]*>)<v>\d+</v>', rb"\1<v>" + value + rb"</v>", d, count=1))
    assert path.read_bytes() != plain.read_bytes()
    if isolated:
        monkeypatch.setattr("zjcredit.io.readers.ISOLATE_MIN_BYTES", 0)
    for command in (["outcomes", "check", path, "--catalog", catalog], ["validate", path]):
        code, text, doc = cli(*command, "--format", "json")
        assert_one_sentence(code, text)
        assert rules_of(doc) == ["unreadable"], text
        assert title not in json.dumps(doc["findings"], ensure_ascii=False)


@pytest.mark.parametrize("isolated", [False, True])
def test_cells_rightly_showing_string_0_read(tmp_path: Path, isolated: bool, monkeypatch: pytest.MonkeyPatch, small: tuple[Path, Path]) -> None:
    plain, catalog = small
    path = _patched_sheet(plain, tmp_path / "成果.xlsx", lambda d: re.sub(rb'(<c r="L\d+"[^>]*t="s"[^>]*>)<v>\d+</v>', rb"\1<v>0</v>", d))
    if isolated:
        monkeypatch.setattr("zjcredit.io.readers.ISOLATE_MIN_BYTES", 0)
    code, text, doc = cli("outcomes", "check", path, "--catalog", catalog, "--format", "json")
    assert code in (0, 1) and "unreadable" not in rules_of(doc), text


# 13. Big5 text decoded as GB18030 --------------------------------------------------------------------------


def test_big5_csv_is_an_unrecognised_encoding(tmp_path: Path) -> None:
    text = "序號,姓名,身份證號,聯繫電話,機構代碼,項目編碼,課程編碼,學時數,考核結果,完成日期\n" + "".join(
        f"{k},陳大文{k},{learner(k)[1]},13800000000,ORG001,330106-2019H1-001,330106-2019H1-001-01,8,合格,2019-05-0{k % 9 + 1}\n" for k in range(1, 30)
    )
    path = tmp_path / "成果.csv"
    path.write_bytes(text.encode("big5"))
    for command in (["validate", path], ["outcomes", "check", path, "--catalog", build_catalog(tmp_path / "目录.xlsx")]):
        code, out, doc = cli(*command, "--format", "json")
        assert_one_sentence(code, out)
        assert rules_of(doc) == ["unreadable"]
        assert "无法识别 CSV 文件的编码" in doc["findings"][0]["message"] and "Big5" in doc["findings"][0]["message"]
    code, out, doc = cli("validate", path, "--format", "json", "--lang", "en")
    assert "could not be recognised" in doc["findings"][0]["message"]


def test_gbk_csv_still_reads() -> None:
    code, text, doc = cli("validate", EXAMPLES / "declarations" / "07_鄞州区_申报汇总表_GBK.csv", "--format", "json")
    assert "unreadable" not in rules_of(doc), text


# 15. SIGTERM during outcomes check: see test_sigterm_during_a_check_cleans_up_and_exits_143. ------------


def test_xlsx_with_far_cell_in_single_quotes_is_refused(tmp_path: Path) -> None:
    """Found while fixing point 1: the rectangle scan read only r="…", so r='XFD1048576' slipped past it."""
    for cell in ("<c r='XFD1048576'><v>1</v></c>", '<c r = "XFD1048576"><v>1</v></c>', "<c\tr\t=\t'XFD1048576'><v>1</v></c>"):
        path = tmp_path / "表.xlsx"
        path.write_bytes(xlsx_bytes(sheet(f'<row r="1">{cell}</row>')))
        code, text, doc = cli("validate", path, "--format", "json")
        assert_one_sentence(code, text)
        assert rules_of(doc) == ["unreadable"] and "XFD1048576" in doc["findings"][0]["message"]


def test_far_value_is_too_large_for_a_grid_but_an_outcome_sheet_is_still_checked(tmp_path: Path) -> None:
    """Found by the fuzzer: one value in A1048576 makes a 12.6-million-cell rectangle, which calamine allocates
    (and a grid holds twice). Declarations, summaries and catalogs are read cell by cell: refused with a
    sentence; an outcome sheet is read column-wise and checked."""
    from test_hostile import HEADER_ROW

    far = '<row r="1048576"><c r="L1048576"><v>1</v></c></row>'
    form = tmp_path / "申报表.xlsx"
    form.write_bytes(xlsx_bytes(sheet(HEADER_ROW + far)))
    code, text, doc = cli("summary", "build", form, "-o", tmp_path / "汇总.xlsx", "--format", "json")
    assert_one_sentence(code, text)
    assert "逐格读取的上限" in json.dumps(doc, ensure_ascii=False)
    plain = write_sheet(tmp_path / "plain.xlsx", clean_rows())
    path = _patched_sheet(plain, tmp_path / "成果.xlsx", lambda d: d.replace(b"</sheetData>", far.encode() + b"</sheetData>"))
    code, text, doc = cli("validate", path, "--format", "json")
    assert code in (0, 1) and doc["files"][0]["kind"] == "outcomes", text
    # Whole-sheet formatting (empty styled cells far away) is no value: read as usual.
    styled = tmp_path / "格式.xlsx"
    styled.write_bytes(xlsx_bytes(sheet(HEADER_ROW + "".join(f'<row r="{i}"><c r="T{i}" s="1"/></row>' for i in range(2, 300_000)))))
    code, text, doc = cli("validate", styled, "--format", "json")
    assert "unreadable" not in rules_of(doc), text


def test_memory_running_out_while_an_annotated_copy_is_written_is_one_sentence_and_no_temporary_file(tmp_path: Path, monkeypatch: Any) -> None:
    """Found by the fuzzer (seed 4, case 70): memory ran out while a copy was written; removing the
    temporary file and even importing rich for the sentence failed in turn, and a traceback was printed."""
    import builtins

    from typer.testing import CliRunner

    from zjcredit.cli import app
    from zjcredit.report import annotate as annotate_mod

    def exhausted(*args: Any, **kwargs: Any) -> None:
        raise MemoryError

    real_import = builtins.__import__

    def no_room_for_rich(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "rich.markup":
            raise MemoryError
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(annotate_mod, "_write_copy", exhausted)
    monkeypatch.setattr(builtins, "__import__", no_room_for_rich)
    out = tmp_path / "副本"
    result = CliRunner().invoke(app, ["validate", str(FORM_EXAMPLE), "--annotate", str(out), "--format", "json"])
    assert result.exit_code == 2, result.output
    assert "内存不足" in result.output and "Traceback" not in result.output
    assert not [p for p in out.rglob("*") if p.is_file()]


@pytest.mark.parametrize("debug", [False, True])
def test_an_error_in_a_library_finaliser_prints_nothing_unless_debugging(debug: bool) -> None:
    """Found by the fuzzer: a damaged workbook left openpyxl's sheet generator half-read, and Python printed
    "Exception ignored in: <generator object WorkbookParser.find_sheets …>" after the report."""
    code = (
        "import sys\n"
        "class HalfRead:\n"
        "    def __del__(self):\n"
        "        raise KeyError('xl/worksheets/sheet9.xml')\n"
        "keep = HalfRead()\n"
        "sys.argv = ['zjcredit', '--version']\n"
        "from zjcredit.entry import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    del keep\n"
    )
    env = {**os.environ, "ZJCREDIT_DEBUG": "1" if debug else ""}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0 and "zjcredit" in result.stdout
    assert ("Exception ignored" in result.stderr) is debug, result.stderr


@pytest.mark.parametrize("seed", range(4))
def test_line_lengths_checked_by_block_are_those_checked_line_by_line(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """A quote-free CSV's lines are checked by blocks of half the limit (a line break in each is
    enough): for lines of every length about the limit — the last one with or without its line break,
    line feeds or carriage returns alone — the file is refused exactly when some line is too long."""
    import random

    from zjcredit.io import csvfile
    from zjcredit.errors import Unreadable

    monkeypatch.setattr(csvfile, "MAX_LINE_BYTES", 64)
    rng = random.Random(seed)
    for _ in range(400):
        newline = rng.choice([b"\n", b"\r"])
        lengths = [rng.choice([rng.randint(0, 70), rng.randint(60, 68)]) for _ in range(rng.randint(1, 12))]
        lines = [b"a" * n + newline for n in lengths]
        if rng.random() < 0.5:
            lines[-1] = lines[-1][:-1]
        data = b"".join(lines)
        too_long = any(len(line) > 64 for line in lines)
        try:
            csvfile.check_record_lengths(data, "x.csv")
            refused = False
        except Unreadable:
            refused = True
        assert refused == too_long, (lengths, newline)
