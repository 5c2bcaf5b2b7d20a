"""`zjcredit catalog diff OLD NEW`: what changed between two versions of one period's catalog — projects and
courses added, removed (withdrawn as 作废 included), changed field by field, and kept as they were.

Entries are matched by their code (codes are stable from version to version: ``catalog build --previous``
keeps them). Two catalogs of different periods are not versions of one another: a usage error.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjcredit import __version__
from zjcredit.documents.catalog.model import Catalog, CatalogCourse, CatalogProject, load_catalog
from zjcredit.documents.catalog.rules import PROJECT_CODE_RE
from zjcredit.domain.normalize import plain_number
from zjcredit.domain.periods import is_period, parse_period
from zjcredit.errors import UsageError

ADDED, REMOVED, CHANGED, KEPT = "added", "removed", "changed", "kept"
CHANGE_ZH = {ADDED: "新增", REMOVED: "删除", CHANGED: "修改", KEPT: "未变"}
KIND_ZH = {"project": "项目", "course": "课程"}
# The fields compared, as the catalog names them, and where each lives on the entry read.
PROJECT_FIELDS = (
    ("项目名称", "name"),
    ("项目类别", "category"),
    ("培训对象", "targets_text"),
    ("培训形式", "form"),
    ("培训规模", "scale"),
    ("培训时数", "train_hours"),
    ("学时数", "hours"),
    ("成果形式", "outcome"),
    ("考核方式", "assessment"),
    ("申报单位", "org_name"),
    ("机构代码", "org_code"),
    ("所在市", "city"),
    ("所在县", "county"),
)
COURSE_FIELDS = (("项目编码", "project_code"), ("课程名称", "name"), ("课程学时", "hours"), ("授课教师", "teacher"))
CSV_HEADER = ("kind", "change", "code", "name", "field", "old", "new")


@dataclass
class Entry:
    """One project or course and what happened to it from OLD to NEW."""

    kind: str  # project | course
    change: str  # added | removed | changed | kept
    code: str
    name: str | None
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)  # (field, old, new) for "changed"
    voided: bool = False  # removed: still in NEW, but as 作废

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name, "change": self.change}
        if self.fields:
            out["fields"] = [{"field": f, "old": old, "new": new} for f, old, new in self.fields]
        if self.voided:
            out["voided"] = True
        return out


@dataclass
class CatalogDiff:
    old: str
    new: str
    period: str
    projects: list[Entry]
    courses: list[Entry]

    @property
    def identical(self) -> bool:
        return all(e.change == KEPT for e in (*self.projects, *self.courses))

    def counts(self, kind: str) -> dict[str, int]:
        entries = self.projects if kind == "project" else self.courses
        return {change: sum(1 for e in entries if e.change == change) for change in (ADDED, REMOVED, CHANGED, KEPT)}

    def changes(self) -> list[Entry]:
        """Every entry that is not kept as it was: projects first, then courses, by code."""
        return [e for e in (*self.projects, *self.courses) if e.change != KEPT]

    def to_json(self) -> str:
        doc = {
            "zjcredit": __version__,
            "command": "catalog diff",
            "old": self.old,
            "new": self.new,
            "period": self.period,
            "identical": self.identical,
            "summary": {"projects": self.counts("project"), "courses": self.counts("course")},
            "projects": [e.as_json() for e in self.projects],
            "courses": [e.as_json() for e in self.courses],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        from zjcredit.report.output import escape_formula

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for e in (*self.projects, *self.courses):
            lines = e.fields or [(None, None, None)]
            for f, old, new in lines:
                writer.writerow([escape_formula(v) for v in (e.kind, e.change, e.code, e.name, f, old, new)])
        return buf.getvalue()


def catalog_period(cat: Catalog, path: Path) -> str:
    """The one period a catalog is for (from 目录期次, else its codes); none or several is a usage error."""
    found: set[str] = set()
    for p in (*cat.projects.values(), *cat.retired.values()):
        m = PROJECT_CODE_RE.match(p.code)
        text = p.period or (m["period"] if m else None)
        if text and is_period(text):
            found.add(parse_period(text))
    if len(found) != 1:
        raise UsageError(
            f"{path} 中的期次不唯一或无法确定（{'、'.join(sorted(found)) or '无'}）；catalog diff 只比较同一期次的两版目录。",
            f"{path} has no single period ({', '.join(sorted(found)) or 'none'}); catalog diff compares two versions of one period's catalog.",
        )
    return found.pop()


def compare_catalogs(old: Path, new: Path) -> CatalogDiff:
    """The differences from ``old`` to ``new``; catalogs of different periods are a usage error."""
    for path in (old, new):
        if not Path(path).exists():
            raise UsageError(f"找不到项目目录文件 {path}。", f"Catalog file {path} does not exist.")
    a, b = load_catalog(Path(old)), load_catalog(Path(new))
    pa, pb = catalog_period(a, old), catalog_period(b, new)
    if pa != pb:
        raise UsageError(
            f"两份目录的期次不同（{old}：{pa}，{new}：{pb}）；catalog diff 只比较同一期次的两版目录。",
            f"The catalogs are for different periods ({old}: {pa}, {new}: {pb}); catalog diff compares two versions of one period's catalog.",
        )
    projects = _entries("project", a.projects, b.projects, b.retired, PROJECT_FIELDS)
    courses = _entries("course", a.courses, b.courses, b.retired_courses, COURSE_FIELDS)
    return CatalogDiff(str(old), str(new), pa, projects, courses)


def _value(item: CatalogProject | CatalogCourse, attr: str) -> Any:
    v = getattr(item, attr)
    return plain_number(v) if isinstance(v, float) else v


def _entries(kind: str, old: dict[str, Any], new: dict[str, Any], retired: dict[str, Any], fields: tuple[tuple[str, str], ...]) -> list[Entry]:
    """Every code of either version with its change; a code gone from NEW's live entries is removed (作废
    when NEW keeps it struck through)."""
    out = []
    for code in sorted(set(old) | set(new)):
        before, after = old.get(code), new.get(code)
        if before is None:
            out.append(Entry(kind, ADDED, code, after.name))
        elif after is None:
            out.append(Entry(kind, REMOVED, code, before.name, voided=code in retired))
        else:
            changed = [(name, _value(before, attr), _value(after, attr)) for name, attr in fields if _value(before, attr) != _value(after, attr)]
            out.append(Entry(kind, CHANGED if changed else KEPT, code, after.name, changed))
    return out


# The workbook ---------------------------------------------------------------------------------------------

DIFF_WIDTHS = (6, 7, 22, 24, 12, 28, 28)
DIFF_HEADER = ("类别", "变化", "编码", "名称", "字段", "原值", "新值")


def write_diff_workbook(diff: CatalogDiff, output: Path, *, force: bool = False) -> Path:
    """The changes as a printable sheet (A4 landscape, header repeated, page numbers)."""
    from zjcredit.report.output import mark_output, write_atomic
    from zjcredit.templates import workbook_bytes

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"-o 只能是 .xlsx 文件，请把 {output} 改为以 .xlsx 结尾的文件名。", f"-o must be an .xlsx file; give {output} a name ending in .xlsx.")
    data = workbook_bytes(mark_output(diff_workbook(diff), "diff"))
    return write_atomic(output, lambda tmp: tmp.write_bytes(data), force=force, inputs=[Path(diff.old), Path(diff.new)])


def _summary_text(diff: CatalogDiff) -> str:
    def part(kind: str) -> str:
        c = diff.counts(kind)
        return f"{KIND_ZH[kind]}：新增 {c[ADDED]}，删除 {c[REMOVED]}，修改 {c[CHANGED]}，未变 {c[KEPT]}"

    return f"原目录 {Path(diff.old).name} → 新目录 {Path(diff.new).name}（期次 {diff.period}）。{part('project')}；{part('course')}。"


def diff_workbook(diff: CatalogDiff) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from zjcredit.report.output import set_text
    from zjcredit.templates import FIXED_TIME, fit_row_heights, page_header_footer, print_setup

    wb = Workbook()
    ws = wb.active
    ws.title = "目录变化"
    title = f"项目目录变化（{diff.period}）"
    ws["A1"] = title
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    ws.merge_cells("A1:G1")
    set_text(ws["A2"], _summary_text(diff) if diff.changes() else _summary_text(diff) + "两版目录相同。")
    ws["A2"].font = Font(name="宋体", size=10)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:G2")
    ws.row_dimensions[2].height = 32
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head, body = Font(name="宋体", size=10, bold=True), Font(name="宋体", size=10)
    code_font = Font(name="Arial", size=10)  # codes on one line, as wide everywhere
    for c, (text, width) in enumerate(zip(DIFF_HEADER, DIFF_WIDTHS), start=1):
        cell = ws.cell(row=3, column=c, value=text)
        cell.font, cell.border, cell.fill = head, border, PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    r = 3
    for e in diff.changes():
        change = CHANGE_ZH[e.change] + ("（作废）" if e.voided else "")
        for f, old, new in e.fields or [(None, None, None)]:
            r += 1
            for c, value in enumerate((KIND_ZH[e.kind], change, e.code, e.name, f, old, new), start=1):
                cell = ws.cell(row=r, column=c)
                set_text(cell, value)
                cell.font, cell.border = (code_font if c == 3 else body), border
                cell.alignment = Alignment(wrap_text=c != 3, vertical="center")
    fit_row_heights(ws, 4, r)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.print_area = f"A1:G{max(r, 3)}"
    print_setup(ws, landscape=True, centered=True)
    page_header_footer(ws, header_left=title)
    props = wb.properties
    props.creator = "zjcredit"
    props.title = title
    props.created = FIXED_TIME
    return wb
