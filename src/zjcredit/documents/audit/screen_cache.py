"""The screens' results kept in the store between runs, so that a run adding one file to a large store
screens what the new rows can change rather than everything again.

Each screen that says what decides its results (:attr:`zjcredit.screens.Screen.partition`) keeps its
query's rows in a table of the schema ``screen_cache``; a screen without a partition may name the tables
the store keeps for it instead (:attr:`zjcredit.screens.Screen.kept`), and the verdicts and figures keep
theirs (:mod:`.audited`, :mod:`.figures`). Each kept table has a row in ``screen_cache.state``: the
signature it was made for (the query's text, its thresholds, the catalogs' content where it reads them)
and the files (number and content) it covers. On the next run:

- the same signature and the same files: the kept rows are the results;
- the same signature and files added (nothing removed), holding at most 30 % of the records: a row-local
  screen runs over the new files' records only; a screen across records runs over the records sharing a value of its partition with a
  new record (the ID, the phone, the project …), and those records' rows are replaced — unless that is
  a large part of the store, when it runs over everything, as it would anyway;
- anything else (other thresholds, another catalog for a query that reads the catalogs, a file
  replaced, a new zjcredit's query): computed afresh over the whole store.

A table's update and its state are one transaction (a run's tables one together: :meth:`ScreenCache.batch`).
A screen with neither a partition nor kept tables runs over the whole store every time. Without a store
file nothing is kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from zjcredit.screens import Kept, Screen, load_screens, query
from zjcredit.store import FILE_BITS, Store
from zjcredit.store.schema import outcomes_of

SCHEMA = "screen_cache"
# Above this share of the store's records, a screen is computed over everything instead.
FULL_SHARE = 0.3
# The records of the files added since a table was kept (see :func:`added_files`).
NEW_RECORDS = "SELECT * FROM outcomes WHERE file_id IN (SELECT file_id FROM screen_added)"


class ScreenCache:
    """The kept results of the store's screens (see the module's description)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        from zjcredit.documents.audit.stored import CELLS_SQL, CELLS_TABLE

        with store.transaction() as db:
            db.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            db.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.state (rule VARCHAR PRIMARY KEY, signature VARCHAR, files VARCHAR[])")
            # The findings' cells kept between runs (zjcredit.documents.audit.stored.Cells), but those of
            # files no longer stored.
            db.execute(CELLS_SQL)
            db.execute(f"DELETE FROM {CELLS_TABLE} WHERE (rid >> {FILE_BITS}) NOT IN (SELECT file_id FROM files)")  # noqa: S608
        stored = self.db.execute("SELECT file_id, sha256, coalesce(records, 0) FROM files").fetchall()
        self.files = {f"{fid}:{sha}": int(fid) for fid, sha, _ in stored}
        self.sizes = {int(fid): int(n) for fid, _, n in stored}  # records by file
        self.tables = {r[0] for r in self.db.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ?", [SCHEMA]).fetchall()}
        self.catalog = _catalog_signature(self.db)
        self.records: int | None = None
        self.modes: dict[str, str] = {}  # table or rule → "kept", "added" (brought up to date) or "all" (made afresh)
        self._batch = False
        self._done: set[str] = set()  # tables brought up to date in this run
        self._scopes: dict[tuple[Any, ...], tuple[str, str, bool]] = {}  # the records a partition's screens look at (see _scope)
        self._outcome_columns: list[str] | None = None
        self._row_columns: set[str] | None = None
        # Each kept table's state (signature, files), read once; in a batch, the states of the tables
        # brought up to date are written together at its end (one statement, not one a table).
        self._state: dict[str, tuple[str, list[str]]] = {
            rule: (signature, list(files or [])) for rule, signature, files in self.db.execute(f"SELECT rule, signature, files FROM {SCHEMA}.state").fetchall()
        }
        self._unwritten: dict[str, tuple[str, list[str]]] = {}
        self._added: list[int] | None = None  # the files in screen_added, once made
        self._scope_query: str | None = None  # what the view screen_scope is, in a batch (see _scope_view)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Every table kept inside the block brought up to date in one transaction (one commit, not one
        per table)."""
        with self.store.transaction():
            self._batch = True
            try:
                yield
                self._write_state()
                if self._scope_query is not None:
                    self.db.execute("DROP VIEW IF EXISTS screen_scope")
            finally:
                self._batch = False
                self._scope_query = None
                self._unwritten.clear()

    def state(self, name: str) -> tuple[str, list[str]] | None:
        """The kept table's signature and files (those of this run once it is brought up to date)."""
        return self._state.get(name)

    def forget(self, db: Any, name: str) -> None:
        """Drop a kept table's state (a table of an earlier version's, dropped)."""
        self._state.pop(name, None)
        self._unwritten.pop(name, None)
        db.execute(f"DELETE FROM {SCHEMA}.state WHERE rule = ?", [name])

    def _write_state(self) -> None:
        if self._unwritten:
            rows = list(self._unwritten.items())
            values = ", ".join("(?, ?, ?)" for _ in rows)
            self.db.execute(f"INSERT OR REPLACE INTO {SCHEMA}.state VALUES {values}", [v for name, (sig, files) in rows for v in (name, sig, files)])
            self._unwritten.clear()

    def added_files(self, db: Any, added: list[int]) -> None:
        """The temporary table ``screen_added`` (:func:`added_files`), made once for the same files."""
        if self._added != added:
            added_files(db, added)
            self._added = list(added)

    def transaction(self) -> AbstractContextManager[Any]:
        """A transaction on the store, or the batch's when inside :meth:`batch`."""
        return nullcontext(self.db) if self._batch else self.store.transaction()

    def results(self, s: Screen, values: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The screen's query's columns and rows over the whole store, brought up to date."""
        if s.partition is None and s.kept is not None:
            return self._kept(s, s.kept, values)
        if s.partition is None:
            return query(self.db, s, values)
        table = self.keep(
            s.rule.id, {"sql": s.sql, "values": values},
            lambda db, table: db.execute(f"CREATE OR REPLACE TABLE {table} AS {s.sql}", values),
            lambda db, table, added: self._update(db, s, table, values, added),
            catalog=_reads_catalog(s.sql),
        )
        result = self.db.execute(f"SELECT * FROM {table}")
        return [d[0] for d in result.description], result.fetchall()

    def _kept(self, s: Screen, kept: Kept, values: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """A screen without a partition that says which tables the store keeps for it
        (:class:`~zjcredit.screens.Kept`; a table two screens name is kept once)."""
        tables = {}
        for name, (made, statements) in kept.tables.items():

            # {this}: the table; {name}: a table listed before it, already brought up to date.
            def full(db: Any, table: str, made: tuple[str, ...] = made) -> None:
                for statement in made:
                    db.execute(statement.format(this=table, **tables))

            def add(db: Any, table: str, added: list[int], statements: tuple[str, ...] = statements) -> str:
                self.added_files(db, added)
                self._scope_view(db, NEW_RECORDS)
                for statement in statements:
                    db.execute(statement.format(this=table, **tables))
                return "added"

            tables[name] = self.keep(name, {"made": made, "add": statements}, full, add, catalog=_reads_catalog(str((made, statements))))
            self.modes[s.rule.id] = self.modes[name]
        result = self.db.execute(kept.sql.format(**tables), values)
        return [d[0] for d in result.description], result.fetchall()

    def keep(
        self, name: str, made_of: dict[str, Any], full: Callable[[Any, str], Any], add: Callable[[Any, str, list[int]], str],
        *, fresh: bool = False, catalog: bool = True,
    ) -> str:
        """The kept table ``name`` brought up to date, in one transaction: made afresh by ``full(db,
        table)`` unless it was made of the same (``made_of``, with the catalogs' content) from files
        that are all still stored; then ``add(db, table, file numbers)`` takes in the files added since
        (it returns "added", or "all" when it made the table afresh); ``fresh``: made afresh whatever was
        kept; ``catalog`` False: what it is made of does not read the catalogs, so another catalog leaves
        it as it is. Returns the table's name."""
        table = f'{SCHEMA}."{name}"'
        if name in self._done:  # another screen's table, already up to date in this run
            return table
        self._done.add(name)
        signature = json.dumps({**made_of, "catalog": self.catalog if catalog else None}, sort_keys=True, default=str)
        signature = hashlib.sha256(signature.encode()).hexdigest()
        kept = self._state.get(name)
        with self.transaction() as db:
            if fresh or kept is None or kept[0] != signature or name not in self.tables or not set(kept[1]) <= self.files.keys():
                full(db, table)
                self.tables.add(name)
                self.modes[name] = "all"
            else:
                added = sorted(self.files[k] for k in self.files.keys() - set(kept[1]))
                if sum(self.sizes[f] for f in added) > FULL_SHARE * sum(self.sizes.values()):
                    full(db, table)  # mostly new: made afresh, as the first time
                    self.modes[name] = "all"
                else:
                    self.modes[name] = add(db, table, added) if added else "kept"
            self._state[name] = (signature, sorted(self.files))
            self._unwritten[name] = self._state[name]
            if not self._batch:
                self._write_state()
        return table

    def _update(self, db: Any, s: Screen, table: str, values: dict[str, Any], added: list[int]) -> str:
        """Bring ``table`` up to date with the records of the files ``added``: "added", or "all" when it
        was computed afresh. The records in scope are a view, not a copy: DuckDB computes only the
        columns the query reads."""
        self.added_files(db, added)
        if not s.partition:  # the row alone decides: only the new rows can be flagged
            self._scope_view(db, NEW_RECORDS)
        else:
            rids, records, large = self._scope(db, s.partition, added)
            if large:
                db.execute(f"CREATE OR REPLACE TABLE {table} AS {s.sql}", values)
                return "all"
            self._scope_view(db, f"SELECT * FROM {records}")  # noqa: S608
            db.execute(f"DELETE FROM {table} WHERE rid IN (SELECT rid FROM {rids})")  # noqa: S608 - our own names
        db.execute(f"INSERT INTO {table} {s.query('screen_scope')}", values)
        return "added"

    def _scope_view(self, db: Any, query: str) -> None:
        """The temporary view ``screen_scope`` (the records a screen brought up to date looks at) as
        ``query``. In a batch it is made again only for another query (the screens of one scope share it:
        making and dropping it for each took a few milliseconds a screen) and dropped at the batch's end."""
        if not self._batch or self._scope_query != query:
            db.execute(f"CREATE OR REPLACE TEMP VIEW screen_scope AS {query}")
        self._scope_query = query if self._batch else None

    def _scope(self, db: Any, partition: tuple[str, ...], added: list[int]) -> tuple[str, str, bool]:
        """The records sharing a value of ``partition`` with a record of the files ``added``: a temporary
        table of their numbers, the relation of the records themselves, and whether they are a large part
        of the store (then the screen runs over all). Made once a run for each partition and set of files:
        the screens of one partition share them. Where several screens share a partition, or it is of
        stored columns, the records are copied once with the columns those screens read (each query
        scanning the store for them took as long as the three queries over the copy; the phone's one
        query over the store twice as long as copying and querying), and their numbers taken from the copy
        (one scan of the store, not two; when they are a large part of it, the copy is dropped)."""
        key = (partition, tuple(added))
        if key not in self._scopes:
            n = len(self._scopes)
            rids = f"screen_rids_{n}"
            keys = ", ".join(partition)
            present = " AND ".join(f"{k} IS NOT NULL" for k in partition)
            on = " AND ".join(f"o.{k} = k.{k}" for k in partition)
            db.execute(f"CREATE OR REPLACE TEMP TABLE screen_keys AS SELECT DISTINCT {keys} FROM ({NEW_RECORDS}) WHERE {present}")
            if self.records is None:
                self.records = int(db.execute("SELECT count(*) FROM outcomes").fetchone()[0])
            # Partitioned by stored columns (the ID, the phone), the records are picked from the table and
            # the view's columns computed for them alone (through the view, DuckDB computes them for every
            # record of the store before the join): copying them so is worth it for one screen as well.
            stored = set(partition) <= self._stored_columns()
            columns = self._columns_read(partition, alone=stored)
            if columns is not None:  # the records copied, and their numbers taken from the copy
                records = f"screen_records_{n}"
                picked = f"SELECT o.* FROM {'outcome_rows' if stored else 'outcomes'} o SEMI JOIN screen_keys k ON {on}"  # noqa: S608
                source = outcomes_of(f"({picked})") if stored else picked
                db.execute(f"CREATE OR REPLACE TEMP TABLE {records} AS SELECT {', '.join(columns)} FROM ({source})")  # noqa: S608
                db.execute(f"CREATE OR REPLACE TEMP TABLE {rids} AS SELECT rid FROM {records}")  # noqa: S608
            else:
                records = f"(SELECT * FROM outcomes WHERE rid IN (SELECT rid FROM {rids}))"
                db.execute(f"CREATE OR REPLACE TEMP TABLE {rids} AS SELECT o.rid FROM outcomes o SEMI JOIN screen_keys k ON {on}")
            large = int(db.execute(f"SELECT count(*) FROM {rids}").fetchone()[0]) > FULL_SHARE * self.records  # noqa: S608
            if large and columns is not None:  # the screens run over everything instead
                db.execute(f"DROP TABLE {records}")
            self._scopes[key] = (rids, records, large)
        return self._scopes[key]

    def _stored_columns(self) -> set[str]:
        """The columns of the table ``outcome_rows`` (those the view ``outcomes`` does not compute)."""
        if self._row_columns is None:
            self._row_columns = {r[0] for r in self.db.execute("DESCRIBE outcome_rows").fetchall()}
        return self._row_columns

    def _columns_read(self, partition: tuple[str, ...], *, alone: bool = False) -> list[str] | None:
        """The columns of ``outcomes`` the screens of ``partition`` read (every name found in their
        queries), when there are several such screens (or one, with ``alone``); None otherwise."""
        queries = [s.sql for s in load_screens().values() if s.partition == partition]
        if not queries or (len(queries) < 2 and not alone):
            return None
        if self._outcome_columns is None:
            self._outcome_columns = [r[0] for r in self.db.execute("DESCRIBE outcomes").fetchall()]
        return [c for c in self._outcome_columns if c == "rid" or any(re.search(rf"\b{c}\b", q) for q in queries)]


def _reads_catalog(sql: str) -> bool:
    """Whether a query reads the catalogs' tables."""
    return re.search(r"\b(projects|courses)\b", sql) is not None


def added_files(db: Any, added: list[int]) -> None:
    """The temporary table ``screen_added``: the numbers of the files added since results were kept."""
    db.execute("CREATE OR REPLACE TEMP TABLE screen_added AS SELECT unnest(?::INTEGER[]) AS file_id", [added])


def _catalog_signature(db: Any) -> str:
    """The catalogs' content, for telling whether results computed before used the same."""
    row = db.execute(
        "SELECT (SELECT count(*) || ':' || coalesce(bit_xor(hash(p)), 0) FROM projects p), (SELECT count(*) || ':' || coalesce(bit_xor(hash(c)), 0) FROM courses c)"
    ).fetchone()
    return f"{row[0]}/{row[1]}"
