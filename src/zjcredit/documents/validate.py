"""`zjcredit validate`: read each input, recognise its kind, run that kind's checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from zjcredit.documents.common import KIND_UNKNOWN, KIND_UNSUPPORTED, skipped_results, unreadable_result, wrong_kind
from zjcredit.documents.detect import detect_kind, kind_titles, nothing_checked, peek_kind
from zjcredit.documents.kinds import KINDS, ValidateOptions
from zjcredit.errors import Unreadable
from zjcredit.io import guard
from zjcredit.io.grid import WorkbookGrid
from zjcredit.io.readers import peek_grid, read_grid
from zjcredit.io.sources import Source, discover, nothing_to_check
from zjcredit.report.findings import FileResult, Report, make

PEEK_ROWS = 60


def check_source(
    source: Source, kind: str = "auto", options: ValidateOptions | None = None, progress: Callable[[str], None] | None = None,
    forms: dict[str, WorkbookGrid] | None = None,
) -> FileResult:
    """Check one input file; an unreadable file becomes a finding, never an exception. ``forms``, when
    given, keeps the grid of a declaration (Annex 2) by its display path, for the checks across files."""
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
            result = spec.check(source, None, options)
        else:
            grid = peek if (peek is not None and peek.complete) else read_grid(source.path, source.display)
            result = spec.check(source, grid, options)
            if forms is not None and kind == "annex2":
                forms[source.display] = grid
        return result if peek is not None else _as_what_it_is(source, kind, result)
    except Unreadable as exc:
        return unreadable_result(source.display, exc, None if kind == "auto" else kind)


def validate(paths: list[str] | list[Path], kind: str = "auto", options: ValidateOptions | None = None, progress: Callable[[str], None] | None = None) -> Report:
    """Check every input under ``paths``. Nothing to check (an empty folder, only Word or PDF files, only
    inputs of another kind than ``--kind``) is a usage error: nothing checked is never "no problems"."""
    paths = list(paths)
    report = Report("validate")
    sources = discover(paths)
    if not sources:
        raise nothing_to_check(paths, sources.skipped)
    forms: dict[str, WorkbookGrid] = {}
    for source in sources:
        report.files.append(check_source(source, kind, options, progress, forms))
    if kind != "auto" and all(fr.skipped for fr in report.files):
        raise nothing_checked(report.files, kind_titles(kind))
    resubmissions(list(zip(sources, report.files)), forms, options.declarations if options else None)
    report.files.extend(skipped_results(sources.skipped))
    return report


def resubmissions(checked: list[tuple[Source, FileResult]], forms: dict[str, WorkbookGrid], options: Any = None) -> None:
    """Of one institution's declarations in several files, say on each older file which one summary build
    and catalog build would use (``declaration-replaced``, an info here: validate checks them all)."""
    declared = [(s, r) for s, r in checked if r.kind == "annex2" and not r.unreadable]
    if len(declared) < 2:
        return
    from zjcredit.documents.declarations.inputs import Input, Item
    from zjcredit.documents.declarations.form import read_annex2
    from zjcredit.documents.declarations.resubmit import choose_resubmissions

    items: list[Item] = []
    for source, result in declared:
        grid = forms.get(source.display)
        if grid is None:
            continue
        inp = Input(source, result, "annex2", grid)
        items.extend(Item(decl, inp, [], len(items)) for decl in read_annex2(grid)[0])
    choose_resubmissions(items, getattr(options, "prefer", ()), building=False)


def _as_what_it_is(source: Source, kind: str, result: FileResult) -> FileResult:
    """A file checked as ``kind`` that gave no record of it: when its first rows show it is another
    document, it is named as what it is ("这是项目目录，不是学习成果表") instead of a missing header."""
    if result.records or result.unreadable or result.skipped:
        return result
    found = peek_kind(source.path, source.display)
    if found is None or found == kind:
        return result
    return FileResult(source.display, found, 0, [wrong_kind(source.display, kind_titles(found), kind_titles(kind))])
