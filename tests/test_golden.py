"""Golden reports: every command on the bundled examples and on a generated outcome sheet, compared with
the reports and workbook contents committed in ``tests/golden/``.

They pin behaviour across refactors: exit statuses, every finding, the JSON extras and the cell contents of
every workbook a command writes. After a deliberate change of behaviour, regenerate them and review the diff:

    ZJCREDIT_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from zjcredit.cli import app

FINDING_KEYS = ("path", "sheet", "cell", "row", "project", "field", "rule", "severity", "message", "value")

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = bool(os.environ.get("ZJCREDIT_UPDATE_GOLDEN"))
runner = CliRunner()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder holding copies of the examples and a generated outcome sheet (xlsx and CSV)."""
    base = tmp_path_factory.mktemp("golden")
    for name in ("declarations", "county", "outcomes"):
        shutil.copytree(ROOT / "examples" / name, base / name)
    gen = ROOT / "benchmarks" / "generate_outcomes.py"
    (base / "generated").mkdir()
    for out, extra in (("sheet.xlsx", []), ("sheet.csv", ["--encoding", "gb18030"])):
        subprocess.run(
            [sys.executable, str(gen), "--rows", "2500", "--error-rate", "0.01", "--seed", "11", "-o", str(base / "generated" / out), "--catalog", str(base / "generated" / "catalog.xlsx"), *extra],
            check=True,
            capture_output=True,
        )
    return base


def workbook_content(path: Path) -> dict[str, Any]:
    """Every sheet's cells (value and non-default number format), merged ranges and state."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                value = cell.value
                if isinstance(value, (dt.date, dt.datetime)):
                    value = value.isoformat()
                fmt = cell.number_format if cell.number_format != "General" else None
                cells.append([cell.coordinate, value, fmt] if fmt else [cell.coordinate, value])
        out[ws.title] = {"state": ws.sheet_state, "merged": sorted(str(r) for r in ws.merged_cells.ranges), "cells": cells}
    return out


def compact(doc: Any) -> Any:
    """Findings as one list each (one line each in the file) instead of objects: a tenth of the size."""
    if isinstance(doc, dict):
        return {k: ([[f[key] for key in FINDING_KEYS] for f in v] if k == "findings" else compact(v)) for k, v in doc.items()}
    if isinstance(doc, list):
        return [compact(v) for v in doc]
    return doc


def dumps(doc: Any) -> str:
    """JSON with every innermost list on one line."""
    if isinstance(doc, list) and all(not isinstance(v, (list, dict)) for v in doc):
        return json.dumps(doc, ensure_ascii=False)
    if isinstance(doc, list):
        return "[\n" + ",\n".join(dumps(v) for v in doc) + "\n]"
    if isinstance(doc, dict):
        return "{\n" + ",\n".join(f"{json.dumps(k, ensure_ascii=False)}: {dumps(v)}" for k, v in sorted(doc.items())) + "\n}"
    return json.dumps(doc, ensure_ascii=False)


def check(name: str, actual: Any, tmp: Path | None = None) -> None:
    target = GOLDEN / f"{name}.json"
    text = dumps(compact(actual)) + "\n"
    if tmp is not None:
        text = text.replace(json.dumps(str(tmp), ensure_ascii=False)[1:-1], "<tmp>")
    if UPDATE or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {target.name} was missing and has been written; review and commit it")
    assert json.loads(text) == json.loads(target.read_text(encoding="utf-8")), f"differs from tests/golden/{target.name}"


def run(work: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, Any]:
    monkeypatch.chdir(work)
    result = runner.invoke(app, list(args))
    out = result.stdout
    try:
        doc: Any = json.loads(out)
    except ValueError:
        doc = out
    return result.exit_code, doc


CASES: dict[str, tuple[str, ...]] = {
    "validate-declarations": ("validate", "declarations", "--format", "json"),
    "validate-declarations-en": ("validate", "declarations", "--format", "json", "--lang", "en"),
    "validate-county": ("validate", "county", "--format", "json"),
    "validate-outcomes-folder": ("validate", "outcomes", "--format", "json"),
    "validate-generated": ("validate", "generated/sheet.xlsx", "generated/sheet.csv", "--kind", "outcomes", "--format", "json"),
    "outcomes-example": ("outcomes", "check", "outcomes/成果_有错误_2019H1.xlsx", "--catalog", "outcomes/目录_2019H1.xlsx", "--format", "json"),
    "outcomes-example-folder": ("outcomes", "check", "outcomes", "--catalog", "outcomes/目录_2019H1.xlsx", "--format", "json"),
    "outcomes-generated": (
        "outcomes", "check", "generated/sheet.xlsx", "--catalog", "generated/catalog.xlsx", "--format", "json",
        "--phone-shared-project", "3", "--phone-shared-total", "4", "--id-run", "3", "--same-birthdate", "3", "--max-hours", "40",
    ),
    "outcomes-generated-both": ("outcomes", "check", "generated/sheet.xlsx", "generated/sheet.csv", "--catalog", "generated/catalog.xlsx", "--format", "json", "--lang", "en"),
    "outcomes-generated-ages": (
        "outcomes", "check", "generated/sheet.csv", "--catalog", "generated/catalog.xlsx", "--format", "json",
        "--age-min", "30", "--age-max", "60", "--age-min-elderly", "70", "--age-max-student", "18",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_report(name: str, work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, doc = run(work, monkeypatch, *CASES[name])
    check(name, {"exit": code, "report": doc})


def test_table_and_csv_formats(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, text = run(work, monkeypatch, "validate", "declarations", "--format", "csv")
    code2, table = run(work, monkeypatch, "outcomes", "check", "outcomes/成果_有错误_2019H1.xlsx", "--catalog", "outcomes/目录_2019H1.xlsx", "--format", "table")
    check("formats", {"csv": [code, text.splitlines()], "table": [code2, table.splitlines()]})


def test_rules(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check("rules", [run(work, monkeypatch, "rules", "--format", "json"), run(work, monkeypatch, "rules", "--lang", "en", "--format", "json")])


def test_summary_build(work: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    code, doc = run(work, monkeypatch, "summary", "build", "county/declarations", "-o", str(out), "--filler", "陈静", "--date", "2019-05-20", "--format", "json")
    doc["output"] = Path(doc["output"]).name if isinstance(doc, dict) and doc.get("output") else None
    check("summary-build", {"exit": code, "report": doc, "workbook": workbook_content(out)}, tmp_path)


def test_summary_build_include_invalid(work: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    code, doc = run(work, monkeypatch, "summary", "build", "declarations", "-o", str(out), "--date", "2019-05-20", "--include-invalid", "--format", "json")
    doc["output"] = Path(doc["output"]).name if isinstance(doc, dict) and doc.get("output") else None
    check("summary-build-invalid", {"exit": code, "report": doc, "workbook": workbook_content(out)}, tmp_path)


def test_catalog_builds(work: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first, second = tmp_path / "catalog.xlsx", tmp_path / "catalog-v2.xlsx"
    c1, d1 = run(work, monkeypatch, "catalog", "build", "county/declarations", "--period", "2019H1", "--review", "county/review.xlsx", "-o", str(first), "--date", "2019-07-01", "--format", "json")
    c2, d2 = run(
        work, monkeypatch, "catalog", "build", "county/declarations", "county/late", "--period", "2019H1", "--previous", str(first),
        "--review", "county/review-v2.xlsx", "-o", str(second), "--date", "2019-07-20", "--format", "json",
    )
    for d in (d1, d2):
        if isinstance(d, dict) and d.get("output"):
            d["output"] = Path(d["output"]).name
    # The previous catalog's path is written into the 说明 sheet: make it stable.
    content2 = workbook_content(second)
    for sheet in content2.values():
        sheet["cells"] = [[c[0], Path(c[1]).name if isinstance(c[1], str) and str(tmp_path) in c[1] else c[1], *c[2:]] for c in sheet["cells"]]
    check("catalog-build", {"first": {"exit": c1, "report": d1, "workbook": workbook_content(first)}, "second": {"exit": c2, "report": d2, "workbook": content2}}, tmp_path)


def test_catalog_build_from_summary(work: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "catalog.xlsx"
    code, doc = run(work, monkeypatch, "catalog", "build", "declarations", "--period", "2019Q3", "-o", str(out), "--date", "2019-07-01", "--format", "json")
    if isinstance(doc, dict) and doc.get("output"):
        doc["output"] = Path(doc["output"]).name
    check("catalog-build-mixed", {"exit": code, "report": doc, "workbook": workbook_content(out)}, tmp_path)


def test_annotated_copies(work: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    decl = tmp_path / "decl"
    outc = tmp_path / "outc"
    c1, _ = run(work, monkeypatch, "validate", "declarations", "--annotate", str(decl), "--format", "json")
    c2, _ = run(work, monkeypatch, "outcomes", "check", "outcomes/成果_有错误_2019H1.xlsx", "--catalog", "outcomes/目录_2019H1.xlsx", "--annotate", str(outc), "--format", "json")
    copies = {}
    for folder in (decl, outc):
        for path in sorted(folder.iterdir()):
            content = workbook_content(path)
            wb = openpyxl.load_workbook(path)
            comments = {ws.title: sorted([c.coordinate, c.comment.text] for row in ws.iter_rows() for c in row if c.comment) for ws in wb.worksheets}
            fills = {ws.title: sorted([c.coordinate, c.fill.fgColor.rgb] for row in ws.iter_rows() for c in row if c.fill and c.fill.fill_type == "solid") for ws in wb.worksheets}
            copies[f"{folder.name}/{path.name}"] = {"content": content, "comments": comments, "fills": fills}
    check("annotated", {"exit": [c1, c2], "copies": copies}, tmp_path)
