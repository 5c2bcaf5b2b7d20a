"""Every query of :mod:`zjcredit.screens` over everything in the store (kept between runs and brought up
to date: :mod:`.screen_cache`), and its findings placed in the cells of the files they are about, read in
this run or before. The rows flagged are kept in
a temporary table ``hits`` (rid, rule, severity) for the verdicts and the figures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from zjcredit.documents.audit.screen_cache import ScreenCache
from zjcredit.documents.audit.stored import StoredFiles
from zjcredit.documents.outcomes.check import OutcomeRun
from zjcredit.report.findings import Rule
from zjcredit.screens import Hit, ScreenOptions, run_screens
from zjcredit.store import Store


def screen_store(store: Store, run: OutcomeRun, stored: StoredFiles, options: ScreenOptions, cache: ScreenCache | None = None) -> list[Hit]:
    """Run the screens over the store's records; their findings go on the files' results (this run's
    or rebuilt from the store); the temporary table ``hits`` holds every flagged row."""
    stored.results.update(run.results)
    hits = run_screens(store.db, options, stored.where, catalog=store.has_catalog(), prefetch=stored.prefetch, results=cache.results if cache else None)
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
    return hits
