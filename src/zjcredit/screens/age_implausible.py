"""age-implausible: the learner's age on the completion date (from the ID) outside what the project
admits: adult training from --age-min, projects for 老年群体 only from --age-min-elderly, projects for
在校学生 only up to --age-max-student, everyone up to --age-max. Projects for students or children's
categories have no lower bound; a project not in the catalog only the upper one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zjcredit.report.findings import register
from zjcredit.screens import KIND, Screen, screen, threshold

RULE = register(
    "age-implausible",
    "warning",
    "按身份证号，学员在完成日期时 {age} 岁，{reason}。",
    "By the ID, the learner was {age} on the completion date, {reason_en}.",
    title_zh="学员年龄不合常理",
    title_en="implausible learner age",
    documents=(KIND,),
)
# Categories whose learners may well be children: no lower age bound.
YOUNG_CATEGORIES = ("青少年课外教育培训", "学前教育培训", "家长家庭教育培训", "特殊教育培训")


@dataclass(frozen=True)
class Options:
    age_min: int = threshold(16, "--age-min", zh="成人培训学员的最小年龄（age-implausible）。", en="Youngest plausible age for adult training (age-implausible).")
    age_max: int = threshold(90, "--age-max", zh="学员的最大年龄。", en="Oldest plausible age.")
    age_min_elderly: int = threshold(50, "--age-min-elderly", zh="培训对象只有“老年群体”的项目，学员的最小年龄。", en="Youngest plausible age in a project for 老年群体 only.")
    age_max_student: int = threshold(30, "--age-max-student", zh="培训对象只有“在校学生”的项目，学员的最大年龄。", en="Oldest plausible age in a project for 在校学生 only.")


# The kind of each catalog project is judged once; an age is whole years between two yyyymmdd numbers,
# computed once a record (MATERIALIZED: inlined, the filter below computed it again for each bound it is
# compared with — 3 million records: 0.28 s → 0.17 s).
SQL = f"""
WITH kinds AS (
    SELECT code,
           CASE
             WHEN list_sort(list_distinct(targets)) = ['老年群体'] THEN 'elderly'
             WHEN list_sort(list_distinct(targets)) = ['在校学生'] THEN 'students'
             WHEN list_contains(targets, '在校学生') OR category IN {YOUNG_CATEGORIES} THEN 'young'
             ELSE 'adult'
           END AS kind
    FROM projects
),
aged AS MATERIALIZED (
    SELECT o.rid,
           (year(o.date) * 10000 + month(o.date) * 100 + day(o.date) - year(o.birth) * 10000 - month(o.birth) * 100 - day(o.birth)) // 10000 AS age,
           coalesce(k.kind, 'unknown') AS kind
    FROM outcomes o LEFT JOIN kinds k ON k.code = o.project
    WHERE o.id_ok AND o.birth IS NOT NULL AND o.date IS NOT NULL
),
bounded AS (
    SELECT rid, age, kind,
           CASE kind WHEN 'adult' THEN $age_min WHEN 'elderly' THEN $age_min_elderly ELSE -1 END AS lo,
           CASE kind WHEN 'students' THEN $age_max_student ELSE $age_max END AS hi
    FROM aged
)
SELECT rid, age, kind, age < lo AS too_young FROM bounded WHERE age < lo OR age > hi
"""

def params(row: dict[str, Any]) -> dict[str, Any]:
    o: Options = row["_options"]
    reasons = {
        (True, "adult"): (f"成人培训的学员应不小于 {o.age_min} 岁", f"below {o.age_min} for adult training"),
        (True, "elderly"): (f"老年群体项目的学员应不小于 {o.age_min_elderly} 岁", f"below {o.age_min_elderly} for a project for 老年群体"),
        (False, "students"): (f"在校学生项目的学员应不大于 {o.age_max_student} 岁", f"above {o.age_max_student} for a project for 在校学生"),
    }
    zh, en = reasons.get((bool(row["too_young"]), row["kind"]), (f"超过 {o.age_max} 岁", f"above {o.age_max}"))
    return {"age": int(row["age"]), "reason": zh, "reason_en": en}


SCREEN = screen(Screen(RULE, "身份证号", Options, SQL, params, partition=()))
