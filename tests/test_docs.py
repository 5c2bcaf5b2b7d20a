"""The README documents every command, option and rule, and its quick start is what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from zjcredit.documents.registry import load_all_rules
from zjcredit.cli import app
from zjcredit.report.findings import RULES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix: str = ""):
    """(full name, command) for every leaf command (typer vendors click, so duck-type it)."""
    out = []
    for name, cmd in group.commands.items():
        full = f"{prefix} {name}".strip()
        if hasattr(cmd, "commands"):
            out.extend(_commands(cmd, full))
        else:
            out.append((full, cmd))
    return out


COMMANDS = _commands(typer.main.get_command(app))


def test_every_command_is_documented():
    for name, _ in COMMANDS:
        assert f"zjcredit {name}" in README, name


def test_every_option_is_documented():
    for name, cmd in COMMANDS:
        for param in cmd.params:
            if getattr(param, "param_type_name", None) == "option":
                longest = max(param.opts, key=len)
                if longest == "--help":
                    continue
                assert longest in README, f"{name}: {longest}"


def test_every_rule_is_documented():
    load_all_rules()
    assert len(RULES) > 40
    for rule_id in RULES:
        assert f"`{rule_id}`" in README, rule_id


def test_quick_start_has_two_commands_and_ci_runs_them():
    block = re.search(r"## 快速开始.*?```bash\n(.*?)```", README, re.S)
    assert block, "quick start block"
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]'" in commands[1] and "pip install -e '.[test]'" in ci
    assert "pytest" in commands[1] and "pytest" in ci


def test_readme_rule_list_is_generated_from_the_registry():
    from zjcredit.documents import registry as rulesdoc

    assert rulesdoc.block(README) == rulesdoc.rules_table(), "run: python -m zjcredit.documents.registry README.md"


def test_architecture_map_names_every_package():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for package in sorted(p.name for p in (ROOT / "src" / "zjcredit").iterdir() if p.is_dir() and not p.name.startswith("_") and p.name != "data"):
        assert f"`{package}/`" in text, package
