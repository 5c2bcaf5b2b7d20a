"""Issue 13, the reports a clerk reads: output names checked before anything is read (3), the findings
workbook (3), tables that read well at 80 and 120 columns and are the default wherever the output goes (6),
--mask-ids (7), and file-system trouble as one sentence with nothing left behind (4). Everything through the
command line."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_outcomes import HEAD, build_catalog, clean_rows, write_sheet
from typer.testing import CliRunner

from zjcredit.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DECLARATIONS = EXAMPLES / "declarations"
OUTCOMES = EXAMPLES / "outcomes" / "成果_有错误_2019H1.xlsx"
CATALOG = EXAMPLES / "outcomes" / "目录_2019H1.xlsx"
MISSING = "没有这个输入.xlsx"
RAW_ID = re.compile(r"(?<![0-9*])\d{17}[\dXx](?![0-9])")
RAW_PHONE = re.compile(r"(?<![0-9*])1[3-9]\d{9}(?![0-9])")

runner = CliRunner()


def cli(*args: Any, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, [str(a) for a in args], env=env)


def cells_wide(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


def assert_sentence(result: Any, *words: str) -> None:
    """Exit 2, one sentence on stderr naming ``words``, no traceback."""
    text = result.stdout + result.stderr
    assert result.exit_code == 2, text
    assert "Traceback" not in text and "内部错误" not in text, text
    sentence = result.stderr.strip()
    assert sentence.count("\n") == 0, sentence  # one line: the terminal wraps it, not we
    for word in words:
        assert word in sentence, sentence


# 3. Output names -----------------------------------------------------------------------------------------

NAME_CASES = [
    (["validate", MISSING, "--output", "报告.xls"], "报告.xls"),
    (["validate", MISSING, "--output", "报告.csv", "--format", "json"], "报告.json"),
    (["validate", MISSING, "--output", "报告.json", "--format", "table"], "报告.txt"),
    (["validate", MISSING, "--annotate", "副本.xlsx"], "副本.xlsx"),
    (["outcomes", "check", MISSING, "--catalog", MISSING, "--output", "报告.pdf"], "报告.pdf"),
    (["outcomes", "check", MISSING, "--catalog", MISSING, "--annotate", "副本.csv"], "副本.csv"),
    (["ledger", "check", MISSING, "--catalog", MISSING, "--output", "报告.docx"], "报告.docx"),
    (["ledger", "check", MISSING, "--catalog", MISSING, "--annotate", "副本.xlsx"], "副本.xlsx"),
    (["summary", "build", MISSING, "-o", "汇总.xls"], "汇总.xls"),
    (["summary", "build", MISSING, "-o", "汇总.xlsx", "--report", "报告.xls"], "报告.xls"),
    (["catalog", "build", MISSING, "--period", "2019H1", "-o", "目录.csv"], "目录.csv"),
    (["catalog", "build", MISSING, "--period", "2019H1", "-o", "目录.xlsx", "--report", "报告.doc"], "报告.doc"),
    (["catalog", "diff", MISSING, MISSING, "-o", "对比.csv"], "对比.csv"),
    (["audit", MISSING, "--catalog", MISSING, "-o", "核查.xls"], "核查.xls"),
    (["audit", MISSING, "--catalog", MISSING, "-o", "核查.xlsx", "--report", "问题.xls"], "问题.xls"),
    (["stats", MISSING, "--catalog", MISSING, "-o", "统计.csv"], "统计.csv"),
    (["template", "annex1", "-o", "汇总表.xls"], "汇总表.xls"),
    (["template", "annex2", "-o", "申报表.csv"], "申报表.csv"),
    (["template", "outcomes", "-o", "成果表.xls"], "成果表.xls"),
    (["template", "outcomes", "--catalog", MISSING, "-o", "成果表.xlsx"], "成果表.xlsx"),
    (["template", "review", "--from", MISSING, "-o", "审核.csv"], "审核.csv"),
    (["template", "ledger", "-o", "台账.xls"], "台账.xls"),
    (["template", "ledger", "--catalog", MISSING, "--project", "P", "-o", "台账.csv"], "台账.csv"),
    (["store", "export", "导出.xlsx", "--store", MISSING], "导出.xlsx"),
]


@pytest.mark.parametrize(("args", "named"), NAME_CASES, ids=[" ".join(str(a) for a in c[0][:2]) + f" {c[1]}" for c in NAME_CASES])
def test_an_output_name_that_does_not_match_is_refused_before_anything_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[Any], named: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    # The input does not exist: had it been read first, the sentence would say so.
    assert_sentence(result, named)
    assert "找不到" not in result.stderr
    assert list(tmp_path.iterdir()) == []
    english = cli(*args, "--lang", "en") if args[0] not in ("store",) else cli(*args)
    assert english.exit_code == 2


def test_a_report_name_picks_its_format(tmp_path: Path) -> None:
    runs = {}
    for suffix in ("json", "csv", "txt", "xlsx"):
        out = tmp_path / f"报告.{suffix}"
        result = cli("validate", DECLARATIONS, "--output", out)
        assert result.exit_code == 1, result.stdout + result.stderr
        assert out.exists() and "完整报告已写入" in result.stderr
        runs[suffix] = result
    doc = json.loads((tmp_path / "报告.json").read_text(encoding="utf-8"))
    rows = list(csv.reader(io.StringIO((tmp_path / "报告.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["path", "sheet", "cell"] and len(rows) - 1 == len(doc["findings"])
    text = (tmp_path / "报告.txt").read_text(encoding="utf-8")
    assert "问题汇总" in text and "\x1b[" not in text and "另有" not in text  # a report file folds nothing
    assert max(cells_wide(line) for line in text.splitlines()) <= 120
    # The terminal still shows the table (JSON only on request).
    assert "问题汇总" in runs["json"].stdout and not runs["json"].stdout.lstrip().startswith("{")


def test_the_findings_workbook(tmp_path: Path) -> None:
    out = tmp_path / "问题清单.xlsx"
    result = cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--output", out)
    assert result.exit_code == 1
    doc = json.loads(cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--format", "json").stdout)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["问题清单", "问题汇总", "文件"]
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    assert header == ["文件", "工作表", "单元格", "行", "项目", "字段", "规则", "名称", "级别", "说明", "读到的值"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:K")
    assert all(ws.column_dimensions[letter].width >= 5 for letter in "ABCDEFGHIJK")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == len(doc["findings"])  # one row per finding
    by_cell = {(r[2], r[6]): r for r in rows}
    for f in doc["findings"]:
        row = by_cell[(f["cell"], f["rule"])]
        assert row[9] == f["message"] and row[3] == f["row"]
    checksum = next(r for r in rows if r[6] == "id-checksum")
    assert checksum[7] == "身份证号校验位错误" and checksum[8] == "错误"
    counts = [[c.value for c in r] for r in wb["问题汇总"].iter_rows()]
    assert counts[0] == ["规则", "名称", "级别", "处数"]
    tally: dict[str, int] = {}
    for f in doc["findings"]:
        tally[f["rule"]] = tally.get(f["rule"], 0) + 1
    assert {r[0]: r[3] for r in counts[1:-1]} == tally and counts[-1][3] == len(doc["findings"])
    assert wb["问题汇总"].freeze_panes == "A2"
    from zjcredit.io.marker import output_kind

    assert output_kind(out) == "report"
    en = tmp_path / "findings.xlsx"
    assert cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--output", en, "--lang", "en").exit_code == 1
    wb = openpyxl.load_workbook(en)
    assert wb.sheetnames == ["Findings", "By rule", "Files"]
    assert [c.value for c in wb["Findings"][1]][6:9] == ["Rule", "Title", "Severity"]
    assert any(r[8].value == "error" for r in wb["Findings"].iter_rows(min_row=2))


def test_build_report_to_xlsx(tmp_path: Path) -> None:
    result = cli("summary", "build", DECLARATIONS, "-o", tmp_path / "汇总.xlsx", "--report", tmp_path / "报告.xlsx", "--include-invalid")
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    wb = openpyxl.load_workbook(tmp_path / "报告.xlsx")
    assert wb.sheetnames == ["问题清单", "问题汇总", "文件"]
    assert wb["问题清单"].max_row > 1


# 6. Tables a person can read ------------------------------------------------------------------------------


def many_bad_ids(tmp_path: Path) -> tuple[Path, Path]:
    """An outcome sheet whose 30 learners' IDs all have a wrong check digit, in a deep folder."""
    rows = clean_rows(30)
    for row in rows[:30]:
        number = row[HEAD.index("身份证号")]
        row[HEAD.index("身份证号")] = number[:17] + ("0" if number[17] != "0" else "1")
    folder = tmp_path / "杭州市" / "西湖区社区学院及各成人文化技术学校" / "2019年上半年学习成果登记"
    folder.mkdir(parents=True)
    return write_sheet(folder / "成果.xlsx", rows), build_catalog(tmp_path / "目录.xlsx")


@pytest.mark.parametrize("columns", [80, 120])
def test_table_at_80_and_120_columns(tmp_path: Path, columns: int) -> None:
    sheet, catalog = many_bad_ids(tmp_path)
    result = cli("outcomes", "check", sheet, "--catalog", catalog, env={"COLUMNS": str(columns)})
    assert result.exit_code == 1
    text = result.stdout
    doc = json.loads(cli("outcomes", "check", sheet, "--catalog", catalog, "--format", "json").stdout)
    ids = [f for f in doc["findings"] if f["rule"] == "id-checksum"]
    assert len(ids) == 30  # JSON keeps every finding
    lines = text.splitlines()
    assert max(cells_wide(line) for line in lines) <= columns
    # 问题汇总 before the details, with the rule's count.
    summary = text.index("问题汇总")
    assert summary < text.index(str(sheet)[-20:]) or summary < text.index("id-checksum")
    assert re.search(r"id-checksum\s+身份证号校验位错误\s+错误\s+30", text)
    # Folded: the first 5 lines of the rule, then how many more and where to find them.
    assert "另有 25 处" in text and "--output" in text
    shown = [f for f in ids if f["value"] in text]
    assert len(shown) == 5
    for f in shown:  # an ID is never broken across lines
        assert f["value"] in text
    assert "\x1b[" not in text  # redirected: no colour


def test_no_break_between_a_number_and_its_unit(tmp_path: Path) -> None:
    sheet, catalog = many_bad_ids(tmp_path)
    for columns in ("80", "120"):
        text = cli("outcomes", "check", sheet, "--catalog", catalog, env={"COLUMNS": columns}).stdout
        lines = [line.strip() for line in text.splitlines()]
        for a, b in itertools.pairwise(lines):
            if a and b and a[-1].isdigit():
                assert not (b[0].isdigit() or b[0] in "位行条处个学人次"), (a, b)


def test_file_names_keep_the_part_that_tells_them_apart(tmp_path: Path) -> None:
    sheet, catalog = many_bad_ids(tmp_path)
    other = sheet.with_name("成果_第二批_更正.xlsx")
    shutil.copy(sheet, other)
    text = cli("outcomes", "check", sheet, other, "--catalog", catalog, "--quiet", env={"COLUMNS": "80"}).stdout
    table = text[text.index("按文件汇总"): text.index("问题汇总")]
    assert "成果.xlsx" in table and "成果_第二批_更正.xlsx" in table
    assert max(cells_wide(line) for line in table.splitlines()) <= 80


@pytest.mark.parametrize("columns", [80, 120])
def test_every_command_fits_the_terminal_without_cutting_a_code(tmp_path: Path, columns: int) -> None:
    """The wide tables (台账完备情况, 核查结论, 年度数据, the catalog's) at 80 and 120 columns: no line
    longer than the terminal, every project code whole."""
    env = {"COLUMNS": str(columns)}
    runs = [
        cli("ledger", "check", EXAMPLES / "ledgers" / "台账", "--catalog", EXAMPLES / "ledgers" / "目录_2019H1.xlsx", "--outcomes", EXAMPLES / "ledgers" / "成果_2019H1.xlsx", env=env),
        cli("audit", EXAMPLES / "province" / "成果", "--catalog", EXAMPLES / "province" / "目录_2019H1.xlsx", "--ledgers", EXAMPLES / "province" / "台账", "-o", tmp_path / "核查.xlsx", env=env),
        cli("stats", EXAMPLES / "province" / "成果", "--catalog", EXAMPLES / "province" / "目录_2019H1.xlsx", env=env),
        cli("catalog", "build", EXAMPLES / "county" / "declarations", "--period", "2019H1", "-o", tmp_path / "目录.xlsx", env=env),
    ]
    for k, result in enumerate(runs):
        assert result.exit_code in (0, 1), result.stdout + result.stderr
        lines = result.stdout.splitlines()
        assert max(cells_wide(line) for line in lines) <= columns, result.stdout
        if k < 2:  # the ledgers' and the audit's tables name projects
            assert re.search(r"\d{6}-\d{4}(?:H1|Q3|Q4)-\d{3}", result.stdout), result.stdout
        for line in lines:  # a code is never split at the end of a line
            assert not re.search(r"\d{6}-\d{0,3}$|\d{6}-\d{4}(?:H1|Q3|Q4)?-?\d{0,2}$", line.rstrip()), line


def test_the_table_is_the_default_in_a_pipe(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "zjcredit", "validate", str(DECLARATIONS)], capture_output=True, text=True, env={**os.environ, "COLUMNS": "100"}, check=False)
    assert proc.returncode == 1
    assert "问题汇总" in proc.stdout and "共 " in proc.stdout and not proc.stdout.lstrip().startswith("{")
    assert "\x1b[" not in proc.stdout
    scripted = subprocess.run([sys.executable, "-m", "zjcredit", "validate", str(DECLARATIONS), "--format", "json"], capture_output=True, text=True, check=False)
    assert json.loads(scripted.stdout)["summary"]["errors"] > 0


def _stderr_on_a_terminal(args: list[str]) -> str:
    """Run zjcredit with its stderr on a pseudo-terminal (so the progress shows) and return what it wrote."""
    pty = pytest.importorskip("pty")  # POSIX only
    import select
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "zjcredit", *args], stdout=subprocess.DEVNULL, stderr=slave, env={**os.environ, "COLUMNS": "120"})
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_leaves_no_lines_unless_verbose() -> None:
    files = [str(p) for p in sorted(DECLARATIONS.glob("0[1-3]*.xlsx"))]
    quiet = _stderr_on_a_terminal(["validate", *files])
    assert "已读取" not in quiet
    verbose = _stderr_on_a_terminal(["validate", *files, "--verbose"])
    assert verbose.count("已读取") >= 2


# 7. --mask-ids -----------------------------------------------------------------------------------------------


def test_mask_ids_in_every_report(tmp_path: Path) -> None:
    plain = json.loads(cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--format", "json").stdout)
    assert any(RAW_ID.search(f["message"]) for f in plain["findings"])  # there is something to mask
    masked = json.loads(cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--format", "json", "--mask-ids").stdout)
    text = json.dumps(masked, ensure_ascii=False)
    assert not RAW_ID.search(text) and not RAW_PHONE.search(text)
    # The place of every finding is kept, so the clerk still finds the row.
    assert [(f["cell"], f["row"], f["rule"]) for f in masked["findings"]] == [(f["cell"], f["row"], f["rule"]) for f in plain["findings"]]
    checksum = next(f for f in masked["findings"] if f["rule"] == "id-checksum")
    original = next(f for f in plain["findings"] if f["rule"] == "id-checksum")
    assert checksum["value"] == original["value"][:6] + "********" + original["value"][-4:]
    assert checksum["value"] in checksum["message"]
    phone = next(f for f in masked["findings"] if f["rule"] == "phone-shared")
    assert re.fullmatch(r"1[3-9]\d\*{4}\d{4}", phone["value"]), phone["value"]
    for fmt in ("csv", "table"):
        out = cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--format", fmt, "--mask-ids").stdout
        assert not RAW_ID.search(out) and not RAW_PHONE.search(out), fmt
    book = tmp_path / "问题清单.xlsx"
    copies = tmp_path / "副本"
    result = cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--output", book, "--annotate", copies, "--mask-ids")
    assert result.exit_code == 1
    for path in [book, *copies.iterdir()]:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    for text in (cell.value, cell.comment.text if cell.comment else None):
                        if text is not None:
                            assert not RAW_ID.search(str(text)) and not RAW_PHONE.search(str(text)), (path.name, ws.title, cell.coordinate, text)
    copy = openpyxl.load_workbook(next(copies.iterdir()))
    first = copy.worksheets[0]
    cell = first[checksum["cell"]]
    assert cell.value == checksum["value"] and cell.fill.fgColor.rgb.endswith("FFC7CE")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("请联系 0571-88886666 王老师", "请联系 0571-****6666 王老师"),
        ("电话(0571)88886666转", "电话(0571)****6666转"),
        ("057188886666", "0571****6666"),
        ("010 1234567", "010 ***4567"),
        ("0571-88886666-123", "0571-****6666-123"),
        ("0575-85123456、13812345678", "0575-****3456、138****5678"),
        # Not landlines: codes, dates, numbers, too short, inside a longer run.
        ("项目 330102-2019H1-003", None),
        ("2019-06-10 学时 0.5", None),
        ("0571-8888", None),
        ("编号 A0571888866661", None),
    ],
)
def test_mask_text_covers_landlines_in_free_text(text: str, masked: str | None) -> None:
    """A landline in a note or a message is masked like a mobile number: its area code and last 4 digits
    kept; nothing else that merely has digits."""
    from zjcredit.report.mask import mask_text

    assert mask_text(text) == (text if masked is None else masked)


def test_mask_ids_in_the_audit_workbook(tmp_path: Path) -> None:
    out = tmp_path / "核查.xlsx"
    result = cli("audit", OUTCOMES, "--catalog", CATALOG, "-o", out, "--mask-ids", "--format", "json")
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    assert not RAW_ID.search(result.stdout) and not RAW_PHONE.search(result.stdout)
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not RAW_ID.search(cell.value) and not RAW_PHONE.search(cell.value), (ws.title, cell.coordinate, cell.value)


# 4. File-system trouble: one sentence, exit 2, nothing left behind -----------------------------------------------


def _mount_tmpfs(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, check=False).returncode == 0


def test_annotate_naming_a_file_to_be(tmp_path: Path) -> None:
    result = cli("validate", DECLARATIONS, "--annotate", tmp_path / "副本.xlsx")
    assert_sentence(result, "文件夹", "副本.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_report_workbook_into_a_missing_folder_is_made(tmp_path: Path) -> None:
    out = tmp_path / "新建" / "问题清单.xlsx"
    assert cli("validate", DECLARATIONS, "--output", out).exit_code == 1
    assert out.exists()


def test_report_workbook_on_a_full_or_read_only_disk(tmp_path: Path) -> None:
    full, read_only = tmp_path / "满", tmp_path / "只读"
    if not (_mount_tmpfs(full, "size=64k") and _mount_tmpfs(read_only, "ro,size=64k")):
        subprocess.run(["umount", "-l", str(full)], capture_output=True, check=False)
        pytest.skip("cannot mount a tmpfs here")
    try:
        (full / "fill").write_bytes(b"\0" * (60 * 1024))
        result = cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--output", full / "问题清单.xlsx")
        assert_sentence(result, "磁盘空间不足")
        assert sorted(p.name for p in full.iterdir()) == ["fill"]
        result = cli("outcomes", "check", OUTCOMES, "--catalog", CATALOG, "--output", read_only / "问题清单.xlsx", "--lang", "en")
        assert_sentence(result)
        assert "read-only" in result.stderr or "permission" in result.stderr
        assert list(read_only.iterdir()) == []
    finally:  # lazily: a file the failed write left open must not keep the mount
        subprocess.run(["umount", "-l", str(full)], capture_output=True, check=False)
        subprocess.run(["umount", "-l", str(read_only)], capture_output=True, check=False)


def test_the_tables_file_count_is_the_inputs_as_in_the_json(tmp_path: Path) -> None:
    """The summary written into the input folder (and the one it replaces) is no input: the table's
    "共 N 个文件" and the JSON's summary.files agree."""
    folder = tmp_path / "申报表"
    shutil.copytree(EXAMPLES / "county" / "declarations", folder)
    target = folder / "汇总表.xlsx"
    args = ["summary", "build", str(folder), "-o", str(target), "--force"]
    runner.invoke(app, args)
    table = runner.invoke(app, args)
    doc = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    counted = re.search(r"共 (\d+) 个文件", table.output)
    assert counted and int(counted.group(1)) == doc["summary"]["files"] == len(doc["files"])
