"""Turn the PATH arguments into the list of input files, in a stable order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zjcredit.errors import UsageError
from zjcredit.io.formats import SUFFIXES


@dataclass(frozen=True)
class Source:
    path: Path
    display: str  # as given, or as found under a given directory


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
    return found
