"""`zjcredit rules`: every rule in the registry (id, severity, title)."""

from __future__ import annotations

from zjcredit.cli.app import app
from zjcredit.cli.i18n import T
from zjcredit.cli.options import Format, FormatOpt, Lang, LangOpt


@app.command("rules", help=T("列出所有检查规则（编号、级别、说明）。", "List every rule (id, severity, title)."))
def rules(fmt: FormatOpt = None, lang: LangOpt = Lang.zh) -> None:
    import typer

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
