"""The learner-outcome sheet (学习成果登记表): one row per learner and course, the input of
``zjcredit outcomes check``. Its columns are :data:`zjcredit.domain.schema.OUTCOMES`."""

from __future__ import annotations

from typing import Any

from zjcredit.domain import schema, vocab
from zjcredit.templates.base import Template, TemplateOptions
from zjcredit.templates.guide import guide_sheet
from zjcredit.templates.lists import Validations, lists_sheet
from zjcredit.templates.style import Styles, print_setup, table, title

ROWS = 200  # empty table rows prepared below the header
HEADER_ROW = 2


def build(wb: Any, st: Styles, options: TemplateOptions) -> None:
    """The 学习成果 sheet: title, a filterable table with frozen header, then the guide."""
    from openpyxl.utils import get_column_letter

    fields = schema.OUTCOMES.fields
    ws = wb.active
    ws.title = "学习成果"
    dvs = Validations(lists_sheet(wb, schema.OUTCOMES.names, st))
    title(ws, schema.OUTCOMES.title_zh, len(fields), st)
    first, end = HEADER_ROW + 1, HEADER_ROW + ROWS
    dvs.extend(table(ws, fields, HEADER_ROW, ROWS, st))
    ws.row_dimensions[HEADER_ROW].height = 28
    dvs.apply(ws)
    ws.freeze_panes = f"A{first}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(fields))}{end}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    print_setup(ws, landscape=True, centered=True)
    guide_sheet(wb, "填表说明（学习成果登记表）", _guide_lines(), st)


def _guide_lines() -> list[str]:
    return [
        "1. 每位学员的每门课程成果填写一行。项目编码、课程编码必须与分中心发布的季度培训项目目录一致（浙学银〔2019〕2号 三（二））。",
        "2. 身份证号填写 18 位公民身份号码（末位可为 X）。本列已设为文本格式；若身份证号显示为 3.30106E+17 之类，说明已被 Excel 当作数字，后三位已丢失，必须按文本重新录入。",
        "3. 联系电话填手机号（11 位）或座机（区号-号码）；机构代码为“学分银行”系统生成的本机构代码。",
        f"4. 考核结果填写{'、'.join(vocab.RESULT_GRADES)}之一，或 0–100 的分数；学时数不超过该课程在目录中的学时。",
        "5. 完成日期写成 2019-05-05 的形式，不能早于项目所在目录期次的开始，也不能晚于今天。",
        "6. 双证制的成果请在备注中注明“双证制”，年度考核统计时单列（浙学银〔2019〕2号 四（五））。",
        "7. 行数不够时可在表格末尾续加行，请保持各列格式不变。",
        "8. 报送前请运行 zjcredit outcomes check 文件名 --catalog 项目目录.xlsx 检查，再按分中心要求录入学分银行系统。",
    ]


TEMPLATE = Template(kind="outcomes", file_name="outcomes.xlsx", title=schema.OUTCOMES.title_zh, build=build)
