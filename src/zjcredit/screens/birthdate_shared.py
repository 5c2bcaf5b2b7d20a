"""birthdate-shared: many learners of one project born on one day (at least --same-birthdate of them, and
at least a tenth of the project's learners); every such row is flagged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen, threshold

RULE = register(
    "birthdate-shared",
    "warning",
    "项目 {project_code} 中有 {count} 名学员（占 {share}）的出生日期都是 {birth}，请核实身份证号。",
    "In project {project_code}, {count} learners ({share}) share the birth date {birth}; check their IDs.",
    title_zh="大量学员同一出生日期",
    title_en="many learners with one birth date",
    documents=(KIND,),
)


@dataclass(frozen=True)
class Options:
    count: int = threshold(
        5, "--same-birthdate", minimum=2,
        zh="同一项目中同一出生日期的学员达到此数（且占该项目学员 10% 以上）即警告（birthdate-shared）。",
        en="Warn when this many learners of a project (and at least 10 %) share a birth date (birthdate-shared).",
    )
    share: float = threshold(0.1, None)


# Only (project, day) pairs on enough rows can have enough learners: the distinct counts run on those.
SQL = """
WITH g AS (SELECT rid, project, id_num, birth FROM outcomes WHERE id_ok AND project IS NOT NULL AND birth IS NOT NULL),
busy AS (SELECT project, birth FROM g GROUP BY project, birth HAVING count(*) >= $count),
per_project AS (
    SELECT project, count(DISTINCT id_num) AS learners FROM g WHERE project IN (SELECT project FROM busy) GROUP BY project
),
per_day AS (
    SELECT project, birth, count(DISTINCT id_num) AS n FROM g JOIN busy USING (project, birth) GROUP BY project, birth
),
heavy AS (
    SELECT d.project, d.birth, d.n, d.n / p.learners AS share
    FROM per_day d JOIN per_project p USING (project)
    WHERE d.n >= $count AND d.n / p.learners >= $share
)
SELECT g.rid, h.n, h.share, g.birth, g.project FROM g JOIN heavy h USING (project, birth)
"""

def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"count": int(row["n"]), "share": f"{row['share']:.0%}", "birth": row["birth"].isoformat(), "project_code": row["project"]}


SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params))
