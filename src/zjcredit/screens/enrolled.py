"""The table two screens keep in the store (:class:`~zjcredit.screens.Kept`): each learner once per project —
the first record (``first_rid``) and the birth date of a valid ID (``birth``, NULL otherwise: the ID
decides both, so a learner's rows agree). New records add the pairs not kept yet; a pair kept keeps its
first record, as new records come later.

A project is kept as a number (``pno``): the lowest number of the store's (institution, project) pairs
with its 项目编码 (:mod:`zjcredit.store.pairs`), which a pair added later never changes. Grouping and
writing 1.5 million (number, learner) rows instead of (text, learner) took a quarter less time.
"""

from __future__ import annotations

# Each project's number, and the number of the project of each (institution, project) pair.
NUMBERS = "(SELECT project, min(pair) AS pno FROM pairs WHERE project IS NOT NULL GROUP BY project)"
PAIR_PROJECTS = f"(SELECT d.pair, n.pno FROM pairs d JOIN {NUMBERS} n USING (project))"
ENROLLED = f"""
SELECT m.pno, o.id_num, min(o.rid) AS first_rid, any_value(o.birth) FILTER (WHERE o.id_ok AND o.birth IS NOT NULL) AS birth
FROM {{records}} o JOIN {PAIR_PROJECTS} m USING (pair) WHERE o.id_num IS NOT NULL GROUP BY m.pno, o.id_num
"""
TABLE = (
    ("CREATE OR REPLACE TABLE {this} AS " + ENROLLED.format(records="outcomes"),),
    (
        "INSERT INTO {this} SELECT n.* FROM (" + ENROLLED.format(records="screen_scope") + ") n"
        " ANTI JOIN {this} e ON e.pno = n.pno AND e.id_num = n.id_num",
    ),
)
# The kept learners with their project's 项目编码 as compared ({enrolled}: the kept table).
WITH_PROJECT = f"(SELECT n.project, e.* EXCLUDE (pno) FROM {{enrolled}} e JOIN {NUMBERS} n USING (pno))"
