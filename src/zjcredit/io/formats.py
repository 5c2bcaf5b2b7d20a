"""The input formats zjcredit reads, by file suffix: the one table to extend for a new format (with its
reader functions in :mod:`zjcredit.io.readers`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileFormat:
    name: str  # xlsx | xls | csv
    suffixes: tuple[str, ...]
    container: str  # what the bytes must be: "zip" (OOXML), "ole" (BIFF8 compound file) or "text"


XLSX = FileFormat("xlsx", (".xlsx", ".xlsm"), "zip")
XLS = FileFormat("xls", (".xls",), "ole")
CSV = FileFormat("csv", (".csv",), "text")
FORMATS: tuple[FileFormat, ...] = (XLSX, XLS, CSV)
BY_SUFFIX: dict[str, FileFormat] = {s: f for f in FORMATS for s in f.suffixes}
SUFFIXES: tuple[str, ...] = tuple(BY_SUFFIX)
EXCEL_SUFFIXES: tuple[str, ...] = XLSX.suffixes + XLS.suffixes


def format_of(path: Path) -> FileFormat | None:
    return BY_SUFFIX.get(path.suffix.lower())
