"""Rules, grouped by the document they check. Importing a module registers its rules."""

from __future__ import annotations

import importlib

RULE_MODULES = (
    "zjcredit.documents.common",
    "zjcredit.documents.declarations.rules",
    "zjcredit.documents.catalog.rules",
    "zjcredit.documents.outcomes.rules",
    "zjcredit.documents.summary.build",
    "zjcredit.documents.catalog.build",
)


def load_all_rules() -> None:
    """Import every rule module (for `zjcredit rules` and the docs test)."""
    for name in RULE_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a module still being written
            if exc.name != name:
                raise
