"""Learner-outcome sheets: the normalised sheet (``sheet``), its per-record rules (``rules``), the run that
reads, checks and screens them (``check``), the catalogs as looked up (``catalog``), and the summary tables."""
