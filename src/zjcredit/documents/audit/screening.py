"""Every query of :mod:`zjcredit.screens` over everything in the store (kept between runs and brought up
to date: :mod:`.screen_cache`), and its findings placed in the cells of the files they are about, read in
this run or before. The rows flagged are kept in a temporary table ``hits`` (rid, rule, severity) for the
verdicts and the figures."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa

from zjcredit.documents.audit.screen_cache import ScreenCache
from zjcredit.documents.audit.stored import StoredFiles
from zjcredit.documents.outcomes.check import OutcomeRun
from zjcredit.report.findings import Rule
from zjcredit.screens import Hit, ScreenOptions, run_screens
from zjcredit.store import Store


def screen_store(
    store: Store, run: OutcomeRun, stored: StoredFiles, options: ScreenOptions, cache: ScreenCache | None = None, *, place: bool = True,
    then: Callable[[], Any] | None = None,
) -> Placing | None:
    """Run the screens over the store's records (each query ahead of making the previous one's hits); the
    temporary table ``hits`` holds every flagged row when this returns. Their findings go on the files'
    results (this run's or rebuilt from the store) on a thread of its own while the caller asks DuckDB
    for what needs only ``hits`` (the verdicts, the figures): placing ten thousand findings is Python's
    work, those queries DuckDB's, and each took a few tenths of a second of every run.
    :meth:`Placing.wait` before reading the results; ``then`` runs on the same thread after them (its
    value: :attr:`Placing.result`). Without ``place``, only ``hits`` (None returned)."""
    stored.results.update(run.results)
    hits = run_screens(
        store.db, options, stored.where, catalog=store.has_catalog(), prefetch=stored.prefetch, results=cache.results if cache else None, ahead=True,
    )
    store.db.register(
        "screen_hits",
        pa.table(
            {
                "rid": pa.array(np.array([h.rid for h in hits], dtype=np.int64)),
                "rule": pa.array([h.rule.id for h in hits], type=pa.string()),
                "severity": pa.array(np.array([int(h.rule.severity) for h in hits], dtype=np.int8)),
            }
        ),
    )
    store.db.execute("CREATE OR REPLACE TEMP TABLE hits AS SELECT * FROM screen_hits")
    store.db.unregister("screen_hits")
    return Placing(stored, hits, then) if place else None


class Placing:
    """The screens' findings being placed in their files' results on a thread (see :func:`screen_store`);
    the files' results use a connection of their own (:class:`StoredFiles`)."""

    def __init__(self, stored: StoredFiles, hits: list[Hit], then: Callable[[], Any] | None = None) -> None:
        self.result: Any = None  # what ``then`` gave, once waited for

        def work() -> Any:
            place_findings(stored, hits)
            return then() if then is not None else None

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zjcredit-findings")
        self._future = self._pool.submit(work)

    def wait(self, *, quietly: bool = False) -> None:
        """Once the findings are placed (the thread's error raised here, unless ``quietly``: after an
        error of the caller's); :attr:`result` is ``then``'s value."""
        try:
            error = self._future.exception()
            if error is not None and not quietly:
                raise error
            if error is None:
                self.result = self._future.result()
        finally:
            self._pool.shutdown()


def place_findings(stored: StoredFiles, hits: list[Hit]) -> None:
    """Each hit as a finding at its cell, with its value as written, on its file's result."""
    batches: dict[tuple[str, str], tuple[Rule, list[int], list[dict[str, Any]]]] = {}
    for hit in hits:
        rule, rids, params = batches.setdefault((hit.rule.id, hit.field), (hit.rule, [], []))
        rids.append(hit.rid)
        params.append(hit.params)
    wanted: dict[str, list[int]] = {}
    for (_, name), (_, rids, _) in batches.items():
        wanted.setdefault(name, []).extend(rids)
    stored.cells(wanted)  # one look-up for every finding's cell and value
    for (_, name), (rule, rids, params) in batches.items():
        stored.emit(rule, name, rids, params)
