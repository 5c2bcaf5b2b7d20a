"""The table two screens keep in the store (:class:`~zjcredit.screens.Kept`): each learner once per project —
the first record (``first_rid``) and the birth date of a valid ID (``birth``, NULL otherwise: the ID
decides both, so a learner's rows agree). New records add the pairs not kept yet; a pair kept keeps its
first record, as new records come later."""

from __future__ import annotations

ENROLLED = """
SELECT project, id_num, min(rid) AS first_rid, any_value(birth) FILTER (WHERE id_ok AND birth IS NOT NULL) AS birth
FROM {records} WHERE project IS NOT NULL AND id_num IS NOT NULL GROUP BY project, id_num
"""
TABLE = (
    ("CREATE OR REPLACE TABLE {this} AS " + ENROLLED.format(records="outcomes"),),
    (
        "INSERT INTO {this} SELECT n.* FROM (" + ENROLLED.format(records="screen_scope") + ") n"
        " ANTI JOIN {this} e ON e.project = n.project AND e.id_num = n.id_num",
    ),
)
