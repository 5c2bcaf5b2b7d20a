"""What a template kind is: its name, default file name, document title and the function that builds it.

Each kind module (:mod:`~zjcredit.templates.annex1`, ...) defines one :class:`Template` named
``TEMPLATE``; :mod:`zjcredit.templates.registry` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zjcredit.templates.style import Styles


@dataclass(frozen=True)
class TemplateOptions:
    """The choices a user can make when writing a template (``zjcredit template KIND --...``)."""

    projects: int = 2  # Annex 2: how many project blocks the form has (1–50)


# build(workbook, styles, options): fill the workbook's active sheet, add the 代码表 lists sheet
# (:func:`~zjcredit.templates.lists.lists_sheet`) and the 填表说明 guide (:func:`~zjcredit.templates.guide.guide_sheet`).
Builder = Callable[[Any, Styles, TemplateOptions], None]


@dataclass(frozen=True)
class Template:
    """One kind of blank workbook ``zjcredit template`` writes."""

    kind: str  # the name on the command line: zjcredit template annex1
    file_name: str  # written here when no -o is given
    title: str  # the workbook's document title (File ▸ Properties)
    build: Builder
