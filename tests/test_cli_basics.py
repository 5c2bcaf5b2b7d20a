from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from zjcredit import __version__
from zjcredit.cli import app

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"zjcredit {__version__}"


def test_help_lists_every_command():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("validate", "template", "summary", "catalog", "outcomes", "rules"):
        assert name in result.stdout


def test_help_does_not_import_heavy_modules():
    code = "import sys; sys.argv=['zjcredit','--help']\nfrom zjcredit.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\nprint(sorted(m for m in ('pandas','openpyxl','numpy','pyarrow','fastexcel') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_english_help_with_lang_en():
    code = "import sys; sys.argv=['zjcredit','validate','--help','--lang','en']\nfrom zjcredit.cli import main\nmain()"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert "Output format" in out


def test_missing_path_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 2
    assert "nope.xlsx" in result.output
    assert "Traceback" not in result.output


def test_empty_folder_is_nothing_checked(tmp_path):
    """Issue 13: nothing checked is never "no problems" — exit 2 and one sentence saying so."""
    result = runner.invoke(app, ["validate", str(tmp_path), "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == "" and "没有检查任何文件" in result.output


def test_unknown_kind_is_reported(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(p), "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert [f["rule"] for f in doc["findings"]] == ["kind-unknown"]


def test_rules_lists_registered_rules():
    result = runner.invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0
    ids = {r["rule"] for r in json.loads(result.stdout)}
    assert {"unreadable", "required", "kind-unknown", "excel-error"} <= ids


def test_ledger_kind_is_checked(tmp_path):
    p = tmp_path / "ledger.csv"
    p.write_text("姓名,身份证号\n张三,330106199001011234\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(p), "--kind", "ledger", "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    rules = {f["rule"] for f in doc["findings"]}
    assert "kind-unsupported" not in rules and {"ledger-part-missing", "ledger-code-missing"} <= rules
    assert "Traceback" not in result.output


def test_table_folds_repeats_and_keeps_row_order():
    from rich.console import Console

    from zjcredit.report.findings import FileResult, Report, make
    from zjcredit.report.render import render_table

    path = "x.xlsx"
    findings = [make("required", path, sheet="S", cell=f"B{r}", row=r, field="姓名") for r in (5, 6, 7, 8, 9)]
    findings += [make("excel-error", path, sheet="S", cell="C3", row=3, field="学时数", value="#REF!")]
    findings += [make("excel-error", path, sheet="S", cell="C12", row=12, field="学时数", value="#REF!")]
    findings += [make("excel-error", path, sheet="S", cell="C4", row=4, field="学时数", value="#N/A")]
    report = Report("validate", [FileResult(path, "outcomes", 10, findings)])
    console = Console(width=200, no_color=True, record=True)
    render_table(report, "zh", console)
    text = console.export_text()
    assert "5 处，行 5, 6, 7, 8, 9" in text
    lines = [line for line in text.splitlines() if "S!C" in line]
    assert [line.split()[1] for line in lines] == ["S!C3", "S!C4", "S!C12"]


def test_the_console_entry_leaves_with_the_status_everything_flushed_and_at_exit_functions_run(tmp_path):
    """entry.main skips Python's teardown (os._exit) but not what sys.exit would do: the status, standard
    output flushed whole (a long JSON document), at-exit functions run; a reader that closes the pipe early
    costs no traceback."""
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples" / "declarations"
    mark = tmp_path / "atexit.txt"
    code = _console(f"Path({str(mark)!r}).write_text('ran')") + "\nprint('not reached')"
    done = subprocess.run([sys.executable, "-c", code, "validate", str(examples), "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    assert doc["summary"]["errors"] > 0 and "not reached" not in done.stdout
    assert mark.read_text() == "ran"
    done = subprocess.run([sys.executable, "-c", code, "validate", str(tmp_path / "没有")], capture_output=True, text=True)
    assert done.returncode == 2 and "没有" in done.stderr
    reader = subprocess.Popen([sys.executable, "-c", code, "validate", str(examples), "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.read(10)
    reader.stdout.close()
    assert reader.wait(timeout=60) == 1
    assert "Traceback" not in reader.stderr.read().decode()


def test_a_zjcredit_process_leaves_pandas_out(tmp_path):
    """pyarrow would import pandas (half a second) on its first conversion of values; zjcredit uses none of
    it, so its processes refuse the import — and give the same answers (the whole suite runs so:
    conftest.py). A program using zjcredit as a library keeps its pandas."""
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples" / "province"
    mark = tmp_path / "modules.txt"
    code = _console(f"Path({str(mark)!r}).write_text(' '.join(sorted(m for m in ('pandas', 'pyarrow', 'duckdb') if sys.modules.get(m))))")
    args = ["audit", str(examples / "成果"), "--catalog", str(examples / "目录_2019H1.xlsx"), "-o", str(tmp_path / "核查报告.xlsx"), "--format", "json"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert mark.read_text() == "duckdb pyarrow"  # used, and pandas not imported
    assert json.loads(done.stdout)["institutions"]
    library = subprocess.run([sys.executable, "-c", "import zjcredit.documents.audit.run, pandas; print(pandas.__name__)"], capture_output=True, text=True)
    assert library.stdout.strip() == "pandas", library.stderr


def _console(at_exit: str) -> str:
    """A program running the console entry (``python -c`` it with zjcredit's arguments) that evaluates
    ``at_exit`` (with ``sys`` and ``Path``) among the at-exit functions."""
    return (
        "import atexit, sys; from pathlib import Path\n"
        f"atexit.register(lambda: {at_exit})\n"
        "sys.argv = ['zjcredit', *sys.argv[1:]]\n"
        "from zjcredit.entry import main\nmain()"
    )


def test_a_command_runs_with_the_cycle_collector_and_the_switch_interval_tuned_and_puts_them_back():
    """guarded() freezes the objects alive before the command (imported modules …) for its run, so the
    collector's full passes skip them, and shortens the switch interval of Python's lock; it puts both
    back after it — also after an error."""
    import gc
    import sys

    import pytest
    import typer

    from zjcredit.cli.run import SWITCH_INTERVAL, guarded
    from zjcredit.errors import UsageError

    before, switch = gc.get_freeze_count(), sys.getswitchinterval()
    assert switch > SWITCH_INTERVAL
    seen: list[tuple[int, float]] = []

    def command() -> str:
        seen.append((gc.get_freeze_count(), sys.getswitchinterval()))
        return "done"

    assert guarded("zh", command) == "done"
    assert seen[0][0] > before and seen[0][1] == SWITCH_INTERVAL
    assert gc.get_freeze_count() == before and sys.getswitchinterval() == switch

    def failing() -> None:
        seen.append((gc.get_freeze_count(), sys.getswitchinterval()))
        raise UsageError("出错了。", "Something is wrong.")

    with pytest.raises(typer.Exit):
        guarded("zh", failing)
    assert seen[1][0] > before and seen[1][1] == SWITCH_INTERVAL
    assert gc.get_freeze_count() == before and sys.getswitchinterval() == switch
