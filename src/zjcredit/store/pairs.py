"""The number of each record's (机构代码, 项目编码) pair, given as its file is stored (the table ``pairs``:
see :mod:`.schema`). The verdicts and the figures group the records by it; numbering the pairs as the
files come in costs the writer a few milliseconds a file, where making a table of every record with its
pair's number afterwards cost half a second a run of 3 million records."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Pair = tuple[str | None, str | None]


class PairNumbers:
    """The pairs stored so far and their numbers; :meth:`column` numbers a file's records (new pairs
    into ``pairs`` in the file's transaction), :meth:`commit` or :meth:`rollback` after it."""

    def __init__(self, db: Any) -> None:
        self.known: dict[Pair, int] = {(org, project): int(pair) for pair, org, project in db.execute("SELECT pair, org, project FROM pairs").fetchall()}
        self.last = max(self.known.values(), default=0)
        self._pending: dict[Pair, int] = {}

    def column(self, db: Any, rows: pa.Table) -> pa.Array:
        """The pair number of each of ``rows`` (the ``outcome_rows`` columns), storing the new pairs."""
        org, project = (_compared(rows, name) for name in ("org", "project"))
        orgs, projects = org.dictionary_encode(), project.dictionary_encode()
        width = len(projects.dictionary) + 1
        # Each record's (org, project) as one integer (0: empty), its distinct values, and where each is.
        combined = _codes(orgs) * width + _codes(projects)
        distinct, where = np.unique(combined, return_inverse=True)
        org_values, project_values = orgs.dictionary.to_pylist(), projects.dictionary.to_pylist()
        numbers = np.empty(len(distinct), dtype=np.int32)
        new: list[tuple[int, str | None, str | None]] = []
        for k, code in enumerate(distinct.tolist()):
            o, p = divmod(code, width)
            pair = (org_values[o - 1] if o else None, project_values[p - 1] if p else None)
            number = self.known.get(pair) or self._pending.get(pair)
            if number is None:
                self.last += 1
                number = self._pending[pair] = self.last
                new.append((number, *pair))
            numbers[k] = number
        if new:
            db.executemany("INSERT INTO pairs VALUES (?, ?, ?)", new)
        return pa.array(numbers[where.reshape(-1)], type=pa.int32())

    def commit(self) -> None:
        """The file's transaction committed: its new pairs are known."""
        self.known.update(self._pending)
        self._pending.clear()

    def rollback(self) -> None:
        """The file's transaction rolled back: its new pairs were not stored."""
        self.last -= len(self._pending)
        self._pending.clear()


def _compared(rows: pa.Table, name: str) -> pa.Array:
    """The code as compared (the view's ``org`` or ``project``: :data:`.schema.ORG`, :data:`.schema.PROJECT`):
    the stored difference, else the text as written; null when empty."""
    column = pc.coalesce(rows[f"{name}_compared"], rows[f"{name}_code"]).combine_chunks()
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _codes(encoded: pa.DictionaryArray) -> np.ndarray:
    """1 + each value's place in the dictionary; 0 for null."""
    return np.asarray(pc.fill_null(encoded.indices, -1), dtype=np.int64) + 1
