"""What the readers produce for declarations: institutions, projects and courses, positions kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zjcredit.domain.divisions import Place
from zjcredit.domain.normalize import code_key, name_key
from zjcredit.io.tables import Record, Value


@dataclass
class Course:
    name: Value
    hours: Value
    teacher: Value
    row: int


@dataclass
class Project:
    """One 培训项目 block of an Annex 2 form (or one row of an Annex 1 summary)."""

    number: int  # 1-based block number on the form
    record: Record  # canonical field → Value (项目名称, 项目类别, …); record.project == number
    courses: list[Course] = field(default_factory=list)
    has_assessment_line: bool = True  # the form has a 考核方式 line for this project

    @property
    def name(self) -> str | None:
        return self.record.text("项目名称")


@dataclass
class Declaration:
    """One Annex 2 form: the institution header and its projects."""

    path: str
    sheet: str | None
    header: Record  # 申报单位, 机构代码, 地址, 填报人, 联系电话
    projects: list[Project]
    place: Place  # city/county resolved from 地址

    @property
    def org_name(self) -> str | None:
        return self.header.text("申报单位")

    @property
    def org_code(self) -> str | None:
        return self.header.text("机构代码")


def org_position(decl: Declaration) -> dict[str, Any]:
    """Where a finding about a whole declaration points: its 申报单位."""
    value = decl.header.get("申报单位")
    return {"sheet": decl.sheet, "cell": value.cell, "row": value.row, "field": "申报单位", "value": value.text}


def project_key(org_code: str | None, org_name: str | None, project_name: str | None) -> tuple[str, str]:
    """What makes two declared projects the same: the institution (by 机构代码, else by 申报单位) and the
    normalised project name; the name part is '' when the project has no name."""
    return (code_key(org_code) or "name:" + name_key(org_name), name_key(project_name))
