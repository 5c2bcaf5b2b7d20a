"""The declaration inputs of the build commands (`summary build`, `catalog build`).

Every input is read and recognised; one of another kind, or one that cannot be read, becomes a finding on
its own result. Each Annex 2 form is checked exactly as `validate` checks it, and the forms are checked
against each other (one 机构代码 per 申报单位 and back). A form with errors is left out of what is built
and said so (``declaration-excluded``) with the table of what was left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjcredit.documents.common import unreadable_result, wrong_kind
from zjcredit.documents.declarations.check import checked_annex2
from zjcredit.documents.declarations.model import Declaration, org_position
from zjcredit.documents.declarations.options import DeclarationOptions
from zjcredit.documents.detect import detect_kind, kind_titles
from zjcredit.domain.normalize import clean_text, code_key, name_key, parse_number, plain_number
from zjcredit.errors import Unreadable
from zjcredit.io.grid import WorkbookGrid
from zjcredit.io.readers import read_grid
from zjcredit.io.sources import Source, Sources, discover, nothing_to_check
from zjcredit.report.findings import FileResult, Finding, Severity, SummaryTable, make, register


# Reading the inputs ----------------------------------------------------------------------------------------

@dataclass
class Input:
    """One input file: its result (findings so far) and, when usable, its grid and kind."""

    source: Source
    result: FileResult
    kind: str | None = None
    grid: WorkbookGrid | None = None


def discover_inputs(paths: Iterable[str | Path], reads: Iterable[str] = (), prefer: Iterable[Path] = ()) -> Sources:
    """The input files under ``paths`` (``reads``: see :func:`~zjcredit.io.sources.discover`); none at
    all is a usage error that says what the folders held instead, and so is a ``--prefer`` file that is
    not among them."""
    paths = list(paths)
    sources = discover(paths, reads=reads)
    if not sources:
        raise nothing_to_check(paths, sources.skipped, "申报表", "declaration")
    if prefer:
        from zjcredit.documents.declarations.resubmit import check_prefer

        check_prefer(prefer, sources)
    return sources


def read_inputs(sources: list[Source], accept: tuple[str, ...]) -> list[Input]:
    """Read every input; an unreadable file or one of another kind than ``accept`` becomes a finding on its result."""
    expected_zh = "或".join(kind_titles(k)[0] for k in accept)
    expected_en = " or ".join(kind_titles(k)[1] for k in accept)
    inputs: list[Input] = []
    for source in sources:
        try:
            grid = read_grid(source.path, source.display)
        except Unreadable as exc:
            inputs.append(Input(source, unreadable_result(source.display, exc)))
            continue
        kind = detect_kind(grid)
        if kind not in accept:
            result = FileResult(source.display, kind)
            result.findings.append(wrong_kind(source.display, kind_titles(kind), (expected_zh, expected_en)))
            inputs.append(Input(source, result, kind))
            continue
        inputs.append(Input(source, FileResult(source.display, kind), kind, grid))
    return inputs


# Declarations ------------------------------------------------------------------------------------------------


@dataclass
class Item:
    """One declaration read from one input, with the errors that validate finds in it."""

    decl: Declaration
    input: Input
    errors: list[Finding]
    order: int
    extra: list[Finding] = field(default_factory=list)  # cross-file findings about this declaration

    @property
    def path(self) -> str:
        return self.input.source.display

    @property
    def org_label(self) -> str:
        return self.decl.org_name or self.decl.org_code or self.path

    @property
    def all_errors(self) -> list[Finding]:
        return self.errors + [f for f in self.extra if f.severity is Severity.ERROR]


def declaration_items(inp: Input, start: int, options: DeclarationOptions) -> list[Item]:
    """Read an Annex 2 input: its findings (exactly as validate gives them) and its declarations.

    Each form's errors are the ones its own checks give; an error tied to no form (a stray Excel error
    value, no form at all) counts against every form of the file.
    """
    assert inp.grid is not None
    checked, per_declaration = checked_annex2(inp.grid, options)
    inp.result.records = checked.records
    inp.result.findings.extend(checked.findings)
    own = [[f for f in found if f.severity is Severity.ERROR] for _, found in per_declaration]
    claimed = {f for errors in own for f in errors}
    shared = [f for f in checked.findings if f.severity is Severity.ERROR and f not in claimed]
    return [Item(decl, inp, own[i] + shared, start + i) for i, (decl, _) in enumerate(per_declaration)]


def read_declarations(inputs: list[Input], options: DeclarationOptions) -> list[Item]:
    """The declarations of every Annex 2 input, checked one by one and then against each other: of an
    institution with declarations in several files only one file's are used (a corrected resubmission
    replaces the original: :mod:`.resubmit`), then one 机构代码 per 申报单位 and back."""
    from zjcredit.documents.declarations.resubmit import choose_resubmissions

    items: list[Item] = []
    for inp in inputs:
        if inp.kind == "annex2" and inp.grid is not None:
            items.extend(declaration_items(inp, len(items), options))
    items = choose_resubmissions(items, options.prefer)
    org_conflicts(items)
    return items


ORG_CODE_CONFLICT = register(
    "org-code-conflict",
    "error",
    "申报单位与机构代码不是一一对应：{detail}。一个机构只有一个“学分银行”系统生成的机构代码，请核对后改正。",
    "申报单位 and 机构代码 do not match one to one: {detail_en}. An institution has exactly one code generated by the credit-bank system; check and correct it.",
    title_zh="机构代码与申报单位不一致",
    title_en="institution code conflict",
)


def _variant(item: Item, field_name: str) -> str:
    return (code_key(item.decl.org_code) or "") if field_name == "机构代码" else name_key(item.decl.org_name)


def _shown(item: Item, field_name: str) -> str:
    return (item.decl.org_code if field_name == "机构代码" else item.decl.org_name) or ""


def org_conflicts(items: list[Item]) -> None:
    """Rule org-code-conflict: one 机构代码 per 申报单位 and one 申报单位 per 机构代码, across all files."""
    by_name: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    by_code: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        name, code = name_key(item.decl.org_name), code_key(item.decl.org_code)
        if name and code:
            by_name[name][code].append(item)
            by_code[code][name].append(item)
    for groups, field_name in ((by_name, "机构代码"), (by_code, "申报单位")):
        for variants in groups.values():
            if len(variants) < 2:
                continue
            for item in (it for group in variants.values() for it in group):
                others = [it for group in variants.values() for it in group if _variant(it, field_name) != _variant(item, field_name)]
                _conflict(item, field_name, others)


def _conflict(item: Item, field_name: str, others: list[Item]) -> None:
    decl = item.decl
    shown = "；".join(f"{it.path} 中为“{_shown(it, field_name)}”" for it in others)
    shown_en = "; ".join(f"'{_shown(it, field_name)}' in {it.path}" for it in others)
    if field_name == "机构代码":
        detail = f"申报单位“{decl.org_name}”在这里的机构代码是“{decl.org_code}”，而{shown}"
        detail_en = f"申报单位 '{decl.org_name}' has code '{decl.org_code}' here but {shown_en}"
    else:
        detail = f"机构代码“{decl.org_code}”在这里属于“{decl.org_name}”，而{shown}"
        detail_en = f"code '{decl.org_code}' belongs to '{decl.org_name}' here but to {shown_en}"
    value = decl.header.get(field_name)
    item.extra.append(make(ORG_CODE_CONFLICT, item.path, sheet=decl.sheet, cell=value.cell, row=value.row, field=field_name, value=value.text, detail=detail, detail_en=detail_en))


def number_or_text(raw: Any) -> Any:
    """A number cell written as a number (int when whole); what cannot be read stays as its text."""
    number = parse_number(raw)
    return clean_text(raw) if number is None else plain_number(number)


# Declarations left out ----------------------------------------------------------------------------------

DECLARATION_EXCLUDED = register(
    "declaration-excluded",
    "warning",
    "申报表（{org}）有 {errors} 个错误，其中 {projects} 个项目未收入{target}。请改正本文件的错误后重新运行{hint}。",
    "The declaration ({org}) has {errors} error(s); its {projects} project(s) were left out of the {target_en}. Fix the errors reported for this file and run again{hint_en}.",
    title_zh="有错误的申报表未收录",
    title_en="declaration with errors left out",
)


def declaration_position(item: Item) -> dict[str, Any]:
    """Where a finding about a whole declaration points: its 申报单位."""
    return org_position(item.decl)


def exclude_declaration(item: Item, target: str, target_en: str, hint: str = "", hint_en: str = "") -> dict[str, Any]:
    """Leave a declaration with errors out of the ``target`` being built: the finding on its file, and its
    entry for the report's ``excluded`` list."""
    errors = len(item.all_errors)
    item.input.result.findings.append(
        make(DECLARATION_EXCLUDED, item.path, **declaration_position(item), org=item.org_label, errors=errors, projects=len(item.decl.projects), target=target, target_en=target_en, hint=hint, hint_en=hint_en)
    )
    return excluded_entry(item)


def excluded_entry(item: Item) -> dict[str, Any]:
    return {
        "path": item.path,
        "sheet": item.decl.sheet,
        "org_name": item.decl.org_name,
        "org_code": item.decl.org_code,
        "projects": len(item.decl.projects),
        "errors": len(item.all_errors),
        "rules": sorted({f.rule for f in item.all_errors}),
    }


def excluded_table(entries: list[dict[str, Any]], title: str, title_en: str) -> SummaryTable:
    """A table for the rich report: which declarations were left out and why."""
    return SummaryTable(
        title,
        title_en,
        ["文件", "申报单位", "项目数", "错误数", "规则"],
        ["file", "institution", "projects", "errors", "rules"],
        [[e["path"], e["org_name"] or "", e["projects"], e["errors"], "、".join(e["rules"])] for e in entries],
    )
