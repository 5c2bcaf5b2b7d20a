"""Options of the commands that read declarations (`validate`, `summary build`, `catalog build`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from functools import cached_property

from zjcredit.domain.normalize import parse_date
from zjcredit.errors import UsageError

DEFAULT_ORG_CODE_PATTERN = r"^[A-Za-z0-9-]{4,30}$"


@dataclass(frozen=True)
class DeclarationOptions:
    """How declarations are checked: ``org_code_pattern`` is the 机构代码 rule (``--org-code-pattern``);
    ``prefer``: the files to use when an institution has declarations in several (``--prefer``)."""

    org_code_pattern: str | None = None
    prefer: tuple[Path, ...] = ()

    @cached_property
    def org_code_regex(self) -> re.Pattern[str]:
        """The pattern compiled once, when a declaration is first checked: a bad pattern is a usage error
        then, and a run that reads no declaration does not stop on it."""
        pattern = self.org_code_pattern or DEFAULT_ORG_CODE_PATTERN
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise UsageError(
                f"机构代码格式“{pattern}”不是有效的正则表达式（{exc}）。",
                f"The institution-code pattern '{pattern}' is not a valid regular expression ({exc}).",
            ) from None


def parse_date_option(text: str | None) -> dt.date:
    """The --date of the build commands (YYYY-MM-DD, or the other date spellings we read); today when absent."""
    if not text:
        return dt.date.today()
    parsed = parse_date(text)
    if parsed is None:
        raise UsageError(f"--date “{text}” 不是有效日期，请写成年-月-日，如 2019-07-01。", f"--date '{text}' is not a valid date; write year-month-day, e.g. 2019-07-01.")
    return parsed
