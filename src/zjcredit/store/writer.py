"""Storing files on a thread of its own while the next file is read and checked.

Committing a file (DuckDB compresses and writes its rows) takes about as long as reading and checking the
next one, and DuckDB does it without Python's lock, so the two overlap. The reading thread hands over a
file's records whole (its Arrow table of the stored columns): DuckDB's work is the larger share, so the
writer's thread does only that (the records' table made there as well, unless the writer was behind,
left the reading thread waiting 0.2–0.5 s of a first audit of 3 million records; made on the reading
thread always, the writer's work is 0.2–0.5 s shorter and a first audit 0.3 s faster, four alternating
runs). Each file is still one transaction, on a cursor of the store's connection; at most one more file
waits in the queue, so memory holds at most three files' records (the one being written, the one
waiting, the one being read).

The first failure is raised in the reading thread at its next :meth:`Writer.put` or at :meth:`Writer.close`;
files after it are not written. Leaving the ``with`` block by an exception (Ctrl-C included) drops the
waiting file and interrupts the one being written, whose transaction is then rolled back.
"""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zjcredit.store import NewFile, Store

_DONE = None


class Writer:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._cursor = store.cursor()
        self._jobs: queue.Queue[NewFile | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._cancelled = False
        self._thread = threading.Thread(target=self._work, name="zjcredit-store", daemon=True)
        self._thread.start()

    def __enter__(self) -> Writer:  # noqa: PYI034 - not subclassed
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(cancel=kind is not None)

    def put(self, new: NewFile) -> None:
        """Queue ``new`` for storing (waits while another file is already waiting)."""
        self._raise()
        self._jobs.put(new)

    def close(self, *, cancel: bool = False) -> None:
        """Wait until every queued file is stored (``cancel``: drop them and stop the current one)."""
        if cancel:
            self._cancelled = True
            self._drain()
            self._cursor.interrupt()
        self._jobs.put(_DONE)
        self._thread.join()
        self._cursor.close()
        if not cancel:
            self._raise()

    def _work(self) -> None:
        while (new := self._jobs.get()) is not _DONE:
            if self._error is not None or self._cancelled:
                continue
            try:
                self.store.put_file(new, self._cursor)
            except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
                self._error = exc

    def _drain(self) -> None:
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                return

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
