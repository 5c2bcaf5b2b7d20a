"""`zjcredit outcomes check`: learner-outcome sheets against the catalogs, and the audit screens.

The walk of one run: each input is read column-wise (:func:`zjcredit.io.readers.read_sheets`), its
outcome tables found under their headers, and each becomes an :class:`OutcomeSheet` whose normalised
columns the per-record rules use (:mod:`zjcredit.documents.outcomes.rules`); then all sheets together
become the ``outcomes`` relation that DuckDB screens across records and files (:mod:`zjcredit.screens`);
the findings land on each file's result, and the summary tables are counted last
(:mod:`zjcredit.documents.outcomes.summary`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from zjcredit.documents.catalog.model import Catalog
from zjcredit.documents.common import (
    HEADER_MISSING,
    NO_RECORDS,
    skipped_results,
    unreadable_result,
    wrong_kind,
)
from zjcredit.documents.detect import kind_titles, nothing_checked, peek_kind
from zjcredit.documents.outcomes import rules
from zjcredit.documents.outcomes.catalog import CatalogIndex
from zjcredit.documents.outcomes.sheet import Hits, OutcomeSheet
from zjcredit.documents.outcomes.summary import summarise
from zjcredit.domain.schema import OUTCOMES
from zjcredit.errors import Unreadable
from zjcredit.io.columns import ColumnTable, find_table
from zjcredit.io.readers import read_ahead, read_sheets
from zjcredit.io.sources import Source, discover, nothing_to_check
from zjcredit.report.findings import (
    FileResult,
    Finding,
    Report,
    Rule,
    Severity,
    checks_for,
    make,
)
from zjcredit.screens import Hit, ScreenOptions, run_screens
from zjcredit.store import FILE_BITS

KIND = rules.KINDS[0]
# A sheet is an outcome table when its header names one of these.
CORE_FIELDS = ("身份证号", "姓名")
# Fields whose emptiness cannot tell a totals line from a record.
ROW_FIELDS = ("身份证号", "姓名", "项目编码", "课程编码")


@dataclass(frozen=True)
class OutcomeOptions:
    """What a run of the outcome checks may be told: the day it counts as today (tests, re-runs) and the
    thresholds of the screens."""

    today: dt.date | None = None
    screens: ScreenOptions = field(default_factory=ScreenOptions)


# A record's number in a run (and in a store: zjcredit.store.FILE_BITS): its file's number in the high
# bits, its place in the file (counted over the file's outcome sheets) in the low ones.


def record_id(file_id: int, position: int) -> int:
    return (file_id << FILE_BITS) + position


@dataclass
class Part:
    """One outcome sheet of the run: where its findings go, and the record numbers it holds."""

    sheet: OutcomeSheet
    result: FileResult
    file_id: int
    first_rid: int  # record_id(file_id, the sheet's first record's place in the file)
    flags: list[tuple[np.ndarray, Severity]] = field(default_factory=list)


def read_outcome_tables(path: Path, display: str, meanwhile: Callable[[], None] | None = None) -> list[ColumnTable]:
    """Every sheet of the file with an outcome header, as its records' text columns; [] when none has
    one. Raises Unreadable. ``meanwhile``: see :func:`zjcredit.io.readers.read_sheets`."""
    fmt, raw = read_sheets(path, display, meanwhile)
    return [t for t in (find_table(display, fmt, sheet, OUTCOMES, CORE_FIELDS) for sheet in raw) if t is not None]


class OutcomeRun:
    """The sheets of one run, checked one by one and then screened together."""

    def __init__(self, catalogs: list[Path], options: OutcomeOptions) -> None:
        self.catalogs = list(catalogs)
        self.catalog: CatalogIndex | None = None
        self.db: Any = None  # DuckDB, in memory: made by prepare()
        self._prepared = False
        self.options = options
        self.today = options.today or dt.date.today()
        self.parts: list[Part] = []
        self.results: dict[int, FileResult] = {}  # by file number
        self.rows = 0
        self._relation: pa.Table | None = None

    def add(self, source: Source, file_id: int | None = None) -> FileResult:
        """Read and check one file, numbered ``file_id`` (by default, its place in the run); an unreadable
        file becomes a finding."""
        file_id = len(self.results) if file_id is None else file_id
        try:
            tables = read_outcome_tables(source.path, source.display, self.prepare)
        except Unreadable as exc:
            self.prepare()
            result = unreadable_result(source.display, exc, KIND)
            self.results[file_id] = result
            return result
        result = FileResult(source.display, KIND, 0, [])
        self.results[file_id] = result
        # No outcome table, or tables without any code column (a ledger's 学习成果评价表 has 姓名 and
        # 身份证号 under a title block): what else the file is, told from its first rows.
        coded = any({"项目编码", "课程编码"} & table.columns.keys() for table in tables)
        found = peek_kind(source.path, source.display) if not coded else None
        if not coded and found is not None and found != KIND:  # a catalog, a ledger …: named as what it is
            result.kind = found
            result.findings.append(wrong_kind(source.display, kind_titles(found), kind_titles(KIND)))
            return result
        if not tables:
            result.findings.append(make(HEADER_MISSING, source.display, expected="姓名、身份证号、项目编码、课程编码"))
            return result
        for table in tables:
            part = Part(OutcomeSheet(table, self.today), result, file_id, record_id(file_id, result.records))
            result.records += table.n
            self.rows += table.n
            self._check(part)
        if result.records == 0:
            result.findings.append(make(NO_RECORDS, source.display, sheet=tables[0].sheet))
        return result

    def prepare(self) -> None:
        """What the checks need besides the sheets: the catalogs, and DuckDB for the screens. Done while
        the first large sheet is still being read, once (a missing catalog is a usage error then)."""
        if self._prepared:
            return
        self._prepared = True
        self.catalog = load_catalog_index(self.catalogs)
        # Here, where the time is free: DuckDB's connection for the screens and the summary.
        import duckdb

        self.db = duckdb.connect()

    def _check(self, part: Part) -> None:
        for unit in checks_for(KIND, "sheet"):
            self._take(part, unit.func(part.sheet))
        if part.sheet.n:
            self.parts.append(part)

    def _take(self, part: Part, found: Iterable[Hits | Finding]) -> None:
        for item in found:
            if isinstance(item, Finding):
                part.result.findings.append(item)
            else:
                self._emit(part, item.rule, item.field, item.positions, item.per_row, item.values)

    def _emit(
        self, part: Part, rule: Rule, name: str | None, positions: np.ndarray,
        per_row: Callable[[int], dict[str, Any]] | None = None, values: list[Any] | None = None,
    ) -> None:
        """One finding per record at ``positions`` (0-based in the sheet), at the field's cell."""
        if len(positions) == 0:
            return
        positions = np.asarray(positions, dtype=np.int64)
        table = part.sheet.table
        if values is None:
            values = table.data[name].take(pa.array(positions)).to_pylist() if name in table.data else [None] * len(positions)
        letter = table.letter(name) if name else None
        out = part.result.findings
        for k, (row, value) in enumerate(zip(table.rows[positions].tolist(), values)):
            extra = per_row(k) if per_row is not None else {}
            out.append(make(rule, table.path, sheet=table.sheet, cell=f"{letter}{row}" if letter else None, row=row, field=name, value=value, **extra))
        part.flags.append((positions, rule.severity))

    # Across records and files -------------------------------------------------------------------------

    def screen(self) -> None:
        """Run the screens over every record of the run (DuckDB reads the Arrow tables in place)."""
        if not self.parts:
            return
        self.prepare()
        self.db.register("outcomes", self.relation())
        projects, courses = (self.catalog or CatalogIndex(Catalog())).relations()
        self.db.register("projects", projects)
        self.db.register("courses", courses)
        self.take_hits(run_screens(self.db, self.options.screens, self.where, catalog=self.catalog is not None))

    def take_hits(self, hits: list[Hit]) -> None:
        """The screens' findings on this run's records, at their cells."""
        # One batch per sheet, rule and field.
        batches: dict[tuple[int, str, str], tuple[Rule, list[int], list[dict[str, Any]]]] = {}
        for hit in hits:
            k = self._part_index(hit.rid)
            rule, positions, params = batches.setdefault((k, hit.rule.id, hit.field), (hit.rule, [], []))
            positions.append(hit.rid - self.parts[k].first_rid)
            params.append(hit.params)
        for (k, _, name), (rule, positions, params) in batches.items():
            self._emit(self.parts[k], rule, name, np.array(positions, dtype=np.int64), per_row=params.__getitem__)

    def _part_index(self, rid: int) -> int:
        starts = [p.first_rid for p in self.parts]
        return int(np.searchsorted(starts, rid, side="right")) - 1

    def where(self, rid: int) -> str:
        """A record's place for a message about another record: its ID cell, with the sheet and the file
        when the run has several."""
        part = self.parts[self._part_index(rid)]
        table = part.sheet.table
        ref = f"{table.letter('身份证号') or ''}{int(table.rows[rid - part.first_rid])}"
        prefix = "" if len({p.sheet.table.path for p in self.parts}) == 1 else f"{table.path} "
        many_sheets = len({(p.sheet.table.path, p.sheet.table.sheet) for p in self.parts}) > 1
        sheet = f"{table.sheet}!" if table.sheet and many_sheets else ""
        return f"{prefix}{sheet}{ref}"

    def relation(self) -> pa.Table | None:
        """Every record of the run as the screens see it (see :mod:`zjcredit.screens`); built once."""
        if not self.parts:
            return None
        if self._relation is None or self._relation.num_rows != self.rows:
            self._relation = pa.concat_tables([p.sheet.relation(p.first_rid, p.file_id) for p in self.parts])
        return self._relation

    def flags(self) -> pa.Table:
        """The severity of every finding on a record: (rid, severity) for the summary's counts."""
        rids, severities = [], []
        for part in self.parts:
            for positions, severity in part.flags:
                rids.append(positions + part.first_rid)
                severities.append(np.full(len(positions), int(severity), dtype=np.int8))
        return pa.table(
            {
                "rid": pa.array(np.concatenate(rids) if rids else np.zeros(0, np.int64)),
                "severity": pa.array(np.concatenate(severities) if severities else np.zeros(0, np.int8)),
            }
        )


def load_catalog_index(catalogs: list[Path]) -> CatalogIndex | None:
    """The catalogs given, merged; None when none has a project. A missing or unusable catalog file is a
    usage error (exit 2)."""
    from zjcredit.documents.catalog.model import load_catalogs

    if not catalogs:
        return None
    catalog = load_catalogs(list(catalogs))
    return CatalogIndex(catalog) if catalog.projects else None


def check_outcomes(
    paths: Iterable[str | Path], catalogs: list[Path], options: OutcomeOptions | None = None, progress: Callable[[str], None] | None = None
) -> Report:
    """Check outcome sheets against the catalogs; the screens run over all of them together."""
    options = options or OutcomeOptions()
    # A catalog lying in the folder of outcome sheets (or named twice) is the reference, not an input.
    catalog_files = {_resolved(c) for c in catalogs}
    paths = list(paths)
    found = discover(paths)
    sources = [s for s in found if _resolved(s.path) not in catalog_files]
    if not sources:
        load_catalog_index(list(catalogs))  # a catalog that is none is said first (the only input was the catalog)
        raise nothing_to_check(paths, found.skipped, "学习成果表", "outcome sheet")
    for catalog in catalogs:
        if not Path(catalog).exists():  # said before any sheet is read
            load_catalog_index([catalog])
    run = OutcomeRun(catalogs, options)
    report = Report("outcomes check")
    for k, source in enumerate(sources):
        if k + 1 < len(sources):  # the next file is read while this one is checked
            read_ahead(sources[k + 1].path, sources[k + 1].display)
        if progress:
            progress(source.display)
        report.files.append(run.add(source))
    if all(fr.skipped for fr in report.files):  # nothing checked is never "no problems"
        raise nothing_checked(report.files, kind_titles(KIND))
    run.prepare()
    run.screen()
    summarise(run.db, report, run.results, run.relation(), run.flags(), run.catalog.org_names() if run.catalog is not None else {})
    run.db.close()
    report.files.extend(skipped_results(found.skipped, used=catalogs))
    return report


def check_outcome_file(source: Source, options: OutcomeOptions | None = None) -> FileResult:
    """One outcome sheet without a catalog (``zjcredit validate --kind outcomes``)."""
    run = OutcomeRun([], options or OutcomeOptions())
    result = run.add(source)
    run.screen()
    if run.db is not None:
        run.db.close()
    return result


def _resolved(path: str | Path) -> Path | None:
    try:
        return Path(path).resolve()
    except OSError:
        return None
