"""Reading a city's ledgers on every core: hundreds of small workbooks, each read behind the guard (which
inflates and scans every part) and parsed into a :class:`~.model.Ledger`, one independent job each. Worker
processes are forked (the modules already imported are shared) and hand back the ledgers they read; fewer
than :data:`MIN_LEDGERS` are read in this process, where starting workers would cost more than it saves.
The figures behind it are in the README (检查过程性台账, 性能).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence

from zjcredit.documents.ledger.model import Ledger
from zjcredit.documents.ledger.read import LedgerSource, read_ledger

MAX_WORKERS = 4
MIN_LEDGERS = 24
CHUNK = 4  # ledgers per job handed to a worker


def workers() -> int:
    """The cores this process may use, up to :data:`MAX_WORKERS`."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, n))


def read_all(sources: Sequence[LedgerSource], progress: Callable[[str], None] | None = None) -> Iterator[tuple[LedgerSource, Ledger]]:
    """Each source with its ledger, in order."""
    n = workers()
    if n <= 1 or len(sources) < MIN_LEDGERS:
        for source in sources:
            if progress:
                progress(source.display)
            yield source, read_ledger(source)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")) as pool:
        for source, ledger in zip(sources, pool.map(read_ledger, sources, chunksize=CHUNK)):
            if progress:
                progress(source.display)
            yield source, ledger
