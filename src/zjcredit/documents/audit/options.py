"""What `zjcredit audit` and `zjcredit stats` are asked for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from zjcredit.screens import ScreenOptions

# An institution is `distorted` when the rows the distortion screens flag are at least this share of its rows.
DISTORTED_SHARE = 0.05


@dataclass(frozen=True)
class AuditOptions:
    catalogs: tuple[Path, ...]
    store: Path | None = None  # the verification store (DuckDB file); None: in memory for this run
    ledgers: tuple[Path, ...] = ()  # process ledgers (files or folders); none: no materials verdict
    output: Path | None = None  # the report workbook (audit: required; stats: optional)
    distorted_share: float = DISTORTED_SHARE
    year: int | None = None  # stats: count only this year's catalog periods
    force: bool = False
    lang: str = "zh"  # the report workbook's language
    today: dt.date | None = None
    screens: ScreenOptions = field(default_factory=ScreenOptions)
    mask_ids: bool = False  # --mask-ids: the report workbook's findings show no resident ID or phone number
    findings_json: bool = False  # the report is also wanted as JSON (--format json): its findings rendered ahead
