"""`zjcredit rules`: every rule in the registry (id, severity, title), in aligned columns."""

from __future__ import annotations

from zjcredit.cli.app import app
from zjcredit.cli.i18n import T, examples
from zjcredit.cli.options import Format, Lang, LangOpt, PlainFormatOpt


def rule_lines(rows: list[tuple[str, str, str]], header: tuple[str, str, str], width: int) -> list[str]:
    """Three aligned columns measured in display columns (a Chinese character takes two); the title wraps
    under itself so no line is wider than ``width``."""
    from zjcredit.cli.width import DisplayWidthWrapper, cell_width

    def pad(text: str, size: int) -> str:
        return text + " " * (size - cell_width(text))

    id_width = max(cell_width(r[0]) for r in [header, *rows])
    severity_width = max(cell_width(r[1]) for r in [header, *rows])
    indent = id_width + severity_width + 4
    wrapper = DisplayWidthWrapper(max(width - indent, 16))
    lines = []
    for rule_id, severity, title in [header, *rows]:
        parts = wrapper.wrap(title) or [""]
        lines.append(f"{pad(rule_id, id_width)}  {pad(severity, severity_width)}  {parts[0]}".rstrip())
        lines.extend(" " * indent + part for part in parts[1:])
    return lines


@app.command(
    "rules",
    help=T(
        "列出所有检查规则（编号、级别、说明）。级别：错误（必须改正）、警告（请核实）、提示（仅供参考）。",
        "List every rule (id, severity, title). Severities: error (must be fixed), warning (check it), info (for your information).",
    ),
    epilog=examples("zjcredit rules", "zjcredit rules --format json"),
)
def rules(fmt: PlainFormatOpt = None, lang: LangOpt = Lang.zh) -> None:
    import shutil

    import typer

    from zjcredit.documents.registry import SEVERITY_ZH, load_all_rules
    from zjcredit.report.findings import RULES

    load_all_rules()
    en = lang is Lang.en
    ordered = sorted(RULES.values(), key=lambda r: r.id)
    if fmt is Format.json:
        import json

        doc = [{"rule": r.id, "severity": r.severity.label, "title": r.title_en if en else r.title_zh} for r in ordered]
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if fmt is Format.csv:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["rule", "severity", "title"])
        writer.writerows([r.id, r.severity.label, r.title_en if en else r.title_zh] for r in ordered)
        typer.echo(buffer.getvalue(), nl=False)
        return
    rows = [(r.id, r.severity.label if en else SEVERITY_ZH[r.severity], r.title_en if en else r.title_zh) for r in ordered]
    header = ("rule", "severity", "title") if en else ("规则", "级别", "说明")
    width = max(shutil.get_terminal_size((80, 24)).columns, 40)
    for line in rule_lines(rows, header, width):
        typer.echo(line)
