"""Write the blank official workbooks (Annex 1 summary table, Annex 2 declaration form, learner-outcome
sheet, review sheet), and the workbook-writing helpers every other workbook zjcredit builds shares.

Every field, its width and whether it is a code/ID/phone comes from :mod:`zjcredit.domain.schema`;
drop-down lists come from :mod:`zjcredit.domain.vocab`. The bytes are deterministic: the same command
gives the same file, so the committed ``templates/*.xlsx`` can be compared with what the command writes.

The package:

* ``registry`` — the template kinds (kind → :class:`Template`) and ``build_workbook`` / ``write_template``;
* ``base`` — what a template kind is (:class:`Template`, :class:`TemplateOptions`);
* ``annex1``, ``annex2``, ``outcomes``, ``review`` — one module per template, each defining ``TEMPLATE``
  (``outcomes`` and ``review`` can also be prefilled with data: see their modules);
* ``style`` — styles, text widths, row heights, print set-up, label/value/table cells;
* ``lists`` — the hidden 代码表 lists sheet, drop-downs and input prompts;
* ``guide`` — the 填表说明 sheet;
* ``save`` — deterministic bytes (fixed times, stored zip entries).

Everything other modules use is importable from here.
"""

from __future__ import annotations

from zjcredit.templates.annex2 import INTRO_LABEL
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.guide import GUIDE_SHEET, GUIDE_WIDTH
from zjcredit.templates.lists import CHOICE_BY_FIELD, CHOICES, LISTS_SHEET, PROMPTS, Choice
from zjcredit.templates.registry import DEFAULT_NAMES, TEMPLATES, build_workbook, new_workbook, template, template_bytes, write_template
from zjcredit.templates.save import CREATOR, FIXED_TIME, ZIP_TIME, workbook_bytes
from zjcredit.templates.style import (
    LINE_HEIGHT,
    NUMBER_FORMATS,
    ROW_PADDING,
    WIDE_UNITS,
    Styles,
    fit_row_heights,
    lines_needed,
    page_header_footer,
    print_setup,
    text_units,
)

__all__ = [
    "CHOICES",
    "CHOICE_BY_FIELD",
    "CREATOR",
    "DEFAULT_NAMES",
    "FIXED_TIME",
    "GUIDE_SHEET",
    "GUIDE_WIDTH",
    "INTRO_LABEL",
    "LINE_HEIGHT",
    "LISTS_SHEET",
    "NUMBER_FORMATS",
    "PROMPTS",
    "ROW_PADDING",
    "TEMPLATES",
    "WIDE_UNITS",
    "ZIP_TIME",
    "Choice",
    "Styles",
    "Template",
    "TemplateOptions",
    "build_workbook",
    "fit_row_heights",
    "lines_needed",
    "new_workbook",
    "page_header_footer",
    "print_setup",
    "template",
    "template_bytes",
    "text_units",
    "workbook_bytes",
    "write_template",
]
