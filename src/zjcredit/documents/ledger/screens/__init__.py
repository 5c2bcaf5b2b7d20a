"""The screens across ledgers (数据技术排查 of process ledgers): each one DuckDB query over all the ledgers
of a run, in a module of its own with its rule, thresholds (``threshold(...)`` fields carrying their
command-line flag and help, as the outcome screens of :mod:`zjcredit.screens`), SQL and message parameters.
Their options appear on ``zjcredit ledger check`` by themselves.

The queries read two relations:

``roster`` — one row per roster learner with a valid ID: rid BIGINT (the row's number in the run),
    ledger INTEGER (the ledger's number in the run), id_key VARCHAR.
``signins`` — one row per sign-in of a roster learner present at a dated session: rid BIGINT, ledger
    INTEGER, org VARCHAR (the institution running the project: its catalog 机构代码, else the ledger's own,
    else its 申报单位), id_key VARCHAR, date DATE.

A result row names the flagged row (``rid``); ``_ledger(n)`` describes ledger ``n`` for the message.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from zjcredit.screens import Hit, Option, Screen

MODULES = (
    "zjcredit.documents.ledger.screens.roster_reused",
    "zjcredit.documents.ledger.screens.signin_two_institutions",
)
SCREENS: dict[str, Screen] = {}


def screen(s: Screen) -> Screen:
    """Register a ledger screen (at import of its module)."""
    if s.rule.id in SCREENS:
        raise ValueError(f"ledger screen {s.rule.id!r} registered twice")
    SCREENS[s.rule.id] = s
    return s


def load_screens() -> dict[str, Screen]:
    for name in MODULES:
        importlib.import_module(name)
    return SCREENS


def cli_options() -> list[Option]:
    """The command-line options of the ledger screens' thresholds."""
    return [opt for s in load_screens().values() for opt in s.cli_options()]


@dataclass(frozen=True)
class LedgerScreenOptions:
    """The thresholds of every ledger screen, by rule id; defaults where not given."""

    values: dict[str, Any] = field(default_factory=dict)

    def of(self, rule_id: str) -> Any:
        return self.values.get(rule_id) or load_screens()[rule_id].defaults()

    @classmethod
    def from_flags(cls, **given: Any) -> LedgerScreenOptions:
        """From command-line values by option dest (``roster_overlap=0.8``); None means the default."""
        by_screen: dict[str, dict[str, Any]] = {}
        known = {opt.dest: opt for opt in cli_options()}
        for dest, value in given.items():
            if dest not in known:
                raise TypeError(f"unknown ledger screen option: {dest}")
            if value is not None:
                opt = known[dest]
                by_screen.setdefault(opt.screen, {})[opt.name] = value
        return cls({rule_id: load_screens()[rule_id].options(**values) for rule_id, values in by_screen.items()})


def run_screens(con: Any, options: LedgerScreenOptions, describe: Callable[[int], dict[str, str]]) -> list[Hit]:
    """Run every ledger screen over the ``roster`` and ``signins`` relations of the DuckDB connection
    ``con``; ``describe(n)`` gives the message parameters naming ledger ``n`` (its project, file, institution)."""
    hits: list[Hit] = []
    for rule_id, s in load_screens().items():
        values = asdict(options.of(rule_id))
        names = {n for n in values if f"${n}" in s.sql}
        result = con.execute(s.sql, {n: values[n] for n in names})
        columns = [d[0] for d in result.description]
        at = columns.index("rid")
        for row in sorted(result.fetchall(), key=lambda r: (r[at], r)):
            record = dict(zip(columns, row))
            record["_options"] = options.of(rule_id)
            record["_ledger"] = describe
            hits.append(Hit(s.rule, s.field, int(record["rid"]), s.params(record)))
    return hits
