"""The rules between ledgers and outcome sheets (scope ``outcomes``, with ``--outcomes``), and the rules of a
run's ledgers together (scope ``run``): every catalog project with outcomes has a ledger, each project has
one ledger, and every outcome learner is on the ledger's roster and evaluated with the same 考核结果.

Findings about an outcome record sit on that record's cell in the outcome sheet; they name the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from zjcredit.documents.ledger.context import KINDS, LedgerContext, OutcomeRow, filled
from zjcredit.documents.ledger.model import Evaluation, Ledger
from zjcredit.documents.ledger.rules import result_text
from zjcredit.report.findings import Finding, check, make, register

OUTCOME_NOT_ON_ROSTER = register(
    "ledger-outcome-not-on-roster",
    "error",
    "学员 {name}（身份证号 {value}）有学习成果，却不在项目 {code} 的台账（{ledger}）的学员信息表中。存入的成果应有过程性台账支撑；请核对身份证号，或补全台账的学员名册。",
    "Learner {name} (ID {value}) has an outcome but is not on the roster of project {code}'s ledger ({ledger}); check the ID, or complete the ledger's roster.",
    title_zh="成果学员不在台账名册中",
    title_en="outcome learner not on the ledger's roster",
)
OUTCOME_NOT_EVALUATED = register(
    "ledger-outcome-not-evaluated",
    "error",
    "学员 {name}（身份证号 {value}）有学习成果，项目 {code} 的台账（{ledger}）的学习成果评价表中却没有该学员的考核评价。请补上评价，或核对成果。",
    "Learner {name} (ID {value}) has an outcome, but the evaluation of project {code}'s ledger ({ledger}) does not assess this learner; add the evaluation or check the outcome.",
    title_zh="成果学员在台账中未评价",
    title_en="outcome learner not evaluated in the ledger",
)
RESULT_MISMATCH = register(
    "ledger-result-mismatch",
    "error",
    "成果的考核结果“{value}”与项目 {code} 的台账学习成果评价表（{where}）中的“{expected}”不一致。请按评价表改正其中一处。",
    "The outcome's result '{value}' differs from '{expected}' in the evaluation of project {code}'s ledger ({where}); correct one of them.",
    title_zh="成果考核结果与台账评价不符",
    title_en="outcome result differs from the ledger's evaluation",
)


def _evaluation_of(ledger: Ledger, row: OutcomeRow) -> Evaluation | None:
    for e in ledger.evaluations:
        if (row.id and e.id_key == row.id) or (not row.id and row.name and e.name.text == row.name):
            return e
    return None


def _place(e: Evaluation) -> str:
    sheet = f"{e.sheet.sheet}!" if e.sheet.sheet else ""
    cell = e.result.cell or f"第 {e.row} 行"
    return f"{e.sheet.path} {sheet}{cell}"


@check(OUTCOME_NOT_ON_ROSTER, OUTCOME_NOT_EVALUATED, RESULT_MISMATCH, kinds=KINDS, scope="outcomes")
def outcome_learners(ctx: LedgerContext) -> Iterator[Finding]:
    """Each outcome record of the ledger's project: its learner on the roster and evaluated, with the
    same 考核结果 (as compared: no spaces, numbers as numbers)."""
    ledger = ctx.ledger
    by_id, by_name = ledger.roster_index()
    params: dict[str, Any] = {"code": ctx.code, "ledger": ledger.path}
    for row in ctx.outcomes or []:
        if not row.id and not row.name:
            continue
        value = row.id or row.name
        on_roster = by_id.get(row.id) if row.id else (by_name.get(row.name or "") or [None])[0]
        # A missing or empty roster or evaluation is said once (ledger-part-missing), not for every record.
        if on_roster is None and ledger.learners:
            yield row.at(OUTCOME_NOT_ON_ROSTER, "身份证号", value, name=row.name or "", **params)
        evaluation = _evaluation_of(ledger, row)
        if evaluation is None:
            if ledger.evaluations:
                yield row.at(OUTCOME_NOT_EVALUATED, "身份证号", value, name=row.name or "", **params)
        elif row.result and filled(evaluation.result) and result_text(row.result) != result_text(evaluation.result.text):
            yield row.at(RESULT_MISMATCH, "考核结果", row.result, expected=evaluation.result.text, where=_place(evaluation), code=ctx.code)


# A run's ledgers together ------------------------------------------------------------------------------


@dataclass
class RunContext:
    """What the run-level checks see: every ledger read, the catalog projects, the outcome records."""

    ledgers: list[Ledger]
    projects: dict[str, Any] = field(default_factory=dict)  # 项目编码 as compared → CatalogProject
    outcomes: dict[str, list[OutcomeRow]] | None = None


LEDGER_MISSING = register(
    "ledger-missing",
    "error",
    "目录中的项目 {value}（{name}，{org}）有 {count} 条学习成果，却没有过程性台账。请补交该项目的台账（学员信息表、签到表、项目课程设计表、开展情况记录、学习成果评价表）。",
    "Catalog project {value} ({name}, {org}) has {count} outcome records but no process ledger; hand in its ledger (roster, sign-in sheets, course design, session records, outcome evaluation).",
    title_zh="有成果的项目没有台账",
    title_en="project with outcomes but no ledger",
)
LEDGER_DUPLICATE = register(
    "ledger-duplicate",
    "error",
    "项目 {value} 还有另一份台账：{other}。每个项目只应有一份台账；请合并两份，或改正其中一份的项目编码。",
    "Project {value} has another ledger: {other}. Keep one ledger per project: merge them, or correct the project code of one.",
    title_zh="同一项目有两份台账",
    title_en="two ledgers for one project",
)


@check(LEDGER_MISSING, kinds=KINDS, scope="run")
def ledgers_missing(run: RunContext) -> Iterator[Finding]:
    """A catalog project with outcome records has a ledger (flagged once, at its first outcome record)."""
    if run.outcomes is None:
        return
    have = {ledger.code for ledger in run.ledgers if ledger.code}
    for code, rows in run.outcomes.items():
        project = run.projects.get(code)
        if project is None or code in have:
            continue
        first = rows[0]
        yield first.at(LEDGER_MISSING, "项目编码", project.code, name=project.name or "", org=project.org_name or project.org_code or "", count=len(rows))


@check(LEDGER_DUPLICATE, kinds=KINDS, scope="run")
def ledgers_duplicate(run: RunContext) -> Iterator[Finding]:
    """Each project has one ledger: the second and later ones name the first."""
    first: dict[str, Ledger] = {}
    for ledger in run.ledgers:
        code = ledger.code
        if not code:
            continue
        if code not in first:
            first[code] = ledger
            continue
        found = ledger.code_value
        if found is not None:
            value, sheet = found
            yield make(LEDGER_DUPLICATE, sheet.path, sheet=sheet.sheet, cell=value.cell, row=value.row, field="项目编码", value=code, other=first[code].path)
        else:
            yield make(LEDGER_DUPLICATE, ledger.path, value=code, other=first[code].path)
