"""The rules of a ledger's sessions, catalog-free (scope ``ledger``): their dates, the sign-ins against the
开展情况记录, and attendance against a passing evaluation.

A session counts when it was held: at least one mark was written in its column or sheet (a prepared column
nobody marked is not a session). Its date is the one written for it, the year taken from the catalog
period (else the 项目编码) when none was written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from zjcredit.documents.ledger.context import KINDS, LedgerContext, filled
from zjcredit.documents.ledger.dates import DayText
from zjcredit.documents.ledger.model import Ledger, PartSheet, Record, Session
from zjcredit.documents.ledger.rules import passing
from zjcredit.domain import periods
from zjcredit.domain.normalize import is_excel_error, parse_number
from zjcredit.io.tables import Value
from zjcredit.report.findings import Finding, check, register

DATE_INVALID = register(
    "ledger-date-invalid",
    "error",
    "{what}的日期{problem}。请写成 2019-03-05 或 3月5日 这样的日期。",
    "The date of {what_en} {problem_en}; write it like 2019-03-05 or 3月5日.",
    title_zh="台账日期无效",
    title_en="ledger date invalid",
)
DATE_FUTURE = register(
    "ledger-date-future",
    "error",
    "{what}的日期 {date} 在今天之后。",
    "The date of {what_en}, {date}, is in the future.",
    title_zh="台账日期在未来",
    title_en="ledger date in the future",
)
DATE_OUTSIDE = register(
    "ledger-date-outside-period",
    "error",
    "{what}的日期 {date} 不在项目 {code} 的目录期次 {period}（{start} 至 {end}）之内。请核对日期，或确认台账对应的项目编码。",
    "The date of {what_en}, {date}, is outside period {period} ({start} to {end}) of project {code}; check the date, or the ledger's project code.",
    title_zh="台账日期不在目录期次内",
    title_en="ledger date outside the catalog period",
)


def _problem(text: str | None, day_known: bool, year: int | None) -> tuple[str, str]:
    if not text:
        return "没有填写", "is missing"
    if not day_known:
        return f"“{text}”无法识别", f"'{text}' cannot be read"
    if year is None:
        return f"“{text}”没有年份，也无法从目录期次或项目编码得知是哪一年", f"'{text}' has no year, and neither the catalog period nor the 项目编码 tells it"
    return f"“{text}”不是有效的日期", f"'{text}' is not a real date"


@dataclass(frozen=True)
class _Dated:
    """A date a check looks at: what it is the date of, where it is (or belongs), what it reads as."""

    what: str
    what_en: str
    sheet: PartSheet
    where: Value
    field: str
    date: dt.date | None
    day: DayText | None


def _dated(ledger: Ledger) -> Iterator[_Dated]:
    for s in ledger.held():
        yield _Dated(f"签到（{s.label}）", f"the sign-in session {s.label}", s.sheet, s.where, "签到", s.date, s.day)
    for r in ledger.records:
        if not r.date_value.empty:  # a blank 日期 is required, reported as such
            yield _Dated("开展情况记录", "the session record", r.sheet, r.date_value, "日期", r.date, r.day)
    for e in ledger.evaluations:
        if not e.date_value.empty:
            yield _Dated("学习成果评价", "the evaluation", e.sheet, e.date_value, "评价日期", e.date, e.day)


@check(DATE_INVALID, DATE_FUTURE, DATE_OUTSIDE, kinds=KINDS, scope="ledger")
def dates(ctx: LedgerContext) -> Iterator[Finding]:
    """Every session, record and evaluation date readable and not in the future; the sessions' and the
    records' inside the project's period."""
    ledger = ctx.ledger
    period = ctx.period
    start, end = (periods.period_start(period), periods.period_end(period)) if period else (None, None)
    for d in _dated(ledger):
        params = {"what": d.what, "what_en": d.what_en}
        if is_excel_error(d.where.raw):
            continue
        if d.date is None:
            problem, problem_en = _problem(d.where.text, d.day is not None, ledger.year)
            yield ctx.at(DATE_INVALID, d.sheet, d.where, d.field, problem=problem, problem_en=problem_en, **params)
        elif d.date > ctx.today:
            yield ctx.at(DATE_FUTURE, d.sheet, d.where, d.field, date=d.date.isoformat(), **params)
        elif start is not None and end is not None and d.field != "评价日期" and not start <= d.date <= end:
            yield ctx.at(
                DATE_OUTSIDE, d.sheet, d.where, d.field, date=d.date.isoformat(), code=ctx.code, period=period,
                start=start.isoformat(), end=end.isoformat(), **params,
            )


ATTENDANCE_MISMATCH = register(
    "ledger-attendance-mismatch",
    "error",
    "开展情况记录中 {date} 的参加人数为 {value}，签到表中这一天签到的却是 {signed} 人。请按签到表核对参加人数（或补全签到）。",
    "The session record of {date} says {value} took part, but {signed} signed in that day; check the number against the sign-in sheets.",
    title_zh="参加人数与签到不符",
    title_en="attendance differs from the sign-ins",
)
RECORD_MISSING = register(
    "ledger-record-missing",
    "warning",
    "{date} 有 {signed} 人签到，开展情况记录中却没有这一天的记录。请补记这次培训的开展情况。",
    "{signed} learners signed in on {date}, but the session records have no entry for that day; add one.",
    title_zh="签到日没有开展情况记录",
    title_en="sign-in day without a session record",
)


def signed_by_date(ledger: Ledger) -> dict[dt.date, tuple[int, int, Session]]:
    """Per session date: present marks, distinct learners present, and the first session of that date."""
    marks: dict[dt.date, int] = {}
    people: dict[dt.date, set[object]] = {}
    first: dict[dt.date, Session] = {}
    for m in ledger.marks:
        session = m.session
        if not m.present or session is None or session.date is None:
            continue
        marks[session.date] = marks.get(session.date, 0) + 1
        learner = ledger.find(m)
        people.setdefault(session.date, set()).add(id(learner) if learner is not None else (m.id_key or m.name_key))
        first.setdefault(session.date, session)
    return {d: (marks[d], len(people[d]), first[d]) for d in marks}


@check(ATTENDANCE_MISMATCH, RECORD_MISSING, kinds=KINDS, scope="ledger")
def sessions_recorded(ctx: LedgerContext) -> Iterator[Finding]:
    """Each record's 参加人数 equals that day's sign-ins (present marks, or learners present when a day had
    two sessions), and each day with sign-ins has a record."""
    ledger = ctx.ledger
    if not ledger.held():
        return  # no sign-ins at all: the sign-in part is missing or empty, said once
    signed = signed_by_date(ledger)
    by_date: dict[dt.date, list[Record]] = {}
    for r in ledger.records:
        if r.date is not None:
            by_date.setdefault(r.date, []).append(r)
    for date, records in sorted(by_date.items()):
        counts = [parse_number(r.count.raw) for r in records if filled(r.count)]
        if not counts or any(c is None for c in counts):
            continue  # blank or not a number: reported as such
        total = int(sum(c for c in counts if c is not None))
        marks, people, _ = signed.get(date, (0, 0, None))
        if total not in (marks, people):
            yield ctx.at(ATTENDANCE_MISMATCH, records[0].sheet, records[0].count, "参加人数", date=date.isoformat(), signed=people)
    if not ledger.records:
        return  # the records part is missing or empty: said once
    for date, (_, people, session) in sorted(signed.items()):
        if date not in by_date:
            yield ctx.at(RECORD_MISSING, session.sheet, session.where, "签到", date=date.isoformat(), signed=people)


LOW_ATTENDANCE = register(
    "ledger-low-attendance",
    "warning",
    "{who} 只参加了 {attended}/{held} 次课（{share}），低于 {limit}，考核结果却是“{value}”。请核实签到或考核结果。",
    "{who} attended {attended} of {held} sessions ({share}), below {limit}, yet the result is '{value}'; check the sign-ins or the result.",
    title_zh="出勤不足却考核通过",
    title_en="passed with low attendance",
)


@check(LOW_ATTENDANCE, kinds=KINDS, scope="ledger")
def attendance(ctx: LedgerContext) -> Iterator[Finding]:
    """A passing 考核结果 (合格, 优秀, 良好, 中等, 及格, a score from 60) for a learner who attended less than
    ``--min-attendance`` of the sessions held."""
    ledger = ctx.ledger
    shares = ledger.attendance()
    held = len(ledger.held())
    if not shares:
        return
    for e in ledger.evaluations:
        learner = ledger.find(e)
        if learner is None or not filled(e.result) or not passing(e.result.text):
            continue
        share = shares.get(id(learner), 0.0)
        if share + 1e-9 < ctx.min_attendance:
            who = e.name.text or e.id.text or ""
            yield ctx.at(
                LOW_ATTENDANCE, e.sheet, e.result, "考核结果", who=who, attended=round(share * held), held=held,
                share=f"{share:.0%}", limit=f"{ctx.min_attendance:.0%}",
            )
