"""Read Annex 2 declaration forms by their labels, not by fixed cells (CONTRACT.md).

A filled form comes in our template or in a locally designed layout that follows the notice's Annex 2.
Each sheet is swept row by row, left to right; every cell is one of:

- a *project block start*: ``培训项目 1：名称`` / ``培训项目一：茶艺培训`` / ``培训项目１``, the name after it in
  the same cell or in the next cell to the right;
- a *label*, alone (value in the nearest non-empty cell to its right, a merged range counting as one
  cell, stopping at the next label) or with its value after a full- or half-width colon;
- a *course table header* (课程名称 | 学时 | 授课教师): the rows under it are the project's courses;
- anything else (titles, unit cells such as ``人``, notes), which is ignored.

培训项目介绍 takes its text from the right or from the (merged) cell(s) below; 地址 joins the cells of its
row (``杭州 | 市 | 西湖 | 县 | 文三路 | 号``) so city and county can be recognised in the free text. A project
block left entirely blank is unused and not returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from zjcredit.documents.declarations.model import Course, Declaration, Project
from zjcredit.domain import divisions, schema
from zjcredit.domain.normalize import clean_text
from zjcredit.io.cells import cell_ref
from zjcredit.io.grid import SheetGrid, WorkbookGrid
from zjcredit.io.tables import EMPTY, Record, Value
from zjcredit.report.findings import Finding, make, register

HEADER_FIELDS: tuple[str, ...] = tuple(f.name for f in schema.ANNEX2_HEADER)
PROJECT_FIELDS: tuple[str, ...] = tuple(f.name for f in schema.ANNEX2_PROJECT)
LABEL_FIELDS: tuple[str, ...] = HEADER_FIELDS + PROJECT_FIELDS
# A row naming this many fields is a table header: a form line holds two or three label | value pairs.
TABLE_HEADER_LABELS = 5
ASSESSMENT = "考核方式"
INTRO = "培训项目介绍"
ADDRESS = "地址"

FORM_MISSING = register(
    "form-missing",
    "error",
    "找不到项目申报表的内容：没有“申报单位”“培训项目 1：名称”等栏目。请使用附件2的格式（zjcredit template annex2），或用 --kind 指定正确的表格类型。",
    "No declaration form found: no labels such as 申报单位 or 培训项目 1：名称. Use the Annex 2 layout (zjcredit template annex2) or pass the right --kind.",
    title_zh="找不到申报表",
    title_en="no declaration form",
)

# Sheets of a workbook that never hold a form (our template's guide and hidden list sheets, and the like).
SKIP_SHEETS = frozenset({"填表说明", "说明", "代码表", "下拉列表", "数据字典", "选项", "列表", "问题清单"})

# 培训项目 + Arabic/Chinese numeral (full-width digits are folded by clean_text) + optional name.
_BLOCK_RE = re.compile(
    r"^培训项目\s*[（(【]?\s*(\d+|[一二三四五六七八九十百零〇两]+)\s*[）)】]?\s*(?:[:：、.．,，]\s*(.*)|\s+(.*))?$",
    re.S,
)
_NAME_PREFIX_RE = re.compile(r"^(?:项目名称|培训项目名称|名称)\s*[:：]?\s*")
# Cells that only carry a unit or the notice's blank-line markers (地址 市 县 号, 培训规模 人).
_UNIT_CELLS = frozenset({"人", "人次", "名", "个", "学时", "课时", "小时", "时", "天", "号", "市", "县", "区", "县(市、区)", "县(市,区)", "（人）", "(人)"})
_ADDRESS_PLACEHOLDER_RE = re.compile(r"县?[（(]市[、,，]?区[）)][、,，]?|[市县区号、,，\s]")
_STOP_RE = re.compile(r"^(合计|总计|小计|备注|说明|注[:：]|盖章|签字|签名|单位(盖章|公章)|日期[:：]?$|\d{4}\s*年\s*\d{0,2}\s*月)")
_COURSE_NAME_KEYS = frozenset({"课程名称", "课程"})
_COURSE_HOURS_KEYS = frozenset({"学时", "学时数", "课程学时", "课时"})
_COURSE_TEACHER_KEYS = frozenset({"授课教师", "任课教师", "教师", "师资", "授课老师"})
_COLON_RE = re.compile(r"[:：]")


def _spellings() -> list[str]:
    out = []
    for name in LABEL_FIELDS:
        out.append(name)
        out.extend(schema.ALIASES.get(name, ()))
    return sorted(set(out), key=len, reverse=True)


# A second label inside a label：value cell ("填报人：张三  联系电话：138…"), preceded by a space or a comma.
_INNER_LABEL_RE = re.compile(r"(?:(?<=[\s，,；;])|^)(" + "|".join(re.escape(s) for s in _spellings()) + r")\s*[:：]")


@dataclass
class _Cell:
    row: int  # 0-based origin row
    col: int  # 0-based origin col
    end_row: int
    end_col: int
    raw: object
    text: str

    @property
    def ref(self) -> str:
        return cell_ref(self.row, self.col)


@dataclass
class _Kind:
    what: str  # block | label | course | stop | text
    field: str | None = None
    inline: list[tuple[str, str]] = dc_field(default_factory=list)  # (field, value text) from label：value cells
    block_name: str | None = None


@dataclass
class _ProjectDraft:
    number: int
    row: int
    values: dict[str, Value] = dc_field(default_factory=dict)
    courses: list[Course] = dc_field(default_factory=list)
    from_block: bool = False

    @property
    def used(self) -> bool:
        return any(not v.empty for v in self.values.values()) or any(not c.name.empty or not c.hours.empty for c in self.courses)


@dataclass
class _FormDraft:
    row: int
    header: dict[str, Value] = dc_field(default_factory=dict)
    projects: list[_ProjectDraft] = dc_field(default_factory=list)
    labels: int = 0


def is_label_text(text: str | None) -> str | None:
    """The Annex 2 field a cell's whole text names (``项 目 类 别``, ``培训规模（人）``…), if any."""
    if not text:
        return None
    t = text.lstrip("*★※ ")
    return schema.canonical_field(t, LABEL_FIELDS)


def classify(text: str) -> _Kind:
    """What a non-empty cell is on a form."""
    compact = re.sub(r"\s+", " ", text).strip()
    m = _BLOCK_RE.match(compact)
    if m:
        name = (m.group(2) if m.group(2) is not None else m.group(3)) or ""
        name = _NAME_PREFIX_RE.sub("", name.strip()).strip()
        return _Kind("block", block_name=name or None)
    label = is_label_text(compact)
    if label is not None:
        return _Kind("label", label)
    key = schema.header_key(compact)
    if key in _COURSE_NAME_KEYS or key in _COURSE_TEACHER_KEYS:
        return _Kind("course")
    colon = _COLON_RE.search(compact)
    if colon is not None:
        label = is_label_text(compact[: colon.start()])
        if label is not None:
            rest = compact[colon.end() :].strip()
            return _Kind("label", label, inline=_split_inline(label, rest))
    if _STOP_RE.match(key):
        return _Kind("stop")
    return _Kind("text")


def _split_inline(label: str, rest: str) -> list[tuple[str, str]]:
    """``张三  联系电话：138…`` after 填报人 → [(填报人, 张三), (联系电话, 138…)]; intros are never split."""
    if label == INTRO:
        return [(label, rest)]
    pairs: list[tuple[str, str]] = []
    current, start = label, 0
    for m in _INNER_LABEL_RE.finditer(rest):
        other = is_label_text(m.group(1))
        if other is None or other == current or m.start() == 0:
            continue
        pairs.append((current, rest[start : m.start()].strip()))
        current, start = other, m.end()
    pairs.append((current, rest[start:].strip()))
    return pairs


def _is_unit(text: str) -> bool:
    return schema.header_key(text) in _UNIT_CELLS or text.strip() in _UNIT_CELLS


def _is_placeholder(field_name: str, text: str | None) -> bool:
    """The notice's own blank-form text that is no value: 名称, 市 县 号, 人."""
    if not text:
        return True
    if field_name == "项目名称" and _NAME_PREFIX_RE.sub("", text).strip() == "":
        return True
    if field_name == ADDRESS and _ADDRESS_PLACEHOLDER_RE.sub("", text) == "":
        return True
    return _is_unit(text)


class _SheetReader:
    def __init__(self, sheet: SheetGrid) -> None:
        self.sheet = sheet
        self.consumed: set[tuple[int, int]] = set()
        self.kinds: dict[tuple[int, int], _Kind] = {}
        self.forms: list[_FormDraft] = []
        self.blocks = 0

    # Cells -------------------------------------------------------------------------------------------

    def row_cells(self, r: int) -> list[_Cell]:
        """Non-empty cells whose (merged) range starts on row ``r``, left to right."""
        sheet = self.sheet
        out: list[_Cell] = []
        c = 0
        width = sheet.width
        while c < width:
            r0, c0, r1, c1 = sheet.span(r, c)
            if (r0, c0) == (r, c):
                raw = sheet.value(r, c)
                text = clean_text(raw)
                if text is not None:
                    out.append(_Cell(r, c, r1, c1, raw, text))
            c = max(c1, c) + 1
        return out

    def kind(self, cell: _Cell) -> _Kind:
        key = (cell.row, cell.col)
        if key not in self.kinds:
            self.kinds[key] = classify(cell.text)
        return self.kinds[key]

    def structural(self, cell: _Cell) -> bool:
        return self.kind(cell).what in ("block", "label", "course", "stop")

    def right_of(self, cell: _Cell) -> str | None:
        """Reference of the cell just right of ``cell`` (where a value belongs), None past the sheet."""
        col = cell.end_col + 1
        if col >= self.sheet.width:
            return None
        r0, c0, _, _ = self.sheet.span(cell.row, col)
        return cell_ref(r0, c0)

    # Sweep --------------------------------------------------------------------------------------------

    def read(self) -> list[_FormDraft]:
        for r in range(self.sheet.height):
            cells = [c for c in self.row_cells(r) if (c.row, c.col) not in self.consumed]
            if not cells:
                continue
            if self.course_header(r, cells):
                continue
            if sum(1 for c in cells if self.kind(c).what == "label" and not self.kind(c).inline) >= TABLE_HEADER_LABELS:
                continue  # a table's header row (an Annex 1 summary), not label | value pairs of a form
            for i, cell in enumerate(cells):
                if (cell.row, cell.col) in self.consumed:
                    continue
                kind = self.kind(cell)
                if kind.what == "block":
                    self.start_block(cell, kind, cells[i + 1 :])
                elif kind.what == "label":
                    self.label(cell, kind, cells[i + 1 :])
        return self.forms

    def form(self, row: int) -> _FormDraft:
        if not self.forms:
            self.forms.append(_FormDraft(row))
        return self.forms[-1]

    def project(self, row: int) -> _ProjectDraft:
        form = self.form(row)
        if not form.projects:
            # Project fields before any 培训项目 N line: a one-project form without block headings.
            self.blocks += 1
            form.projects.append(_ProjectDraft(self.blocks, row + 1))
        return form.projects[-1]

    def start_block(self, cell: _Cell, kind: _Kind, rest: list[_Cell]) -> None:
        self.consumed.add((cell.row, cell.col))
        form = self.form(cell.row)
        self.blocks += 1
        draft = _ProjectDraft(self.blocks, cell.row + 1, from_block=True)
        form.projects.append(draft)
        if kind.block_name:
            draft.values["项目名称"] = Value(kind.block_name, kind.block_name, cell.ref, cell.row + 1)
            return
        nxt = rest[0] if rest else None
        if nxt is not None and not self.structural(nxt) and not _is_placeholder("项目名称", nxt.text):
            self.consumed.add((nxt.row, nxt.col))
            name = _NAME_PREFIX_RE.sub("", nxt.text).strip()
            draft.values["项目名称"] = Value(nxt.raw, name or None, nxt.ref, nxt.row + 1)
        elif nxt is not None and self.kind(nxt).what == "label" and self.kind(nxt).field == "项目名称":
            return  # 培训项目1 | 名称 | 茶艺 — the label cell gives the name
        else:
            where = self.right_of(cell) or cell.ref
            draft.values["项目名称"] = Value(None, None, where, cell.row + 1)

    def label(self, cell: _Cell, kind: _Kind, rest: list[_Cell]) -> None:
        self.consumed.add((cell.row, cell.col))
        assert kind.field is not None
        name = kind.field
        if kind.inline and any(v for _, v in kind.inline):
            for field_name, text in kind.inline:
                if field_name == ADDRESS:
                    self.assign(field_name, self.address(cell, rest, text), cell.row)
                    continue
                value = Value(text or None, None if _is_placeholder(field_name, text) else clean_text(text), cell.ref, cell.row + 1)
                self.assign(field_name, value, cell.row)
            return
        if name == ADDRESS:
            value = self.address(cell, rest, None)
        elif name == INTRO:
            value = self.intro(cell, rest)
        else:
            value = self.value_right(cell, rest, name)
        self.assign(name, value, cell.row)

    def assign(self, name: str, value: Value, row: int) -> None:
        form = self.form(row)
        if name == "申报单位" and "申报单位" in form.header and form.projects:
            # A second 申报单位 after project blocks: the next form stacked on the same sheet.
            form = _FormDraft(row)
            self.forms.append(form)
        form.labels += 1
        target = form.header if name in HEADER_FIELDS else self.project(row).values
        old = target.get(name)
        if old is None or (old.empty and not value.empty):
            target[name] = value

    def value_right(self, cell: _Cell, rest: list[_Cell], name: str) -> Value:
        """The nearest non-empty, non-unit cell to the right, up to the next label; its unit cell too."""
        for i, other in enumerate(rest):
            if (other.row, other.col) in self.consumed:
                continue
            if _is_unit(other.text):
                if self.kind(other).what == "label" and i + 1 < len(rest) and not self.structural(rest[i + 1]):
                    break  # 学时 | 32 — a label after all
                self.consumed.add((other.row, other.col))
                continue
            if self.structural(other):
                break
            self.consumed.add((other.row, other.col))
            # A unit cell right after the value (50 | 人) belongs to it.
            if i + 1 < len(rest) and _is_unit(rest[i + 1].text):
                after = rest[i + 2] if i + 2 < len(rest) else None
                if not (self.kind(rest[i + 1]).what == "label" and after is not None and not self.structural(after)):
                    self.consumed.add((rest[i + 1].row, rest[i + 1].col))
            text = None if _is_placeholder(name, other.text) else other.text
            return Value(other.raw, text, other.ref, other.row + 1)
        return Value(None, None, self.right_of(cell) or cell.ref, cell.row + 1)

    def address(self, cell: _Cell, rest: list[_Cell], inline: str | None) -> Value:
        """地址: the row's cells after the label joined (``杭州 | 市 | 西湖 | 县 | 文三路100 | 号``)."""
        pieces: list[str] = [inline] if inline else []
        first: _Cell | None = cell if inline else None
        for other in rest:
            if (other.row, other.col) in self.consumed:
                continue
            if self.structural(other) and not _is_unit(other.text):
                break
            self.consumed.add((other.row, other.col))
            placeholder = _is_placeholder(ADDRESS, other.text)
            # A printed 市/县/号 after a blank left unfilled (杭州 | 市 | _ | 县 | …) is no part of the address.
            if placeholder and (not pieces or _is_placeholder(ADDRESS, pieces[-1])):
                continue
            pieces.append(other.text)
            if first is None and not placeholder:
                first = other
        joined = "".join(p.replace(" ", "") if len(p) <= 2 else p for p in pieces).strip()
        if not joined or _is_placeholder(ADDRESS, joined):
            return Value(joined or None, None, self.right_of(cell) or cell.ref, cell.row + 1)
        assert first is not None
        return Value(joined, clean_text(joined), first.ref, first.row + 1)

    def intro(self, cell: _Cell, rest: list[_Cell]) -> Value:
        """培训项目介绍: text to the right on the same row, else the (merged) cell(s) below the label."""
        for other in rest:
            if (other.row, other.col) in self.consumed or _is_unit(other.text):
                continue
            if self.structural(other):
                break
            self.consumed.add((other.row, other.col))
            return Value(other.raw, other.text, other.ref, other.row + 1)
        below = cell.end_row + 1
        if below >= self.sheet.height:
            return Value(None, None, self.right_of(cell) or cell.ref, cell.row + 1)
        texts: list[str] = []
        first: _Cell | None = None
        r = below
        while r < self.sheet.height and r <= below + 30:
            cells = [c for c in self.row_cells(r) if c.col >= cell.col and (c.row, c.col) not in self.consumed]
            if not cells or self.structural(cells[0]):
                break
            if first is not None and cells[0].col != first.col:
                break
            self.consumed.update((c.row, c.col) for c in cells)
            first = first or cells[0]
            texts.append(" ".join(c.text for c in cells))
            r = max(c.end_row for c in cells) + 1
        if first is None:
            # The notice and our template put the text in the merged area below a wide label.
            right = self.right_of(cell)
            where = cell_ref(below, cell.col) if right is None or cell.end_col > cell.col else right
            return Value(None, None, where, cell.row + 1)
        raw = "\n".join(texts) if len(texts) > 1 else first.raw
        return Value(raw, clean_text("\n".join(texts)), first.ref, first.row + 1)

    # Courses -------------------------------------------------------------------------------------------

    def course_header(self, r: int, cells: list[_Cell]) -> bool:
        """A 课程名称 | 学时 | 授课教师 row: read the courses under it into the current project."""
        cols: dict[str, int] = {}
        for c in cells:
            key = schema.header_key(c.text)
            if key in _COURSE_NAME_KEYS and "name" not in cols:
                cols["name"] = c.col
            elif key in _COURSE_HOURS_KEYS and "hours" not in cols:
                cols["hours"] = c.col
            elif key in _COURSE_TEACHER_KEYS and "teacher" not in cols:
                cols["teacher"] = c.col
        if "name" not in cols or len(cols) < 2:
            return False
        self.consumed.update((c.row, c.col) for c in cells)
        project = self.project(r)
        start = max(c.end_row for c in cells) + 1
        for rr in range(start, self.sheet.height):
            row_cells = [c for c in self.row_cells(rr) if (c.row, c.col) not in self.consumed]
            if not row_cells:
                continue
            if self.structural(row_cells[0]):
                break
            self.consumed.update((c.row, c.col) for c in row_cells)
            values = {k: self._value_at(rr, col) for k, col in cols.items()}
            course = Course(values.get("name", EMPTY), values.get("hours", EMPTY), values.get("teacher", EMPTY), rr + 1)
            if course.name.empty and course.hours.empty and course.teacher.empty:
                continue
            project.courses.append(course)
        return True

    def _value_at(self, r: int, c: int) -> Value:
        r0, c0, _, _ = self.sheet.span(r, c)
        raw = self.sheet.value(r, c) if r0 == r else None
        return Value(raw, clean_text(raw), cell_ref(r0, c0), r + 1)


def _to_declaration(path: str, sheet: str | None, draft: _FormDraft) -> Declaration:
    header = Record(draft.row + 1, {name: draft.header.get(name, EMPTY) for name in HEADER_FIELDS})
    first_label_rows = [v.row for v in draft.header.values() if v.row is not None]
    if first_label_rows:
        header.row = min(first_label_rows)
    projects: list[Project] = []
    for p in draft.projects:
        if not p.used:
            continue
        values = {name: p.values.get(name, EMPTY) for name in PROJECT_FIELDS}
        projects.append(Project(p.number, Record(p.row, values, project=p.number), p.courses, has_assessment_line=ASSESSMENT in p.values))
    place = divisions.resolve_address(header.text(ADDRESS))
    return Declaration(path, sheet, header, projects, place)


def _is_form(draft: _FormDraft) -> bool:
    return bool(draft.projects and any(p.from_block for p in draft.projects)) or draft.labels >= 3


def read_annex2(grid: WorkbookGrid) -> tuple[list[Declaration], list[Finding]]:
    """Every Annex 2 form in ``grid`` (normally one per sheet) and the structural findings.

    Sheets that hold no form (填表说明, 代码表 …) are skipped. Blank project blocks are left out; a
    project's ``number`` is its block's position on the form, so findings name the block the clerk sees.
    When no sheet holds a form the findings contain one ``form-missing``.
    """
    declarations: list[Declaration] = []
    for sheet in grid.sheets:
        if schema.header_key(sheet.name or "") in SKIP_SHEETS:
            continue
        for draft in _SheetReader(sheet).read():
            if _is_form(draft):
                declarations.append(_to_declaration(grid.path, sheet.name, draft))
    findings: list[Finding] = []
    if not declarations:
        findings.append(make(FORM_MISSING, grid.path))
    return declarations, findings
