"""Running the ledger screens (:mod:`.screens`) over a run: the ``roster`` and ``signins`` relations built
from every ledger read, DuckDB in memory, and each hit turned into a finding at the row it flags."""

from __future__ import annotations

import functools
from typing import Any

from zjcredit.documents.ledger.model import Ledger, Mark, Person
from zjcredit.documents.ledger.screens import LedgerScreenOptions, run_screens
from zjcredit.domain import idcard
from zjcredit.report.findings import Finding, make


def _valid(person: Person) -> str | None:
    key = person.id_key
    return key if key is not None and len(key) == 18 and _valid_id(key) else None


@functools.lru_cache(maxsize=1 << 16)
def _valid_id(key: str) -> bool:
    return idcard.check_id(key).rule is None


def relations(ledgers: list[Ledger], orgs: list[str | None]) -> tuple[list[Person], dict[str, list[Any]], dict[str, list[Any]]]:
    """Every row the screens may flag (``rid`` indexes it), and the two relations' columns; ``orgs``: the
    institution of each ledger, as compared."""
    people: list[Person] = []
    roster: dict[str, list[Any]] = {"rid": [], "ledger": [], "id_key": []}
    signins: dict[str, list[Any]] = {"rid": [], "ledger": [], "org": [], "id_key": [], "date": []}
    for n, ledger in enumerate(ledgers):
        for learner in ledger.learners:
            key = _valid(learner)
            if key is not None:
                roster["rid"].append(len(people))
                roster["ledger"].append(n)
                roster["id_key"].append(key)
                people.append(learner)
        org = orgs[n]
        for mark in ledger.marks:
            if not mark.present or mark.session is None or mark.session.date is None:
                continue
            learner = ledger.find(mark)
            key = _valid(mark) or (_valid(learner) if learner is not None else None)
            if key is None:
                continue
            signins["rid"].append(len(people))
            signins["ledger"].append(n)
            signins["org"].append(org)
            signins["id_key"].append(key)
            signins["date"].append(mark.session.date)
            people.append(mark)
    return people, roster, signins


def screen_ledgers(ledgers: list[Ledger], orgs: list[str | None], names: list[dict[str, str]], options: LedgerScreenOptions) -> list[Finding]:
    """The screens' findings over ``ledgers`` (none with fewer than two); ``orgs``: each one's institution
    as compared, ``names``: the parameters naming each one in a message (path, code, org)."""
    if len(ledgers) < 2:
        return []
    import duckdb
    import pyarrow as pa

    people, roster, signins = relations(ledgers, orgs)
    con = duckdb.connect()
    try:
        con.register("roster", pa.table({"rid": pa.array(roster["rid"], pa.int64()), "ledger": pa.array(roster["ledger"], pa.int32()), "id_key": pa.array(roster["id_key"], pa.string())}))
        con.register(
            "signins",
            pa.table(
                {
                    "rid": pa.array(signins["rid"], pa.int64()), "ledger": pa.array(signins["ledger"], pa.int32()),
                    "org": pa.array(signins["org"], pa.string()), "id_key": pa.array(signins["id_key"], pa.string()),
                    "date": pa.array(signins["date"], pa.date32()),
                }
            ),
        )
        hits = run_screens(con, options, names.__getitem__)
    finally:
        con.close()
    out = []
    for hit in hits:
        person = people[hit.rid]
        value = person.mark if isinstance(person, Mark) else person.id
        out.append(
            make(hit.rule, person.sheet.path, sheet=person.sheet.sheet, cell=value.cell, row=person.row, field=hit.field, value=value.raw, **hit.params)
        )
    return out
