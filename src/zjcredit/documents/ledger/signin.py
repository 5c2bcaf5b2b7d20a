"""Sign-in sheets (签到表) in the three layouts schools keep (CONTRACT.md):

- **grid** — one row per learner, one column per session headed by its date (``3月5日``, a date cell, or
  ``第1次`` with the date in the cell below, as our template has it);
- **long** — one row per learner and session: 日期, 课次, 姓名, 身份证号, 签到;
- **session** — one sheet per session: 序号, 姓名, 身份证号, 签名, the date in a title line (``日期：2019年3月5日``)
  or else in the sheet's (or file's) name (``签到表-0305``).

Marks: √ ✓ ☑ 到 1 or any signature text mean present; empty, ×, ✗, 缺, 缺勤, 0 absent; 请假 an excused
absence, which counts as absent.
"""

from __future__ import annotations

import re

from zjcredit.documents.ledger.dates import day_in_name, day_text, is_ordinal
from zjcredit.documents.ledger.model import Mark, PartSheet, Session, day_of, value_at
from zjcredit.documents.ledger.parts import session_columns
from zjcredit.documents.ledger.rows import records_under
from zjcredit.domain.normalize import clean_text
from zjcredit.io.cells import cell_ref
from zjcredit.io.tables import EMPTY, TABLE_END_RE, Value
from zjcredit.io.tables import Record as Row

ABSENT = frozenset({"×", "✗", "✘", "╳", "x", "X", "缺", "缺勤", "缺课", "旷课", "未到", "未签到", "0", "否", "无"})
EXCUSED = frozenset({"请假", "事假", "病假", "公假", "假"})
# Rows under a grid that total it up: 应到/实到人数, 合计 …
_GRID_END_RE = re.compile(r"^(应到|实到|出勤人数|到课人数|签到人数|缺勤人数)")


def present(value: Value) -> bool:
    """Whether a sign-in cell says the learner was there."""
    if value.empty:
        return False
    text = (value.text or "").replace(" ", "")
    return text not in ABSENT and text not in EXCUSED


def read_signin(ps: PartSheet, header: int, file_name: str | None) -> tuple[list[Session], list[Mark]]:
    """The sessions and marks of one sign-in sheet whose header is at 0-based row ``header``; sets the
    sheet's layout, columns and record count."""
    sheet = ps.grid
    cols = ps.columns
    if "日期" in cols:
        ps.layout = "long"
        return _long(ps)
    sessions = session_columns(sheet, header, cols)
    if sessions:
        ps.layout = "grid"
        return _grid(ps, header, sessions)
    ps.layout = "session"
    return _one_session(ps, file_name)


def _learner_rows(ps: PartSheet, start: int, extra: list[int]) -> list[int]:
    """0-based rows from ``start`` naming a learner (or holding marks), up to a totals or signature line."""
    sheet = ps.grid
    name_col, id_col = ps.columns.get("姓名"), ps.columns.get("身份证号")
    rows = []
    for r in range(start, sheet.height):
        first = next((clean_text(sheet.value(r, c)) for c in range(sheet.width) if sheet.is_origin(r, c) and clean_text(sheet.value(r, c))), None)
        if first is None:
            continue
        key = first.replace(" ", "")
        if TABLE_END_RE.match(key) or _GRID_END_RE.match(key):
            break
        filled = [c for c in (name_col, id_col, *extra) if c is not None and clean_text(value_at(sheet, r, c).raw)]
        if filled:
            rows.append(r)
    return rows


def _grid(ps: PartSheet, header: int, columns: list[int]) -> tuple[list[Session], list[Mark]]:
    sheet = ps.grid
    name_col = ps.columns.get("姓名")
    # The dates may sit in the row under 第1次 … (our template), which the learner columns' headers span.
    below = header + 1
    spans_below = name_col is not None and sheet.span(header, name_col)[2] >= below
    date_row = below if spans_below or any(day_text(sheet.value(below, c)) for c in columns) else None
    start = max([(date_row or header) + 1] + [sheet.span(header, c)[2] + 1 for c in ps.columns.values()])
    sessions: list[Session] = []
    for k, c in enumerate(columns, start=1):
        top, under = value_at(sheet, header, c), value_at(sheet, date_row, c) if date_row is not None else EMPTY
        day = day_of(under) or day_of(top)
        where = under if day_of(under) or (date_row is not None and not day_of(top)) else top
        label = " ".join(t for t in (top.text, under.text) if t) or f"第{k}次"
        sessions.append(Session(ps, ("grid", ps.path, ps.sheet, c), label, day, where))
    marks = []
    rows = _learner_rows(ps, start, columns)
    for r in rows:
        name, number = value_at(sheet, r, name_col), value_at(sheet, r, ps.columns.get("身份证号"))
        for session, c in zip(sessions, columns):
            mark = value_at(sheet, r, c)
            marks.append(Mark(ps, r + 1, name, number, session, mark, present(mark)))
    ps.records = len(rows)
    return sessions, marks


def _records(ps: PartSheet) -> list[Row]:
    assert ps.header_row is not None
    return records_under(ps.grid, ps.header_row - 1, ps.columns)


def _mark_field(ps: PartSheet) -> str | None:
    return "签到" if "签到" in ps.columns else "签名" if "签名" in ps.columns else None


def _long(ps: PartSheet) -> tuple[list[Session], list[Mark]]:
    field = _mark_field(ps)
    sessions: dict[tuple[object, ...], Session] = {}
    marks = []
    for rec in _records(ps):
        if all(rec.get(n).empty for n in ("姓名", "身份证号")) and (field is None or rec.get(field).empty):
            continue
        date, number = rec.get("日期"), rec.get("课次")
        day = day_of(date)
        key = ("long", ps.path, ps.sheet, day or date.text, number.text)
        session = sessions.get(key)
        if session is None:
            label = " ".join(t for t in (date.text, number.text) if t)
            session = sessions[key] = Session(ps, key, label, day, date)
        mark = rec.get(field) if field else Value("√", "√", None, rec.row)
        marks.append(Mark(ps, rec.row, rec.get("姓名"), rec.get("身份证号"), session, mark, present(mark)))
    ps.records = len(marks)
    return list(sessions.values()), marks


def _one_session(ps: PartSheet, file_name: str | None) -> tuple[list[Session], list[Mark]]:
    field = _mark_field(ps)
    session = Session(ps, ("session", ps.path, ps.sheet), "", None, _date_where(ps))
    session.day = day_of(session.where) if not session.where.empty else None
    if session.day is None:
        for text in ps.title_texts:
            if day_text(text.raw) is not None and not is_ordinal(text.raw):
                session.day, session.where = day_text(text.raw), text
                break
    if session.day is None:
        session.day = day_in_name(ps.sheet) or day_in_name(file_name)
    session.label = session.where.text or ps.sheet or file_name or ""
    marks = []
    for rec in _records(ps):
        if all(rec.get(n).empty for n in ("姓名", "身份证号")) and (field is None or rec.get(field).empty):
            continue
        mark = rec.get(field) if field else EMPTY
        marks.append(Mark(ps, rec.row, rec.get("姓名"), rec.get("身份证号"), session, mark, present(mark)))
    ps.records = len(marks)
    return [session], marks


def _date_where(ps: PartSheet) -> Value:
    """The title's 日期 value, or where it belongs (the cell of the sheet's first title line)."""
    value = ps.title.get("日期")
    if value is not None:
        return value
    first = ps.title_texts[0] if ps.title_texts else None
    return Value(None, None, first.cell if first else cell_ref(0, 0), first.row if first else 1)
