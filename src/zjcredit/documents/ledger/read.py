"""Finding ledgers under the PATH arguments and reading each into a :class:`~.model.Ledger`.

A ledger is one workbook holding the parts as sheets, or one folder holding them as separate workbooks or
CSV files (CONTRACT.md). Under a given folder:

- a folder holding a file named after a part (``学员信息表.xlsx``, ``签到记录.csv``, ``01-考核登记表.xlsx``) is a
  folder ledger: every spreadsheet in it is one of its parts, and so is every file in a sub-folder named
  after a part (``签到表/0305.xlsx``);
- any other spreadsheet is a workbook ledger.

A given file named after a part stands for its folder's ledger. Reading never raises for bad input: an
unreadable part is an ``unreadable`` finding of that part, a sheet holding no part is noted, a part without
its header is ``header-missing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

from zjcredit.documents.common import COLUMN_MISSING, HEADER_MISSING, UNREADABLE
from zjcredit.documents.ledger import signin
from zjcredit.documents.ledger.model import (
    CODE_RE,
    FOLDER,
    WORKBOOK,
    Course,
    Evaluation,
    Learner,
    Ledger,
    PartSheet,
    Record,
    day_of,
)
from zjcredit.documents.ledger.parts import (
    DESIGN,
    EVALUATION,
    RECORDS,
    ROSTER,
    SIGNIN,
    part_of_name,
    schema_of,
    sheet_parts,
)
from zjcredit.documents.ledger.rows import records_under
from zjcredit.documents.ledger.title import read_title
from zjcredit.domain.normalize import is_excel_error
from zjcredit.domain.schema import TableSchema, canonical_field
from zjcredit.errors import Unreadable
from zjcredit.io.cells import cell_ref
from zjcredit.io.formats import SUFFIXES
from zjcredit.io.grid import SheetGrid, WorkbookGrid
from zjcredit.io.readers import read_grid
from zjcredit.io.marker import output_kind
from zjcredit.io.sources import Skipped, Source, discover
from zjcredit.io.tables import Record as Row
from zjcredit.report.findings import make

EMPTY_SHEET = SheetGrid(None, [])


@dataclass(frozen=True)
class LedgerSource:
    """Where one ledger is: a workbook, or a folder and its files (each with the part its name names)."""

    display: str
    layout: str  # workbook | folder
    files: tuple[tuple[Source, str | None], ...]
    given: str  # the PATH argument it was found under


def _hidden(name: str) -> bool:
    return name.startswith((".", "~"))


def folder_files(folder: Path, display: str) -> list[tuple[Source, str | None]]:
    """A folder ledger's files: its spreadsheets, and those in sub-folders named after a part."""
    out: list[tuple[Source, str | None]] = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if _hidden(child.name):
            continue
        if child.is_file() and child.suffix.lower() in SUFFIXES and output_kind(child) is None:
            out.append((Source(child, str(PurePath(display) / child.name)), part_of_name(child.stem)))
        elif child.is_dir() and part_of_name(child.name):
            part = part_of_name(child.name)
            for grandchild in sorted(child.iterdir(), key=lambda p: p.name):
                if grandchild.is_file() and not _hidden(grandchild.name) and grandchild.suffix.lower() in SUFFIXES and output_kind(grandchild) is None:
                    out.append((Source(grandchild, str(PurePath(display) / child.name / grandchild.name)), part_of_name(grandchild.stem) or part))
    return out


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


def find_ledgers(paths: list[str] | list[Path], exclude: set[Path] | None = None, skipped: list[Skipped] | None = None) -> list[LedgerSource]:
    """The ledgers under the PATH arguments, in a stable order, each once; ``exclude``: resolved paths of
    files that are no ledger (the catalogs, the outcome sheets); what the folders held besides
    spreadsheets (and our own outputs) is added to ``skipped``. A missing path is a usage error."""
    exclude = exclude or set()
    found: list[LedgerSource] = []
    seen: set[Path] = set()

    def add(source: LedgerSource, key: Path) -> None:
        if key not in seen:
            seen.add(key)
            found.append(source)

    for given in paths:
        root = Path(given)
        under_given = discover([given])
        if skipped is not None:
            skipped.extend(under_given.skipped)
        sources = [s for s in under_given if _resolved(s.path) not in exclude]
        if root.is_file():
            for s in sources:
                if part_of_name(s.path.stem):  # one part of a folder ledger
                    display = str(PurePath(s.display).parent)
                    add(_folder(s.path.parent, display, str(given), exclude), _resolved(s.path.parent))
                else:
                    add(LedgerSource(s.display, WORKBOOK, ((s, None),), str(given)), _resolved(s.path))
            continue
        groups: dict[Path, tuple[str, list[Source]]] = {}
        for s in sources:
            folder, display = s.path.parent, str(PurePath(s.display).parent)
            if part_of_name(folder.name) and _resolved(folder) != _resolved(root):
                folder, display = folder.parent, str(PurePath(display).parent)
            groups.setdefault(folder, (display, []))[1].append(s)
        under: list[tuple[LedgerSource, Path]] = []
        for folder, (display, members) in groups.items():
            named = any(part_of_name(s.path.stem) or part_of_name(s.path.parent.name) for s in members)
            if named:
                under.append((_folder(folder, display, str(given), exclude), _resolved(folder)))
            else:
                under.extend((LedgerSource(s.display, WORKBOOK, ((s, None),), str(given)), _resolved(s.path)) for s in members)
        for source, key in sorted(under, key=lambda pair: PurePath(pair[0].display).as_posix()):
            add(source, key)
    return found


def _folder(folder: Path, display: str, given: str, exclude: set[Path]) -> LedgerSource:
    files = tuple((s, part) for s, part in folder_files(folder, display) if _resolved(s.path) not in exclude)
    return LedgerSource(display, FOLDER, files, given)


# Reading ---------------------------------------------------------------------------------------------


def read_ledger(source: LedgerSource, grids: dict[str, WorkbookGrid] | None = None, strict: bool = True) -> Ledger:
    """Read every part of a ledger; ``grids`` holds files already read (by display); ``strict``: see
    :func:`read_workbook` (``validate`` was told, or found, that the file is a ledger)."""
    ledger = Ledger(source.display, source.layout)
    for file, hint in source.files:
        ledger.files.append(file.display)
        try:
            grid = (grids or {}).get(file.display) or read_grid(file.path, file.display)
        except Unreadable as exc:
            ledger.findings.append(make(UNREADABLE, file.display, reason=exc.zh, reason_en=exc.en))
            if hint:
                ledger.unreadable_parts.add(hint)
            continue
        read_workbook(ledger, grid, hint if source.layout == FOLDER else None, strict)
    return ledger


def _holds_a_ledger(grid: WorkbookGrid, parts: list[tuple[SheetGrid, str | None, object]]) -> bool:
    """Whether a workbook found among other files is a ledger: a sheet named after a part, or two parts
    recognised by their headers, or one when the file's name carries a 项目编码 (a declaration's course
    table alone looks like a course design)."""
    if any(part_of_name(sheet.name) for sheet, _, _ in parts):
        return True
    by_header = {part for _, part, _ in parts if part is not None}
    return len(by_header) >= 2 or (len(by_header) == 1 and CODE_RE.search(PurePath(grid.path).stem) is not None)


def read_workbook(ledger: Ledger, grid: WorkbookGrid, file_part: str | None, strict: bool = True) -> None:
    """The parts in one workbook (or CSV file) of ``ledger``; ``strict``: a workbook ledger found among
    other files must look like one (:func:`_holds_a_ledger`), else it holds no part."""
    file_name = PurePath(grid.path).stem
    parts = sheet_parts(grid, file_part)
    if strict and file_part is None and ledger.layout == WORKBOOK and not _holds_a_ledger(grid, parts):
        parts = [(sheet, None, found) for sheet, _, found in parts]
    for sheet, part, found in parts:
        name = None if grid.format == "csv" else sheet.name
        if part is None:
            ledger.unrecognised.append((grid.path, name))
            continue
        ps = PartSheet(part, grid.path, name, sheet)
        ps.errors = [(cell_ref(r, c), r + 1, v) for r, c, v in sheet.iter_cells() if isinstance(v, str) and "#" in v and is_excel_error(v)]
        ledger.sheets.append(ps)
        if found is None:
            expected = "、".join(f.name for f in schema_of(part).fields if f.required)
            ledger.findings.append(make(HEADER_MISSING, grid.path, sheet=name, expected=expected))
            continue
        header, _ = found
        table_schema = schema_of(part)
        columns = header_columns_for(sheet, table_schema, header)
        ps.header_row, ps.columns = header + 1, columns
        ps.title, ps.title_texts = read_title(sheet, header)
        for f in table_schema.fields:
            if f.required and f.name not in columns and not (part == SIGNIN and f.name != "姓名"):
                ledger.findings.append(make(COLUMN_MISSING, grid.path, sheet=name, row=header + 1, field=f.name))
        READERS[part](ledger, ps, header, file_name)
    for ps in ledger.sheets:
        if ps.path == grid.path:
            ps.grid = EMPTY_SHEET  # read: let the cells go


def header_columns_for(sheet: SheetGrid, table_schema: TableSchema, header: int) -> dict[str, int]:
    """The part's own columns on the header row (its schema settles spellings such as 日期, which names a
    session's date on a sign-in sheet and a 授课日期 in a course design)."""
    columns: dict[str, int] = {}
    for c in range(sheet.width):
        value = sheet.value(header, c)
        if isinstance(value, str):
            name = canonical_field(value, table_schema.names)
            if name is not None and name not in columns:
                columns[name] = c
    return columns


def _rows(ps: PartSheet) -> list[Row]:
    """The table's records, leaving out rows where only 序号 is filled in (a template's prepared lines)."""
    assert ps.header_row is not None
    records = records_under(ps.grid, ps.header_row - 1, ps.columns)
    rows = [r for r in records if any(not v.empty for name, v in r.values.items() if name != "序号")]
    ps.records = len(rows)
    return rows


def _roster(ledger: Ledger, ps: PartSheet, header: int, file_name: str) -> None:
    for r in _rows(ps):
        ledger.learners.append(Learner(ps, r.row, r.get("姓名"), r.get("身份证号"), r.get("联系电话")))


def _signin(ledger: Ledger, ps: PartSheet, header: int, file_name: str) -> None:
    sessions, marks = signin.read_signin(ps, header, file_name)
    ledger.sessions.extend(sessions)
    ledger.marks.extend(marks)


def _design(ledger: Ledger, ps: PartSheet, header: int, file_name: str) -> None:
    for r in _rows(ps):
        ledger.courses.append(Course(ps, r.row, r.get("课程名称"), r.get("学时"), r.get("授课教师"), r.get("授课日期")))


def _records(ledger: Ledger, ps: PartSheet, header: int, file_name: str) -> None:
    for r in _rows(ps):
        date = r.get("日期")
        ledger.records.append(Record(ps, r.row, date, r.get("参加人数"), day_of(date)))


def _evaluation(ledger: Ledger, ps: PartSheet, header: int, file_name: str) -> None:
    for r in _rows(ps):
        date = r.get("评价日期")
        ledger.evaluations.append(Evaluation(ps, r.row, r.get("姓名"), r.get("身份证号"), r.get("考核结果"), date, day_of(date)))


READERS = {ROSTER: _roster, SIGNIN: _signin, DESIGN: _design, RECORDS: _records, EVALUATION: _evaluation}
