"""Every query of :mod:`zjcredit.screens` over everything in the store, and where its findings go: on the
files this run read (as `outcomes check` places them) or on the stored files. The rows flagged are kept in
a temporary table ``hits`` (rid, rule, severity) for the verdicts and the figures."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from zjcredit.documents.audit.stored import FILE_BITS, StoredFiles
from zjcredit.documents.outcomes.check import OutcomeRun
from zjcredit.report.findings import Rule
from zjcredit.screens import Hit, ScreenOptions, run_screens
from zjcredit.store import Store


def screen_store(store: Store, run: OutcomeRun, stored: StoredFiles, options: ScreenOptions) -> list[Hit]:
    """Run the screens over the store's records; their findings go on the run's parts or the stored
    files; the temporary table ``hits`` holds every flagged row."""
    run_files = set(run.results)
    many = len(set(stored.file_ids) | run_files) > 1

    def where(rid: int) -> str:
        if rid >> FILE_BITS in run_files and run.parts:
            text = run.where(rid)
            if many and not text.startswith(run.results[rid >> FILE_BITS].path):
                text = f"{run.results[rid >> FILE_BITS].path} {text}"
            return text
        return stored.where(rid)

    hits = run_screens(store.db, options, where, catalog=store.has_catalog())
    on_run: list[Hit] = []
    on_stored: dict[tuple[str, str], tuple[Rule, list[int], list[dict[str, Any]]]] = {}
    for hit in hits:
        if hit.rid >> FILE_BITS in run_files:
            on_run.append(hit)
        else:
            rule, rids, params = on_stored.setdefault((hit.rule.id, hit.field), (hit.rule, [], []))
            rids.append(hit.rid)
            params.append(hit.params)
    run.take_hits(on_run)
    for (_, name), (rule, rids, params) in on_stored.items():
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
