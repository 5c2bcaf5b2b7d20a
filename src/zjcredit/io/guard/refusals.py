"""The sentences a refused input gets: damaged, crafted, password-protected."""

from __future__ import annotations

from zjcredit.errors import Unreadable


class GridTooLarge(Unreadable):
    """A sheet too large to read cell by cell (it may still be read column-wise)."""


def refused(zh: str, en: str) -> Unreadable:
    return Unreadable(zh, en)


def damaged(display: str, detail_zh: str, detail_en: str) -> Unreadable:
    return refused(
        f"{display}：文件已损坏或不完整（{detail_zh}）。请重新下载或从原件重新另存为 .xlsx。",
        f"{display}: the file is damaged or incomplete ({detail_en}); download it again or save it again as .xlsx from the original.",
    )


def crafted(display: str, detail_zh: str, detail_en: str) -> Unreadable:
    return refused(
        f"{display}：为安全起见拒绝读取：{detail_zh}。正常的表格不会这样；请向发件人要一份在 Excel/WPS 中重新另存的 .xlsx。",
        f"{display}: refused for safety: {detail_en}. A normal spreadsheet never looks like this; ask the sender for a copy saved again in Excel/WPS as .xlsx.",
    )


def password_protected(display: str) -> Unreadable:
    return refused(
        f"{display}：工作簿设有打开密码，无法读取。请在 Excel/WPS 中取消密码后另存再检查。",
        f"{display}: the workbook is password-protected; remove the password in Excel/WPS, save, and check again.",
    )
