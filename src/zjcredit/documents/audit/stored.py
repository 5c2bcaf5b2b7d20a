"""The files of the store that this run did not read: their results rebuilt from the store (records and
per-record findings as stored), and the screens' findings on their records placed in their cells."""

from __future__ import annotations

import json
from typing import Any

from zjcredit.documents.audit.ingest import WRITTEN
from zjcredit.report.findings import RULES, FileResult, Finding, Rule, make
from zjcredit.store import FILE_BITS, Store


class StoredFiles:
    """Results of the stored files by file number, built on first need. ``kept``: the findings' cells are
    kept in the store between runs (:class:`Cells`)."""

    def __init__(self, store: Store, *, kept: bool = False) -> None:
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
        self._kept = kept
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
            self._placed = Cells(self.store.cursor(), kept=self._kept)
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

    def keep_cells(self) -> None:
        """Keep in the store the cells :meth:`emit` looked up in the records (:meth:`Cells.keep`)."""
        if self._placed is not None:
            self._placed.keep()

    def result(self, file_id: int, db: Any = None) -> FileResult:
        """A stored file's result (``db``: the connection to rebuild it on when it is not made yet)."""
        if file_id not in self.results:
            self.results[file_id] = stored_result(self.db if db is None else db, file_id, self._paths[file_id])
        return self.results[file_id]


# The cells of records the screens flagged, kept between runs (``kept``): a record's place and texts as
# written never change while it is stored, and nearly all of a run's findings are on records flagged
# before. A look-up in ``outcomes`` scans every stored record's number and unpacks each found record's
# block of texts (a tenth of a second of a core for a screen's findings in a store of 3 million); this
# table holds what the findings were placed with — a record's place and the text of a field ("" for the
# place alone), one row each.
CELLS_TABLE = 'screen_cache."cells"'
CELLS_SQL = f'CREATE TABLE IF NOT EXISTS {CELLS_TABLE} (rid BIGINT, sheet VARCHAR, "row" INTEGER, "column" VARCHAR, value VARCHAR, PRIMARY KEY (rid, "column"))'


class Cells:
    """Where stored records are (sheet, row) and the values as written of some of their fields, looked up
    on the connection ``db`` and kept (``found``: rid → sheet, row, field's column → value). ``kept``:
    looked up in the store's :data:`CELLS_TABLE` first, and what the records gave added to it by
    :meth:`keep`."""

    def __init__(self, db: Any, *, kept: bool = False) -> None:
        self.db = db
        self.kept = kept
        self.found: dict[int, tuple[str | None, int | None, dict[str, Any]]] = {}
        self._new: list[tuple[Any, ...]] = []  # (rid, sheet, row, column, value) looked up in the records, for keep()

    def look_up(self, wanted: dict[str, list[int]]) -> None:
        """Look up the records of ``wanted`` (field → records; under a field without a column, such as "",
        only their places) not looked up yet with those fields' values: in one query of the records (of
        their files only), after one of the kept cells."""
        columns = sorted({WRITTEN[f] for f in wanted if f in WRITTEN})
        rids = self._missing(wanted, columns)
        if not rids:
            return
        if self.kept:
            query = f'SELECT rid, sheet, "row", "column", value FROM {CELLS_TABLE} WHERE rid IN (SELECT unnest(?::BIGINT[])) AND "column" IN (SELECT unnest(?::VARCHAR[]))'  # noqa: S608
            for rid, sheet, row, column, value in self.db.execute(query, [rids, [*columns, ""]]).fetchall():
                self._fill([(rid, sheet, row, value)] if column else [(rid, sheet, row)], [column] if column else [])
            rids = self._missing(wanted, columns)
            if not rids:
                return
        files = sorted({r >> FILE_BITS for r in rids})  # (DuckDB then skips the other files' row groups)
        picked = "".join(", " + c for c in columns)
        query = f'SELECT rid, sheet, "row"{picked} FROM outcomes WHERE file_id IN (SELECT unnest(?::INTEGER[])) AND rid IN (SELECT unnest(?::BIGINT[]))'  # noqa: S608
        rows = self.db.execute(query, [files, rids]).fetchall()
        self._fill(rows, columns)
        if self.kept:
            self._new.extend((rid, sheet, row, c, v) for rid, sheet, row, *values in rows for c, v in zip(columns or [""], values or [None]))

    def _missing(self, wanted: dict[str, list[int]], columns: list[str]) -> list[int]:
        found = self.found
        return sorted({r for field_rids in wanted.values() for r in field_rids if r not in found or any(c not in found[r][2] for c in columns)})

    def _fill(self, rows: list[tuple[Any, ...]], columns: list[str]) -> None:
        found = self.found
        for rid, sheet, row, *values in rows:
            found[rid] = (sheet, row, {**found.get(rid, (None, None, {}))[2], **dict(zip(columns, values))})

    def keep(self) -> None:
        """Add what was looked up in the records to the kept cells (a statement of its own: a stored
        record's cells are what they are, whatever the run does next)."""
        if not self._new:
            return
        import pyarrow as pa

        names = ["rid", "sheet", "row", "column", "value"]
        types = [pa.int64(), pa.string(), pa.int32(), pa.string(), pa.string()]
        table = pa.table({n: pa.array([r[i] for r in self._new], type=t) for i, (n, t) in enumerate(zip(names, types))})
        self.db.register("new_cells", table)
        try:
            self.db.execute(f"INSERT OR IGNORE INTO {CELLS_TABLE} SELECT * FROM new_cells")  # noqa: S608
        finally:
            self.db.unregister("new_cells")
        self._new = []


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
