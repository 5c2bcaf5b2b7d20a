"""Reading inputs: which files (``sources``), what they really are and whether they are safe to parse
(``guard``), and their contents as grids or Arrow columns (``readers``, one registry by ``formats``)."""
