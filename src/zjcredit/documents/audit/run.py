"""`zjcredit audit` and `zjcredit stats`: read and store the outcome files, screen everything stored, judge
every institution, count the figures, and say it all in one report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from zjcredit.documents.audit.audited import prepare_audited
from zjcredit.documents.audit.figures import figures, keep_learners
from zjcredit.documents.audit.ingest import ingest
from zjcredit.documents.audit.options import AuditOptions
from zjcredit.documents.audit.presented import Presented
from zjcredit.documents.audit.screen_cache import ScreenCache
from zjcredit.documents.audit.screening import Placing, screen_store
from zjcredit.documents.audit.stored import StoredFiles, stored_results
from zjcredit.documents.audit.verdicts import (
    PROBLEM_EN,
    PROBLEM_ZH,
    Institution,
    county_rows,
    judge,
)
from zjcredit.documents.common import skipped_results
from zjcredit.documents.outcomes.check import (
    OutcomeOptions,
    OutcomeRun,
    load_catalog_index,
)
from zjcredit.errors import UsageError
from zjcredit.io.sources import Sources, discover, nothing_to_check
from zjcredit.report.findings import FileResult, Report, SummaryTable
from zjcredit.store import Store

# DuckDB's memory for a store's queries; beyond it, it spills to its temporary directory.
MEMORY_LIMIT = "3GB"


def _inputs(found: Sources, options: AuditOptions) -> Sources:
    """The outcome files among those ``found``, leaving out the catalogs, ledgers and store named as such,
    and what the folders held besides (``skipped``)."""
    reference = {_resolved(p) for p in (*options.catalogs, *options.ledgers, *([options.store] if options.store else []))}
    return Sources([s for s in found if _resolved(s.path) not in reference and not _under(s.path, options.ledgers)], found.skipped)


def _under(path: Path, folders: Iterable[Path]) -> bool:
    resolved = _resolved(path)
    return any(resolved is not None and (f := _resolved(folder)) is not None and f in resolved.parents for folder in folders)


def _resolved(path: str | Path) -> Path | None:
    try:
        return Path(path).resolve()
    except OSError:
        return None


def _open(options: AuditOptions) -> Store:
    store = Store(options.store)
    store.db.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return store


def _found(paths: list[str | Path], options: AuditOptions) -> Sources:
    """The outcome files under ``paths``, the report's place checked against every file found first. Paths
    given that hold none are a usage error, before a store is opened or anything written: nothing checked
    is never "no problems" (to audit only what is stored, give no path)."""
    from zjcredit.report.output import check_target

    found = discover(paths) if paths else Sources()
    if options.output is not None:  # the report may not be written over any file the run reads
        protected = [*(s.path for s in found), *options.catalogs, *options.ledgers, *([options.store] if options.store else [])]
        check_target(options.output, options.force, protected)
    sources = _inputs(found, options)
    if paths and not sources:
        raise nothing_to_check(paths, sources.skipped, "学习成果表", "outcome sheet")
    return sources


def _read(
    store: Store, sources: Sources, options: AuditOptions, progress: Callable[[str], None] | None, *, workbook: bool = False, place: bool = True,
    then: Callable[[list[FileResult]], Any] | None = None, presented: Presented | None = None,
) -> tuple[OutcomeRun, StoredFiles, dict[int, FileResult | None], list[FileResult], ScreenCache | None, Placing | None]:
    """Catalogs into the store, the new files read, checked and stored, and the screens run over all;
    with the results of what the folders held besides outcome files (``input-skipped``) and the results
    kept in a store file. ``workbook``: a report workbook follows (what it needs is imported meanwhile).
    ``place``: the screens' findings are placed in the files' results — still being placed on return
    (:func:`_placed`); without, the screens only flag rows (``hits``: what the figures need). ``then``,
    given the files' results (:func:`_results`, and the skipped) once the findings are placed, on the
    same thread: (those results, what it returns) is then the placing's ``result``. ``presented``: the
    findings' parts of the report made there as they are placed (:mod:`.presented`)."""
    _catalogs(store, options.catalogs)
    if not store.has_catalog():
        raise UsageError(
            "没有可用的项目目录：请用 --catalog 给出目录（核查数据库中也还没有）。",
            "No catalog: give one with --catalog (the store holds none yet).",
        )
    run = OutcomeRun([], OutcomeOptions(today=options.today, screens=options.screens))
    run.prepare()
    before = store.files()
    early: dict[int, FileResult] = {}

    def results_stored_before(replaced: set[int]) -> None:
        # While the writer commits the last new file (DuckDB compresses and writes without Python's lock):
        # what the report workbook needs is imported, and the results of the files stored before this run
        # (the report lists them all) are rebuilt.
        if workbook:
            _import_meanwhile("openpyxl", "openpyxl.chart", "openpyxl.worksheet.pagebreak")
        early.update(stored_results(store.db, [(f.file_id, f.path) for f in before if f.file_id not in replaced]))

    notes = ingest(store, run, sources, progress, results_stored_before)
    cache = ScreenCache(store) if store.path is not None else None  # results kept in a store file
    stored = StoredFiles(store, kept=cache is not None)
    stored.results.update(early)
    used = [*options.catalogs, *([options.store] if options.store else [])]
    skipped = skipped_results(sources.skipped, options.output, used=used)
    after = None
    if then is not None:

        def after() -> tuple[list[FileResult], Any]:
            files = _results(run, stored, notes) + skipped
            return files, then(files)

    placing: Placing | None = None
    try:
        with cache.batch() if cache is not None else nullcontext():
            placing = screen_store(store, run, stored, options.screens, cache, place=place, then=after, presented=presented)
            prepare_audited(store.db, cache)  # (while the findings are placed)
            if cache is not None:
                keep_learners(cache)
    except BaseException:
        if placing is not None:
            placing.wait(quietly=True)
        raise
    return run, stored, notes, skipped, cache, placing


@contextmanager
def _placed(placing: Placing | None) -> Iterator[None]:
    """The block runs while the screens' findings are placed (DuckDB's queries, mostly); they are in the
    files' results after it. An error of the block wins over one of the placing."""
    if placing is None:
        yield
        return
    try:
        yield
    except BaseException:
        placing.wait(quietly=True)
        raise
    placing.wait()


def _import_meanwhile(*modules: str) -> None:
    """Import ``modules`` on a thread of their own while the last file is committed and the screens run
    (DuckDB leaves Python's lock free and a core often idle then): openpyxl, for the report workbook, took
    0.15 s of every audit."""
    import importlib
    import threading

    def load() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - imported again where it is needed, failing there if at all
                return

    threading.Thread(target=load, name="zjcredit-imports", daemon=True).start()


def _catalogs(store: Store, catalogs: Iterable[Path]) -> None:
    """The catalogs into the store — unless it took in the same files (by content) in the same order last
    time: reading them again would change nothing."""
    from zjcredit.store import file_digest

    catalogs = list(catalogs)
    try:  # what they are: None when there are none, or one cannot be read (the reader says what is wrong)
        given = json.dumps([[store.location(c), file_digest(Path(c))] for c in catalogs], ensure_ascii=False) if catalogs else None
    except OSError:
        given = None
    if given is not None and store.meta("catalogs") == given:
        return
    for catalog in catalogs:
        index = load_catalog_index([catalog])
        if index is not None:
            projects, courses = index.relations()
            store.put_catalog(projects, courses, str(catalog))
    if given is not None:
        store.set_meta("catalogs", given)


def _results(run: OutcomeRun, stored: StoredFiles, given: dict[int, FileResult | None]) -> list[FileResult]:
    """Every file: the ones given in their order (read now, or rebuilt from the store with the note
    saying so), then the rest of the store's."""
    out = []
    for file_id in [*given, *(f for f in stored.file_ids if f not in given)]:
        if file_id in run.results:
            out.append(run.results[file_id])
            continue
        if file_id not in stored.file_ids:
            continue
        result = stored.result(file_id)
        note = given.get(file_id)
        if note is not None:
            result.findings[:0] = note.findings
        out.append(result)
    return out


def audit(paths: Iterable[str | Path], options: AuditOptions, progress: Callable[[str], None] | None = None) -> Report:
    """Verify the outcome files under ``paths`` (and everything stored before) and write the report."""
    from dataclasses import replace

    from zjcredit.documents.audit.workbook import (
        DETAIL_FIRST,
        Details,
        details,
        write_report,
    )
    from zjcredit.report import bulk_rows
    from zjcredit.report.render import findings_json_ahead, ordered_findings

    sources = _found(list(paths), options)
    # The workbook's findings table (with its worksheet XML) and the findings' JSON, when asked for, are
    # made with the findings placed, while DuckDB counts — when nothing changes the report's files after
    # that (ledgers checked later, identifiers masked). Each finding's parts of them are made as it is
    # placed (:mod:`.presented`).
    ahead = not options.ledgers and not options.mask_ids and (options.output is not None or options.findings_json)
    presented = Presented(options.lang, table=options.output is not None, json=options.findings_json) if ahead else None

    def made_ahead(files: list[FileResult], presented: Presented = presented) -> tuple[Details | None, dict[Any, Any]]:  # type: ignore[assignment]
        early = Report("audit", files)
        ordered = ordered_findings(early)
        presented.add(ordered)  # those not placed by a screen (notes of this run, what the folders held besides)
        table = details(early, options.lang, presented.messages, ordered, presented) if options.output is not None else None
        if table is not None:  # (used when the table is written in bulk)
            table = replace(table, xml=bulk_rows.rows_ahead(table.rows, table.heights[1:], DETAIL_FIRST))
        if options.findings_json:
            findings_json_ahead(early, options.lang, presented.messages, ordered, presented.items)
        return table, early.ahead

    with _open(options) as store:
        run, stored, notes, skipped, cache, placing = _read(
            store, sources, options, progress, workbook=options.output is not None, then=made_ahead if ahead else None, presented=presented,
        )
        with _placed(placing):
            ledgers, ledger_results = _ledgers(store, options, progress)
            institutions = judge(store.db, options.distorted_share, ledgers)
            figs = figures(store.db, options.year, cache)
        report = Report("audit")
        if placing is not None and placing.result is not None:
            files, (ready, report.ahead) = placing.result
        else:
            files, ready = _results(run, stored, notes) + skipped, None
        report.files = files + ledger_results
        report.extra["institutions"] = [i.to_dict(options.lang, options.distorted_share) for i in institutions]
        report.extra["figures"] = figs
        report.tables = [*_verdict_table(institutions, options.lang, options.distorted_share), _county_table(institutions)]
        clean = all(i.verdict == "ok" for i in institutions) and not any(fr.errors for fr in report.files)
        report.status = 2 if report.any_unreadable else (0 if clean else 1)
        store.close_later()  # its last checkpoint written while the workbook is
        if options.output is not None:
            if options.mask_ids:
                from zjcredit.report.mask import mask_report

                write_report(options.output, mask_report(report), institutions, figs, options)
            else:
                write_report(options.output, report, institutions, figs, options, ready)
            report.extra["output"] = str(options.output)
    return report


def stats(paths: Iterable[str | Path], options: AuditOptions, progress: Callable[[str], None] | None = None) -> tuple[dict[str, Any], list[FileResult]]:
    """The yearly figures of the outcome files under ``paths`` (and, with a store, everything stored),
    with what the figures leave out whole: the findings about a file rather than a row of it (it could
    not be read, it is no outcome sheet, its header was not found …) of each file read now, and what the
    folders held besides. (A row with an error is counted as such: ``excluded_rows``.)"""
    sources = _found(list(paths), options)
    with _open(options) as store:
        run, _, _, skipped, cache, _ = _read(store, sources, options, progress, place=False)
        whole = [FileResult(r.path, r.kind, r.records, [f for f in r.findings if f.row is None]) for r in run.results.values()]
        return figures(store.db, options.year, cache), [r for r in whole if r.findings] + skipped


def _ledgers(store: Store, options: AuditOptions, progress: Callable[[str], None] | None) -> tuple[dict[str, int] | None, list[FileResult]]:
    """With ``--ledgers``: the ledgers checked (``ledger check``), their readiness stored, and the parts
    present in each project's most complete ledger, stored now or before (by 项目编码 as compared), with
    the ledgers' results. Without: (None, []) — nobody is judged on materials."""
    if not options.ledgers:
        return None, []
    from zjcredit.documents.ledger.check import LedgerOptions, check_ledgers

    report = check_ledgers(list(options.ledgers), list(options.catalogs), LedgerOptions(today=options.today), progress)
    store.put_ledgers(report.extra.get("ledgers", []))
    return store.ledger_parts(), report.files


def _verdict_table(institutions: list[Institution], lang: str, share: float) -> list[SummaryTable]:
    """The verdicts on the terminal: one line per institution, then the reasons of those not ``ok``."""
    rows = [
        [i.county or "", f"{i.name or ''} {i.org_code or '（未填）'}".strip(), i.outcome_rows, i.error_rows, i.screened_rows, PROBLEM_ZH[i.verdict] if lang != "en" else PROBLEM_EN[i.verdict]]
        for i in institutions
    ]
    tables = [SummaryTable(
        "核查结论", "Verdicts",
        ["县（市、区）", "机构", "记录", "有错误", "筛查标出", "结论"],
        ["county", "institution", "rows", "with errors", "screened", "verdict"],
        rows,
    )]
    reasons = [[i.org_code or "（未填）", "\n".join(i.reasons(lang, share))] for i in institutions if i.verdict != "ok"]
    if reasons:
        tables.append(SummaryTable("未通过的机构及理由", "Institutions not passed, and why", ["机构代码", "理由"], ["code", "reasons"], reasons))
    return tables


def _county_table(institutions: list[Institution]) -> SummaryTable:
    return SummaryTable(
        "县区汇总", "By county",
        ["县（市、区）", "机构", "通过", "失真", "未备案", "缺材料", "记录", "有错误", "筛查标出"],
        ["county", "institutions", "ok", "distorted", "undeclared", "no materials", "rows", "with errors", "screened"],
        county_rows(institutions),
    )
