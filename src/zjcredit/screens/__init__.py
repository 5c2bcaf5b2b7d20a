"""The checks of outcome records that are queries, each one SQL query run by DuckDB: the screens across
records and files (数据技术排查: duplicates, shared phones, implausible ages …) and the look-ups against the
catalogs (project, course, institution, hours, period).

A screen module holds everything about one screen: its rule (id, severity, zh/en message), its
thresholds (a frozen dataclass whose fields carry their command-line flag and help), the query, and how a
result row becomes the message's parameters. Adding a screen is one new module listed in
:data:`SCREEN_MODULES`, its test and its README line: the command-line options of ``outcomes check`` and
``audit`` come from the thresholds.

The queries read two relations, the same whether they come from one run's sheets (Arrow tables, read in
place) or from the verification store:

``outcomes`` — one row per outcome record:
    rid BIGINT (the record's number: its file's in the high 32 bits, its place in the file in the low
    ones), file_id INTEGER (the file it comes from), id_key VARCHAR (the normalised ID, also when
    invalid), id_num BIGINT (the same ID as one integer, for grouping), id_ok BOOLEAN (valid ID), id_body
    BOOLEAN (17 digits and a check character: valid, or only the check character wrong), id_digits
    BOOLEAN (… and all 18 are digits), id_prefix BIGINT (the first 17 digits), id_last TINYINT (the 18th
    character: 0–9, 10 for X), birth DATE, name_key VARCHAR, phone_num BIGINT (the
    digits of a valid number), project, course, org VARCHAR (codes as compared: no spaces,
    upper-case), hours DOUBLE (positive numbers only), date DATE (the completion date, not in the
    future), dual BOOLEAN (双证制).
``projects`` — the catalogs' projects: code (as compared), org_code (as compared), org_name, scale
    INTEGER, period VARCHAR (canonical, e.g. 2019H1), period_text (as written), period_start DATE,
    category VARCHAR, targets VARCHAR[].
``courses`` — the catalogs' courses: key (the code as compared), code and project_code (as written),
    project_key (as compared), hours DOUBLE.

A finding's value is the text of its field's cell; a query gives the flagged row (``rid``) and the columns
its message needs.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from zjcredit.report.findings import Rule

KIND = "outcomes"
SCREEN_MODULES = (
    "zjcredit.screens.project_unknown",
    "zjcredit.screens.course_unknown",
    "zjcredit.screens.org_mismatch",
    "zjcredit.screens.hours_exceed",
    "zjcredit.screens.date_before_period",
    "zjcredit.screens.duplicate_outcome",
    "zjcredit.screens.id_name_conflict",
    "zjcredit.screens.phone_shared",
    "zjcredit.screens.age_implausible",
    "zjcredit.screens.id_sequence",
    "zjcredit.screens.birthdate_shared",
    "zjcredit.screens.hours_per_learner",
    "zjcredit.screens.scale_exceeded",
)


def threshold(default: float, flag: str | None, *, minimum: float | None = None, zh: str = "", en: str = "") -> Any:
    """A threshold field of a screen's options: its default, command-line flag (None: not an option)
    and help texts."""
    return field(default=default, metadata={"flag": flag, "minimum": minimum, "help_zh": zh, "help_en": en})


@dataclass(frozen=True)
class Option:
    """One command-line option of a screen: ``--flag`` sets ``screen``'s threshold ``name``."""

    screen: str
    name: str
    flag: str
    default: float
    minimum: float | None
    help_zh: str
    help_en: str

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def type(self) -> type:
        return type(self.default)


@dataclass(frozen=True)
class Kept:
    """How the store keeps a screen without a partition up to date between runs: tables it keeps (by
    name, the same table for every screen that names it: the statements that make it from ``outcomes``,
    and those that bring it up to date with the new records — the view ``screen_scope``, from the files in
    the table ``screen_added`` (``file_id``); {this} in them is the table, {name} a table listed before it,
    already up to date), and the query over them ({name}: a kept table) that gives the same rows as
    :attr:`Screen.sql` over everything."""

    tables: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    sql: str


@dataclass(frozen=True)
class Screen:
    """One screen: the rule it reports, the field its findings sit on, its options, its query (DuckDB SQL
    with ``$name`` parameters from the options) and the message parameters of a result row (a dict of
    the query's columns; ``rid`` says which row is flagged, and a column named ``…_rid`` names another
row, whose place the message may give)."""

    rule: Rule
    field: str
    options: type
    sql: str
    params: Callable[[dict[str, Any]], dict[str, Any]]
    needs_catalog: bool = False  # runs only when catalogs are given
    # What decides whether a row is flagged, for keeping results in the store between runs: () — the row
    # alone (with the catalogs); column names — the rows sharing their values (a new row can change
    # only the results of rows with its values); None — every row (computed afresh each time).
    partition: tuple[str, ...] | None = None
    kept: Kept | None = None  # without a partition: how the store keeps it up to date, if it can

    def defaults(self) -> Any:
        return self.options()

    def parameters(self, options: Any) -> dict[str, Any]:
        """The query's ``$name`` parameters from the screen's thresholds."""
        from dataclasses import asdict

        values = asdict(options)
        return {n: v for n, v in values.items() if f"${n}" in self.sql}

    def query(self, relation: str = "outcomes") -> str:
        """The SQL, reading ``relation`` (a table or view with the columns of ``outcomes``) for the
        records: the store runs a screen over the records a run's new rows can affect."""
        if relation == "outcomes":
            return self.sql
        return _OUTCOMES.sub(relation, self.sql)

    def cli_options(self) -> list[Option]:
        out = []
        for f in fields(self.options):
            meta = f.metadata
            if meta.get("flag"):
                default = f.default if f.default is not MISSING else None
                out.append(Option(self.rule.id, f.name, meta["flag"], default, meta["minimum"], meta["help_zh"], meta["help_en"]))  # type: ignore[arg-type]
        return out


# The relation of records, where a query reads it (after FROM or JOIN).
_OUTCOMES = re.compile(r"(?<=\bFROM )outcomes\b|(?<=\bJOIN )outcomes\b")

SCREENS: dict[str, Screen] = {}


def screen(s: Screen) -> Screen:
    """Register a screen (at import of its module)."""
    if s.rule.id in SCREENS:
        raise ValueError(f"screen {s.rule.id!r} registered twice")
    SCREENS[s.rule.id] = s
    return s


def load_screens() -> dict[str, Screen]:
    """Every screen, in the order of :data:`SCREEN_MODULES` (importing them is cheap: no DuckDB)."""
    global _imported
    if not _imported:  # the modules are looked up once, not each time a caller asks
        for name in SCREEN_MODULES:
            importlib.import_module(name)
        _imported = True
    return SCREENS


_imported = False


def cli_options() -> list[Option]:
    """The command-line options of every screen's thresholds."""
    return [opt for s in load_screens().values() for opt in s.cli_options()]


@dataclass(frozen=True)
class ScreenOptions:
    """The thresholds of every screen, by rule id; defaults where not given."""

    values: dict[str, Any] = field(default_factory=dict)

    def of(self, rule_id: str) -> Any:
        return self.values.get(rule_id) or load_screens()[rule_id].defaults()

    @classmethod
    def from_flags(cls, **given: Any) -> ScreenOptions:
        """From command-line values by option dest (``phone_shared_project=3``); None means the default."""
        by_screen: dict[str, dict[str, Any]] = {}
        known = {opt.dest: opt for opt in cli_options()}
        for dest, value in given.items():
            if dest not in known:
                raise TypeError(f"unknown screen option: {dest}")
            if value is not None:
                opt = known[dest]
                by_screen.setdefault(opt.screen, {})[opt.name] = value
        return cls({rule_id: load_screens()[rule_id].options(**values) for rule_id, values in by_screen.items()})


@dataclass(frozen=True)
class Hit:
    """A row flagged by a screen: the run's row number and the message's parameters."""

    rule: Rule
    field: str
    rid: int
    params: dict[str, Any]


def run_screens(
    con: Any, options: ScreenOptions, where: Callable[[int], str], *, catalog: bool, prefetch: Callable[[list[int]], None] | None = None,
    results: Callable[[Screen, dict[str, Any]], tuple[list[str], list[tuple[Any, ...]]]] | None = None, ahead: bool = False,
    found: Callable[[list[Hit]], None] | None = None,
) -> list[Hit]:
    """Run every screen over the ``outcomes``, ``projects`` and ``courses`` relations of the DuckDB
    connection ``con`` (the look-ups against the catalogs only when ``catalog``); ``where(rid)`` names a
    row's place for messages that point at another row (a query's ``*_rid`` columns), and ``prefetch``,
    when given, is told every such row of a query before ``where`` is asked about one. ``results``, when
    given, answers a screen's query instead (its column names and rows: the store keeps them between
    runs); it is given the screen and its parameters. ``ahead``: the next screen's query runs on a thread
    of its own while a screen's rows become hits (``where`` and ``prefetch`` must then not use ``con``).
    ``found``, when given, is handed each screen's hits as soon as they are made (a screen with none: not
    called), in the screens' order; all of them are returned as well."""
    chosen = [(s, options.of(rule_id)) for rule_id, s in load_screens().items() if catalog or not s.needs_catalog]
    jobs = [(s, s.parameters(screen_options)) for s, screen_options in chosen]
    answer = results if results is not None else (lambda s, values: query(con, s, values))
    hits: list[Hit] = []
    with _answers(answer, jobs, con if ahead else None) as answers:
        for (s, screen_options), (columns, rows) in zip(chosen, answers):
            at = columns.index("rid")
            # DuckDB's row order is not fixed (parallel scans): hits come in the order of the rows they flag.
            rows = sorted(rows, key=lambda r: r[at])
            if prefetch is not None:  # the rows named by *_rid columns, looked up at once
                prefetch([row[i] for i, c in enumerate(columns) if c.endswith("_rid") for row in rows if row[i] is not None])
            made = []
            for row in rows:
                record = dict(zip(columns, row))
                record["_options"] = screen_options
                record["_where"] = where
                made.append(Hit(s.rule, s.field, int(record["rid"]), s.params(record)))
            hits.extend(made)
            if found is not None and made:
                found(made)
    return hits


Answer = tuple[list[str], list[tuple[Any, ...]]]


@contextmanager
def _answers(answer: Callable[[Screen, dict[str, Any]], Answer], jobs: list[tuple[Screen, dict[str, Any]]], con: Any) -> Iterator[Iterator[Answer]]:
    """Each job's answer, in order: computed as asked when ``con`` is None; else one after the other on a
    thread of its own, ahead of the caller (DuckDB's queries leave Python's lock free: the hits of one
    screen are made while the next one's query runs, a few tenths of a second of an audit). Leaving early
    (an error, Ctrl-C) cancels the queries not begun and interrupts the running one on ``con``."""
    if con is None:
        yield (answer(s, values) for s, values in jobs)
        return
    from concurrent.futures import ThreadPoolExecutor

    failed: list[BaseException] = []

    def after_the_others(s: Screen, values: dict[str, Any]) -> Answer:
        if failed:  # a query before failed: the caller is told by that one, the rest are not run
            raise failed[0]
        try:
            return answer(s, values)
        except BaseException as exc:
            failed.append(exc)
            raise

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zjcredit-screens")
    futures = [pool.submit(after_the_others, s, values) for s, values in jobs]
    try:
        yield (f.result() for f in futures)
    except BaseException:
        for f in futures:
            f.cancel()
        if any(f.running() for f in futures):
            con.interrupt()
        raise
    finally:
        pool.shutdown(wait=True)


def query(con: Any, s: Screen, values: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A screen's query run on ``con``: column names, rows."""
    result = con.execute(s.sql, values)
    return [d[0] for d in result.description], result.fetchall()
