"""What a zjcredit process leaves out: pandas.

zjcredit does not use pandas, but pyarrow imports it, when installed, on its first conversion of values:
half a second of every run, on one core while the other waits. The console entry and the isolated
readers' child processes call :func:`leave_out_pandas` first; a program that imports zjcredit as a library
keeps its pandas.
"""

from __future__ import annotations

import sys


def leave_out_pandas() -> None:
    """From now on pandas cannot be imported in this process, as if it were not installed — which pyarrow
    and DuckDB are made for. (The tests run so too: tests/conftest.py.)"""
    if not any(isinstance(finder, _NoPandas) for finder in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


class _NoPandas:
    """An import finder that refuses pandas (a ``None`` in ``sys.modules`` would not do: Cython's imports,
    pyarrow's among them, hand it back as the module)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r} (zjcredit leaves pandas out)", name=name)
