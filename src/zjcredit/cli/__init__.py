"""The command line: parse, call one library function, render, exit.

One module per command group (:mod:`.template`, :mod:`.validate`, :mod:`.build`, :mod:`.outcomes`,
:mod:`.ledger`, :mod:`.rules`), shared options in :mod:`.options`, running and rendering in :mod:`.run`. Heavy
libraries (pandas, openpyxl, numpy, DuckDB) are imported inside commands, so `zjcredit --help` stays
fast.
"""

from __future__ import annotations

from zjcredit.cli import audit, build, ledger, outcomes, rules, template, validate  # noqa: F401  (register the commands)
from zjcredit.cli.app import app
from zjcredit.cli.run import fail
from zjcredit.errors import Terminated, UsageError

__all__ = ["app", "main"]


def main() -> None:
    from zjcredit.cli.i18n import requested_lang

    try:
        app()
    except UsageError as exc:  # pragma: no cover - commands turn these into exit 2 themselves
        fail(exc, requested_lang())
    except SystemExit as exc:
        # SIGTERM met outside a library call (click turns it into "Aborted!", exit 1): still 143.
        if Terminated.received and exc.code != 143:
            raise SystemExit(143) from None
        raise
