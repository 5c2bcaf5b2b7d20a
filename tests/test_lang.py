"""Chinese all the way: Typer's own words, help examples, `rules` columns, no programmer notation."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from zjcredit.cli import app
from zjcredit.cli.click_zh import MESSAGES
from zjcredit.cli.width import cell_width

ROOT = Path(__file__).resolve().parents[1]
ZJCREDIT = str(Path(sys.executable).parent / "zjcredit")
runner = CliRunner()
ENGLISH_CLICK = ("Usage:", "Options:", "Arguments:", "Commands:", "Error:", "Missing", "No such", "Invalid value", "Try '", "Show this message", "[default:", "[required]", "Input should", "is not one of", "Got unexpected")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80", **(env or {})})
    return result.exit_code, result.output


def english_free(text: str) -> bool:
    return not [w for w in ENGLISH_CLICK if w in text]


# Typer's words ------------------------------------------------------------------------------------------

USAGE_ERRORS = [
    (("validate",), "缺少参数 路径，它是必填的"),
    (("validate", "--nosuch", "x"), "没有 --nosuch 这个选项"),
    (("validate", "--outpt", "x"), "是不是要用 --output"),
    (("outcomes", "check", "x"), "缺少选项 --catalog，它是必填的"),
    (("outcomes", "check", "x", "--catalog", "y", "--id-run", "1"), "选项 --id-run 的值不对：“1”太小：最小为 2"),
    (("outcomes", "check", "x", "--catalog", "y", "--age-min", "abc"), "“abc”不是整数"),
    (("template", "annex2", "--projects", "99"), "“99”太大：最大为 50"),
    (("validate", "x", "--kind", "foo"), "“foo”不是可选的值，可选：auto、annex1"),
    (("validate", "x", "--format"), "选项 --format 后面要写一个值"),
    (("valdate", "x"), "没有 valdate 这个命令。是不是要用 'validate'"),
    (("rules", "extra"), "多出来的内容：extra"),
    (("catalog", "diff", "a.xlsx"), "缺少参数 新目录"),
]


@pytest.mark.parametrize(("args", "sentence"), USAGE_ERRORS)
def test_usage_errors_are_chinese_by_default(args: tuple[str, ...], sentence: str) -> None:
    code, out = run(*args)
    assert code == 2
    assert sentence in out
    assert "错误：" in out and english_free(out), out


@pytest.mark.parametrize(("args", "sentence"), USAGE_ERRORS)
def test_usage_errors_are_english_with_lang_en_and_the_environment(args: tuple[str, ...], sentence: str) -> None:
    for code, out in (run(*args, "--lang", "en"), run(*args, env={"ZJCREDIT_LANG": "en"})):
        assert code == 2
        assert "Error: " in out and "错误" not in out and sentence not in out, out
    _, out = run(*args, env={"ZJCREDIT_LANG": "en"})
    assert "Input should" not in out and "Value error" not in out  # plain sentences in English too


def test_a_group_without_its_command() -> None:
    code, out = run("--lang", "zh")
    assert code == 2 and "错误：缺少命令：请写上要运行的命令（加 -h 可查看有哪些命令）。" in out and english_free(out)
    code, out = run("--lang", "en")
    assert code == 2 and "Error: Missing command." in out


def test_usage_line_and_help_hint_are_chinese() -> None:
    code, out = run("outcomes", "check")
    assert code == 2
    assert out.startswith("用法：zjcredit outcomes check [选项] 路径...")
    assert "查看帮助：zjcredit outcomes check -h" in out
    # Help texts and argument names are chosen when the program starts: in a fresh process, all English.
    proc = subprocess.run([ZJCREDIT, "outcomes", "check", "--lang", "en"], check=False, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.startswith("Usage: zjcredit outcomes check [OPTIONS] PATH...")
    assert "Try 'zjcredit outcomes check -h' for help." in proc.stderr and "Missing argument 'PATH'." in proc.stderr


def test_help_words_are_chinese_by_default() -> None:
    code, out = run("outcomes", "check", "--help")
    assert code == 0
    for word in ("用法：", "参数：", "选项：", "[必填]", "[默认：5，最小 2]", "显示此帮助并退出。", "<路径>", "<整数>", "<数字>"):
        assert word in out, word
    assert english_free(out)
    assert "list[Path]" not in out and "x>=" not in out and "int range" not in out
    code, out = run("--help")
    assert code == 0 and "命令：" in out and "用法：zjcredit [选项] 命令 [参数]..." in out and english_free(out)


def test_group_and_root_help_take_lang() -> None:
    # Typer's words follow --lang in-process; a fresh process also gives English help texts.
    for args in (["--lang", "en", "--help"], ["ledger", "--help", "--lang", "en"], ["ledger", "--lang", "en", "--help"]):
        code, out = run(*args)
        assert code == 0 and "Usage: zjcredit" in out and "Show this message and exit." in out, args
    for args in (["--lang", "en", "--help"], ["ledger", "--help", "--lang", "en"]):
        proc = subprocess.run([ZJCREDIT, *args], check=False, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "80"})
        assert proc.returncode == 0, proc.stderr
        assert "Usage: zjcredit" in proc.stdout and "Examples" in proc.stdout and not re.search(r"[\u4e00-\u9fff]{6}", proc.stdout.split("Examples")[0].replace("浙学银〔2019〕2号", "")), proc.stdout
    proc = subprocess.run([ZJCREDIT, "ledger", "--help"], check=False, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "ZJCREDIT_LANG": "en"})
    assert "Check process ledgers" in proc.stdout and "Usage:" in proc.stdout


def test_lang_before_the_command_reaches_the_command(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    code, out = run("--lang", "en", "validate", str(missing))
    assert code == 2 and "does not exist" in out and "找不到" not in out
    assert out.startswith("Error: ") and "：" not in out.split(str(missing))[0]  # an English colon in English
    code, out = run("validate", str(missing), env={"ZJCREDIT_LANG": "en"})
    assert code == 2 and "does not exist" in out
    code, out = run("validate", str(missing))
    assert code == 2 and "找不到" in out
    code, out = run("validate", str(missing), "--lang", "zh", env={"ZJCREDIT_LANG": "en"})
    assert code == 2 and "找不到" in out  # the command's own --lang wins


def test_the_last_lang_counts_for_typer_words_and_the_command() -> None:
    code, out = run("--lang", "zh", "outcomes", "check", "x", "--lang", "en")
    assert code == 2 and "Error: Missing option '--catalog'." in out
    code, out = run("--lang", "en", "outcomes", "check", "x", "--lang", "zh")
    assert code == 2 and "缺少选项 --catalog" in out


def test_the_head_start_sees_through_the_groups_lang() -> None:
    from zjcredit.entry import input_paths

    for argv in (["--lang", "en", "outcomes", "check", "a.xlsx"], ["outcomes", "--lang=en", "check", "a.xlsx"], ["outcomes", "check", "--lang", "en", "a.xlsx"]):
        assert input_paths(argv) == [Path("a.xlsx")], argv
    assert input_paths(["--lang", "en", "outcomes", "check", "a.xlsx", "-h"]) == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Path 'a.xlsx' does not exist.", "找不到 a.xlsx：请检查路径是否正确。"),
        ("File 'x' is a directory.", "x 是一个文件夹，这里要写文件。"),
        ("Directory 'x' is not writable.", "没有写入 x 的权限。"),
        ("Option '-o' requires 2 arguments.", "选项 -o 后面要写 2 个值。"),
        ("Value must be an iterable.", "这里要写一个或多个值。"),
    ],
)
def test_typer_sentences_not_met_above_are_translated_too(english: str, chinese: str) -> None:
    from zjcredit.cli import click_zh

    assert click_zh.translate(english) == chinese
    click_zh.use("en")
    try:
        assert click_zh.translate(english) == english
    finally:
        click_zh.use("zh")


def test_every_typer_msgid_is_translated() -> None:
    """typer.core's gettext msgids (a newer Typer may add some): each has its Chinese."""
    source = Path(typer.core.__file__).read_text(encoding="utf-8")
    msgids = {node.args[0].value for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_" and node.args and isinstance(node.args[0], ast.Constant)}
    assert msgids and msgids <= set(MESSAGES), msgids - set(MESSAGES)


# Help pages: examples, width ----------------------------------------------------------------------------

def _commands(group: typer.core.TyperGroup, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    out: list[tuple[tuple[str, ...], object]] = [(prefix, group)]
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            out.extend(_commands(cmd, (*prefix, name)))
        else:
            out.append(((*prefix, name), cmd))
    return out


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "zjcredit" for p, _ in COMMANDS])
def test_every_help_ends_with_examples_and_fits_80_columns(path: tuple[str, ...], command: object) -> None:
    code, out = run(*path, "--help")
    assert code == 0
    lines = out.rstrip("\n").splitlines()
    assert [line for line in lines if cell_width(line) > 80] == []
    heading = next(i for i, line in enumerate(lines) if line.strip().startswith("示例"))
    examples = lines[heading + 1 :]
    assert 1 <= len(examples) <= 2 and all(line.startswith("    zjcredit ") for line in examples), examples


def _examples() -> list[tuple[str | None, list[str]]]:
    found = []
    for _, command in COMMANDS:
        epilog = command.epilog  # type: ignore[attr-defined]
        lines = epilog.splitlines()
        folder = re.search(r"在 (\S+) 文件夹中运行", lines[1])
        found.append((folder.group(1) if folder else None, [line.strip() for line in lines[2:]]))
    return found


@pytest.mark.parametrize(("folder", "commands"), _examples(), ids=[" | ".join(c) for _, c in _examples()])
def test_every_example_runs_on_the_bundled_examples(folder: str | None, commands: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("*.py", "*.json", "*.md"))
    monkeypatch.chdir(tmp_path / folder if folder else tmp_path)
    for line in commands:
        args = line.split()[1:]
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (line, result.output)
        assert "Traceback" not in result.output


# `zjcredit rules` ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "severities"), [("zh", ("错误", "警告", "提示")), ("en", ("error", "warning", "info"))])
def test_rules_columns_are_aligned_in_80_columns(lang: str, severities: tuple[str, ...]) -> None:
    code, out = run("rules", "--lang", lang)
    assert code == 0
    lines = out.rstrip("\n").splitlines()
    assert max(cell_width(line) for line in lines) <= 80
    starts = set()
    for line in lines:
        if line.startswith(" "):  # a wrapped title, under the title column
            continue
        rule_id, gap, severity, gap2, _title = re.fullmatch(r"(\S+)( +)(\S+)( +)(.*)", line).groups()  # type: ignore[union-attr]
        assert line is lines[0] or severity in severities, line
        severity_at = cell_width(rule_id + gap)
        starts.add((severity_at, severity_at + cell_width(severity + gap2)))
    assert len(starts) == 1, starts
    (_, title_at), = starts
    assert all(line[:title_at].strip() == "" for line in lines if line.startswith(" "))
    other = {"zh": ("error", "warning"), "en": ("错误", "警告")}[lang]
    assert not any(f" {word} " in line for line in lines for word in other)


# No programmer notation in what a clerk reads --------------------------------------------------------

NOTATION = re.compile(r"\^|\[[A-Za-z0-9]-[A-Za-z0-9]|\\[dDwWsS]|\{\d+(,\d*)?\}|[<>]=|\.\*|\(\?|\d\[\d-\d\]|YYYY|list\[|<int|<str|<float")


def test_no_rule_message_holds_programmer_notation() -> None:
    from zjcredit.documents.registry import load_all_rules
    from zjcredit.report.findings import RULES

    load_all_rules()
    bad = [(r.id, t) for r in RULES.values() for t in (r.zh, r.en, r.title_zh, r.title_en) if NOTATION.search(t)]
    assert bad == []


def test_no_help_or_message_text_holds_programmer_notation() -> None:
    """Every T(zh, en) and ZjcreditError/UsageError(zh, en) sentence in the package, both languages."""
    bad = []
    for path in (ROOT / "src" / "zjcredit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("T", "UsageError", "ZjcreditError"):
                for arg in node.args[:2]:
                    parts = [arg.value] if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else [v.value for v in getattr(arg, "values", []) if isinstance(v, ast.Constant)]
                    bad.extend((f"{path.name}:{node.lineno}", p) for p in parts if NOTATION.search(p))
    assert bad == []
    _, out = run("validate", "--help")
    assert "4–30位字母、数字或连字符" in re.sub(r"\s+", "", out) and not NOTATION.search(out)


def test_rendered_messages_describe_formats_in_words(tmp_path: Path) -> None:
    table = tmp_path / "汇总.csv"
    table.write_text(
        "序号,项目名称,项目类别,培训规模,培训对象,培训形式,培训时数,学时数,申报单位,机构代码,联系人（电话）\n"
        "1,茶艺培训,生活休闲,50,社区居民,线下,20,20,西湖区三墩镇成校,A!,张三 12012345678\n",
        encoding="utf-8",
    )
    for args in ([], ["--org-code-pattern", r"^\d{10}$"], ["--lang", "en"]):
        code, out = run("validate", str(table), "--kind", "annex1", "--format", "json", *args)
        assert code == 1
        assert "org-code-invalid" in out and not NOTATION.search(out), out
    code, out = run("validate", str(table), "--kind", "annex1", "--format", "json")
    assert "4–30 位字母、数字或连字符" in out


def test_root_help_lists_the_commands_in_the_order_of_a_quarters_work() -> None:
    result = runner.invoke(app, ["--help"])
    listed = [line.split()[0] for line in result.output.split("命令：", 1)[1].split("\n\n", 1)[0].splitlines() if line.startswith("  ") and not line.startswith("   ")]
    assert listed == ["validate", "template", "summary", "catalog", "outcomes", "ledger", "audit", "stats", "store", "rules"]
