"""The five parts of a process ledger, and how a sheet or a file is recognised as one of them.

A part is recognised by its sheet's or file's name (the part's name or one of the names it is also kept
under, anywhere in the name: ``签到表（3）``, ``签到表-0305``, ``01_学员名册.xlsx``), or else by the columns of its
header row (:func:`part_by_header`). The part descriptions themselves live in
:data:`zjcredit.domain.schema.LEDGER_PARTS`.
"""

from __future__ import annotations

import re

from zjcredit.documents.ledger.dates import looks_like_session
from zjcredit.domain import schema
from zjcredit.domain.schema import LEDGER_PARTS, TableSchema, header_key
from zjcredit.io.grid import SheetGrid, WorkbookGrid
from zjcredit.io.tables import find_header

ROSTER, SIGNIN, DESIGN, RECORDS, EVALUATION = LEDGER_PARTS
PARTS: tuple[str, ...] = tuple(LEDGER_PARTS)
# Sheets that never hold a part: our template's guide and hidden lists, annotated copies' findings.
SKIP_SHEETS = frozenset({"填表说明", "说明", "代码表", "下拉列表", "数据字典", "选项", "列表", "问题清单", "Findings"})
# Every column any part has: one header search finds the header row of whichever part a sheet holds.
ANY_PART = TableSchema(
    kind="ledger",
    title_zh="过程性台账",
    fields=tuple({f.name: f for s, _ in LEDGER_PARTS.values() for f in s.fields}.values()),
    min_headers=2,
)
IDENTITY = ("序号", "姓名", "身份证号", "联系电话")
_BRACKETS_RE = re.compile(r"[（）()【】\[\]<>《》〈〉]")


def schema_of(part: str) -> TableSchema:
    return LEDGER_PARTS[part][0]


def _spellings() -> list[tuple[str, str]]:
    out = [(header_key(name), part) for part, (_, aliases) in LEDGER_PARTS.items() for name in (part, *aliases)]
    return sorted(out, key=lambda pair: len(pair[0]), reverse=True)


_SPELLINGS = _spellings()


def part_of_name(name: str | None) -> str | None:
    """The part a sheet or file name names (white space and brackets ignored), or None."""
    if not name:
        return None
    key = _BRACKETS_RE.sub("", header_key(name))
    for spelling, part in _SPELLINGS:
        if spelling in key:
            return part
    return None


def skipped_sheet(name: str | None) -> bool:
    return header_key(name or "") in SKIP_SHEETS


Header = tuple[int, dict[str, int]]  # 0-based header row, canonical field → 0-based column


def header_columns(sheet: SheetGrid) -> Header | None:
    """The 0-based header row of whichever part ``sheet`` holds, and its recognised columns."""
    found = find_header(sheet, ANY_PART)
    return None if found is None else (found[0], found[1])


def session_columns(sheet: SheetGrid, header: int, columns: dict[str, int]) -> list[int]:
    """Columns right of the learner columns whose header (or the cell under it) names a session: a date,
    or 第N次/第N课 — a sign-in grid."""
    first = max((columns[name] for name in IDENTITY if name in columns), default=-1) + 1
    out = []
    for c in range(first, sheet.width):
        # (a 签到情况 header merged over the dates shows on each of their columns)
        if looks_like_session(sheet.value(header, c)) or looks_like_session(sheet.value(header + 1, c)):
            out.append(c)
    return out


def part_by_header(sheet: SheetGrid) -> str | None:
    """The part whose columns the sheet's header row names, or None."""
    return part_of_header(sheet, header_columns(sheet))


def part_of_header(sheet: SheetGrid, found: Header | None) -> str | None:
    """The part whose columns the header row ``found`` (:func:`header_columns`) names: 考核结果 is an
    evaluation's, 参加人数 a record's, 课程名称 a course design's, a date column or a 签到/签名/课次 column
    with 姓名 a sign-in sheet's, 姓名 with 身份证号 or 联系电话 a roster's."""
    if found is None:
        return None
    header, cols = found
    if "项目编码" in cols or "课程编码" in cols:
        return None  # an outcome sheet
    if "考核结果" in cols and "姓名" in cols:
        return EVALUATION
    if "参加人数" in cols or ("日期" in cols and ({"培训内容", "地点", "记录人"} & cols.keys()) and "姓名" not in cols):
        return RECORDS
    if "课程名称" in cols and ({"学时", "授课教师", "授课日期"} & cols.keys()):
        return DESIGN
    if "姓名" in cols:
        if {"签到", "签名", "课次", "日期"} & cols.keys() or session_columns(sheet, header, cols):
            return SIGNIN
        if {"身份证号", "联系电话"} & cols.keys():
            return ROSTER
    return None


def sheet_parts(grid: WorkbookGrid, file_part: str | None = None) -> list[tuple[SheetGrid, str | None, Header | None]]:
    """Each sheet with content, the part it holds (None: not recognised) — named by the sheet, or by the
    file (``file_part``, a folder ledger's one-part file), else by its header — and its header row."""
    out: list[tuple[SheetGrid, str | None, Header | None]] = []
    for sheet in grid.sheets:
        if skipped_sheet(sheet.name) or not any(True for _ in sheet.iter_cells()):
            continue
        found = header_columns(sheet)
        out.append((sheet, part_of_name(sheet.name) or file_part or part_of_header(sheet, found), found))
    return out


def looks_like_ledger(grid: WorkbookGrid) -> bool:
    """Whether a workbook is (part of) a process ledger: two parts named by their sheets, or a part named
    by its sheet or file whose header is that part's, or two sheets whose headers are two parts'."""
    from pathlib import PurePath

    file_part = part_of_name(PurePath(grid.path).stem)
    named: set[str] = set()
    by_header: set[str] = set()
    for sheet in grid.sheets:
        if skipped_sheet(sheet.name):
            continue
        name_part = part_of_name(sheet.name)
        header_part = part_by_header(sheet)
        if name_part is not None:
            named.add(name_part)
        if header_part is not None:
            by_header.add(header_part)
            if header_part in (name_part, file_part):
                return True
    return len(named) >= 2 or len(by_header) >= 2


def part_title(part: str) -> str:
    """The part's name as the template heads its sheet."""
    return schema.LEDGER_PARTS[part][0].title_zh
