"""The files of the store that this run did not read: their results rebuilt from the store (records and
per-record findings as stored), and the screens' findings on their records placed in their cells."""

from __future__ import annotations

import json
from typing import Any

from zjcredit.documents.audit.ingest import WRITTEN
from zjcredit.report.findings import RULES, FileResult, Finding, Rule, make
from zjcredit.store import FILE_BITS, Store


class StoredFiles:
    """Results of the stored files by file number, built on first need."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # Its queries run on connections of their own (closed with the store): records are looked up for
        # the screens' messages (:meth:`where`) while the screens' next query runs, and the findings are
        # placed (:meth:`emit`) on a thread of their own meanwhile — each with its own look-ups.
        self.db = store.cursor()
        self.results: dict[int, FileResult] = {}
        self._paths: dict[int, str] = {fid: path for fid, path in self.db.execute("SELECT file_id, path FROM files").fetchall()}
        self._letters: dict[tuple[int, str | None], dict[str, str]] = {}
        self._cells = Cells(self.db)  # for where
        self._placed: Cells | None = None  # for emit: made on first need
        for fid, sheet, columns in self.db.execute("SELECT file_id, sheet, columns FROM sheets").fetchall():
            self._letters[(fid, sheet)] = json.loads(columns or "{}")

    @property
    def file_ids(self) -> list[int]:
        return sorted(self._paths)

    def many_files(self) -> bool:
        return len(self._paths) > 1

    def where(self, rid: int) -> str:
        """A stored record's place for a message about another record (its ID cell)."""
        if rid not in self._cells.found:
            self.prefetch([rid])
        file_id = rid >> FILE_BITS
        sheet, number, _ = self._cells.found.get(rid, (None, None, {}))
        if number is None:
            return ""
        letter = self._letters.get((file_id, sheet), {}).get("身份证号", "")
        prefix = f"{self._paths[file_id]} " if self.many_files() else ""
        sheets = {s for (fid, s) in self._letters if fid == file_id}
        return f"{prefix}{sheet + '!' if sheet and len(sheets) > 1 else ''}{letter}{number}"

    def prefetch(self, rids: list[int]) -> None:
        """Look up the places of ``rids`` in one query (the screens name theirs before asking)."""
        self._cells.look_up({"": [int(r) for r in rids]})

    def emit(self, rule: Rule, field: str, rids: list[int], params: list[dict[str, Any]]) -> list[Finding]:
        """Findings of a screen on stored records, at their cells, with their values as written (looked
        up in one query for them all). May run on another thread than :meth:`where`."""
        if self._placed is None:
            self._placed = Cells(self.store.cursor())
        cells = self._placed
        column = WRITTEN.get(field)
        cells.look_up({field: rids})
        out = []
        for rid, extra in zip(rids, params):
            file_id = rid >> FILE_BITS
            sheet, row, written = cells.found.get(rid, (None, None, {}))
            value = written.get(column) if column else None
            letter = self._letters.get((file_id, sheet), {}).get(field)
            finding = make(rule, self._paths[file_id], sheet=sheet, cell=f"{letter}{row}" if letter and row else None, row=row, field=field, value=value, **extra)
            self.result(file_id, cells.db).findings.append(finding)
            out.append(finding)
        return out

    def result(self, file_id: int, db: Any = None) -> FileResult:
        """A stored file's result (``db``: the connection to rebuild it on when it is not made yet)."""
        if file_id not in self.results:
            self.results[file_id] = stored_result(self.db if db is None else db, file_id, self._paths[file_id])
        return self.results[file_id]


class Cells:
    """Where stored records are (sheet, row) and the values as written of some of their fields, looked up
    on the connection ``db`` and kept (``found``: rid → sheet, row, field's column → value)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.found: dict[int, tuple[str | None, int | None, dict[str, Any]]] = {}

    def look_up(self, wanted: dict[str, list[int]]) -> None:
        """Look up, in one query, the records of ``wanted`` (field → records; under a field without a
        column, such as "", only their places) not looked up yet with those fields' values."""
        columns = sorted({WRITTEN[f] for f in wanted if f in WRITTEN})
        found = self.found
        rids = sorted({r for field_rids in wanted.values() for r in field_rids if r not in found or any(c not in found[r][2] for c in columns)})
        if not rids:
            return
        query = f'SELECT rid, sheet, "row"{"".join(", " + c for c in columns)} FROM outcomes WHERE rid IN (SELECT unnest(?::BIGINT[]))'  # noqa: S608 - our own column names
        for rid, sheet, row, *values in self.db.execute(query, [rids]).fetchall():
            found[rid] = (sheet, row, {**found.get(rid, (None, None, {}))[2], **dict(zip(columns, values))})


def stored_result(db: Any, file_id: int, path: str) -> FileResult:
    """A stored file's result as it was stored (``db``: the store's connection or a cursor of it): its
    records and per-record findings."""
    return stored_results(db, [(file_id, path)])[file_id]


def stored_results(db: Any, files: list[tuple[int, str]]) -> dict[int, FileResult]:
    """The results of the stored ``files`` ((number, path) each), as :func:`stored_result` gives them, in
    two queries rather than two a file."""
    if not files:
        return {}
    ids = [file_id for file_id, _ in files]
    records = dict(db.execute("SELECT file_id, records FROM files WHERE file_id IN (SELECT unnest(?::INTEGER[]))", [ids]).fetchall())
    results = {file_id: FileResult(path, "outcomes", int(records.get(file_id) or 0), []) for file_id, path in files}
    query = (
        'SELECT file_id, sheet, cell, "row", field, rule, value, params FROM findings WHERE file_id IN (SELECT unnest(?::INTEGER[])) '
        'ORDER BY file_id, "row" NULLS FIRST'
    )
    for file_id, sheet, cell, row, field, rule, value, params in db.execute(query, [ids]).fetchall():
        if rule in RULES:
            result = results[file_id]
            result.findings.append(make(rule, result.path, sheet=sheet, cell=cell, row=row, field=field, value=value, **json.loads(params or "{}")))
    return results
