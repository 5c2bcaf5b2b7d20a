"""A process ledger as read: its parts' sheets and what they hold, every value with its cell.

Reading (:mod:`.read`, :mod:`.signin`) fills a :class:`Ledger`; the dates written without a year get theirs
when the project is known (:meth:`Ledger.settle_dates`); the rules (:mod:`.rules`) only look.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from zjcredit.documents.ledger.dates import DayText, day_text
from zjcredit.documents.ledger.parts import PARTS
from zjcredit.domain.normalize import clean_text, code_key, fold_width, name_key
from zjcredit.io.cells import cell_ref
from zjcredit.io.grid import SheetGrid
from zjcredit.io.tables import EMPTY, Value
from zjcredit.report.findings import Finding

# 项目编码 as catalogs write them (330106-2019H1-007), found in a workbook's or folder's name.
CODE_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6}-\d{4}(?:H1|Q[1-4])-\d{3})(?!\d)", re.IGNORECASE)
WORKBOOK, FOLDER = "workbook", "folder"


@dataclass
class PartSheet:
    """One sheet (or CSV file) holding a part of a ledger."""

    part: str
    path: str  # the file's display: the workbook, or the part's own file in a folder ledger
    sheet: str | None  # None for CSV
    grid: SheetGrid  # while it is read (then let go: the checks need only what was read, and the errors)
    header_row: int | None = None  # 1-based; None when no header was found
    columns: dict[str, int] = field(default_factory=dict)
    title: dict[str, Value] = field(default_factory=dict)
    title_texts: list[Value] = field(default_factory=list)
    records: int = 0
    layout: str | None = None  # sign-in sheets: grid | long | session
    errors: list[tuple[str, int, Any]] = field(default_factory=list)  # Excel error values: (cell, row, value)

    def cell(self, name: str, row: int) -> str | None:
        col = self.columns.get(name)
        return None if col is None else cell_ref(row - 1, col)

    def header_cell(self, name: str) -> str | None:
        return None if self.header_row is None else self.cell(name, self.header_row)


def id_key(value: Value) -> str | None:
    """A resident ID as compared: half-width, no spaces, upper-case (also when invalid); None when empty."""
    raw = value.raw
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if value.text is None:
        return None
    return re.sub(r"\s+", "", fold_width(value.text)).upper() or None


@dataclass
class Person:
    """A row naming a learner: on the roster, a sign-in sheet or the evaluation."""

    sheet: PartSheet
    row: int
    name: Value
    id: Value

    @cached_property
    def id_key(self) -> str | None:
        return id_key(self.id)

    @cached_property
    def name_key(self) -> str:
        return name_key(self.name.text)

    @property
    def who(self) -> str:
        return self.name.text or self.id.text or ""


@dataclass
class Learner(Person):
    phone: Value = EMPTY


@dataclass
class Session:
    """One session of a sign-in sheet: a grid's column, a date (and 课次) of long rows, a sheet of its own."""

    sheet: PartSheet
    key: tuple[Any, ...]
    label: str  # as written: 3月5日, 第2次, 2019-03-05 第1次
    day: DayText | None
    where: Value  # the cell holding (or due to hold) the date
    date: dt.date | None = None  # settled with the ledger's year


@dataclass
class Mark(Person):
    """A learner's sign-in at a session: present, or absent (an excused absence counts as absent)."""

    session: Session | None = None
    mark: Value = EMPTY
    present: bool = False


@dataclass
class Course:
    sheet: PartSheet
    row: int
    name: Value
    hours: Value
    teacher: Value
    date: Value


@dataclass
class Record:
    """A row of 开展情况记录: one session held."""

    sheet: PartSheet
    row: int
    date_value: Value
    count: Value
    day: DayText | None = None
    date: dt.date | None = None


@dataclass
class Evaluation(Person):
    result: Value = EMPTY
    date_value: Value = EMPTY
    day: DayText | None = None
    date: dt.date | None = None


@dataclass
class Ledger:
    """One project's ledger: a workbook holding the parts as sheets, or a folder holding them as files."""

    path: str  # the workbook's or the folder's display
    layout: str  # workbook | folder
    files: list[str] = field(default_factory=list)  # displays of the files read (a workbook: itself)
    sheets: list[PartSheet] = field(default_factory=list)
    learners: list[Learner] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # found while reading
    unreadable_parts: set[str] = field(default_factory=set)
    unrecognised: list[tuple[str, str | None]] = field(default_factory=list)  # (file, sheet) holding no part
    year: int | None = None
    _roster: Any = field(default=None, repr=False, compare=False)
    _found: dict[int, Learner | None] = field(default_factory=dict, repr=False, compare=False)

    # The parts ------------------------------------------------------------------------------------

    def sheets_of(self, part: str) -> list[PartSheet]:
        return [s for s in self.sheets if s.part == part]

    @property
    def parts_present(self) -> list[str]:
        """The parts found with at least one record, in the notice's order."""
        return [p for p in PARTS if any(s.records for s in self.sheets_of(p))]

    # The project ----------------------------------------------------------------------------------

    def titles(self, name: str) -> list[tuple[Value, PartSheet]]:
        """The title-block values of ``name`` (项目编码 …) that are filled in, parts in the notice's order."""
        order = {p: i for i, p in enumerate(PARTS)}
        out = []
        for sheet in sorted(self.sheets, key=lambda s: order[s.part]):
            value = sheet.title.get(name)
            if value is not None and not value.empty:
                out.append((value, sheet))
        return out

    def title(self, name: str) -> str | None:
        found = self.titles(name)
        return found[0][0].text if found else None

    @property
    def name_code(self) -> str | None:
        """The 项目编码 in the workbook's or folder's own name."""
        from pathlib import PurePath

        name = PurePath(self.path).stem if self.layout == WORKBOOK else PurePath(self.path).name
        m = CODE_RE.search(fold_width(name))
        return m.group(1).upper() if m else None

    @property
    def code(self) -> str | None:
        """The project's 项目编码 as compared: a title block's, else the one in the name."""
        found = self.titles("项目编码")
        if found:
            return code_key(found[0][0].text)
        return self.name_code

    @property
    def code_value(self) -> tuple[Value, PartSheet] | None:
        found = self.titles("项目编码")
        return found[0] if found else None

    # Dates ---------------------------------------------------------------------------------------

    def settle_dates(self, period: str | None) -> None:
        """Give every date its year: the catalog period's (``period``), else the one in the 项目编码, else
        the year of the ledger's own dates written in full."""
        year = int(period[:4]) if period and period[:4].isdigit() else None
        if year is None:
            m = CODE_RE.search(self.code or "")
            year = int(m.group(1)[7:11]) if m else None
        if year is None:
            years = [d.year for d in self._days() if d is not None and d.year is not None]
            year = max(set(years), key=years.count) if years else None
        self.year = year
        for s in self.sessions:
            s.date = s.day.on(year) if s.day else None
        for r in self.records:
            r.date = r.day.on(year) if r.day else None
        for e in self.evaluations:
            e.date = e.day.on(year) if e.day else None

    def _days(self) -> list[DayText | None]:
        return [s.day for s in self.sessions] + [r.day for r in self.records] + [e.day for e in self.evaluations]

    # People --------------------------------------------------------------------------------------

    def roster_index(self) -> tuple[dict[str, Learner], dict[str, list[Learner]]]:
        """Roster learners by ID as compared and by name as compared (first of each ID)."""
        by_id: dict[str, Learner] = {}
        by_name: dict[str, list[Learner]] = {}
        for learner in self.learners:
            if learner.id_key:
                by_id.setdefault(learner.id_key, learner)
            if learner.name_key:
                by_name.setdefault(learner.name_key, []).append(learner)
        return by_id, by_name

    def find(self, person: Person) -> Learner | None:
        """The roster learner a sign-in or evaluation row names: by ID when it has one, else by name."""
        key = id(person)
        if key not in self._found:
            by_id, by_name = self._index()
            if person.id_key:
                self._found[key] = by_id.get(person.id_key)
            else:
                same = by_name.get(person.name_key) if person.name_key else None
                self._found[key] = same[0] if same else None
        return self._found[key]

    def _index(self) -> tuple[dict[str, Learner], dict[str, list[Learner]]]:
        if self._roster is None or self._roster[0] != len(self.learners):
            self._roster = (len(self.learners), self.roster_index())
            self._found.clear()
        return self._roster[1]

    def held(self) -> list[Session]:
        """Sessions with at least one mark written (a column or sheet nobody marked was not held)."""
        marked = {id(m.session) for m in self.marks if not m.mark.empty}
        return [s for s in self.sessions if id(s) in marked]

    def attendance(self) -> dict[int, float]:
        """Each roster learner's share of the held sessions attended, by ``id(learner)``."""
        held = self.held()
        if not held:
            return {}
        held_ids = {id(s) for s in held}
        attended: dict[int, set[int]] = {}
        for m in self.marks:
            if m.present and m.session is not None and id(m.session) in held_ids:
                learner = self.find(m)
                if learner is not None:
                    attended.setdefault(id(learner), set()).add(id(m.session))
        return {id(l): len(attended.get(id(l), ())) / len(held) for l in self.learners}


def value_at(sheet: SheetGrid, r: int, c: int | None) -> Value:
    """The value at 0-based (r, c) with its cell, EMPTY-like (but placed) when blank."""
    if c is None:
        return EMPTY
    raw = sheet.value(r, c) if sheet.is_origin(r, c) else None
    return Value(raw, clean_text(raw), cell_ref(r, c), r + 1)


def day_of(value: Value) -> DayText | None:
    return day_text(value.raw) if not value.empty else None
