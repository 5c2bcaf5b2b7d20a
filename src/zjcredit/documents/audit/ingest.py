"""Outcome files into the store: each read and checked record by record as `outcomes check` does, then its
records (as written, and as compared), its sheets' column letters and its per-record findings stored in
one transaction. A file stored before with the same content is not read again."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zjcredit.documents.outcomes.check import OutcomeRun, Part
from zjcredit.io.readers import read_ahead
from zjcredit.io.sources import Source
from zjcredit.report.findings import FileResult, Finding, Severity, make, register
from zjcredit.store import NewFile, Store, StoredFile, file_digest
from zjcredit.store.pairs import pair_keys

STORE_UNCHANGED = register(
    "store-unchanged",
    "info",
    "这个文件已按同样的内容存入核查数据库（{stored}），没有再读取；核查照常包括它的记录。",
    "This file is already in the store with the same content ({stored}); it was not read again, and its records are audited as usual.",
    title_zh="文件已在核查数据库中",
    title_en="file already in the store",
)
STORE_REPLACED = register(
    "store-replaced",
    "info",
    "核查数据库中同一路径的文件内容已变：原来的 {records} 条记录已由这次读到的记录替换。",
    "The store held other content under this path: its {records} earlier records were replaced by the ones read now.",
    title_zh="替换了核查数据库中的旧版本",
    title_en="earlier version in the store replaced",
)

# Field → the store's column for its text as written.
WRITTEN = {
    "姓名": "name", "身份证号": "id_number", "联系电话": "phone", "机构代码": "org_code", "项目编码": "project_code",
    "课程编码": "course_code", "学时数": "hours_text", "考核结果": "result", "完成日期": "completed", "成果形式": "outcome_form", "备注": "note",
}


def ingest(
    store: Store, run: OutcomeRun, sources: list[Source], progress: Callable[[str], None] | None = None,
    meanwhile: Callable[[set[int]], None] | None = None,
) -> dict[int, FileResult | None]:
    """Read, check and store every source that is not stored yet (each stored by the store's writer
    thread while the next is read). Returns the sources' file numbers in the order given, each with the
    note of a file already stored (None for a file read now; ``run.results`` has its result, with an info
    finding when it replaced an earlier version). The run keeps its files' results, not their records:
    the screens read those from the store. ``meanwhile(replaced)`` is called while the last file is
    being stored, with the numbers of the stored files this run replaces."""
    notes: dict[int, FileResult | None] = {}
    file_id = store.next_file_id()
    # Reading (its own DuckDB for the CSV parse, and numpy) and storing run side by side: each gets half
    # the cores rather than both contending for all of them.
    threads = store.db.execute("SELECT current_setting('threads')").fetchone()[0]
    store.db.execute(f"SET threads = {max(1, (os.cpu_count() or 2) // 2)}")
    try:
        _ingest_all(store, run, sources, progress, notes, file_id, meanwhile)
    finally:
        store.db.execute(f"SET threads = {int(threads)}")
    return notes


def _ingest_all(
    store: Store, run: OutcomeRun, sources: list[Source], progress: Callable[[str], None] | None, notes: dict[int, FileResult | None], file_id: int,
    meanwhile: Callable[[set[int]], None] | None,
) -> None:
    queued: dict[str, StoredFile] = {}  # by content: files of this run not committed yet
    replaced: set[int] = set()
    index = store.stored_index()
    with store.writer() as writer, _digests(sources) as digests:
        for k, source in enumerate(sources):
            digest = digests[k].result()
            same, earlier = index.stored(source.path, digest)
            same = same or queued.get(digest)
            if same is not None:
                notes[same.file_id] = FileResult(source.display, "outcomes", same.records, [make(STORE_UNCHANGED, source.display, stored=same.path)])
                continue
            if k + 1 < len(sources):
                read_ahead(sources[k + 1].path, sources[k + 1].display)
            if progress:
                progress(source.display)
            result = run.add(source, file_id)
            notes[file_id] = None
            if not result.unreadable:  # an unreadable file is not stored: it is read again next time
                writer.put(_new_file(run, source, file_id, digest, result, earlier))
                queued[digest] = StoredFile(file_id, source.display, digest, result.records)
                if earlier is not None:  # a note of this run's, not stored with the file's findings
                    result.findings.append(make(STORE_REPLACED, source.display, records=earlier.records))
                    replaced.add(earlier.file_id)
            file_id += 1
        if meanwhile is not None:  # before waiting for the writer to commit the last file
            meanwhile(replaced)


@contextmanager
def _digests(sources: list[Source]) -> Iterator[list[Future[str]]]:
    """Each source's content digest, computed ahead on a thread of its own (hashing leaves Python's lock
    free): the reading thread, the busier of the two, then only waits for a digest that is not ready."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="zjcredit-digest") as pool:
        futures = [pool.submit(file_digest, source.path) for source in sources]
        try:
            yield futures
        finally:
            for future in futures:
                future.cancel()


def _new_file(run: OutcomeRun, source: Source, file_id: int, digest: str, result: FileResult, earlier: StoredFile | None) -> NewFile:
    """The file's records, sheets and findings to store; its sheets leave the run."""
    parts = [p for p in run.parts if p.file_id == file_id]
    run.parts = [p for p in run.parts if p.file_id != file_id]
    # The records' table is made here, on the reading thread: storing it is the writer's whole work (see
    # zjcredit.store.writer).
    relations = [p.sheet.relation(p.first_rid, p.file_id) for p in parts]
    keys = pair_keys(*(pa.chunked_array([c for r in relations for c in r[name].chunks], pa.string()) for name in ("org", "project")))
    return NewFile(
        file_id, source.path, source.display, digest, source.path.stat().st_size, result.records,
        pa.concat_tables([rows(p, r) for p, r in zip(parts, relations)]) if parts else None,
        [(p.sheet.table.sheet, p.sheet.table.header_row, _letters(p)) for p in parts],
        findings(result, file_id, parts),
        earlier.file_id if earlier is not None else None,
        keys,
    )


# The store's column of each compared text, the column as written it nearly always equals, and where only
# the differences are kept (see zjcredit.store.schema).
SPARSE = {"name_key": ("name", "name_compared"), "project": ("project_code", "project_compared"),
          "course": ("course_code", "course_compared"), "org": ("org_code", "org_compared")}


# Columns of the relation the store computes from others (see zjcredit.store.schema: the view outcomes).
COMPUTED = ("id_key", "id_prefix", "id_last")


def rows(part: Part, relation: pa.Table) -> pa.Table:
    """A sheet's records as the store keeps them: the screens' ``relation`` (:meth:`OutcomeSheet.relation`
    of the part), the text as written, where each record is, and whether a rule of the record alone found
    an error on it."""
    sheet = part.sheet
    written = {column: sheet.raw(name) for name, column in WRITTEN.items()}
    errors = np.zeros(sheet.n, dtype=bool)
    for positions, severity in part.flags:
        if severity is Severity.ERROR:
            errors[positions] = True
    well_formed = pc.fill_null(pc.greater_equal(relation["id_num"], 0), False)
    columns = {
        **{name: relation[name] for name in relation.column_names if name not in SPARSE and name not in COMPUTED},
        "sheet": pa.array([sheet.table.sheet] * sheet.n, type=pa.string()),
        "row": pa.array(sheet.table.rows.astype(np.int32)),
        **{column: values for column, values in written.items() if column not in ("id_number", "phone", "completed", "hours_text")},
        "has_error": pa.array(errors),
        "id_written": _unless(pc.and_(well_formed, _same(written["id_number"], relation["id_key"])), written["id_number"]),
        "phone_written": _unless_computed(written["phone"], pc.cast(relation["phone_num"], pa.string())),
        **{stored: _differences(relation[name], written[raw]) for name, (raw, stored) in SPARSE.items()},
        "completed_written": _unless_computed(written["completed"], date_texts(relation["date"])),
        "hours_written": _unless_computed(written["hours_text"], hours_texts(relation["hours"])),
    }
    return pa.table(columns)


def date_texts(dates: pa.Array) -> pa.Array:
    """The store's text of each date (``schema.DATE_TEXT``): YYYY-MM-DD; null unless the year has four digits."""
    years = pc.year(dates)
    return _unless(pc.invert(pc.fill_null(pc.and_(pc.greater_equal(years, 1000), pc.less_equal(years, 9999)), False)), pc.cast(dates, pa.string()))


def hours_texts(hours: pa.Array) -> pa.Array:
    """The store's text of each number of hours (``schema.HOURS_TEXT``): a whole number below 10¹⁵ in digits;
    null otherwise."""
    whole = pc.fill_null(pc.and_(pc.equal(hours, pc.trunc(hours)), pc.less(hours, 1e15)), False)
    digits = pc.cast(pc.cast(pc.if_else(whole, hours, 0.0), pa.int64()), pa.string())
    return _unless(pc.invert(whole), digits)


def _unless_computed(written: pa.Array, computed: pa.Array) -> pa.Array:
    """The texts as ``written``, null where they are the text the store computes (``computed``)."""
    return _unless(_same(written, computed), written)


def _same(a: pa.Array, b: pa.Array) -> pa.Array:
    """Equal, or both empty."""
    return pc.or_(pc.fill_null(pc.equal(a, b), False), pc.and_(pc.is_null(a), pc.is_null(b)))


def _unless(condition: pa.Array, values: pa.Array) -> pa.Array:
    return pc.if_else(condition, pa.scalar(None, pa.string()), values)


def _differences(compared: pa.Array, raw: pa.Array) -> pa.Array:
    """``compared`` where it differs from ``raw`` ('' where it is empty and ``raw`` is not), else null."""
    return _unless(_same(compared, raw), pc.fill_null(compared, ""))


def _letters(part: Part) -> dict[str, str]:
    table = part.sheet.table
    return {name: letter for name in table.columns if (letter := table.letter(name))}


def findings(result: FileResult, file_id: int, parts: list[Part]) -> pa.Table:
    """A file's findings as the store keeps them, each on its record (``rid``) when it is on one."""
    by_sheet = {p.sheet.table.sheet: p for p in parts}
    out: dict[str, list[Any]] = {k: [] for k in ("rid", "file_id", "sheet", "cell", "row", "field", "rule", "severity", "value", "params")}
    for f in result.findings:
        out["rid"].append(_rid(by_sheet.get(f.sheet), f))
        out["file_id"].append(file_id)
        out["sheet"].append(f.sheet)
        out["cell"].append(f.cell)
        out["row"].append(f.row)
        out["field"].append(f.field)
        out["rule"].append(f.rule)
        out["severity"].append(f.severity.label)
        out["value"].append(f.value)
        out["params"].append(json.dumps(dict(f.params), ensure_ascii=False, default=str))
    types = {"rid": pa.int64(), "file_id": pa.int32(), "row": pa.int32()}
    return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in out.items()})


def _rid(part: Part | None, f: Finding) -> int | None:
    if part is None or f.row is None:
        return None
    rows = part.sheet.table.rows
    at = int(np.searchsorted(rows, f.row))
    return part.first_rid + at if at < len(rows) and rows[at] == f.row else None
