"""Plain command-line values taken without pydantic (cli/plain_values.py): for every parameter of every
command, and values of every kind — plain, odd, wrong — the value or the error is the one Typer's own
check (pydantic's adapter) gives; and a command run does not import pydantic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer._coercion as typer_coercion
import typer.main
from typer._click import Context
from typer._click.exceptions import BadParameter

from zjcredit.cli.app import app
from zjcredit.cli.plain_values import PlainParam

VALUES = [
    "0", "5", "-3", "007", "+4", " 5", "1_000", "1e3", "2.5", "0.5", "-0.0", "200", "99999999999999999999", "1.0000000000000002",
    "abc", "", "nan", "inf", "-", "中文.xlsx", "json", "JSON", "table", "en", "zh", "csv", "a/b.csv", True, False, None, 3, 2.5,
]


def _commands(cmd: Any, ctx: Context) -> list[tuple[Any, Context]]:
    out = [(cmd, ctx)]
    for name, sub in getattr(cmd, "commands", {}).items():
        out += _commands(sub, Context(sub, info_name=name, parent=ctx))
    return out


def test_plain_values_are_typers_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "中文.xlsx").write_bytes(b"x")
    root = typer.main.get_command(app)
    checked = 0
    for cmd, ctx in _commands(root, Context(root, info_name="zjcredit")):
        for param in cmd.params:
            if not hasattr(param, "type_descriptor"):
                continue
            plain = param.get_runtime_param()
            typer_own = typer_coercion.build_runtime_param(param.type_descriptor)
            for value in [*VALUES, "a", "中文.xlsx", ("5", "a"), ["中文.xlsx"]]:
                outcome = []
                for runtime in (plain, typer_own):
                    try:
                        result = runtime.coerce(value, param=param, ctx=ctx)
                        outcome.append(("value", result, type(result)))
                    except BadParameter as exc:
                        outcome.append(("error", exc.format_message()))
                    except Exception as exc:  # noqa: BLE001 - the same kind of failure either way
                        outcome.append(("failure", type(exc)))
                assert outcome[0] == outcome[1], (cmd.name, param.name, value)
                checked += isinstance(plain, PlainParam)
    assert checked > 1000  # nearly every parameter is a plain one


def test_a_command_leaves_pydantic_out(tmp_path: Path) -> None:
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('pydantic' in sys.modules, file=sys.stderr))\n"
        "from zjcredit.entry import main\n"
        "sys.argv = ['zjcredit', 'outcomes', 'check', sys.argv[1], '--max-hours', '150', '--format', 'json']\n"
        "main()\n"
    )
    sheet = tmp_path / "成果.csv"
    sheet.write_text("姓名,身份证号,机构代码,项目编码,课程编码,学时数,完成日期\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    done = subprocess.run([sys.executable, "-c", program, str(sheet)], capture_output=True, text=True, env=env, timeout=120)
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr
