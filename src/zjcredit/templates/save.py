"""Deterministic bytes: save a workbook so the same content always gives the same file.

Used for the templates (the committed ``templates/*.xlsx`` must equal what the command writes) and for
every other workbook zjcredit builds (summary, catalog), so golden tests can compare bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

# Fixed metadata and zip timestamps make the output byte-identical from run to run.
FIXED_TIME = datetime(2019, 5, 5, 0, 0, 0)
ZIP_TIME = (2019, 5, 5, 0, 0, 0)
CREATOR = "zjcredit"


def stamp_properties(wb: Any, title: str) -> None:
    """Set the document properties a template carries: our name, the fixed time, ``title``."""
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.title = title


def workbook_bytes(wb: Any) -> bytes:
    """Save ``wb`` to bytes that depend only on its content: fixed times, fixed zip entry dates.

    openpyxl stamps ``modified`` and its own version at save time, and zip entries with the clock; all
    are replaced. Entries are stored uncompressed so the bytes do not depend on the zlib build either.
    """
    raw = io.BytesIO()
    wb.save(raw)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            elif info.filename == "docProps/app.xml":
                data = re.sub(rb"<Application>[^<]*</Application>", b"<Application>zjcredit</Application>", data)
                data = re.sub(rb"<AppVersion>[^<]*</AppVersion>", b"<AppVersion>1.0</AppVersion>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_STORED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            zout.writestr(entry, data)
    return out.getvalue()
