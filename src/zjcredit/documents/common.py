"""Rules shared by every document."""

from __future__ import annotations

from zjcredit.errors import Unreadable
from zjcredit.report.findings import FileResult, make, register

UNREADABLE = register(
    "unreadable",
    "error",
    "{reason}",
    "{reason_en}",
    title_zh="文件无法读取",
    title_en="the file could not be read",
)
KIND_UNKNOWN = register(
    "kind-unknown",
    "error",
    "无法判断这是哪种表格（申报汇总表、项目申报表、项目目录、学习成果表或台账）。请使用官方模板，或用 --kind 指定类型。",
    "Could not tell which document this is (summary, declaration, catalog, outcomes or ledger); use the official template or pass --kind.",
    title_zh="无法识别表格类型",
    title_en="document kind not recognised",
)
KIND_UNSUPPORTED = register(
    "kind-unsupported",
    "error",
    "这是{kind_zh}；本版本的 zjcredit 还不能检查这种表格。",
    "This is {kind_en}; this version of zjcredit cannot check this kind of document yet.",
    title_zh="暂不支持的表格类型",
    title_en="document kind not supported yet",
)
HEADER_MISSING = register(
    "header-missing",
    "error",
    "找不到表头行：前 40 行中没有一行包含足够的列名（如 {expected}）。请保留模板的表头。",
    "No header row found: none of the first 40 rows names enough of the columns (such as {expected}); keep the template's header.",
    title_zh="找不到表头",
    title_en="header row not found",
)
COLUMN_MISSING = register(
    "column-missing",
    "error",
    "表头中缺少必填列“{field}”。请按模板补上这一列。",
    "The header lacks the required column '{field}'; add it as in the template.",
    title_zh="缺少必填列",
    title_en="required column missing",
)
EXCEL_ERROR = register(
    "excel-error",
    "error",
    "单元格显示 Excel 错误值 {value}（公式出错），请改为正确的内容。",
    "The cell shows the Excel error value {value} (a broken formula); replace it with the right content.",
    title_zh="Excel 错误值",
    title_en="Excel error value",
)
REQUIRED = register(
    "required",
    "error",
    "“{field}”未填写，这是必填项。",
    "'{field}' is empty; it is required.",
    title_zh="必填项为空",
    title_en="required value missing",
)
NO_RECORDS = register(
    "no-records",
    "warning",
    "表中没有任何数据行。",
    "The table has no data rows.",
    title_zh="没有数据",
    title_en="no data rows",
)
PHONE_INVALID = register(
    "phone-invalid",
    "error",
    "联系电话“{value}”不是有效的号码：手机号为 1[3-9] 开头的 11 位数字，固定电话为区号加 7–8 位号码（如 0571-89925320）。",
    "Phone '{value}' is not a valid number: a mobile has 11 digits starting 1[3-9], a landline an area code and 7–8 digits (e.g. 0571-89925320).",
    title_zh="联系电话无效",
    title_en="phone number invalid",
)
COURSE_HOURS_MISMATCH = register(
    "course-hours-mismatch",
    "warning",
    "项目“{title}”各门课程学时合计 {total}，与项目学时数 {value} 不一致。请核对课程表或学时数。",
    "The courses of project '{title}' add up to {total} hours, not the project's 学时数 {value}; check the course table or 学时数.",
    title_zh="课程学时合计与项目学时数不符",
    title_en="course hours do not add up",
)


def unreadable_result(display: str, exc: Unreadable, kind: str | None = None) -> FileResult:
    """The result of an input that could not be read at all: one ``unreadable`` finding saying why."""
    return FileResult(display, kind, 0, [make(UNREADABLE, display, reason=exc.zh, reason_en=exc.en)])
