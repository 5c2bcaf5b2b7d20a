"""The number of each record's (机构代码, 项目编码) pair, given as its file is stored (the table ``pairs``:
see :mod:`.schema`). The verdicts and the figures group the records by it; numbering the pairs as the
files come in costs a few milliseconds a file, where making a table of every record with its pair's
number afterwards cost half a second a run of 3 million records.

A file's distinct pairs, and which one each record has, are found where its records are read
(:func:`pair_keys`: the reading thread, the less busy one); the numbers are given where it is stored
(:class:`PairNumbers`: the writer's thread, in the file's transaction)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from zjcredit.domain.columns import encoded

Pair = tuple[str | None, str | None]


def pair_keys(org: pa.Array | pa.ChunkedArray, project: pa.Array | pa.ChunkedArray) -> tuple[list[Pair], np.ndarray]:
    """The distinct (org, project) of the records (codes as compared, None when empty) and the index of
    each record's among them."""
    org_codes, org_values = encoded(org)
    project_codes, project_values = encoded(project)
    width = len(project_values) + 1
    # Each record's (org, project) as one integer (0: empty), its distinct values, and where each is.
    combined = (org_codes + 1) * width + (project_codes + 1)
    distinct, where = np.unique(combined, return_inverse=True)
    pairs = []
    for code in distinct.tolist():
        o, p = divmod(code, width)
        pairs.append(((org_values[o - 1] or None) if o else None, (project_values[p - 1] or None) if p else None))  # '' is empty too
    return pairs, where.reshape(-1)


class PairNumbers:
    """The pairs stored so far and their numbers; :meth:`column` numbers a file's records (new pairs
    into ``pairs`` in the file's transaction), :meth:`commit` or :meth:`rollback` after it."""

    def __init__(self, db: Any) -> None:
        self.known: dict[Pair, int] = {(org, project): int(pair) for pair, org, project in db.execute("SELECT pair, org, project FROM pairs").fetchall()}
        self.last = max(self.known.values(), default=0)
        self._pending: dict[Pair, int] = {}

    def column(self, db: Any, keys: tuple[list[Pair], np.ndarray]) -> pa.Array:
        """The pair number of each record, from its file's :func:`pair_keys`, storing the new pairs."""
        distinct, where = keys
        numbers = np.empty(len(distinct), dtype=np.int32)
        new: list[tuple[int, str | None, str | None]] = []
        for k, pair in enumerate(distinct):
            number = self.known.get(pair) or self._pending.get(pair)
            if number is None:
                self.last += 1
                number = self._pending[pair] = self.last
                new.append((number, *pair))
            numbers[k] = number
        if new:
            db.executemany("INSERT INTO pairs VALUES (?, ?, ?)", new)
        return pa.array(numbers[where], type=pa.int32())

    def commit(self) -> None:
        """The file's transaction committed: its new pairs are known."""
        self.known.update(self._pending)
        self._pending.clear()

    def rollback(self) -> None:
        """The file's transaction rolled back: its new pairs were not stored."""
        self.last -= len(self._pending)
        self._pending.clear()

