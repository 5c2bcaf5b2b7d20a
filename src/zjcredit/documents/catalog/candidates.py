"""The projects `catalog build` reads from its inputs, on their way into the catalog: from Annex 2
declarations and Annex 1 summary rows without errors, with a known county, once each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.documents.declarations.annex1 import annex1_rows
from zjcredit.documents.declarations.check import checked_annex1
from zjcredit.documents.declarations.inputs import Input, Item, exclude_declaration, number_or_text
from zjcredit.documents.declarations.model import project_key
from zjcredit.documents.declarations.options import DeclarationOptions
from zjcredit.domain import divisions
from zjcredit.domain.normalize import compact
from zjcredit.io.tables import Record
from zjcredit.report.findings import FileResult, Severity, make, register


def catalog_key(org_code: str | None, name: str | None) -> tuple[str, str]:
    """A project's identity in a catalog, review sheet or input (DOMAIN.md): 机构代码 and normalised 项目名称."""
    return project_key(org_code, None, name)


@dataclass
class CourseDraft:
    name: str | None
    hours: Any
    teacher: str | None


@dataclass
class Candidate:
    """A project read from an input, on its way into the catalog."""

    values: dict[str, Any]  # CATALOG_PROJECTS field → value (not 项目编码 / 目录期次)
    courses: list[CourseDraft]
    county_code: str | None
    path: str
    sheet: str | None
    cell: str | None  # the 项目名称 cell
    row: int | None
    project: int | None  # Annex 2 block number
    kind: str  # annex2 | annex1
    order: int
    address: str | None = None  # the text the county was taken from (地址, or the summary's 所在区域)
    code: str | None = None

    @property
    def name(self) -> str | None:
        return self.values.get("项目名称")

    @property
    def key(self) -> tuple[str, str]:
        return catalog_key(self.values.get("机构代码"), self.name)

    def at(self) -> dict[str, Any]:
        """Where a finding about this project points: its 项目名称."""
        return {"sheet": self.sheet, "cell": self.cell, "row": self.row, "project": self.project, "field": "项目名称", "value": self.name}

    @property
    def where(self) -> str:
        if self.project is not None:
            return f"{self.path}（项目 {self.project}）"
        return f"{self.path}（第 {self.row} 行）" if self.row else self.path


def _values(rec: Record, org_name: str | None, org_code: str | None, place: divisions.Place) -> dict[str, Any]:
    """A catalog row's fields as declared (成果形式 and 考核方式 only Annex 2 has: None from a summary row)."""
    return {
        "项目名称": rec.text("项目名称"),
        "项目类别": rec.text("项目类别"),
        "培训对象": rec.text("培训对象"),
        "培训形式": rec.text("培训形式"),
        "培训规模": number_or_text(rec.get("培训规模").raw),
        "培训时数": number_or_text(rec.get("培训时数").raw),
        "学时数": number_or_text(rec.get("学时数").raw),
        "成果形式": rec.text("成果形式"),
        "考核方式": rec.text("考核方式"),
        "申报单位": org_name,
        "机构代码": compact(org_code) or None,
        "所在市": place.city,
        "所在县": place.county,
    }


def annex2_candidates(items: list[Item], excluded: list[dict[str, Any]], order_start: int) -> list[Candidate]:
    """The projects of the declarations without errors; one with errors is left out (``declaration-excluded``)."""
    out: list[Candidate] = []
    order = order_start
    for item in items:
        decl = item.decl
        item.input.result.findings.extend(item.extra)
        if item.all_errors:
            excluded.append(exclude_declaration(item, "项目目录", "catalog"))
            continue
        for project in decl.projects:
            name_value = project.record.get("项目名称")
            courses = [CourseDraft(c.name.text, number_or_text(c.hours.raw), c.teacher.text) for c in project.courses if not c.name.empty]
            values = _values(project.record, decl.org_name, decl.org_code, decl.place)
            out.append(Candidate(values, courses, decl.place.county_code, item.path, decl.sheet, name_value.cell, name_value.row, project.number, "annex2", order, decl.header.text("地址")))
            order += 1
    return out


SUMMARY_ROW_EXCLUDED = register(
    "summary-row-excluded",
    "warning",
    "汇总表这一行（“{value}”）有 {errors} 个错误，未收入项目目录。请改正后重新运行。",
    "This summary row ('{value}') has {errors} error(s) and was left out of the catalog; fix them and run again.",
    title_zh="有错误的汇总表行未收录",
    title_en="summary row with errors left out",
)


def annex1_candidates(inp: Input, excluded: list[dict[str, Any]], order_start: int, options: DeclarationOptions) -> list[Candidate]:
    """Rows of an Annex 1 summary; a row with errors (or a file with file-level errors) is left out."""
    assert inp.grid is not None
    checked, tables, place = checked_annex1(inp.grid, options)
    inp.result.records = checked.records
    inp.result.findings.extend(checked.findings)
    path = inp.source.display
    place = place or divisions.Place()
    region_text = "".join(p for p in (place.city, place.county) if p) or None
    errors = [f for f in checked.findings if f.severity is Severity.ERROR]
    record_rows = {(sheet, rec.row) for sheet, table in tables for rec in table.records}
    file_errors = [f for f in errors if (f.sheet, f.row) not in record_rows]
    out: list[Candidate] = []
    order = order_start
    for sheet, table in tables:
        for rec in table.records:
            name = rec.text("项目名称")
            row_errors = file_errors + [f for f in errors if (f.sheet, f.row) == (sheet, rec.row)]
            if row_errors:
                org_name, org_code, rules = rec.text("申报单位"), rec.text("机构代码"), sorted({f.rule for f in row_errors})
                excluded.append({"path": path, "sheet": sheet, "row": rec.row, "org_name": org_name, "org_code": org_code, "projects": 1, "errors": len(row_errors), "rules": rules})
                cell = table.cell_of("项目名称", rec.row)
                inp.result.findings.append(make(SUMMARY_ROW_EXCLUDED, path, sheet=sheet, cell=cell, row=rec.row, field="项目名称", value=name, errors=len(row_errors)))
                continue
            values = _values(rec, rec.text("申报单位"), rec.text("机构代码"), place)
            out.append(Candidate(values, [], place.county_code, path, sheet, table.cell_of("项目名称", rec.row), rec.row, None, "annex1", order, region_text))
            order += 1
    return out


def every_key(items: list[Item], inputs: list[Input]) -> set[tuple[str, str]]:
    """Keys of every project read, excluded ones included: a review row naming one is not 'unmatched'."""
    keys = set()
    for item in items:
        for project in item.decl.projects:
            keys.add(catalog_key(item.decl.org_code, project.name))
    for inp in inputs:
        if inp.kind == "annex1" and inp.grid is not None:
            for _, table in annex1_rows(inp.grid)[0]:
                for rec in table.records:
                    keys.add(catalog_key(rec.text("机构代码"), rec.text("项目名称")))
    return keys


COUNTY_UNKNOWN = register(
    "catalog-county-unknown",
    "error",
    "无法确定项目“{name}”所在的县（市、区）（{source_field}为“{value}”），该项目未编码、未收入目录。请在{fix}中写明县（市、区），如“杭州市西湖区……”。",
    "The county of project '{name}' could not be determined ({source_field} reads '{value}'), so it was not coded or catalogued. Name the county in {fix_en}, e.g. 杭州市西湖区….",
    title_zh="无法确定所在县",
    title_en="county unknown",
)


def with_county(candidates: list[Candidate], results: dict[str, FileResult], excluded: list[dict[str, Any]]) -> list[Candidate]:
    """The candidates whose county is known (their codes start with it); the others are left out."""
    out = []
    for c in candidates:
        if c.county_code:
            out.append(c)
            continue
        if c.kind == "annex2":
            params = {"source_field": "申报表的地址", "fix": "申报表的“地址”", "fix_en": "the declaration's 地址"}
        else:
            params = {"source_field": "汇总表的所在区域", "fix": "汇总表的“所在区域”", "fix_en": "the summary's 所在区域"}
        results[c.path].findings.append(make(COUNTY_UNKNOWN, c.path, **{**c.at(), "value": c.address}, name=c.name or "", **params))
        excluded.append({"path": c.path, "sheet": c.sheet, "org_name": c.values.get("申报单位"), "org_code": c.values.get("机构代码"), "projects": 1, "errors": 1, "rules": [COUNTY_UNKNOWN.id], "name": c.name})
    return out


DUPLICATE_PROJECT = register(
    "catalog-duplicate-project",
    "info",
    "同一机构的项目“{value}”也出现在 {kept}，目录中只收录、编码一次（以那一份为准）。",
    "Project '{value}' of the same institution also appears in {kept}; it is catalogued and coded once (from there).",
    title_zh="同一项目出现在多个文件中",
    title_en="project found in several inputs",
)


def deduplicated(candidates: list[Candidate], results: dict[str, FileResult]) -> list[Candidate]:
    """One candidate per (机构代码, project name): a declaration wins over a summary row, then input order."""
    best: dict[tuple[str, str], Candidate] = {}
    for c in sorted(candidates, key=lambda c: (c.kind != "annex2", c.order)):
        best.setdefault(c.key, c)
    out = []
    for c in candidates:
        kept = best[c.key]
        if kept is c:
            out.append(c)
        else:
            results[c.path].findings.append(make(DUPLICATE_PROJECT, c.path, **c.at(), kept=kept.where))
    return out
