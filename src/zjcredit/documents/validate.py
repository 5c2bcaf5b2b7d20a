"""`zjcredit validate`: read each input, recognise its kind, run that document's checks."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zjcredit.io import guard as safety
from zjcredit.documents.common import KIND_UNKNOWN, KIND_UNSUPPORTED, UNREADABLE
from zjcredit.documents.detect import detect_kind
from zjcredit.report.findings import FileResult, Report, make
from zjcredit.io.peek import peek_grid
from zjcredit.io.sources import Source, discover
from zjcredit.io.workbook import WorkbookGrid, read_grid
from zjcredit.errors import Unreadable

PEEK_ROWS = 60

# kind → "module:function"; each takes (source, grid) and returns a FileResult.
CHECKERS: dict[str, str] = {
    "annex1": "zjcredit.documents.declarations.rules:check_annex1",
    "annex2": "zjcredit.documents.declarations.rules:check_annex2",
    "catalog": "zjcredit.documents.catalog.rules:check_catalog",
    "outcomes": "zjcredit.documents.outcomes.check:check_outcomes_file",
}
# Kinds that are recognised but have no checker in this version.
UNSUPPORTED = {"ledger": ("过程性台账", "a process ledger")}
# Kinds whose checker reads the file itself (large sheets take the fast column-wise path).
STREAMED = frozenset({"outcomes"})


def checker(kind: str) -> Callable[..., FileResult]:
    module, _, name = CHECKERS[kind].partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def unreadable_result(display: str, exc: Unreadable, kind: str | None = None) -> FileResult:
    return FileResult(display, kind, 0, [make(UNREADABLE, display, reason=exc.zh, reason_en=exc.en)])


def check_source(source: Source, kind: str = "auto", progress: Callable[[str], None] | None = None, **options: Any) -> FileResult:
    """Check one input file; an unreadable file becomes a finding, never an exception."""
    try:
        peek: WorkbookGrid | None = None
        if kind == "auto":
            # The first rows tell the kind; a large .xlsx is streamed, not parsed whole.
            peek = peek_grid(source.path, source.display, PEEK_ROWS)
        elif kind not in STREAMED:
            peek = read_grid(source.path, source.display)
        if kind == "auto":
            assert peek is not None
            detected = detect_kind(peek)
            if detected is None or detected in UNSUPPORTED:
                # Nothing reads this file in full, so nothing else guards it: run the deep scan now
                # (a cache hit unless the peek streamed a large sheet).
                safety.deep_check(source.path, source.display)
            if detected is None:
                return FileResult(source.display, None, 0, [make(KIND_UNKNOWN, source.display)])
            kind = detected
        if kind in UNSUPPORTED:
            zh, en = UNSUPPORTED[kind]
            return FileResult(source.display, kind, 0, [make(KIND_UNSUPPORTED, source.display, kind_zh=zh, kind_en=en)])
        if progress:
            progress(source.display)
        if kind in STREAMED:
            return checker(kind)(source, **options)
        grid = peek if (peek is not None and peek.complete) else read_grid(source.path, source.display)
        return checker(kind)(source, grid, **options)
    except Unreadable as exc:
        return unreadable_result(source.display, exc, None if kind == "auto" else kind)


def validate(paths: list[str] | list[Path], kind: str = "auto", progress: Callable[[str], None] | None = None, **options: Any) -> Report:
    report = Report("validate")
    for source in discover(paths):
        report.files.append(check_source(source, kind, progress, **options))
    return report
