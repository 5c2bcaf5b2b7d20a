"""What a file really is, whatever its name says: the first bytes against the container its suffix promises
(zip for .xlsx, OLE compound file for .xls, text for .csv), and a sentence naming what was found instead."""

from __future__ import annotations

import struct
from pathlib import Path

from zjcredit.io.guard.limits import MIB
from zjcredit.io.guard.refusals import password_protected, refused

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE file holding the streams EncryptionInfo and EncryptedPackage; a directory
# entry is the name in UTF-16LE padded to 64 bytes, then the name's length in bytes (with its NUL).
_ENCRYPTION_ENTRY = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\x00") + struct.pack("<H", 30)



def ole_encrypted(path: Path) -> bool:
    """True when an OLE compound file holds an EncryptionInfo stream (an encrypted .xlsx)."""
    tail = b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(MIB)
            if not block:
                return False
            if _ENCRYPTION_ENTRY in tail + block:
                return True
            tail = block[-len(_ENCRYPTION_ENTRY) :]


def _sniff_text(head: bytes) -> str:
    """The head of a file as text, for recognising what a disguised file really is."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:].decode("utf-8", "replace")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if len(head) > 1 and head[1:2] == b"\x00" and head[:1] != b"\x00":
        return head.decode("utf-16-le", "replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the 4 KiB window
            return head[: exc.start].decode("utf-8")
    try:
        return head.decode("gb18030")
    except UnicodeDecodeError:
        return ""


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return bad == 0 and "\ufffd" not in text[:-1]


def disguised(display: str, suffix: str, head: bytes) -> Exception:
    """A file whose bytes are not the Excel format its name says: say what it really is."""
    text = _sniff_text(head)
    probe = text.lstrip().lower()
    if probe.startswith("<") and ("urn:schemas-microsoft-com:office:spreadsheet" in probe or "<workbook" in probe):
        what_zh, what_en = "Excel 2003 XML 表格（XML 电子表格）", "an Excel 2003 XML spreadsheet"
    elif probe.startswith("<") and any(tag in probe for tag in ("<html", "<table", "<!doctype html", "<meta", "<body")):
        what_zh, what_en = "网页（HTML）格式的表格，常见于系统导出", "a web page (HTML) table, as many systems export"
    elif probe.startswith("<"):
        what_zh, what_en = "XML 或网页文本", "XML or web-page text"
    elif _looks_like_text(text):
        return refused(
            f"{display}：这是文本文件（如 CSV），扩展名却是 {suffix}。如果是逗号分隔的表格，请把扩展名改为 .csv；否则请在 Excel/WPS 中打开后另存为 .xlsx。",
            f"{display}: this is a text file (such as CSV) named {suffix}; if it is comma-separated, rename it to .csv, otherwise open it in Excel/WPS and save it as .xlsx.",
        )
    else:
        return refused(
            f"{display}：文件内容不是 Excel 工作簿（既不是 .xlsx 也不是 .xls 格式），可能已损坏或不是表格文件。请用 Excel/WPS 打开确认后另存为 .xlsx。",
            f"{display}: the content is not an Excel workbook (neither .xlsx nor .xls); it may be damaged or not a spreadsheet. Open it in Excel/WPS and save it as .xlsx.",
        )
    return refused(
        f"{display}：这是{what_zh}，不是真正的 Excel 工作簿，只是扩展名为 {suffix}。请在 Excel/WPS 中打开后“另存为” .xlsx 再检查。",
        f"{display}: this is {what_en}, not a real Excel workbook, only named {suffix}; open it in Excel/WPS, 'Save as' .xlsx and check again.",
    )


def check_container(path: Path, display: str, container: str, head: bytes) -> None:
    """Refuse a file whose first bytes are not the container its suffix promises, saying what it is."""
    suffix = path.suffix.lower()
    if container == "zip":
        if head.startswith(ZIP_MAGIC):
            return
        if head.startswith(OLE_MAGIC):
            if ole_encrypted(path):
                raise password_protected(display)
            raise refused(
                f"{display}：这是旧版 Excel 97-2003 工作簿（.xls），扩展名却是 {suffix}。请把扩展名改为 .xls，或在 Excel/WPS 中另存为 .xlsx。",
                f"{display}: this is an Excel 97-2003 workbook (.xls) named {suffix}; rename it to .xls or save it as .xlsx in Excel/WPS.",
            )
        raise disguised(display, suffix, head)
    if container == "ole":
        if head.startswith(OLE_MAGIC):
            if ole_encrypted(path):
                raise password_protected(display)
            return
        if head.startswith(ZIP_MAGIC):
            raise refused(
                f"{display}：这是 .xlsx 格式的工作簿，扩展名却是 .xls。请把扩展名改为 .xlsx 后再检查。",
                f"{display}: this is an .xlsx workbook named .xls; rename it to .xlsx and check again.",
            )
        raise disguised(display, suffix, head)
    if container == "text" and head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        real = ".xlsx" if head.startswith(ZIP_MAGIC) else ".xls"
        raise refused(
            f"{display}：这是 Excel 工作簿（{real}），扩展名却是 .csv。请把扩展名改为 {real} 后再检查。",
            f"{display}: this is an Excel workbook ({real}) named .csv; rename it to {real} and check again.",
        )
