"""Outcome files into the store: each read and checked record by record as `outcomes check` does, then its
records (as written, and as compared), its sheets' column letters and its per-record findings stored in
one transaction. A file stored before with the same content is not read again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from zjcredit.documents.outcomes.check import OutcomeRun, Part
from zjcredit.io.readers import read_ahead
from zjcredit.io.sources import Source
from zjcredit.report.findings import FileResult, Finding, Severity, make, register
from zjcredit.store import NewFile, Store, StoredFile, file_digest

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


def ingest(store: Store, run: OutcomeRun, sources: list[Source], progress: Callable[[str], None] | None = None) -> dict[int, FileResult]:
    """Read, check and store every source that is not stored yet (each stored by the store's writer
    thread while the next is read); the results by file number, with an info finding for each file that
    was already stored or replaced an earlier version. The run keeps its files' results, not their
    records: the screens read those from the store."""
    notes: dict[int, FileResult] = {}
    queued: dict[str, StoredFile] = {}  # by content: files of this run not committed yet
    file_id = store.next_file_id()
    with store.writer() as writer:
        for k, source in enumerate(sources):
            digest = file_digest(source.path)
            same, earlier = store.stored(Path(source.display), digest)
            same = same or queued.get(digest)
            if same is not None:
                notes[same.file_id] = FileResult(source.display, "outcomes", same.records, [make(STORE_UNCHANGED, source.display, stored=same.path)])
                continue
            if k + 1 < len(sources):
                read_ahead(sources[k + 1].path, sources[k + 1].display)
            if progress:
                progress(source.display)
            result = run.add(source, file_id)
            if result.unreadable:
                continue  # not stored: read again next time
            writer.put(_new_file(run, source, file_id, digest, result, earlier))
            queued[digest] = StoredFile(file_id, source.display, digest, result.records)
            if earlier is not None:  # a note of this run's, not stored with the file's findings
                result.findings.append(make(STORE_REPLACED, source.display, records=earlier.records))
            file_id += 1
    return notes


def _new_file(run: OutcomeRun, source: Source, file_id: int, digest: str, result: FileResult, earlier: StoredFile | None) -> NewFile:
    """The file's records, sheets and findings to store; its sheets leave the run."""
    parts = [p for p in run.parts if p.file_id == file_id]
    run.parts = [p for p in run.parts if p.file_id != file_id]
    return NewFile(
        file_id, source.path, source.display, digest, source.path.stat().st_size, result.records,
        pa.concat_tables([rows(p) for p in parts]) if parts else None,
        [(p.sheet.table.sheet, p.sheet.table.header_row, _letters(p)) for p in parts],
        findings(result, file_id, parts),
        earlier.file_id if earlier is not None else None,
    )


def rows(part: Part) -> pa.Table:
    """A sheet's records as the store keeps them: the screens' relation, the text as written, where each
    record is, and whether a rule of the record alone found an error on it."""
    sheet = part.sheet
    table = sheet.relation(part.first_rid, part.file_id).drop_columns(["id_key"])  # computed by the store
    errors = np.zeros(sheet.n, dtype=bool)
    for positions, severity in part.flags:
        if severity is Severity.ERROR:
            errors[positions] = True
    extra = {
        "sheet": pa.array([sheet.table.sheet] * sheet.n, type=pa.string()),
        "row": pa.array(sheet.table.rows.astype(np.int32)),
        **{column: sheet.raw(name) for name, column in WRITTEN.items()},
        "has_error": pa.array(errors),
    }
    for name, column in extra.items():
        table = table.append_column(name, column)
    return table


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
