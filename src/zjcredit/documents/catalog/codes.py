"""Project and course codes of `catalog build`, and what `--previous` keeps.

项目编码 ``{county code}-{period}-{NNN}``, 课程编码 ``{项目编码}-{NN}`` (DOMAIN.md). New projects are sorted
by county code, then 机构代码, then the normalised project name, then the order in which they were read,
and numbered per county from 001. With ``--previous`` (the catalog of the same period built before), a
project already in it (same 机构代码 and normalised 项目名称) keeps its code and a course keeps its code
(same normalised 课程名称); new projects continue after the highest number that catalog used in their
county, new courses after the highest number of their project. Numbers are never reused, and published
codes are never dropped: a previous project missing from the inputs is carried over unless the review
rejected it, and one the review rejected stays in the catalog as 作废 (struck through, no longer usable).

With ``--previous`` every row gets a 状态: 新增 (a new code), 沿用 (a code kept, its courses as before),
补充课程 (a code kept that gained courses) or 作废 (withdrawn: rejected in this review, or already 作废 in
the previous catalog).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjcredit.documents.catalog.candidates import Candidate, CourseDraft, catalog_key
from zjcredit.documents.catalog.model import Catalog, CatalogCourse, CatalogProject, load_catalog
from zjcredit.documents.catalog.rules import COURSE_CODE_RE, PROJECT_CODE_RE
from zjcredit.domain.normalize import name_key, plain_number
from zjcredit.domain.periods import parse_period
from zjcredit.errors import UsageError
from zjcredit.report.findings import FileResult, Finding, make, register

PROJECT_NUMBER_WIDTH = 3
COURSE_NUMBER_WIDTH = 2
NEW, KEPT, MORE_COURSES, VOID = "新增", "沿用", "补充课程", "作废"
STATUSES = (NEW, KEPT, MORE_COURSES, VOID)
ORDER_ZH = "新项目按所在县代码、机构代码、项目名称、读入顺序排序后逐县编号；有上一版目录时，原有项目（机构代码与项目名称相同）保持原编码，新项目接在该县已用的最大序号之后，序号不重复使用。"


@dataclass
class Coded:
    """The catalog's rows with their codes, sorted by code, and how the codes came about."""

    projects: list[dict[str, Any]] = field(default_factory=list)
    courses: list[dict[str, Any]] = field(default_factory=list)
    new_projects: int = 0
    kept_codes: int = 0
    carried_over: int = 0
    findings: list[Finding] = field(default_factory=list)  # about the catalog written
    with_status: bool = False  # built with --previous: every row has a 状态

    @property
    def live_projects(self) -> list[dict[str, Any]]:
        return [r for r in self.projects if r.get("状态") != VOID]

    @property
    def live_courses(self) -> list[dict[str, Any]]:
        return [r for r in self.courses if r.get("状态") != VOID]

    @property
    def voided(self) -> int:
        return len(self.projects) - len(self.live_projects)

    @property
    def stats(self) -> dict[str, int]:
        """The counts as the report's JSON gives them."""
        return {"new_projects": self.new_projects, "kept_codes": self.kept_codes, "carried_over": self.carried_over, "voided": self.voided}


def load_previous(path: Path, period: str) -> Catalog:
    """The --previous catalog; one of another period is a usage error."""
    cat = load_catalog(path)
    for p in cat.projects.values():
        m = PROJECT_CODE_RE.match(p.code)
        found = p.period or (m["period"] if m else None)
        try:
            found_period = parse_period(found) if found else None
        except UsageError:
            found_period = found
        if found_period != period:
            raise UsageError(
                f"上一版目录 {path} 的期次是 {found}（如项目 {p.code}），与 --period {period} 不同。--previous 只能给同一期次的目录。",
                f"The previous catalog {path} is for period {found} (e.g. project {p.code}), not {period}; --previous must be a catalog of the same period.",
            )
    return cat


def previous_by_key(prev: Catalog | None) -> dict[tuple[str, str], CatalogProject]:
    """The previous catalog's projects by 机构代码 and normalised name (the first of a key wins)."""
    out: dict[tuple[str, str], CatalogProject] = {}
    for p in prev.projects.values() if prev is not None else ():
        out.setdefault(catalog_key(p.org_code, p.name), p)
    return out


def _code_number(code: str) -> tuple[str, int] | None:
    m = PROJECT_CODE_RE.match(code)
    return (m["county"], int(m["number"])) if m else None


def _sort_code(code: str) -> tuple[str, int, str]:
    parsed = _code_number(code)
    return (parsed[0], parsed[1], code) if parsed else ("~", 0, code)


def _course_number(code: str) -> int:
    m = COURSE_CODE_RE.match(code or "")
    return int(m["number"]) if m else 0


def assign_codes(candidates: list[Candidate], prev: Catalog | None, removed_codes: set[str], period: str, results: dict[str, FileResult]) -> Coded:
    """Project and course rows with their codes; see the module docstring for the order."""
    prev_by_key = previous_by_key(prev)
    highest: dict[str, int] = defaultdict(int)
    prev_courses: dict[str, list[CatalogCourse]] = defaultdict(list)
    for p in [*prev.projects.values(), *prev.retired.values()] if prev is not None else ():
        parsed = _code_number(p.code)
        if parsed:
            highest[parsed[0]] = max(highest[parsed[0]], parsed[1])
    for course in prev.courses.values() if prev is not None else ():
        prev_courses[course.project_code].append(course)
    coded = Coded(with_status=prev is not None)
    new_ones = []
    kept: set[str] = set()
    for c in candidates:
        p = prev_by_key.get(c.key)
        if p is not None:
            c.code = p.code
            kept.add(p.code)
            coded.kept_codes += 1
        else:
            new_ones.append(c)
    new_ones.sort(key=lambda c: (c.county_code or "", c.key[0], c.key[1], c.order))
    for c in new_ones:
        assert c.county_code is not None
        highest[c.county_code] += 1
        c.code = f"{c.county_code}-{period}-{highest[c.county_code]:0{PROJECT_NUMBER_WIDTH}d}"
        coded.new_projects += 1
    for c in candidates:
        assert c.code is not None
        drafts = c.courses or [CourseDraft(c.name, c.values.get("学时数"), None)]
        courses = _course_rows(c.code, drafts, prev_courses.get(c.code, []), results[c.path], c)
        status = NEW if c.code not in kept else (MORE_COURSES if any(r["状态"] == NEW for r in courses) else KEPT)
        coded.projects.append({"项目编码": c.code, **c.values, "目录期次": period, "状态": status})
        coded.courses.extend(courses)
    if prev is not None:
        _carry_over(coded, prev, prev_courses, kept | removed_codes, period)
        _withdrawn(coded, prev, prev_courses, removed_codes, period)
    coded.projects.sort(key=lambda r: _sort_code(r["项目编码"]))
    coded.courses.sort(key=lambda r: (_sort_code(r["项目编码"]), _course_number(r["课程编码"])))
    return coded


def _course_rows(code: str, drafts: list[CourseDraft], previous: list[CatalogCourse], result: FileResult, cand: Candidate) -> list[dict[str, Any]]:
    unused = {course.code: course for course in previous}
    highest = max((_course_number(course.code) for course in previous), default=0)
    rows = []
    for d in drafts:
        match = next((pc for pc in unused.values() if name_key(pc.name) == name_key(d.name)), None)
        if match is not None:
            course_code, status = match.code, KEPT
            del unused[match.code]
        else:
            highest += 1
            course_code, status = f"{code}-{highest:0{COURSE_NUMBER_WIDTH}d}", NEW
        rows.append({"课程编码": course_code, "项目编码": code, "课程名称": d.name, "课程学时": d.hours, "授课教师": d.teacher, "状态": status})
    for course in unused.values():
        result.findings.append(make(COURSE_CARRIED_OVER, cand.path, **{**cand.at(), "value": course.name}, code=course.code))
        rows.append(_previous_course(course, code))
    return rows


CARRIED_OVER = register(
    "catalog-carried-over",
    "info",
    "上一版目录中的项目 {code}（“{value}”）不在本次输入中，按原编码保留在目录里（已发布的编码不会删除）。",
    "Project {code} ('{value}') of the previous catalog is not among the inputs; it stays in the catalog with its code (published codes are not dropped).",
    title_zh="沿用上一版目录的项目",
    title_en="project carried over from the previous catalog",
)
COURSE_CARRIED_OVER = register(
    "catalog-course-carried-over",
    "info",
    "上一版目录中的课程 {code}（“{value}”）不在本次申报的课程中，按原编码保留。",
    "Course {code} ('{value}') of the previous catalog is no longer declared; it keeps its code and stays in the catalog.",
    title_zh="沿用上一版目录的课程",
    title_en="course carried over from the previous catalog",
)


def _carry_over(coded: Coded, prev: Catalog, prev_courses: dict[str, list[CatalogCourse]], accounted: set[str], period: str) -> None:
    """The previous catalog's projects not among the inputs (nor removed in review) stay, with their courses."""
    for p in prev.projects.values():
        if p.code in accounted:
            continue
        coded.carried_over += 1
        coded.findings.append(make(CARRIED_OVER, prev.sources[0] if prev.sources else "", value=p.name, code=p.code))
        coded.projects.append(_previous_row(p, period))
        for course in sorted(prev_courses.get(p.code, []), key=lambda x: x.code):
            coded.courses.append(_previous_course(course, p.code))


def _withdrawn(coded: Coded, prev: Catalog, prev_courses: dict[str, list[CatalogCourse]], removed: set[str], period: str) -> None:
    """Projects the review withdrew now, and those already withdrawn before, stay as 作废 rows with their courses."""
    retired_courses: dict[str, list[CatalogCourse]] = defaultdict(list)
    for course in prev.retired_courses.values():
        retired_courses[course.project_code].append(course)
    for p, courses in [(prev.projects[c], prev_courses.get(c, [])) for c in sorted(removed) if c in prev.projects] + [(p, retired_courses.get(p.code, [])) for p in prev.retired.values()]:
        coded.projects.append(_previous_row(p, period, VOID))
        for course in sorted(courses, key=lambda x: x.code):
            coded.courses.append(_previous_course(course, p.code, VOID))


def _previous_course(course: CatalogCourse, project_code: str, status: str = KEPT) -> dict[str, Any]:
    return {"课程编码": course.code, "项目编码": project_code, "课程名称": course.name, "课程学时": plain_number(course.hours), "授课教师": course.teacher, "状态": status}


def _previous_row(p: CatalogProject, period: str, status: str = KEPT) -> dict[str, Any]:
    return {
        "项目编码": p.code,
        "项目名称": p.name,
        "项目类别": p.category,
        "培训对象": p.targets_text or "、".join(p.targets) or None,
        "培训形式": p.form,
        "培训规模": p.scale,
        "培训时数": plain_number(p.train_hours),
        "学时数": plain_number(p.hours),
        "成果形式": p.outcome,
        "考核方式": p.assessment,
        "申报单位": p.org_name,
        "机构代码": p.org_code,
        "所在市": p.city,
        "所在县": p.county,
        "目录期次": period,
        "状态": status,
    }
