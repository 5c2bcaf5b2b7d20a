"""``zjcredit template ledger --catalog CATALOG --project CODE``: the ledger template filled in for one catalog
project — its title blocks (项目名称, 项目编码, 机构代码, 申报单位) and its course design (the catalog's courses
with their hours and teachers), rows prepared for its 培训规模."""

from __future__ import annotations

from pathlib import Path, PurePath

from zjcredit.domain.normalize import code_key
from zjcredit.errors import UsageError
from zjcredit.report.output import write_atomic
from zjcredit.templates.ledger import LEARNER_ROWS, LedgerHeading, filled_bytes

MAX_LEARNER_ROWS = 300


def heading_for(catalogs: list[Path], project: str) -> LedgerHeading:
    """The catalog project ``project`` as its ledger's heading; an unknown code is a usage error."""
    from zjcredit.documents.ledger.check import LedgerCatalog

    catalog = LedgerCatalog.load(catalogs)
    found = catalog.projects.get(code_key(project) or "")
    if found is None:
        known = "、".join(sorted(p.code for p in catalog.projects.values())[:5])
        raise UsageError(
            f"项目编码 {project} 不在所给的项目目录中（目录中的项目如 {known}……）。请核对 --project。",
            f"Project code {project} is in none of the catalogs given (they hold e.g. {known}); check --project.",
        )
    courses = tuple((c.name, c.hours, c.teacher) for c in sorted(catalog.courses.get(code_key(found.code) or "", []), key=lambda c: c.code))
    rows = min(max(LEARNER_ROWS, found.scale or 0), MAX_LEARNER_ROWS)
    return LedgerHeading(found.code, found.name, found.org_name, found.org_code, courses, rows)


def write_ledger_template(target: Path | None, *, force: bool, catalogs: list[Path], project: str | None, default_name: str) -> Path:
    """Write the ledger of catalog project ``project`` to ``target`` (default: ``default_name`` with the
    code added) atomically; refuse to overwrite without ``force``."""
    if not catalogs or not project:
        raise UsageError(
            "--catalog 和 --project 要一起给出：按目录中的哪个项目填写台账。",
            "--catalog and --project go together: which catalog project the ledger is for.",
        )
    heading = heading_for(catalogs, project)
    if target is None:
        stem = PurePath(default_name).stem
        target = Path(f"{stem}-{heading.code}.xlsx")
    if target.suffix.lower() != ".xlsx":
        raise UsageError(
            f"台账模板只能保存为 .xlsx 文件，请把 {target} 改为以 .xlsx 结尾的文件名。",
            f"The ledger is written as .xlsx; give {target} a name ending in .xlsx.",
        )
    data = filled_bytes(heading)
    return write_atomic(target, lambda tmp: tmp.write_bytes(data), force=force, inputs=[Path(c) for c in catalogs])
