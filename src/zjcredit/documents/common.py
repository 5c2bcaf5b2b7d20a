"""Rules shared by every document."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from zjcredit.errors import Unreadable
from zjcredit.report.findings import FileResult, Finding, Severity, make, register

if TYPE_CHECKING:
    from zjcredit.io.sources import Skipped

UNREADABLE = register(
    "unreadable",
    "error",
    "{reason}",
    "{reason_en}",
    title_zh="文件无法读取",
    title_en="the file could not be read",
)
INPUT_SKIPPED = register(
    "input-skipped",
    "info",
    "{reason}",
    "{reason_en}",
    title_zh="输入文件已跳过",
    title_en="input skipped",
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
    "联系电话“{value}”不是有效的号码：手机号是以 13–19 开头的 11 位数字，固定电话是区号加 7–8 位号码（如 0571-89925320）。",
    "Phone '{value}' is not a valid number: a mobile number has 11 digits and starts with 13 to 19, a landline an area code and 7–8 digits (e.g. 0571-89925320).",
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


def skipped_results(skipped: list[Skipped], target: Path | None = None, used: Iterable[Path | str] = ()) -> list[FileResult]:
    """What a folder held besides the inputs (:attr:`zjcredit.io.sources.Sources.skipped`): one result
    each, with an info ``input-skipped`` saying why it was not read. ``target``: the file the command
    writes, when it lies among the inputs (the last run's output, replaced with --force); ``used``: files
    the command reads by an option (a --catalog, a --previous catalog), not listed as passed over."""
    out = []
    for s in skipped:
        if any(_same_file(s.path, Path(u)) for u in used):
            continue
        zh, en = s.reason
        if target is not None and s.why == "output" and _same_file(s.path, target):
            from zjcredit.io.marker import OUTPUT_KINDS

            what, what_en = OUTPUT_KINDS.get(s.detail, ("输出文件", "output"))
            zh = f"这是上次运行时生成的{what}，也是本次要写入的输出文件，不作为输入读取。"
            en = f"This is the {what_en} the last run wrote, and the output of this one; it is not read as an input."
        out.append(FileResult(s.display, None, 0, [make(INPUT_SKIPPED, s.display, reason=zh, reason_en=en)]))
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == Path(b).resolve()
    except OSError:
        return False


def wrong_kind(display: str, found: tuple[str, str], expected: tuple[str, str]) -> Finding:
    """An input of another kind than the command reads, named as what it is (a warning: it was given, and
    not used)."""
    return make(
        INPUT_SKIPPED,
        display,
        severity=Severity.WARNING,
        reason=f"这个文件是{found[0]}，不是{expected[0]}，没有使用。",
        reason_en=f"This file is {found[1]}, not {expected[1]}; it was not used.",
    )
