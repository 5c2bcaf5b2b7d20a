"""Every query of :mod:`zjcredit.screens` over everything in the store (kept between runs and brought up
to date: :mod:`.screen_cache`), and its findings placed in the cells of the files they are about, read in
this run or before. The rows flagged are kept in a temporary table ``hits`` (rid, rule, severity) for the
verdicts and the figures."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa

from zjcredit.documents.audit.presented import Presented
from zjcredit.documents.audit.screen_cache import ScreenCache
from zjcredit.documents.audit.stored import StoredFiles
from zjcredit.documents.outcomes.check import OutcomeRun
from zjcredit.report.findings import Finding, Rule
from zjcredit.screens import Hit, ScreenOptions, run_screens
from zjcredit.store import Store


def screen_store(
    store: Store, run: OutcomeRun, stored: StoredFiles, options: ScreenOptions, cache: ScreenCache | None = None, *, place: bool = True,
    then: Callable[[], Any] | None = None, presented: Presented | None = None,
) -> Placing | None:
    """Run the screens over the store's records (each query ahead of making the previous one's hits); the
    temporary table ``hits`` holds every flagged row when this returns. Their findings go on the files'
    results (this run's or rebuilt from the store) on a thread of their own: each screen's as soon as its
    hits are made, while the next screens' queries run, and after the last one while the caller asks
    DuckDB for what needs only ``hits`` (the verdicts, the figures) — placing ten thousand findings is
    Python's work, the queries DuckDB's, which leaves Python's lock free most of the time.
    :meth:`Placing.wait` before reading the results; ``then`` runs on the same thread after them (its
    value: :attr:`Placing.result`). ``presented``: each finding's parts of the report are made there as
    it is placed, and those of the findings already in the results first. Without ``place``, only
    ``hits`` (None returned)."""
    stored.results.update(run.results)
    placing = Placing(stored, then, presented) if place else None
    try:
        hits = run_screens(
            store.db, options, stored.where, catalog=store.has_catalog(), prefetch=stored.prefetch, results=cache.results if cache else None, ahead=True,
            found=placing.place if placing is not None else None,
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
    except BaseException:
        if placing is not None:
            placing.wait(quietly=True)
        raise
    if placing is not None:
        placing.finish()
    return placing


class Placing:
    """The screens' findings being placed in their files' results on a thread, one screen's at a time
    (see :func:`screen_store`); the files' results use connections of their own (:class:`StoredFiles`).
    After a failure the rest is not done; the error is raised by :meth:`wait`."""

    def __init__(self, stored: StoredFiles, then: Callable[[], Any] | None = None, presented: Presented | None = None) -> None:
        self.result: Any = None  # what ``then`` gave, once waited for
        self._stored = stored
        self._then = then
        self._presented = presented
        self._failed: list[BaseException] = []
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zjcredit-findings")
        self._futures: list[Future[Any]] = []
        if presented is not None:  # the findings of the records alone, and of the files stored before
            found = [f for result in list(stored.results.values()) for f in result.findings]
            self._futures.append(self._pool.submit(self._unless_failed, presented.add, found))

    def _unless_failed(self, work: Callable[..., Any], *args: Any) -> Any:
        if self._failed:  # an earlier part failed: wait() raises that
            return None
        try:
            return work(*args)
        except BaseException as exc:
            self._failed.append(exc)
            raise

    def place(self, hits: list[Hit]) -> None:
        """Place these hits' findings (after those given before)."""
        self._futures.append(self._pool.submit(self._unless_failed, self._place, hits))

    def _place(self, hits: list[Hit]) -> None:
        placed = place_findings(self._stored, hits)
        if self._presented is not None:
            self._presented.add(placed)

    def finish(self) -> None:
        """Every hit is given: the cells looked up are kept in the store, and ``then`` follows."""
        self._futures.append(self._pool.submit(self._unless_failed, self._stored.keep_cells))
        self._futures.append(self._pool.submit(self._unless_failed, self._then or (lambda: None)))

    def wait(self, *, quietly: bool = False) -> None:
        """Once the findings are placed (the thread's error raised here, unless ``quietly``: after an
        error of the caller's, when what is not begun yet is dropped); :attr:`result` is ``then``'s value."""
        try:
            if quietly:
                for f in self._futures:
                    f.cancel()
            for f in self._futures:
                if not f.cancelled():
                    f.exception()  # (waits)
            if self._failed and not quietly:
                raise self._failed[0]
            if not self._failed and self._futures and not quietly:
                self.result = self._futures[-1].result()
        finally:
            self._pool.shutdown()


def place_findings(stored: StoredFiles, hits: list[Hit]) -> list[Finding]:
    """Each hit as a finding at its cell, with its value as written, on its file's result (the hits of one
    field: their cells and values looked up at once). Returns the findings."""
    batches: dict[tuple[str, str], tuple[Rule, list[int], list[dict[str, Any]]]] = {}
    for hit in hits:
        rule, rids, params = batches.setdefault((hit.rule.id, hit.field), (hit.rule, [], []))
        rids.append(hit.rid)
        params.append(hit.params)
    placed: list[Finding] = []
    for (_, name), (rule, rids, params) in batches.items():
        placed.extend(stored.emit(rule, name, rids, params))
    return placed
