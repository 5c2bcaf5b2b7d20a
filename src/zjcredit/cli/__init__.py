"""The command line: parse, call one library function, render, exit.

Heavy libraries (pandas, openpyxl, numpy) are imported inside commands, so `zjcredit --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from zjcredit import __version__
from zjcredit.errors import UsageError, ZjcreditError
from zjcredit.cli.i18n import T

app = typer.Typer(
    name="zjcredit",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=T(
        "浙江省终身教育学分银行：社会培训项目申报、目录与学习成果的检查和汇总工具（依据浙学银〔2019〕2号）。",
        "Check and merge Zhejiang credit-bank training declarations, catalogs and learner outcomes (notice 浙学银〔2019〕2号).",
    ),
)
template_app = typer.Typer(no_args_is_help=True, help=T("生成空白的官方表格模板。", "Write the blank official workbooks."))
summary_app = typer.Typer(no_args_is_help=True, help=T("汇总申报表，生成申报汇总表（附件1）。", "Merge declarations into the regional summary (Annex 1)."))
catalog_app = typer.Typer(no_args_is_help=True, help=T("生成季度培训项目目录（含项目编码、课程编码）。", "Build the quarterly training-project catalog with codes."))
outcomes_app = typer.Typer(no_args_is_help=True, help=T("对照项目目录检查学习成果表。", "Check learner outcome sheets against the catalog."))
app.add_typer(template_app, name="template")
app.add_typer(summary_app, name="summary")
app.add_typer(catalog_app, name="catalog")
app.add_typer(outcomes_app, name="outcomes")


class Kind(str, Enum):
    auto = "auto"
    annex1 = "annex1"
    annex2 = "annex2"
    catalog = "catalog"
    outcomes = "outcomes"
    ledger = "ledger"


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


# Options shared by every reporting command ---------------------------------------------------------
FormatOpt = Annotated[Optional[Format], typer.Option("--format", "-f", help=T("输出格式：table（表格）、json 或 csv；终端中默认 table，重定向时默认 json。", "Output format: table, json or csv; table on a terminal, json when redirected."))]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", help=T("把结果写入此文件（而不是屏幕）。", "Write the report to this file instead of standard output."))]
AnnotateOpt = Annotated[Optional[Path], typer.Option("--annotate", help=T("在此文件夹中为每个输入写一份标出问题单元格的副本（*.checked.xlsx）。", "Write a copy of each input with its problem cells marked (*.checked.xlsx) into this folder."))]
FailOnOpt = Annotated[FailOn, typer.Option("--fail-on", help=T("达到此级别的问题时退出状态为 1：error 或 warning。", "Exit with status 1 when findings reach this level: error or warning."))]
LangOpt = Annotated[Lang, typer.Option("--lang", help=T("信息语言：zh（中文）或 en（英文）。", "Language of messages: zh or en."))]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=T("表格输出只显示每个文件的汇总行；不显示进度。", "Table output shows only the summary lines; no progress."))]
OrgCodeOpt = Annotated[Optional[str], typer.Option("--org-code-pattern", help=T("机构代码应符合的正则表达式，默认 ^[A-Za-z0-9-]{4,30}$（字母、数字和连字符）。", "Regular expression 机构代码 must match; default ^[A-Za-z0-9-]{4,30}$ (letters, digits, hyphens)."))]
ForceOpt = Annotated[bool, typer.Option("--force", help=T("允许覆盖已存在的输出文件。", "Allow overwriting an existing output file."))]
PathsArg = Annotated[list[Path], typer.Argument(help=T("要检查的文件或文件夹（文件夹会递归读取）。", "Files or folders to read (folders recursively)."), show_default=False)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zjcredit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=T("显示版本号并退出。", "Show the version and exit."))] = False,
) -> None:
    """zjcredit."""


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def fail(exc: ZjcreditError, lang: str) -> None:
    _stderr_console().print(f"[bold red]{'Error' if lang == 'en' else '错误'}：[/]{exc.text(lang)}", highlight=False, markup=True)
    raise typer.Exit(2)


def _guard(lang: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a library call: user mistakes become a sentence and exit 2; Ctrl-C exits 130."""
    try:
        return func(*args, **kwargs)
    except ZjcreditError as exc:
        fail(exc, lang)
    except KeyboardInterrupt:
        _stderr_console().print("已中断，未写入任何输出。" if lang != "en" else "Interrupted; nothing was written.")
        raise typer.Exit(130) from None
    except (typer.Exit, SystemExit):
        raise
    except Exception as exc:  # a bug: one sentence, the traceback only on request
        if os.environ.get("ZJCREDIT_DEBUG"):
            raise
        msg = (
            f"内部错误（{type(exc).__name__}: {exc}）。这是 zjcredit 的缺陷，请设置 ZJCREDIT_DEBUG=1 重新运行并报告。"
            if lang != "en"
            else f"Internal error ({type(exc).__name__}: {exc}). This is a zjcredit bug; rerun with ZJCREDIT_DEBUG=1 and report it."
        )
        _stderr_console().print(msg, markup=False)
        raise typer.Exit(2) from None


class _Progress:
    """A spinner on stderr naming the file being read and the time spent on it (terminals only)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.console = _stderr_console()
        self.status: Any = None

    def __call__(self, name: str) -> None:
        import time

        done = getattr(self, "_current", None)
        if done is not None:
            seconds = time.monotonic() - done[1]
            self.console.print(f"[dim]{'read' if self.lang == 'en' else '已读取'} {done[0]}（{seconds:.1f} s）[/]", highlight=False)
        self._current = (name, time.monotonic())
        text = f"{'reading' if self.lang == 'en' else '正在读取'} {name} …"
        if self.status is None:
            self.status = self.console.status(text, spinner="dots")
            self.status.start()
        else:
            self.status.update(text)

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None


def _progress(quiet: bool, lang: str) -> _Progress | None:
    if quiet or not sys.stderr.isatty():
        return None
    return _Progress(lang)


def _stop(progress: _Progress | None) -> None:
    if progress is not None:
        progress.stop()


def emit(report: Any, fmt: Format | None, output: Path | None, lang: str, quiet: bool, fail_on: FailOn, annotate: Path | None, force: bool) -> None:
    """Render the report once, write it where asked, optionally annotate, then exit with its status."""
    from zjcredit.report import render
    from zjcredit.report.findings import Severity

    if fmt is None:
        if output is not None and output.suffix.lower() in (".json", ".csv"):
            fmt = Format(output.suffix.lower()[1:])
        elif output is None and sys.stdout.isatty():
            fmt = Format.table
        else:
            fmt = Format.json if output is None else Format.table
    if annotate is not None:
        from zjcredit.report.annotate import annotate as write_annotations

        _guard(lang, lambda: write_annotations(report, annotate, lang=lang, force=force))
    if fmt is Format.table:
        from rich.console import Console

        if output is not None:
            import io

            buf = io.StringIO()
            render.render_table(report, lang, Console(file=buf, width=140, no_color=True, highlight=False), quiet)
            _write_report(output, buf.getvalue(), force, lang, report)
        else:
            _guard(lang, render.render_table, report, lang, Console(highlight=False), quiet)  # Ctrl-C → 130
    else:
        text = render.to_json(report, lang) if fmt is Format.json else render.to_csv(report, lang)
        if output is not None:
            _write_report(output, text, force, lang, report)
        else:
            _guard(lang, sys.stdout.write, text)  # Ctrl-C → 130
    raise typer.Exit(report.exit_status(Severity.ERROR if fail_on is FailOn.error else Severity.WARNING))


def _write_report(output: Path, text: str, force: bool, lang: str, report: Any) -> None:
    from zjcredit.report.output import write_text_atomic

    inputs = [Path(fr.path) for fr in report.files]
    encoding = "utf-8-sig" if output.suffix.lower() == ".csv" else "utf-8"
    _guard(lang, write_text_atomic, output, text, force=force, inputs=inputs, encoding=encoding)


# Templates ----------------------------------------------------------------------------------------


def _template(kind: str, output: Path | None, force: bool, lang: str, **kwargs: Any) -> None:
    from zjcredit.templates import DEFAULT_NAMES, write_template

    target = output or Path(DEFAULT_NAMES[kind])
    path = _guard(lang, write_template, kind, target, force=force, **kwargs)
    typer.echo(f"{'Wrote' if lang == 'en' else '已生成'} {path}")


OutOpt = Annotated[Optional[Path], typer.Option("-o", "--output", help=T("输出文件名（默认在当前文件夹）。", "Output file (default: in the current folder)."))]


@template_app.command("annex1", help=T("生成附件1《浙江省成人学校社会培训项目申报汇总表》空白模板。", "Write the blank Annex 1 summary table."))
def template_annex1(output: OutOpt = None, force: ForceOpt = False, lang: LangOpt = Lang.zh) -> None:
    _template("annex1", output, force, lang.value)


@template_app.command("annex2", help=T("生成附件2《浙江省成人学校社会培训项目申报表》空白模板。", "Write the blank Annex 2 declaration form."))
def template_annex2(
    output: OutOpt = None,
    projects: Annotated[int, typer.Option("--projects", min=1, max=50, help=T("表中预留的培训项目数（1–50）。", "Number of project blocks (1–50)."))] = 2,
    force: ForceOpt = False,
    lang: LangOpt = Lang.zh,
) -> None:
    _template("annex2", output, force, lang.value, projects=projects)


@template_app.command("outcomes", help=T("生成学习成果登记表空白模板。", "Write the blank learner-outcome sheet."))
def template_outcomes(output: OutOpt = None, force: ForceOpt = False, lang: LangOpt = Lang.zh) -> None:
    _template("outcomes", output, force, lang.value)


# Validate -----------------------------------------------------------------------------------------


@app.command(help=T("检查申报表、汇总表、项目目录或学习成果表，列出每个问题所在的单元格。", "Check declarations, summaries, catalogs or outcome sheets and list every problem by cell."))
def validate(
    paths: PathsArg,
    kind: Annotated[Kind, typer.Option("--kind", help=T("表格类型；auto 为自动识别。", "Document kind; auto recognises it."))] = Kind.auto,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    annotate: AnnotateOpt = None,
    fail_on: FailOnOpt = FailOn.error,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    org_code_pattern: OrgCodeOpt = None,
) -> None:
    from zjcredit.documents.validate import validate as run

    options = {"org_code_pattern": org_code_pattern} if org_code_pattern else {}
    progress = _progress(quiet, lang.value)
    try:
        report = _guard(lang.value, run, paths, kind.value, progress, **options)
    finally:
        _stop(progress)
    emit(report, fmt, output, lang.value, quiet, fail_on, annotate, force)


# Summary and catalog ------------------------------------------------------------------------------


@summary_app.command("build", help=T("把各校的申报表（附件2）汇总成申报汇总表（附件1）。", "Merge Annex 2 declarations into an Annex 1 summary."))
def summary_build(
    paths: PathsArg,
    output: Annotated[Path, typer.Option("-o", "--output", help=T("输出的汇总表文件（.xlsx）。", "The summary workbook to write (.xlsx)."))],
    region: Annotated[Optional[str], typer.Option("--region", help=T("所在区域，如“杭州市西湖区”；默认取申报表中的地址。", "Region, e.g. 杭州市西湖区; defaults to the declarations' addresses."))] = None,
    filler: Annotated[Optional[str], typer.Option("--filler", help=T("填报人姓名。", "Name of the person filling in."))] = None,
    date: Annotated[Optional[str], typer.Option("--date", help=T("填报时间 YYYY-MM-DD，默认今天。", "Date YYYY-MM-DD; today by default."))] = None,
    include_invalid: Annotated[bool, typer.Option("--include-invalid", help=T("有错误的申报表也汇总进来，并在备注中标明。", "Keep declarations with errors and mark their rows."))] = False,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    report_output: Annotated[Optional[Path], typer.Option("--report", help=T("把检查报告写入此文件。", "Write the findings report to this file."))] = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    org_code_pattern: OrgCodeOpt = None,
) -> None:
    from zjcredit.documents.summary.build import build_summary

    report = _guard(lang.value, build_summary, paths, output, region=region, filler=filler, date=date, include_invalid=include_invalid, force=force, org_code_pattern=org_code_pattern)
    emit(report, fmt, report_output, lang.value, quiet, FailOn.error, None, force)


@catalog_app.command("build", help=T("由申报表或汇总表生成季度培训项目目录，分配项目编码和课程编码。", "Build the quarterly catalog with project and course codes."))
def catalog_build(
    paths: PathsArg,
    period: Annotated[str, typer.Option("--period", help=T("目录期次：YYYYH1（第一、二季度合并）、YYYYQ3 或 YYYYQ4；YYYYQ1/YYYYQ2 视同 YYYYH1。", "Period: YYYYH1 (Q1+Q2), YYYYQ3 or YYYYQ4; YYYYQ1/YYYYQ2 mean YYYYH1."))],
    output: Annotated[Path, typer.Option("-o", "--output", help=T("输出的项目目录文件（.xlsx）。", "The catalog workbook to write (.xlsx)."))],
    previous: Annotated[Optional[Path], typer.Option("--previous", help=T("同一期次的上一版目录：已有项目保持原编码。", "The previous catalog of the same period: its projects keep their codes."))] = None,
    review: Annotated[Optional[Path], typer.Option("--review", help=T("审核结果表（机构代码、项目名称、审核结果、审核意见）：只收录“通过”的项目。", "Review sheet (机构代码, 项目名称, 审核结果, 审核意见): only approved projects enter."))] = None,
    date: Annotated[Optional[str], typer.Option("--date", help=T("编制日期 YYYY-MM-DD（写入“说明”页），默认今天。", "Build date YYYY-MM-DD for the 说明 sheet; today by default."))] = None,
    force: ForceOpt = False,
    fmt: FormatOpt = None,
    report_output: Annotated[Optional[Path], typer.Option("--report", help=T("把检查报告写入此文件。", "Write the findings report to this file."))] = None,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    org_code_pattern: OrgCodeOpt = None,
) -> None:
    from zjcredit.documents.catalog.build import build_catalog

    report = _guard(lang.value, build_catalog, paths, period, output, previous=previous, review=review, force=force, date=date, org_code_pattern=org_code_pattern)
    emit(report, fmt, report_output, lang.value, quiet, FailOn.error, None, force)


# Outcomes -----------------------------------------------------------------------------------------


@outcomes_app.command("check", help=T("对照项目目录检查学习成果表：编码匹配、身份证号、电话、学时、日期和数据失真筛查。", "Check outcome sheets against the catalog: codes, IDs, phones, hours, dates and audit screens."))
def outcomes_check(
    paths: PathsArg,
    catalog: Annotated[list[Path], typer.Option("--catalog", help=T("项目目录文件（可多次给出，对应多个期次）。", "Catalog workbook (repeatable, one per period)."))],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    annotate: AnnotateOpt = None,
    fail_on: FailOnOpt = FailOn.error,
    lang: LangOpt = Lang.zh,
    quiet: QuietOpt = False,
    force: ForceOpt = False,
    phone_shared_project: Annotated[int, typer.Option("--phone-shared-project", min=2, help=T("同一项目中共用一个电话的学员达到此数即警告（phone-shared）。", "Warn when this many learners of one project share a phone (phone-shared)."))] = 5,
    phone_shared_total: Annotated[int, typer.Option("--phone-shared-total", min=2, help=T("全部成果中共用一个电话的学员达到此数即警告。", "Warn when this many learners overall share a phone."))] = 8,
    age_min: Annotated[int, typer.Option("--age-min", help=T("成人培训学员的最小年龄（age-implausible）。", "Youngest plausible age for adult training (age-implausible)."))] = 16,
    age_max: Annotated[int, typer.Option("--age-max", help=T("学员的最大年龄。", "Oldest plausible age."))] = 90,
    age_min_elderly: Annotated[int, typer.Option("--age-min-elderly", help=T("培训对象只有“老年群体”的项目，学员的最小年龄。", "Youngest plausible age in a project for 老年群体 only."))] = 50,
    age_max_student: Annotated[int, typer.Option("--age-max-student", help=T("培训对象只有“在校学生”的项目，学员的最大年龄。", "Oldest plausible age in a project for 在校学生 only."))] = 30,
    id_run: Annotated[int, typer.Option("--id-run", min=2, help=T("连续身份证号达到此数即警告（id-sequence）。", "Warn on runs of this many consecutive ID numbers (id-sequence)."))] = 5,
    same_birthdate: Annotated[int, typer.Option("--same-birthdate", min=2, help=T("同一项目中同一出生日期的学员达到此数（且占该项目学员 10% 以上）即警告（birthdate-shared）。", "Warn when this many learners of a project (and at least 10 %) share a birth date (birthdate-shared)."))] = 5,
    max_hours: Annotated[float, typer.Option("--max-hours", min=1, help=T("一个学员在一个期次内的学时上限（hours-per-learner）。", "Most hours one learner may be credited in one period (hours-per-learner)."))] = 200,
) -> None:
    from zjcredit.documents.outcomes.check import check_outcomes

    progress = _progress(quiet, lang.value)
    try:
        report = _guard(
            lang.value, check_outcomes, paths, catalog, progress=progress,
            phone_shared_project=phone_shared_project, phone_shared_total=phone_shared_total, age_min=age_min, age_max=age_max,
            age_min_elderly=age_min_elderly, age_max_student=age_max_student, id_run=id_run, birthdate_shared=same_birthdate, max_hours=max_hours,
        )
    finally:
        _stop(progress)
    emit(report, fmt, output, lang.value, quiet, fail_on, annotate, force)


# Rules --------------------------------------------------------------------------------------------


@app.command("rules", help=T("列出所有检查规则（编号、级别、说明）。", "List every rule (id, severity, title)."))
def rules(fmt: FormatOpt = None, lang: LangOpt = Lang.zh) -> None:
    from zjcredit.documents.registry import load_all_rules
    from zjcredit.report.findings import RULES

    load_all_rules()
    en = lang is Lang.en
    if fmt is Format.json:
        import json

        doc = [{"rule": r.id, "severity": r.severity.label, "title": r.title_en if en else r.title_zh} for r in sorted(RULES.values(), key=lambda r: r.id)]
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    for r in sorted(RULES.values(), key=lambda r: r.id):
        typer.echo(f"{r.id:<24} {r.severity.label:<8} {r.title_en if en else r.title_zh}")


# Options of `outcomes check` that take no value (every other option is followed by its value).
_OUTCOME_FLAGS = frozenset({"-q", "--quiet", "--force", "--help", "-h"})


def _prestart_outcome_read(argv: list[str]) -> None:
    """``zjcredit outcomes check``: start reading the first large .xlsx input in a child process now,
    before the command line is parsed and the checks are imported (half a second). Tokens that are option
    values are skipped; anything unexpected just means no head start (the command reads as usual)."""
    if argv[:2] != ["outcomes", "check"] or any(token in ("--help", "-h") for token in argv):
        return
    from zjcredit.io import isolate
    from zjcredit.io.sources import discover

    inputs, previous, options = [], "", True
    for token in argv[2:]:
        if options and token == "--":
            options = False
        elif not options or not (token.startswith("-") or (previous.startswith("-") and "=" not in previous and previous not in _OUTCOME_FLAGS)):
            inputs.append(token)
        previous = token if options else ""
    try:
        sources = discover(inputs)
    except Exception:
        return  # the command says what is wrong
    for source in sources:
        if isolate.wants_isolation(source.path):
            isolate.prestart(source.path, source.display)
            return


def main() -> None:
    from zjcredit.cli.i18n import requested_lang

    _prestart_outcome_read(sys.argv[1:])
    try:
        app()
    except UsageError as exc:  # pragma: no cover - commands turn these into exit 2 themselves
        fail(exc, requested_lang())
