"""Reading a quarterly catalog workbook (sheets 项目目录 and 课程目录) into look-up tables.

A catalog rebuilt with ``--previous`` has a 状态 column; its 作废 rows (projects withdrawn in review, and
their courses) stay in the workbook struck through but are no catalog entries: they are kept apart in
``retired`` so that their numbers are never given again, and nothing can be deposited under them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zjcredit.domain.normalize import clean_text, compact, parse_number
from zjcredit.domain.schema import CATALOG_COURSES, CATALOG_PROJECTS, header_key
from zjcredit.domain.vocab import split_targets
from zjcredit.errors import Unreadable, ZjcreditError
from zjcredit.io.grid import SheetGrid, WorkbookGrid
from zjcredit.io.readers import read_grid
from zjcredit.io.tables import Record, Table, read_table


@dataclass(frozen=True)
class CatalogProject:
    code: str
    name: str | None
    category: str | None
    targets: tuple[str, ...]
    scale: int | None  # 培训规模 (persons)
    hours: float | None  # 学时数
    org_code: str | None
    org_name: str | None
    period: str | None
    city: str | None
    county: str | None
    source: str
    # Columns a rebuild with --previous carries over unchanged.
    form: str | None = None  # 培训形式
    train_hours: float | None = None  # 培训时数
    outcome: str | None = None  # 成果形式
    assessment: str | None = None  # 考核方式
    targets_text: str | None = None  # 培训对象 as written


@dataclass(frozen=True)
class CatalogCourse:
    code: str
    project_code: str
    name: str | None
    hours: float | None
    teacher: str | None


STATUS = "状态"
VOID = "作废"


@dataclass
class Catalog:
    projects: dict[str, CatalogProject] = field(default_factory=dict)
    courses: dict[str, CatalogCourse] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    # 作废 rows: withdrawn projects and their courses, by code (never in ``projects`` / ``courses``).
    retired: dict[str, CatalogProject] = field(default_factory=dict)
    retired_courses: dict[str, CatalogCourse] = field(default_factory=dict)

    def merge(self, other: Catalog) -> None:
        for code, p in other.projects.items():
            self.projects.setdefault(code, p)
        for code, c in other.courses.items():
            self.courses.setdefault(code, c)
        for code, p in other.retired.items():
            self.retired.setdefault(code, p)
        for code, c in other.retired_courses.items():
            self.retired_courses.setdefault(code, c)
        self.sources.extend(other.sources)


def catalog_tables(grid: WorkbookGrid) -> tuple[Table | None, Table | None]:
    """The 项目目录 and 课程目录 tables of a catalog workbook (by sheet name, else by header)."""
    projects = courses = None
    by_name = {header_key(s.name or ""): s for s in grid.sheets}
    if "项目目录" in by_name:
        projects = read_table(by_name["项目目录"], CATALOG_PROJECTS)
    if "课程目录" in by_name:
        courses = read_table(by_name["课程目录"], CATALOG_COURSES)
    for sheet in grid.sheets:
        if projects is None:
            t = read_table(sheet, CATALOG_PROJECTS)
            if t is not None and "项目编码" in t.columns and "项目名称" in t.columns and "课程编码" not in t.columns:
                projects = t
        if courses is None:
            t = read_table(sheet, CATALOG_COURSES)
            if t is not None and "课程编码" in t.columns:
                courses = t
    return projects, courses


def _project(rec: Record, source: str) -> CatalogProject | None:
    code = compact(rec.text("项目编码"))
    if not code:
        return None
    scale = parse_number(rec.get("培训规模").raw)
    return CatalogProject(
        code=code,
        name=rec.text("项目名称"),
        category=rec.text("项目类别"),
        targets=tuple(split_targets(rec.text("培训对象"))),
        scale=int(scale) if scale is not None else None,
        hours=parse_number(rec.get("学时数").raw),
        org_code=compact(rec.text("机构代码")) or None,
        org_name=rec.text("申报单位"),
        period=compact(rec.text("目录期次")) or None,
        city=rec.text("所在市"),
        county=rec.text("所在县"),
        source=source,
        form=rec.text("培训形式"),
        train_hours=parse_number(rec.get("培训时数").raw),
        outcome=rec.text("成果形式"),
        assessment=rec.text("考核方式"),
        targets_text=rec.text("培训对象"),
    )


def voided_rows(grid: WorkbookGrid, table: Table | None) -> set[int]:
    """The 1-based rows of ``table`` whose 状态 reads 作废 (none when the table has no 状态 column)."""
    if table is None:
        return set()
    col = next((c for c, key in table.extra_headers.items() if key == STATUS), None)
    sheet: SheetGrid | None = next((s for s in grid.sheets if s.name == table.sheet), None)
    if col is None or sheet is None:
        return set()
    return {rec.row for rec in table.records if compact(clean_text(sheet.value(rec.row - 1, col))) == VOID}


def catalog_from_grid(grid: WorkbookGrid) -> Catalog:
    projects, courses = catalog_tables(grid)
    cat = Catalog(sources=[grid.path])
    if projects is not None:
        void = voided_rows(grid, projects)
        for rec in projects.records:
            p = _project(rec, grid.path)
            if p is not None:
                (cat.retired if rec.row in void else cat.projects).setdefault(p.code, p)
    if courses is not None:
        void = voided_rows(grid, courses)
        for rec in courses.records:
            code = compact(rec.text("课程编码"))
            if not code:
                continue
            course = CatalogCourse(code, compact(rec.text("项目编码")), rec.text("课程名称"), parse_number(rec.get("课程学时").raw), rec.text("授课教师"))
            (cat.retired_courses if rec.row in void else cat.courses).setdefault(code, course)
    return cat


def load_catalog(path: Path) -> Catalog:
    """Read one catalog workbook; a file that cannot be used is a usage error (exit 2)."""
    try:
        grid = read_grid(path, str(path))
    except Unreadable as exc:
        raise ZjcreditError(f"无法读取项目目录：{exc.zh}", f"Cannot read the catalog: {exc.en}") from None
    cat = catalog_from_grid(grid)
    if not cat.projects:
        raise ZjcreditError(
            f"{path} 不是项目目录：找不到“项目目录”工作表或含“项目编码”的表头。请使用 zjcredit catalog build 生成的目录。",
            f"{path} is not a catalog: no sheet 项目目录 or header with 项目编码; use a catalog made by zjcredit catalog build.",
        )
    return cat


def load_catalogs(paths: list[Path]) -> Catalog:
    """Several catalogs (several periods) merged; the first file wins for a code given twice."""
    merged = Catalog()
    for p in paths:
        if not Path(p).exists():
            raise ZjcreditError(f"找不到项目目录文件 {p}。", f"Catalog file {p} does not exist.")
        merged.merge(load_catalog(Path(p)))
    return merged
