"""What goes into the summary (Annex 1): one row per declared project, once per institution and name, and
the region its header names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.documents.declarations.inputs import Item, number_or_text
from zjcredit.documents.declarations.model import Declaration, Project, project_key
from zjcredit.domain.normalize import compact, normalize_phone
from zjcredit.domain.schema import ANNEX1
from zjcredit.report.findings import RULES, make, register

UNKNOWN_COUNTY = "（未识别）"


@dataclass(frozen=True)
class Region:
    """The summary's 所在区域, full names (杭州市, 西湖区); either may be unknown."""

    city: str | None = None
    county: str | None = None


@dataclass
class Row:
    """One project's line of the summary."""

    values: dict[str, Any]  # ANNEX1 field → value to write
    item: Item
    project: Project
    note: str | None = None  # why a row kept with --include-invalid is marked

    @property
    def county(self) -> str:
        return self.item.decl.place.county or UNKNOWN_COUNTY


def contact_text(decl: Declaration) -> str | None:
    """联系人（电话） as the template asks: “姓名 电话”."""
    name = decl.header.text("填报人")
    phone = normalize_phone(decl.header.get("联系电话").raw)
    text = " ".join(p for p in (name, phone) if p)
    return text or None


def row_values(decl: Declaration, project: Project) -> dict[str, Any]:
    rec = project.record
    return {
        "项目名称": rec.text("项目名称"),
        "项目类别": rec.text("项目类别"),
        "培训规模": number_or_text(rec.get("培训规模").raw),
        "培训对象": rec.text("培训对象"),
        "培训形式": rec.text("培训形式"),
        "培训时数": number_or_text(rec.get("培训时数").raw),
        "学时数": number_or_text(rec.get("学时数").raw),
        "申报单位": decl.org_name,
        "机构代码": compact(decl.org_code) or None,
        "联系人（电话）": contact_text(decl),
    }


def error_note(item: Item) -> str:
    """The 备注 of the rows of a declaration kept with errors: how many, and the rules' titles."""
    titles = []
    for f in item.all_errors:
        title = RULES[f.rule].title_zh or f.rule
        if title not in titles:
            titles.append(title)
    return f"申报表有 {len(item.all_errors)} 个错误：{'；'.join(titles)}"


PROJECT_DECLARED_TWICE = register(
    "project-declared-twice",
    "warning",
    "“{value}”已由同一机构在 {first} 申报过{differs}；汇总表只收录第一次申报的那一行。如确为两个项目，请改用不同的项目名称。",
    "'{value}' was already declared by the same institution at {first}{differs_en}; the summary keeps only the first. If these are two projects, give them different names.",
    title_zh="同一项目重复申报",
    title_en="project declared twice",
)


def summary_rows(kept: list[Item]) -> tuple[list[Row], list[dict[str, Any]]]:
    """One row per project; a project its institution already declared in another form is left out
    (``project-declared-twice``) and listed in the second value."""
    rows: list[Row] = []
    duplicates: list[dict[str, Any]] = []
    first: dict[tuple[str, str], Row] = {}
    for item in kept:
        note = error_note(item) if item.all_errors else None
        for project in item.decl.projects:
            row = Row(row_values(item.decl, project), item, project, note)
            key = project_key(item.decl.org_code, item.decl.org_name, project.name)
            earlier = first.get(key) if key[1] else None
            if earlier is not None and earlier.item is not item:
                _declared_twice(row, earlier)
                duplicates.append({"path": item.path, "project": project.number, "name": project.name, "kept": earlier.item.path, "kept_project": earlier.project.number})
                continue
            if key[1]:
                first.setdefault(key, row)
            rows.append(row)
    return rows, duplicates


def _declared_twice(row: Row, earlier: Row) -> None:
    differs = [f for f in ANNEX1.names if f != "序号" and row.values.get(f) != earlier.values.get(f)]
    name_value = row.project.record.get("项目名称")
    row.item.input.result.findings.append(
        make(
            PROJECT_DECLARED_TWICE,
            row.item.path,
            sheet=row.item.decl.sheet,
            cell=name_value.cell,
            row=name_value.row,
            project=row.project.number,
            field="项目名称",
            value=row.project.name,
            first=f"{earlier.item.path}（项目 {earlier.project.number}）",
            differs=f"，两次所填的{'、'.join(differs)}不同" if differs else "",
            differs_en=f" (with different {', '.join(differs)})" if differs else "",
        )
    )
