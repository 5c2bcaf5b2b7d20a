"""birthdate-shared: many learners of one project born on one day (at least --same-birthdate of them, and
at least a tenth of the project's learners); every such row is flagged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Kept, Screen, enrolled, screen, threshold
from zjcredit.store import FILE_BITS

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


# Each learner once per project (a learner's birth date is the ID's), then the days and the projects counted
# over those: one aggregation over the records instead of three.
SQL = """
WITH enrolled AS (
    SELECT project, id_num, any_value(birth) AS birth FROM outcomes
    WHERE id_ok AND project IS NOT NULL AND birth IS NOT NULL GROUP BY project, id_num
),
per_day AS (SELECT project, birth, count(*) AS n FROM enrolled GROUP BY project, birth HAVING count(*) >= $count),
per_project AS (
    SELECT e.project, count(*) AS learners FROM enrolled e JOIN (SELECT DISTINCT project FROM per_day) d ON e.project = d.project
    GROUP BY e.project
),
heavy AS (
    SELECT d.project, d.birth, d.n, d.n / p.learners AS share FROM per_day d JOIN per_project p USING (project)
    WHERE d.n / p.learners >= $share
)
SELECT o.rid, h.n, h.share, o.birth, o.project FROM outcomes o JOIN heavy h USING (project, birth) WHERE o.id_ok
"""

# Kept in the store: each learner once per project (:mod:`.enrolled`), and how many of a project's learners
# were born on each day (by the project's number). A pair (project, learner) new to ``enrolled`` is one whose
# first record is in a file added (a pair kept keeps its first record), so a run adds only the new pairs'
# days; the query then reads the days counted instead of counting 1.5 million learners of 3 million records
# again (0.3 s a run).
BIRTH_DAYS = (
    ("CREATE OR REPLACE TABLE {this} AS SELECT pno, birth, count(*) AS n FROM {enrolled} WHERE birth IS NOT NULL GROUP BY pno, birth",),
    (
        "CREATE OR REPLACE TEMP TABLE birth_days_added AS SELECT pno, birth, count(*) AS n FROM {enrolled}"
        f" WHERE birth IS NOT NULL AND (first_rid >> {FILE_BITS}) IN (SELECT file_id FROM screen_added) GROUP BY pno, birth",
        "UPDATE {this} d SET n = d.n + a.n FROM birth_days_added a WHERE d.pno = a.pno AND d.birth = a.birth",
        "INSERT INTO {this} SELECT a.* FROM birth_days_added a ANTI JOIN {this} d ON d.pno = a.pno AND d.birth = a.birth",
        "DROP TABLE birth_days_added",
    ),
)
KEPT = Kept(
    {"enrolled": enrolled.TABLE, "birth_days": BIRTH_DAYS},
    SQL.replace(
        """    SELECT project, id_num, any_value(birth) AS birth FROM outcomes
    WHERE id_ok AND project IS NOT NULL AND birth IS NOT NULL GROUP BY project, id_num""",
        f"    SELECT project, id_num, birth FROM {enrolled.WITH_PROJECT} WHERE birth IS NOT NULL",
    ).replace(
        "per_day AS (SELECT project, birth, count(*) AS n FROM enrolled GROUP BY project, birth HAVING count(*) >= $count)",
        f"per_day AS (SELECT n.project, d.birth, d.n FROM {{birth_days}} d JOIN {enrolled.NUMBERS} n USING (pno) WHERE d.n >= $count)",
    ),
)
assert KEPT.sql != SQL and "{birth_days}" in KEPT.sql


def params(row: dict[str, Any]) -> dict[str, Any]:
    return {"count": int(row["n"]), "share": f"{row['share']:.0%}", "birth": row["birth"].isoformat(), "project_code": row["project"]}


SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params, kept=KEPT))
