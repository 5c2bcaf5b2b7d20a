"""Checking process ledgers: ``zjcredit ledger check`` (:func:`check_ledgers`, :func:`run_ledger_check`) and
``zjcredit validate --kind ledger`` (:func:`check_ledger_source`).

The walk of a run: the ledgers under the PATH arguments are found (:func:`.read.find_ledgers`) and read
(:func:`.read.read_ledger`); each gets its year from its project's catalog period and is checked by the
checks registered for the kind ``ledger`` — scope ``ledger`` always, ``catalog`` with catalogs, ``outcomes``
with ``--outcomes`` (:mod:`.rules`, :mod:`.session_rules`, :mod:`.catalog_rules`, :mod:`.outcome_rules`);
then the ``run`` checks see all ledgers together and the screens (:mod:`.screens`) query them in DuckDB.
Findings land on the file they name: the workbook, or a folder ledger's part file (the folder itself for
what concerns the ledger as a whole). The report ends with each project's readiness (:mod:`.readiness`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjcredit.documents.common import skipped_results
from zjcredit.documents.ledger import catalog_rules, outcome_rules, rules, session_rules  # noqa: F401  (register the checks)
from zjcredit.documents.ledger.context import KIND, LedgerContext
from zjcredit.documents.ledger.model import CODE_RE, FOLDER, WORKBOOK, Ledger
from zjcredit.documents.ledger.outcome_rules import RunContext
from zjcredit.documents.ledger.outcomes import OutcomeIndex, read_outcomes
from zjcredit.documents.ledger.parts import part_of_name
from zjcredit.documents.ledger.read import (
    LedgerSource,
    find_ledgers,
    folder_files,
    read_ledger,
)
from zjcredit.documents.ledger.readiness import (
    Readiness,
    missing_ledger,
    readiness_of,
    readiness_table,
)
from zjcredit.documents.ledger.screening import screen_ledgers
from zjcredit.documents.ledger.screens import LedgerScreenOptions
from zjcredit.domain import periods
from zjcredit.domain.normalize import code_key
from zjcredit.io.grid import WorkbookGrid
from zjcredit.io.sources import Skipped, Source
from zjcredit.report.findings import (
    FileResult,
    Finding,
    Report,
    checks_for,
    make,
    register,
)

NOT_FOUND = register(
    "ledger-not-found",
    "error",
    "{value} 中找不到过程性台账：没有一个工作簿或文件夹含有学员信息表、签到表、项目课程设计表、开展情况记录或学习成果评价表。请给出台账所在的文件或文件夹（格式见 zjcredit template ledger）。",
    "No process ledger found in {value}: no workbook or folder holds a roster, sign-in sheet, course design, session record or outcome evaluation. Give the ledgers' files or folders (layout: zjcredit template ledger).",
    title_zh="找不到台账",
    title_en="no ledger found",
)
UNRECOGNISED = register(
    "ledger-unrecognised",
    "warning",
    "{what}不是台账的任何一部分（名称和表头都认不出是学员信息表、签到表、项目课程设计表、开展情况记录或学习成果评价表），没有检查。如果它是台账的一部分，请按模板改名或改表头。",
    "{what_en} is no part of a ledger (neither its name nor its header is a roster's, sign-in sheet's, course design's, session record's or evaluation's), so it was not checked; if it is one, rename it or fix its header as in the template.",
    title_zh="无法识别的台账部分",
    title_en="ledger part not recognised",
)


@dataclass(frozen=True)
class LedgerOptions:
    """What a ledger check may be told: the day it counts as today, the attendance below which a passing
    result is worth a look, the outcome sheets, and the thresholds of the screens."""

    today: dt.date | None = None
    min_attendance: float = 0.67
    outcomes: tuple[Path, ...] = ()
    screens: LedgerScreenOptions = field(default_factory=LedgerScreenOptions)


class LedgerCatalog:
    """The catalogs as the ledger checks look them up: projects by 项目编码 and their courses, as compared."""

    def __init__(self, catalog: Any = None) -> None:
        self.projects: dict[str, Any] = {}
        self.courses: dict[str, list[Any]] = {}
        if catalog is not None:
            for code, project in catalog.projects.items():
                self.projects.setdefault(code_key(code) or code, project)
            for course in catalog.courses.values():
                self.courses.setdefault(code_key(course.project_code) or "", []).append(course)

    @classmethod
    def load(cls, paths: Iterable[Path]) -> LedgerCatalog:
        """The catalog files merged; a missing or unusable one is a usage error (exit 2)."""
        from zjcredit.documents.catalog.model import load_catalogs

        return cls(load_catalogs([Path(p) for p in paths]))


def period_of(code: str | None, project: Any = None) -> str | None:
    """The project's canonical catalog period, else the one in its 项目编码."""
    in_code = CODE_RE.search(code or "")
    for text in (project.period if project is not None else None, in_code.group(1)[7:13] if in_code else None):
        if text and periods.is_period(text):
            return periods.parse_period(text)
    return None


@dataclass
class LedgerCheck:
    """A run's report, the ledgers read, and each project's readiness (``zjcredit audit`` uses all three)."""

    report: Report
    ledgers: list[Ledger]
    readiness: list[Readiness]


class LedgerRun:
    """Ledgers checked one by one, then together."""

    def __init__(self, options: LedgerOptions, catalog: LedgerCatalog | None = None, outcomes: OutcomeIndex | None = None) -> None:
        self.options = options
        self.today = options.today or dt.date.today()
        self.catalog = catalog
        self.outcomes = outcomes
        self.ledgers: list[Ledger] = []
        self.findings: dict[int, list[Finding]] = {}  # by id(ledger)

    def project(self, ledger: Ledger) -> Any:
        if self.catalog is None or ledger.code is None:
            return None
        return self.catalog.projects.get(ledger.code)

    def check(self, ledger: Ledger) -> list[Finding]:
        """Every finding of one ledger: its reading's, then its checks' scope by scope."""
        project = self.project(ledger)
        period = period_of(ledger.code, project)
        ledger.settle_dates(period)
        ctx = LedgerContext(ledger, self.today, self.options.min_attendance, period, self.catalog is not None, project)
        if project is not None and self.catalog is not None:
            ctx.courses = self.catalog.courses.get(ledger.code or "", [])
        if self.outcomes is not None and ledger.code:
            ctx.outcomes = self.outcomes.by_project.get(ledger.code, [])
        found = list(ledger.findings)
        for path, sheet in ledger.unrecognised:
            what = f"工作表“{sheet}”" if sheet else f"文件 {path}"
            found.append(make(UNRECOGNISED, path, sheet=sheet, what=what, what_en=f"sheet '{sheet}'" if sheet else f"file {path}"))
        scopes = ["ledger"] + (["catalog"] if ctx.catalog else []) + (["outcomes"] if ctx.outcomes is not None else [])
        for scope in scopes:
            for unit in checks_for(KIND, scope):
                found.extend(unit.func(ctx))
        self.ledgers.append(ledger)
        self.findings[id(ledger)] = found
        return found

    def together(self) -> list[Finding]:
        """The run checks over all ledgers (duplicates, projects with outcomes but no ledger), then the
        screens."""
        run = RunContext(self.ledgers, self.catalog.projects if self.catalog else {}, self.outcomes.by_project if self.outcomes else None)
        found: list[Finding] = []
        for unit in checks_for(KIND, "run"):
            found.extend(unit.func(run))
        orgs = [self.org(ledger) for ledger in self.ledgers]
        found.extend(screen_ledgers(self.ledgers, orgs, [self.describe(ledger) for ledger in self.ledgers], self.options.screens))
        return found

    def describe(self, ledger: Ledger) -> dict[str, str]:
        """A ledger named in a message about another one: its file or folder, project and institution."""
        project = self.project(ledger)
        org = (project.org_name if project is not None else None) or ledger.title("申报单位") or ledger.title("机构代码") or ""
        return {"path": ledger.path, "code": ledger.code or "（无编码）", "org": org}

    def org(self, ledger: Ledger) -> str | None:
        """The institution running the ledger's project, as compared."""
        project = self.project(ledger)
        if project is not None and project.org_code:
            return code_key(project.org_code)
        return code_key(ledger.title("机构代码")) or (f"name:{ledger.title('申报单位')}" if ledger.title("申报单位") else None)


def _not_ledger(ledger: Ledger) -> bool:
    return not ledger.sheets and not ledger.unreadable_parts and not any(f.rule == "unreadable" for f in ledger.findings)


def _results(run: LedgerRun, shared: list[Finding]) -> tuple[list[FileResult], dict[int, list[FileResult]]]:
    """One result per file read, in the order of the ledgers (a folder ledger's folder first, when it has
    findings of its own), then the outcome files; each finding on the result of the file it names. Also
    each ledger's results, for its readiness."""
    results: dict[str, FileResult] = {}
    per_ledger: dict[int, list[FileResult]] = {}
    folders: set[str] = set()
    outcome_results = {r.path: r for r in (run.outcomes.results if run.outcomes else [])}
    for ledger in run.ledgers:
        paths = ([ledger.path] if ledger.layout == FOLDER else []) + ledger.files
        folders.update(paths[:1] if ledger.layout == FOLDER else [])
        for p in paths:
            if p not in results:
                results[p] = FileResult(p, KIND, sum(s.records for s in ledger.sheets if s.path == p), [])
        per_ledger[id(ledger)] = [results[p] for p in paths]
        for f in run.findings[id(ledger)]:
            (results.get(f.path) or outcome_results.get(f.path) or results[ledger.path]).findings.append(f)
    for f in shared:
        target = results.get(f.path) or outcome_results.get(f.path)
        if target is not None:
            target.findings.append(f)
    files = [r for p, r in results.items() if p not in folders or r.findings]
    return files + list(outcome_results.values()), per_ledger


def _catalog(catalogs: Any) -> tuple[LedgerCatalog | None, list[Path]]:
    """The catalogs to check against (files, or a Catalog already read) and the files among them."""
    if catalogs is None:
        return None, []
    if isinstance(catalogs, (list, tuple)):
        files = [Path(p) for p in catalogs]
        return (LedgerCatalog.load(files) if files else None), files
    return LedgerCatalog(catalogs), []


def run_ledger_check(
    paths: Iterable[str | Path], catalogs: list[Path] | Any, options: LedgerOptions | None = None, progress: Callable[[str], None] | None = None
) -> LedgerCheck:
    """Check the ledgers under ``paths`` against ``catalogs`` (catalog files, or a
    :class:`~zjcredit.documents.catalog.model.Catalog` already read; None or [] for none), with the outcome
    sheets of ``options.outcomes``. A missing or unusable catalog is a usage error (exit 2)."""
    options = options or LedgerOptions()
    paths = [str(p) for p in paths]
    catalog, catalog_files = _catalog(catalogs)
    exclude = {_resolved(p) for p in (*catalog_files, *_files(options.outcomes))}
    found_under: dict[str, bool] = {p: False for p in paths}
    skipped: list[Finding] = []
    passed_over: list[Skipped] = []
    ledgers: list[Ledger] = []
    for source in find_ledgers(paths, exclude, passed_over):
        if progress:
            progress(source.display)
        ledger = read_ledger(source)
        if _not_ledger(ledger):
            skipped.extend(make(UNRECOGNISED, s.display, what=f"文件 {s.display}", what_en=f"file {s.display}") for s, _ in source.files if s.display != source.given)
            continue
        found_under[source.given] = True
        ledgers.append(ledger)
    outcomes = read_outcomes(list(options.outcomes), {_resolved(p) for p in catalog_files}) if options.outcomes else None
    run = LedgerRun(options, catalog, outcomes)
    for ledger in ledgers:
        run.check(ledger)
    report = Report("ledger check")
    files, per_ledger = _results(run, run.together())
    report.files.extend(files)
    report.files.extend(FileResult(given, KIND, 0, [make(NOT_FOUND, given, value=given)]) for given, found in found_under.items() if not found)
    report.files.extend(FileResult(f.path, None, 0, [f]) for f in skipped)
    report.files.extend(skipped_results(passed_over, used=catalog_files))
    if not ledgers:  # nothing checked is never "no problems": said by ledger-not-found, exit 2
        report.status = 2
    readiness = _readiness(run, per_ledger)
    report.tables.append(readiness_table(readiness))
    report.extra["ledgers"] = [r.to_dict() for r in readiness]
    return LedgerCheck(report, run.ledgers, readiness)


def check_ledgers(
    paths: Iterable[str | Path], catalogs: Iterable[Path] | Any, options: LedgerOptions | None = None, progress: Callable[[str], None] | None = None
) -> Report:
    """``zjcredit ledger check``: the report of :func:`run_ledger_check`."""
    return run_ledger_check(paths, catalogs, options, progress).report


def _readiness(run: LedgerRun, per_ledger: dict[int, list[FileResult]]) -> list[Readiness]:
    rows = []
    for ledger in run.ledgers:
        count = len(run.outcomes.by_project.get(ledger.code or "", [])) if run.outcomes is not None else None
        rows.append(readiness_of(ledger, run.project(ledger), per_ledger[id(ledger)], count))
    if run.outcomes is not None and run.catalog is not None:
        have = {ledger.code for ledger in run.ledgers}
        for code, records in run.outcomes.by_project.items():
            project = run.catalog.projects.get(code)
            if project is not None and code not in have:
                rows.append(missing_ledger(project, len(records)))
    return rows


def _files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        out.extend(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else out.append(p)
    return out


def _resolved(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(path)


# validate --kind ledger ----------------------------------------------------------------------------------

_FOLDER_CACHE: dict[tuple[Any, ...], tuple[Ledger, list[Finding]]] = {}


def check_ledger_source(source: Source, grid: WorkbookGrid, options: LedgerOptions | None = None) -> FileResult:
    """One file of ``zjcredit validate``: a workbook ledger, or one part of a folder ledger — then its folder
    is read and checked (once for all its files) and this file gets the findings naming it; the findings
    about the folder as a whole go with its first file."""
    options = options or LedgerOptions()
    if part_of_name(source.path.stem):
        display = str(Path(source.display).parent)
        unit = LedgerSource(display, FOLDER, tuple(folder_files(source.path.parent, display)), source.display)
        key = tuple((s.path.name, _stamp(s.path)) for s, _ in unit.files) + (_resolved(source.path.parent),)
        if key not in _FOLDER_CACHE:
            _FOLDER_CACHE.clear()
            ledger = read_ledger(unit, {source.display: grid}, strict=False)
            _FOLDER_CACHE[key] = (ledger, LedgerRun(options).check(ledger))
        ledger, found = _FOLDER_CACHE[key]
        first = ledger.files[0] if ledger.files else source.display
        own = [f for f in found if f.path == source.display or (f.path == ledger.path and source.display == first)]
    else:
        unit = LedgerSource(source.display, WORKBOOK, ((source, None),), source.display)
        ledger = read_ledger(unit, {source.display: grid}, strict=False)
        own = LedgerRun(options).check(ledger)
    records = sum(s.records for s in ledger.sheets if s.path == source.display)
    return FileResult(source.display, KIND, records, own)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
        return st.st_mtime_ns, st.st_size
    except OSError:
        return 0, 0
