"""Drop-down lists and input prompts: the hidden 代码表 sheet holding the lists, and the data
validations that point the form's cells at them.

The list values come from :mod:`zjcredit.domain.vocab`; here is only how each list is presented
(its header on 代码表, its prompt, whether a value outside it gets an information box).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zjcredit.domain import vocab
from zjcredit.templates.style import Styles

LISTS_SHEET = "代码表"
REVIEW_RESULTS = ("通过", "不通过")


@dataclass(frozen=True)
class Choice:
    """One list on the hidden 代码表 sheet and how cells use it."""

    field: str
    header: str  # deliberately not a canonical header, so no reader mistakes 代码表 for a table
    values: tuple[str, ...]
    strict_hint: bool  # True: an information box when the value is not in the list
    prompt: str
    error: str = ""


CHOICES: tuple[Choice, ...] = (
    Choice(
        "项目类别",
        "项目类别选项",
        vocab.CATEGORIES,
        True,
        f"请从下拉列表选择（共 {len(vocab.CATEGORIES)} 类）。确实无法归类的，可填写另外的类别并在末尾注明{vocab.NEW_CATEGORY_MARK}。",
        f"不在 {len(vocab.CATEGORIES)} 类之内的类别，须在末尾注明{vocab.NEW_CATEGORY_MARK}，如“研学旅行培训{vocab.NEW_CATEGORY_MARK}”。点“确定”保留所填内容。",
    ),
    Choice(
        "培训对象",
        "培训对象选项",
        vocab.TARGETS,
        False,
        "可从下拉列表选择；有多个对象时用顿号“、”分隔，如“企业职工、外来务工人员”。",
    ),
    Choice("培训形式", "培训形式建议", vocab.FORMS, False, "可从下拉列表选择常见形式，也可直接填写。"),
    Choice("成果形式", "成果形式建议", vocab.OUTCOME_FORMS, False, "可从下拉列表选择常见成果形式，也可直接填写。"),
    Choice("考核方式", "考核方式建议", vocab.ASSESSMENT_METHODS, False, "可从下拉列表选择常见考核方式，也可直接填写。"),
    Choice(
        "考核结果",
        "考核结果选项",
        vocab.RESULT_GRADES,
        True,
        f"请选择{'/'.join(vocab.RESULT_GRADES)}，或填写 0–100 的分数。",
        f"考核结果应为{'/'.join(vocab.RESULT_GRADES)}之一，或 0–100 的分数。",
    ),
    Choice(
        "审核结果",
        "审核结果选项",
        REVIEW_RESULTS,
        True,
        "请选择“通过”或“不通过”；不通过的请在“审核意见”中写明理由。",
        "审核结果只能是“通过”或“不通过”。",
    ),
)
CHOICE_BY_FIELD = {c.field: c for c in CHOICES}

# Input prompts for fields without a list (≤ 255 characters each, as Excel requires).
PROMPTS: dict[str, str] = {
    "机构代码": "请填写“学分银行”系统中为本机构（非学历教育办学机构）生成的机构代码。本格为文本格式，请勿改成数字。",
    "申报单位": "即“学分银行”系统中的非学历教育办学机构名称。",
    "地址": "请写明市、县（市、区）和门牌号，如“杭州市西湖区文三路100号”。",
    "所在区域": "请写明市和县（市、区），如“杭州市 西湖区”。",
    "联系电话": "手机号（11位）或座机（区号-号码，如 0571-89925320）。本格为文本格式。",
    "联系人（电话）": "姓名和电话，如“张三 13800138000”。",
    "培训规模": "填写人数（数字），如 50。",
    "培训时数": "填写数字，如 24。",
    "学时数": "填写数字，如 24。",
    "身份证号": "18位公民身份号码，末位可为 X。本列为文本格式，请勿改成数字，否则后三位会丢失。",
    "项目编码": "按季度培训项目目录中的项目编码填写，如 330106-2019H1-007。",
    "课程编码": "按项目目录中的课程编码填写，如 330106-2019H1-007-01。",
    "完成日期": "日期，如 2019-05-05。",
    "备注": "双证制的成果请在此注明“双证制”。",
    "填报时间": "日期，如 2019-05-05。",
}


def lists_sheet(wb: Any, fields: Sequence[str], st: Styles) -> dict[str, str]:
    """Write the hidden 代码表 with the lists ``fields`` need; return field → range reference."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    col = 0
    for choice in CHOICES:
        if choice.field not in fields:
            continue
        col += 1
        letter = get_column_letter(col)
        ws.cell(row=1, column=col, value=choice.header).font = st.label_font
        for i, value in enumerate(choice.values, start=2):
            ws.cell(row=i, column=col, value=value)
        ws.column_dimensions[letter].width = 30
        ranges[choice.field] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(choice.values) + 1}"
    return ranges


class Validations:
    """Collects cell ranges per field, then adds one data validation per field to the sheet."""

    def __init__(self, ranges: dict[str, str]) -> None:
        self.list_ranges = ranges  # field → absolute range on the hidden list sheet
        self.cells: dict[str, list[str]] = {}

    def add(self, field: str, ref: str) -> None:
        """Give the cells ``ref`` the drop-down or prompt of ``field`` (if it has one)."""
        if field in CHOICE_BY_FIELD or field in PROMPTS:
            self.cells.setdefault(field, []).append(ref)

    def extend(self, columns: Iterable[tuple[str, str]]) -> None:
        """:meth:`add` each (field, range), e.g. the columns :func:`~zjcredit.templates.style.table` wrote."""
        for field, ref in columns:
            self.add(field, ref)

    def apply(self, ws: Any) -> None:
        """Add the collected validations to ``ws`` (once, after all cells are placed)."""
        from openpyxl.worksheet.datavalidation import DataValidation

        for field, refs in self.cells.items():
            choice = CHOICE_BY_FIELD.get(field)
            if choice is not None:
                dv = DataValidation(
                    type="list",
                    formula1=self.list_ranges[field],
                    allow_blank=True,
                    showDropDown=False,  # (sic) False means the arrow IS shown
                    showErrorMessage=choice.strict_hint,
                    errorStyle="information",
                    errorTitle=field if choice.strict_hint else None,
                    error=choice.error or None,
                    showInputMessage=True,
                    promptTitle=field,
                    prompt=choice.prompt,
                )
            else:
                dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=field, prompt=PROMPTS[field])
            for ref in refs:
                dv.add(ref)
            ws.add_data_validation(dv)
