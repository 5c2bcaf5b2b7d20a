"""The 填表说明 sheet: numbered filling instructions after the form, one wrapped paragraph per row, plus
the ★ paragraphs Annex 1 and Annex 2 share (categories, targets, text-formatted cells)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zjcredit.domain import vocab
from zjcredit.templates.style import Styles, fit_row_heights, print_setup

GUIDE_SHEET = "填表说明"
# One wrapped column, narrower than a portrait A4 page (about 538 pt between the margins) even where
# a column-width unit prints wider than Excel's (up to 7 pt with a substitute default font).
GUIDE_WIDTH = 76


def guide_sheet(wb: Any, title: str, lines: Sequence[str], st: Styles) -> None:
    """Append the 填表说明 sheet: ``title``, then one row per paragraph, each as tall as its text."""
    ws = wb.create_sheet(GUIDE_SHEET)
    ws.column_dimensions["A"].width = GUIDE_WIDTH
    ws["A1"] = title
    ws["A1"].font = st.title_font
    ws.row_dimensions[1].height = 32
    for i, line in enumerate(lines, start=2):
        cell = ws.cell(row=i, column=1, value=line)
        cell.font = st.body_font
        cell.alignment = st.top_left
    fit_row_heights(ws, 2, len(lines) + 1, min_lines=1)
    ws.sheet_view.showGridLines = False
    print_setup(ws, landscape=False, centered=True)


def common_guide() -> list[str]:
    """The ★ paragraphs every declaration template's guide carries."""
    cats = "、".join(vocab.CATEGORIES)
    targets = "、".join(vocab.TARGETS)
    return [
        f"★ 项目类别（{len(vocab.CATEGORIES)} 类，可在下拉列表中选择）：{cats}。请选择最接近的类别；确实无法归类的，填写另外的类别并在末尾注明{vocab.NEW_CATEGORY_MARK}，如“研学旅行培训{vocab.NEW_CATEGORY_MARK}”。",
        f"★ 培训对象（可多选，用顿号“、”分隔）：{targets}等。",
        "★ 申报单位即“学分银行”系统中的“非学历教育办学机构”；机构代码请填写“学分银行”系统中为该机构生成的代码。",
        "★ 机构代码、联系电话、身份证号、项目编码、课程编码等格子已设为文本格式，请勿改为数字或常规格式，否则 Excel 会吞掉开头的 0 或把长号码变成科学计数法。",
        "★ 日期请写成 2019-05-05 的形式；培训规模、培训时数、学时数只填数字。",
        "★ 请勿改动表头文字、勿删除本说明页和隐藏的“代码表”页；可以在表格末尾续加行。",
    ]
