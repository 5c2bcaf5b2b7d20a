"""Findings are data: one immutable record per problem, messages rendered from rule templates.

A rule (:func:`register`) is a stable id, a default severity and a zh/en message template. A check
(:func:`check`) is the function that finds a rule's problems, registered beside the rule for the
document kinds it applies to; each document's pipeline runs the checks registered for its kind and scope,
so a new rule is one registration, one function, its test and its README line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]


@dataclass(frozen=True, slots=True)
class Rule:
    """A check's identity: stable id, default severity and message templates.

    Templates use ``str.format`` fields; ``{field}`` and ``{value}`` are always available,
    other names come from the finding's ``params``.
    """

    id: str
    severity: Severity
    zh: str
    en: str
    title_zh: str = ""
    title_en: str = ""
    documents: tuple[str, ...] = ()

    def render(self, lang: str, field: str | None, value: str | None, params: dict[str, Any]) -> str:
        template = self.en if lang == "en" else self.zh
        values = _SafeDict(params)
        values.setdefault("field", field or "")
        values.setdefault("value", "" if value is None else value)
        return template.format_map(values)


class _SafeDict(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


RULES: dict[str, Rule] = {}


def register(
    id: str,
    severity: str,
    zh: str,
    en: str,
    *,
    title_zh: str = "",
    title_en: str = "",
    documents: Iterable[str] = (),
) -> Rule:
    """Register a rule once at import time; re-registering the same id is a programming error."""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", id):
        raise ValueError(f"rule id must be kebab-case: {id!r}")
    if id in RULES:
        raise ValueError(f"rule {id!r} registered twice")
    rule = Rule(id, Severity.parse(severity), zh, en, title_zh, title_en, tuple(documents))
    RULES[id] = rule
    return rule


@dataclass(frozen=True)
class Check:
    """A function that finds the problems of ``rules`` in documents of ``kinds``.

    ``scope`` says what the function is given, as the document's pipeline defines it (declarations: a
    field value, a record, a whole form; outcome sheets: the normalised columns of a sheet). ``fields``
    restricts a field-scoped check to those fields.
    """

    func: Callable[..., Any]
    rules: tuple[Rule, ...]
    kinds: tuple[str, ...]
    scope: str
    fields: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.func.__name__


CHECKS: list[Check] = []
_F = TypeVar("_F", bound=Callable[..., Any])


def check(*rules: Rule, kinds: Iterable[str], scope: str, fields: Iterable[str] = ()) -> Callable[[_F], _F]:
    """Register the decorated function as the check that reports ``rules`` for ``kinds`` at ``scope``."""

    def decorate(func: _F) -> _F:
        CHECKS.append(Check(func, tuple(rules), tuple(kinds), scope, tuple(fields)))
        return func

    return decorate


def checks_for(kind: str, scope: str, field: str | None = None) -> list[Check]:
    """The checks registered for a document kind and scope (and field), in registration order."""
    return [c for c in CHECKS if kind in c.kinds and c.scope == scope and (field is None or not c.fields or field in c.fields)]


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    rule: str
    severity: Severity
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    project: int | None = None
    field: str | None = None
    value: str | None = None
    params: tuple[tuple[str, Any], ...] = ()

    def message(self, lang: str = "zh") -> str:
        rule = RULES.get(self.rule)
        if rule is None:  # pragma: no cover - every emitted rule is registered
            return self.rule
        return rule.render(lang, self.field, self.value, dict(self.params))

    def to_dict(self, lang: str = "zh", message: str | None = None) -> dict[str, Any]:
        """The finding as the JSON report lists it (``message``: its message in ``lang``, when already made)."""
        return {
            "path": self.path,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "project": self.project,
            "field": self.field,
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message(lang) if message is None else message,
            "value": self.value,
        }


FINDING_KEYS = ("path", "sheet", "cell", "row", "project", "field", "rule", "severity", "message", "value")


def make(
    rule: Rule | str,
    path: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    project: int | None = None,
    field: str | None = None,
    value: Any = None,
    severity: Severity | None = None,
    **params: Any,
) -> Finding:
    """Build a finding for ``rule``; ``value`` is kept as text exactly as read (None when empty)."""
    rule_obj = RULES[rule] if isinstance(rule, str) else rule
    if value is not None and not isinstance(value, str):
        value = display_value(value)
    if value == "":
        value = None
    return Finding(
        path=path,
        rule=rule_obj.id,
        severity=severity if severity is not None else rule_obj.severity,
        sheet=sheet,
        cell=cell,
        row=row,
        project=project,
        field=field,
        value=value,
        params=tuple(sorted(params.items())),
    )


def display_value(value: Any) -> str:
    """Text of a raw cell value as a person would see it in the sheet."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


@dataclass
class FileResult:
    """What one input produced: its kind, how many records were read, and its findings.

    ``output``: the result is about a file the command wrote (a summary's 所在区域, a catalog's codes); its
    findings are reported, but it is not one of the inputs (the JSON's ``files``)."""

    path: str
    kind: str | None
    records: int = 0
    findings: list[Finding] = field(default_factory=list)
    output: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def infos(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.INFO)

    @property
    def unreadable(self) -> bool:
        return any(f.rule == "unreadable" for f in self.findings)

    @property
    def skipped(self) -> bool:
        """Found or given, and not read: not a spreadsheet, our own output, or of another kind."""
        return self.records == 0 and any(f.rule == "input-skipped" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "records": self.records,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
        }


@dataclass
class SummaryTable:
    """A table shown before the findings (per file, per institution, what was written …)."""

    title: str
    title_en: str
    columns: list[str]
    columns_en: list[str]
    rows: list[list[Any]]


@dataclass
class Report:
    """The result of one command over all its inputs.

    ``tables`` are shown before the findings in table output; ``extra`` holds the command's further JSON
    keys (documented with each command); ``status``, when set, is the exit status regardless of the
    findings (the build commands: 2 when nothing was written).
    """

    command: str
    files: list[FileResult] = field(default_factory=list)
    tables: list[SummaryTable] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    status: int | None = None
    # Renderings of the findings made ahead of time (:func:`zjcredit.report.render.findings_json_ahead`),
    # each with the files it was made from: used only while the report still has those.
    ahead: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def findings(self) -> list[Finding]:
        return [f for fr in self.files for f in fr.findings]

    @property
    def inputs(self) -> list[FileResult]:
        """The results of the inputs (the files written are not among them)."""
        return [fr for fr in self.files if not fr.output]

    def count(self, severity: Severity) -> int:
        return sum(1 for fr in self.files for f in fr.findings if f.severity is severity)

    def worst(self) -> Severity | None:
        worst: Severity | None = None
        for fr in self.files:
            for f in fr.findings:
                if worst is None or f.severity > worst:
                    worst = f.severity
        return worst

    @property
    def any_unreadable(self) -> bool:
        return any(fr.unreadable for fr in self.files)

    def exit_status(self, fail_on: Severity = Severity.ERROR) -> int:
        """0 clean, 1 findings at or above ``fail_on``, 2 when an input could not be read at all;
        ``status`` when the command set one."""
        if self.status is not None:
            return self.status
        if self.any_unreadable:
            return 2
        worst = self.worst()
        return 1 if worst is not None and worst >= fail_on else 0
