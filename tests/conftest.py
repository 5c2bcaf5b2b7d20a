from __future__ import annotations

import os

os.environ.setdefault("COLUMNS", "160")
os.environ.setdefault("NO_COLOR", "1")
os.environ.pop("ZJCREDIT_LANG", None)
