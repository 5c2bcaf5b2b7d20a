"""Project declarations: the Annex 2 form read by its labels, Annex 1 summary tables, their rules, and the
input pipeline that `summary build` and `catalog build` share."""
