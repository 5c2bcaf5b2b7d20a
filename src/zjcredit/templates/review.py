"""The sub-center's review sheet (审核结果表): one row per declared project, a 审核结果 drop-down (通过/不通过)
and an 审核意见 column; ``zjcredit catalog build --review`` reads it back by its headers
(:data:`zjcredit.domain.schema.REVIEW`: 机构代码, 项目名称, 审核结果, 审核意见; the other columns are for the
reviewer's eyes). Blank from ``zjcredit template review``, prefilled with every declared project from
``zjcredit template review --from …`` (:mod:`zjcredit.documents.catalog.prefill`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zjcredit.domain import schema
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.guide import guide_sheet
from zjcredit.templates.lists import REVIEW_RESULTS, Validations, lists_sheet
from zjcredit.templates.style import Styles, fit_row_heights, header_text, page_header_footer, print_setup, signature_line, title, value_cell

TITLE = "社会培训项目申报审核结果表"
HEADER_ROW = 4  # after the 审核单位/审核人/审核日期 line and a thin spacer row
BLANK_ROWS = 25  # the blank sheet is one printed page
NOTE = "检查情况"
# (header, width, field the cell formats as); chosen to print on A4 landscape at full size. The columns
# for the reviewer's eyes are headed so that no reader takes the sheet for a declaration or a summary
# (机构名称, not 申报单位; 计划人数 and 项目学时, not 培训规模 and 学时数): in a folder of declarations it is
# passed over as an unrecognised file.
COLUMNS: tuple[tuple[str, float, str | None], ...] = (
    ("序号", 5, None),
    ("机构代码", 12, "机构代码"),
    ("机构名称", 20, None),
    ("项目名称", 20, "项目名称"),
    ("项目类别", 14, None),
    ("计划人数", 6.5, None),
    ("项目学时", 6.5, None),
    (NOTE, 14, None),
    ("审核结果", 8, "审核结果"),
    ("审核意见", 28, "审核意见"),
)


@dataclass(frozen=True)
class ReviewLine:
    """One declared project as the reviewer sees it; ``note`` says when its declaration has errors."""

    org_code: str | None
    org_name: str | None
    name: str | None
    category: str | None
    scale: Any
    hours: Any
    note: str | None = None


def build(wb: Any, st: Styles, options: TemplateOptions) -> None:
    """The blank review sheet (``zjcredit template review`` without ``--from``)."""
    build_review(wb, st, [])


def build_review(wb: Any, st: Styles, lines: Sequence[ReviewLine]) -> None:
    """The 审核结果 sheet with ``lines`` (or empty rows), the signature line, then the guide."""
    from openpyxl.utils import get_column_letter

    from zjcredit.report.output import set_text

    ws = wb.active
    ws.title = "审核结果"
    dvs = Validations(lists_sheet(wb, ["审核结果"], st))
    fields = {f.name: f for f in schema.REVIEW.fields}
    title(ws, TITLE, len(COLUMNS), st)
    # Who reviewed, above the table rather than below it, where it could be left alone on a last page.
    signature_line(ws, 2, st, (("B", "审核单位：", "C:D"), ("E", "审核人：", "F:G"), ("H", "审核日期：", "I:J")))
    ws.row_dimensions[2].height = 28
    ws.row_dimensions[3].height = 8
    for c, (head, width, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c, value=header_text(head, width))
        cell.font, cell.fill, cell.alignment, cell.border = st.label_font, st.header_fill, st.center, st.border
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[HEADER_ROW].height = 36
    first = HEADER_ROW + 1
    count = len(lines) or BLANK_ROWS
    for i in range(count):
        r = first + i
        line = lines[i] if lines else None
        values = (i + 1, line.org_code, line.org_name, line.name, line.category, line.scale, line.hours, line.note, None, None) if line else (None,) * len(COLUMNS)
        for c, ((_, _, field), value) in enumerate(zip(COLUMNS, values), start=1):
            cell = value_cell(ws, f"{get_column_letter(c)}{r}", st, fields.get(field) if field else None)
            set_text(cell, value)
            if c in (1, 6, 7, 9):
                cell.alignment = st.center
    last = first + count - 1
    dvs.add("审核结果", f"I{first}:I{last}")
    dvs.apply(ws)
    fit_row_heights(ws, first, last)
    ws.freeze_panes = f"A{first}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:J{last}"
    print_setup(ws, landscape=True, centered=True)
    page_header_footer(ws, header_left=TITLE)
    guide_sheet(wb, "填表说明（审核结果表）", _guide_lines(), st)


def _guide_lines() -> list[str]:
    results = "”或“".join(REVIEW_RESULTS)
    return [
        "1. 本表由分中心审核各成人学校申报的社会培训项目后填写，每个项目一行；审核通过的项目编入季度培训项目目录（浙学银〔2019〕2号 三（一））。",
        f"2. “审核结果”一列从下拉列表中选择“{results}”；不通过的，请在“审核意见”中写明理由，理由会随审核结果告知申报单位。",
        "3. 请勿改动“机构代码”“项目名称”两列：目录按这两列找到对应的项目。“检查情况”一列写有“有错误”的项目，申报表须先改正，否则即使审核通过也不会编入目录。",
        "4. 补报的项目加在表格末尾（同样填写机构代码、项目名称和审核结果）；每个期次用同一张审核结果表。",
        "5. 表头上方写明审核单位，由审核人签字并写明审核日期。",
    ]


TEMPLATE = Template(kind="review", file_name="审核结果表.xlsx", title=TITLE, build=build)
