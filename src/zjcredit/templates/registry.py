"""The template kinds, and building or writing one by name.

Adding a template (say a ledger) is one new module defining ``TEMPLATE = Template(...)`` (see
:mod:`zjcredit.templates.outcomes` for the shortest) and one line in :data:`TEMPLATES` below; the
CLI's default file name and the "no such template" message follow from here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from zjcredit.errors import UsageError
from zjcredit.report.output import write_atomic
from zjcredit.templates import annex1, annex2, ledger, outcomes, review
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.lists import LISTS_SHEET
from zjcredit.templates.save import stamp_properties, workbook_bytes
from zjcredit.templates.style import Styles

TEMPLATES: dict[str, Template] = {
    t.kind: t
    for t in (
        annex1.TEMPLATE,
        annex2.TEMPLATE,
        outcomes.TEMPLATE,
        ledger.TEMPLATE,
        review.TEMPLATE,
    )
}
DEFAULT_NAMES: dict[str, str] = {kind: t.file_name for kind, t in TEMPLATES.items()}
MAX_PROJECTS = 50


def template(kind: str) -> Template:
    """The registered template ``kind``, or a usage error naming the available ones."""
    if kind not in TEMPLATES:
        raise UsageError(
            f"没有名为“{kind}”的模板；可用的模板：{'、'.join(TEMPLATES)}。",
            f"There is no template named '{kind}'; available: {', '.join(TEMPLATES)}.",
        )
    return TEMPLATES[kind]


def build_workbook(kind: str, projects: int = 2) -> Any:
    """The template as an openpyxl Workbook (not yet saved)."""
    entry = template(kind)
    if not 1 <= projects <= MAX_PROJECTS:
        raise UsageError(f"--projects 须在 1 到 {MAX_PROJECTS} 之间。", f"--projects must be between 1 and {MAX_PROJECTS}.")
    return new_workbook(entry.title, lambda wb, st: entry.build(wb, st, TemplateOptions(projects=projects)))


def new_workbook(title: str, build: Callable[[Any, Styles], None]) -> Any:
    """A workbook made by ``build(workbook, styles)`` the way every template is: the hidden 代码表 last,
    the first sheet active, our document properties (a template prefilled with data is made so too)."""
    from openpyxl import Workbook

    wb = Workbook()
    build(wb, Styles())
    if LISTS_SHEET in wb.sheetnames:  # the hidden list sheet goes last, after the visible 填表说明
        wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    wb.active = 0
    stamp_properties(wb, title)
    return wb


def template_bytes(kind: str, projects: int = 2) -> bytes:
    """The template's file content (deterministic: see :func:`~zjcredit.templates.save.workbook_bytes`)."""
    return workbook_bytes(build_workbook(kind, projects))


def write_template(kind: str, target: Path, *, force: bool, projects: int = 2) -> Path:
    """Write the blank ``kind`` template to ``target`` atomically; refuse to overwrite without force."""
    if target.suffix.lower() != ".xlsx":
        raise UsageError(
            f"模板只能保存为 .xlsx 文件，请把 {target} 改为以 .xlsx 结尾的文件名。",
            f"Templates are written as .xlsx; give {target} a name ending in .xlsx.",
        )
    data = template_bytes(kind, projects)
    return write_atomic(target, lambda tmp: tmp.write_bytes(data), force=force)
