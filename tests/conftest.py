from __future__ import annotations

import os

os.environ.setdefault("COLUMNS", "160")
os.environ.setdefault("NO_COLOR", "1")
os.environ.pop("ZJCREDIT_LANG", None)

from zjcredit.io.lean import leave_out_pandas

leave_out_pandas()  # as every zjcredit process does: nothing of ours may need pandas
