"""Turn the PATH arguments into the list of input files, in a stable order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zjcredit.errors import UsageError
from zjcredit.io.formats import SUFFIXES


@dataclass(frozen=True)
class Source:
    path: Path
    display: str  # as given, or as found under a given directory


# Every file this process has read or been given to read, by (device, inode): outputs may never replace
# one of them, whatever name (a symlink, a hard link, another spelling of the path) they are given by.
_INPUTS: dict[tuple[int, int], Path] = {}


def note_input(path: Path | str) -> None:
    """Remember ``path`` as an input of this run (see :func:`input_at`); a missing file is ignored."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return
    _INPUTS.setdefault((st.st_dev, st.st_ino), Path(path))


def input_at(path: Path | str) -> Path | None:
    """The input of this run that ``path`` names (through any symlink or hard link), or None."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return _INPUTS.get((st.st_dev, st.st_ino))


def _skipped(path: Path) -> bool:
    name = path.name
    return name.startswith(("~$", ".", "~"))


def discover(paths: list[str] | list[Path]) -> list[Source]:
    """Files as given, and directories read recursively in sorted order.

    Excel lock files (``~$*.xlsx``) and hidden files are skipped inside directories; a missing path is a
    usage error.
    """
    found: list[Source] = []
    seen: set[Path] = set()
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise UsageError(f"找不到 {given}：请检查路径是否正确。", f"{given} does not exist; check the path.")
        if p.is_dir():
            for child in sorted(p.rglob("*"), key=lambda q: q.as_posix()):
                rel = child.relative_to(p)
                if any(part.startswith((".", "~$")) for part in rel.parts) or _skipped(child):
                    continue
                if child.is_file() and child.suffix.lower() in SUFFIXES:
                    key = child.resolve()
                    if key not in seen:
                        seen.add(key)
                        found.append(Source(child, str(Path(given) / rel)))
        else:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(Source(p, str(given)))
    for source in found:
        note_input(source.path)
    return found
