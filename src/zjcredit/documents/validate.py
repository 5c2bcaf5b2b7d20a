"""`zjcredit validate`: read each input, recognise its kind, run that kind's checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zjcredit.documents.common import KIND_UNKNOWN, KIND_UNSUPPORTED, unreadable_result
from zjcredit.documents.detect import detect_kind
from zjcredit.documents.kinds import KINDS, ValidateOptions
from zjcredit.errors import Unreadable
from zjcredit.io import guard
from zjcredit.io.grid import WorkbookGrid
from zjcredit.io.readers import peek_grid, read_grid
from zjcredit.io.sources import Source, discover
from zjcredit.report.findings import FileResult, Report, make

PEEK_ROWS = 60


def check_source(source: Source, kind: str = "auto", options: ValidateOptions | None = None, progress: Callable[[str], None] | None = None) -> FileResult:
    """Check one input file; an unreadable file becomes a finding, never an exception."""
    options = options or ValidateOptions()
    try:
        peek: WorkbookGrid | None = None
        if kind == "auto":
            # The first rows tell the kind; a large .xlsx is streamed, not parsed whole.
            peek = peek_grid(source.path, source.display, PEEK_ROWS)
            detected = detect_kind(peek)
            if detected is None or KINDS[detected].check is None:
                # Nothing reads this file in full, so nothing else guards it: the deep check now (a cache
                # hit unless the peek streamed a large sheet).
                guard.deep_check(source.path, source.display)
            if detected is None:
                return FileResult(source.display, None, 0, [make(KIND_UNKNOWN, source.display)])
            kind = detected
        spec = KINDS[kind]
        if spec.check is None:
            return FileResult(source.display, kind, 0, [make(KIND_UNSUPPORTED, source.display, kind_zh=spec.title_zh, kind_en=spec.title_en)])
        if progress:
            progress(source.display)
        if spec.streamed:
            return spec.check(source, None, options)
        grid = peek if (peek is not None and peek.complete) else read_grid(source.path, source.display)
        return spec.check(source, grid, options)
    except Unreadable as exc:
        return unreadable_result(source.display, exc, None if kind == "auto" else kind)


def validate(paths: list[str] | list[Path], kind: str = "auto", options: ValidateOptions | None = None, progress: Callable[[str], None] | None = None) -> Report:
    report = Report("validate")
    for source in discover(paths):
        report.files.append(check_source(source, kind, options, progress))
    return report
