"""The verification store: a DuckDB database file (embedded, in-process; nothing to start) holding the
outcome rows of every file audited, with their source file, sheet and row, the per-record findings, the
catalogs' projects and courses, and the ledgers' readiness — so that the screens see a learner deposited
in two counties or in two periods.

- Each file's ingest is one transaction: an interrupted or failed run leaves the store as it was.
- A file already stored with the same content (SHA-256) is not read again; a file stored before under the
  same path with other content replaces its earlier rows.
- A store in use by another run, a store from a newer zjcredit, or a damaged file is one sentence (exit 2).
- An older store is migrated (:mod:`.schema`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zjcredit import __version__
from zjcredit.errors import ZjcreditError
from zjcredit.store.schema import MIGRATIONS, SCHEMA_VERSION, TABLES

if TYPE_CHECKING:
    from zjcredit.store.pairs import PairNumbers
    from zjcredit.store.writer import Writer

FILE_BITS = 32  # rid = file_id << FILE_BITS | the record's place in its file

# DuckDB's threads for the store's queries: twice the cores. Its aggregation partitions the groups by the
# number of threads; at as many threads as cores (two here) an aggregation over millions of learners (the
# screens group the records by ID, phone, ID and course …) took as long as at one thread, using twice the
# CPU; at four, 40 % less time (the first audit of 3 million records: 15.4 s → 14.8 s, medians of four
# alternating runs; the 20-million-record audit's peak memory unchanged).
QUERY_THREADS = 2 * (os.cpu_count() or 1)


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class NewFile:
    """One file to store: its records (an Arrow table with the ``outcome_rows`` columns but ``pair``), its sheets (name,
    header row, field → column letter), its per-record findings (an Arrow table with the ``findings``
    columns), the file it replaces (the same path stored with other content), if any, and its records'
    (institution, project) pairs (:func:`.pairs.pair_keys`, in the order of the records)."""

    file_id: int
    path: Path
    display: str
    sha256: str
    size: int
    records: int
    rows: Any
    sheets: list[tuple[str | None, int, dict[str, str]]]
    findings: Any
    replaces: int | None = None
    pairs: Any = None  # the records' (institution, project) pairs: :func:`.pairs.pair_keys`


@dataclass(frozen=True)
class StoredFile:
    file_id: int
    path: str
    sha256: str
    records: int


class StoredIndex:
    """The files of a store when it was asked (:meth:`Store.stored_index`)."""

    def __init__(self, store: Store, files: list[tuple[StoredFile, str | None]]) -> None:
        self._store = store
        self._by_content: dict[str, StoredFile] = {}
        self._by_place: dict[str | None, list[StoredFile]] = {}
        for f, location in files:  # in the order stored: the first with a content is the one named
            self._by_content.setdefault(f.sha256, f)
            self._by_place.setdefault(location, []).append(f)

    def stored(self, path: Path, sha256: str) -> tuple[StoredFile | None, StoredFile | None]:
        """(the file stored with this content, if any; the file stored before from the same place — the
        same absolute path, however it was named — with other content, if any)."""
        here = self._by_place.get(self._store.location(path), [])
        return self._by_content.get(sha256), next((f for f in here if f.sha256 != sha256), None)


class Store:
    """An open store (``path`` None: in memory, for a run without ``--store``)."""

    def __init__(self, path: Path | None) -> None:
        import duckdb

        self.path = path
        self._pairs: PairNumbers | None = None  # given as files are stored (on the writer's thread)
        self._closing: Any = None  # a close begun on another thread (close_later)
        self.db = duckdb.connect(":memory:")
        if path is not None:
            try:
                _attach(self.db, path)
            except duckdb.IOException as exc:
                self.db.close()
                raise _open_error(path, str(exc)) from None
            except duckdb.Error as exc:
                self.db.close()
                raise _damaged(path, str(exc)) from None
        try:
            # Row order is ours to keep (rid); DuckDB need not keep it, which frees its parallel scans.
            self.db.execute("SET preserve_insertion_order = false")
            self.db.execute(f"SET threads = {QUERY_THREADS}")
            self.db.execute("SET enable_progress_bar = false")
            self._prepare()
        except ZjcreditError:
            self.db.close()
            raise
        except duckdb.Error as exc:
            self.db.close()
            raise _damaged(path, str(exc)) from None

    def close(self) -> None:
        """Close the store (or wait for the close :meth:`close_later` began, raising its error)."""
        if self._closing is None:
            self.db.close()
            return
        (thread, errors), self._closing = self._closing, None
        thread.join()
        if errors:
            raise errors[0]

    def close_later(self) -> None:
        """Begin closing the store on a thread of its own: DuckDB's last checkpoint (a tenth of a second or
        more) is written while the caller goes on with work that needs the store no more (the report
        workbook). :meth:`close` waits for it; nothing may use the store in between."""
        if self._closing is not None:
            return
        import threading

        errors: list[BaseException] = []

        def close() -> None:
            try:
                self.db.close()
            except BaseException as exc:  # noqa: BLE001 - raised by close(), on the caller's thread
                errors.append(exc)

        thread = threading.Thread(target=close, name="zjcredit-close")
        thread.start()
        self._closing = (thread, errors)

    def cursor(self) -> Any:
        """Another connection to the store, for another thread (its default database the store's too)."""
        cursor = self.db.cursor()
        if self.path is not None:
            cursor.execute("USE store")
        return cursor

    def __enter__(self) -> Store:  # noqa: PYI034 - not subclassed
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Version ----------------------------------------------------------------------------------------

    def _prepare(self) -> None:
        tables = {r[0] for r in self.db.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()").fetchall()}
        if tables and "meta" not in tables:
            raise _damaged(self.path, "no meta table: not a zjcredit store")
        version = SCHEMA_VERSION
        if "meta" in tables:
            stored = self.meta("schema_version")
            version = int(stored) if stored is not None else SCHEMA_VERSION
            if version > SCHEMA_VERSION:
                writer = self.meta("zjcredit") or "?"
                raise ZjcreditError(
                    f"核查数据库 {self.path} 由更新版本的 zjcredit（{writer}）写入，本版本（{__version__}）无法使用。请升级 zjcredit 后再运行。",
                    f"The store {self.path} was written by a newer zjcredit ({writer}); this version ({__version__}) cannot use it. Upgrade zjcredit and run again.",
                )
        self.db.execute("BEGIN TRANSACTION")
        try:
            while version < SCHEMA_VERSION:
                MIGRATIONS[version](self.db)
                version += 1
            self.db.execute(TABLES)
            self._set_meta("schema_version", str(SCHEMA_VERSION))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._set_meta(key, value)

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    # Files ------------------------------------------------------------------------------------------

    def stored_index(self) -> StoredIndex:
        """The files stored so far, to look each file of a run up in (one query, not two per file)."""
        rows = self.db.execute("SELECT file_id, path, sha256, records, location FROM files ORDER BY file_id").fetchall()
        return StoredIndex(self, [(StoredFile(*r[:4]), r[4]) for r in rows])

    def location(self, path: Path) -> str:
        """Where a file is, however it was named (relative, absolute, through a link): its path from the
        store's folder when it lies under it — so a folder moved with its store keeps its files — else
        its absolute path."""
        try:
            resolved = Path(path).resolve()
        except OSError:
            resolved = Path(path).absolute()
        if self.path is not None:
            try:
                return resolved.relative_to(Path(self.path).resolve().parent).as_posix()
            except (ValueError, OSError):
                pass
        return resolved.as_posix()

    def next_file_id(self) -> int:
        row = self.db.execute("SELECT coalesce(max(file_id), 0) + 1 FROM files").fetchone()
        return int(row[0])

    def files(self) -> list[StoredFile]:
        return [StoredFile(*r) for r in self.db.execute("SELECT file_id, path, sha256, records FROM files ORDER BY file_id").fetchall()]

    @contextmanager
    def transaction(self, db: Any = None) -> Iterator[Any]:
        """One unit of work on ``db`` (the store's connection or a cursor of it): committed whole, or not
        at all (errors and Ctrl-C roll it back)."""
        db = self.db if db is None else db
        db.execute("BEGIN TRANSACTION")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def put_file(self, new: NewFile, db: Any = None) -> None:
        """Store one file's records and per-record findings in one transaction (on ``db``, a cursor of the
        store's connection, when given), replacing the file it replaces."""
        pairs = self._pair_numbers(db)
        try:
            self._put(new, db, pairs)
        except BaseException:
            pairs.rollback()
            raise
        pairs.commit()

    def _pair_numbers(self, db: Any) -> PairNumbers:
        if self._pairs is None:
            from zjcredit.store.pairs import PairNumbers

            self._pairs = PairNumbers(self.db if db is None else db)
        return self._pairs

    def _put(self, new: NewFile, db: Any, pairs: PairNumbers) -> None:
        with self.transaction(db) as db:
            if new.replaces is not None:
                for table in ("outcome_rows", "findings", "sheets", "files"):
                    db.execute(f"DELETE FROM {table} WHERE file_id = ?", [new.replaces])  # noqa: S608 - our own table names
            db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [new.file_id, new.display, self.location(new.path), new.path.name, new.sha256, new.size, new.records, dt.datetime.now().replace(microsecond=0), __version__],
            )
            for sheet, header_row, columns in new.sheets:
                db.execute("INSERT INTO sheets VALUES (?, ?, ?, ?)", [new.file_id, sheet, header_row, json.dumps(columns, ensure_ascii=False)])
            rows = new.rows.append_column("pair", pairs.column(db, new.pairs)) if new.rows is not None else None
            for table, data in (("outcome_rows", rows), ("findings", new.findings)):
                if data is not None and data.num_rows:
                    db.register("new_data", data)
                    db.execute(f"INSERT INTO {table} BY NAME SELECT * FROM new_data")  # noqa: S608 - our own table names
                    db.unregister("new_data")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('zjcredit', ?)", [__version__])

    def writer(self) -> Writer:
        """A thread that stores files while the next one is read (see :class:`Writer`)."""
        from zjcredit.store.writer import Writer

        return Writer(self)

    def put_catalog(self, projects: Any, courses: Any, source: str) -> None:
        """Projects and courses of a catalog (Arrow tables with the relations' columns); a code given
        again replaces its earlier row."""
        with self.transaction() as db:
            db.register("new_projects", projects)
            db.execute("INSERT OR REPLACE INTO projects BY NAME SELECT *, ? AS catalog FROM new_projects", [source])
            db.unregister("new_projects")
            db.register("new_courses", courses)
            db.execute("INSERT OR REPLACE INTO courses BY NAME SELECT * FROM new_courses")
            db.unregister("new_courses")

    def put_ledgers(self, entries: list[dict[str, Any]]) -> None:
        """The readiness of ledgers just checked (``ledger check``'s JSON entries), each replacing what was
        stored for the same ledger (path); entries without a ledger (path None) are not stored."""
        from zjcredit.domain.normalize import code_key

        now = dt.datetime.now().replace(microsecond=0)
        with self.transaction() as db:
            for e in entries:
                if not e.get("path"):
                    continue
                db.execute("DELETE FROM ledgers WHERE path = ?", [e["path"]])
                db.execute(
                    "INSERT INTO ledgers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [code_key(e.get("project_code")), code_key(e.get("org_code")), e["path"], int(e.get("parts_present") or 0), list(e.get("parts_missing") or []),
                     int(e.get("learners") or 0), int(e.get("sessions") or 0), e.get("attendance"), int(e.get("errors") or 0), int(e.get("warnings") or 0), now],
                )

    def ledger_parts(self) -> dict[str, int]:
        """The parts present in each project's most complete stored ledger, by 项目编码 as compared."""
        return dict(self.db.execute("SELECT project, max(parts) FROM ledgers WHERE project IS NOT NULL GROUP BY project").fetchall())

    def has_catalog(self) -> bool:
        return bool(self.db.execute("SELECT count(*) FROM projects").fetchone()[0])


# Rows per row group: DuckDB writes a transaction's full row groups straight into the file, compressed,
# rather than into the write-ahead log first and compressing them again at the next checkpoint. At its
# default (122,880) a file of 100,000 records never fills one; at 65,536 it does, and storing 30 such files
# took 7.5–9 s of the writer's time instead of 10–13 s. (An option of ATTACH, not kept in the file: a store
# opened otherwise reads and writes as usual.)
ROW_GROUP_SIZE = 65_536

# DuckDB compresses every text column of the store with DICT_FSST (a dictionary of FSST-compressed
# strings; one too long for it is kept uncompressed): told so, it does not first try FSST alone, a plain
# dictionary and no compression on each segment — the same file, with 7% less of the writer's CPU for 30
# files of 100,000 records (4.3–4.55 s → 4.05–4.15 s, three alternating runs). Other types choose as usual.
# Only for a file of storage version 1.3 or later (those DuckDB 1.3+ makes by default): in an older one
# DICT_FSST cannot be written and the texts would be stored uncompressed; and not with a DuckDB that does
# not know the method (1.2).
TEXT_COMPRESSION = "dict_fsst"
TEXT_COMPRESSION_SINCE = (1, 3)


def _attach(db: Any, path: Path) -> None:
    """Open the store's file as the connection's default database. Spilling goes beside it
    (``<store>.tmp``, DuckDB's default for a database file) rather than into the working folder."""
    import duckdb

    literal = "'" + str(path).replace("'", "''") + "'"
    db.execute(f"ATTACH {literal} AS store (ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
    db.execute("USE store")
    db.execute(f"SET temp_directory = {literal[:-1]}.tmp'")
    if (storage_version(db) or (0,)) >= TEXT_COMPRESSION_SINCE:
        try:
            db.execute(f"SET force_compression = '{TEXT_COMPRESSION}'")
        except duckdb.Error:  # a DuckDB without it: it chooses, as it always did
            pass


def storage_version(db: Any) -> tuple[int, ...] | None:
    """The storage version of the store's file (``v2.0.0+`` → (2, 0, 0)); None when DuckDB does not say."""
    import duckdb

    try:
        row = db.execute("SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = 'store'").fetchone()
    except duckdb.Error:
        return None
    found = re.match(r"v?(\d+)\.(\d+)(?:\.(\d+))?", str(row[0] or "")) if row else None
    return tuple(int(part) for part in found.groups() if part is not None) if found else None


def _open_error(path: Path | None, text: str) -> ZjcreditError:
    if "lock" in text.lower():
        return ZjcreditError(
            f"核查数据库 {path} 正被另一个 zjcredit 运行使用。请等它结束后再运行。",
            f"The store {path} is in use by another zjcredit run; wait until it finishes and run again.",
        )
    return _damaged(path, text)


def _damaged(path: Path | None, text: str) -> ZjcreditError:
    detail = text.strip().splitlines()[0][:160] if text.strip() else ""
    return ZjcreditError(
        f"{path} 不是可用的核查数据库（{detail}）。请检查 --store 给出的文件；要新建数据库，请给一个还不存在的文件名。",
        f"{path} is not a usable store ({detail}); check the file given to --store, or name a file that does not exist yet to make a new store.",
    )
