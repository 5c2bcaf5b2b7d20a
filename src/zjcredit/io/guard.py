"""Guards applied before any parser sees an input: disguised and damaged files, zip bombs, XML attacks,
sheets whose cell range would exhaust memory.

:func:`preflight` is called by :func:`zjcredit.io.workbook.read_grid` and by the fast outcome reader before
calamine, fastexcel or openpyxl open a file. It only reads the file (opened ``rb``) and raises
:class:`zjcredit.io.workbook.Unreadable` with one sentence naming the file, the cause and what to do.

It is two stages, callable apart: :func:`precheck` (milliseconds: what the file really is, the zip's
central directory, declared sizes and ratios, every part's XML prolog) and :func:`deep_check` (seconds
at a million rows: every part inflated, cell references scanned). A large outcome sheet is loaded by a
child process (:mod:`zjcredit.io.isolate`) while the parent runs :func:`deep_check`; everything else runs
both stages before parsing.

Limits (documented for users in the guide, section 可靠性与安全):

- ``MAX_INPUT_BYTES``: an input file larger than 1 GiB is refused.
- ``MAX_ENTRIES``: an .xlsx with more than 10,000 parts is refused.
- ``MAX_PART_BYTES`` / ``MAX_TOTAL_BYTES``: one part may inflate to at most 2 GiB and all parts together
  to 4 GiB. A 1,048,576-row outcome sheet written by openpyxl is about 600 MiB of XML.
- ``MAX_RATIO``: a part larger than ``RATIO_MIN_BYTES`` (16 MiB) must not compress better than 300:1.
  Real sheets measure 12–30:1 (sheets of identical long text rows up to ~150:1); zip bombs ~1,000:1.
- The declared sizes are not trusted: every part is inflated as a stream (bounded memory, nothing kept)
  and refused as soon as it yields more than it declared.
- ``MAX_PROLOG_BYTES``: XML parts must reach their root element within 64 KiB, and a ``<!DOCTYPE`` (the
  carrier of entity expansion and external entities) is refused; legitimate OOXML never has one.
- ``MAX_CELLS``: the rectangle a sheet's cells span (rows × columns) may not exceed 30 million cells,
  because the reader allocates that rectangle whole: one value in XFD1048576 would otherwise ask for
  hundreds of GiB.
- ``MAX_ROWS``: a sheet with more rows than this is refused (Excel's own limit is 1,048,576).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from zjcredit.errors import Unreadable

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

MAX_INPUT_BYTES = 1 * GIB
MAX_ENTRIES = 10_000
MAX_PART_BYTES = 2 * GIB
MAX_TOTAL_BYTES = 4 * GIB
MAX_RATIO = 300
RATIO_MIN_BYTES = 16 * MIB
MAX_PROLOG_BYTES = 64 * KIB
MAX_CELLS = 30_000_000
# A sheet larger than this is refused with a clear message (Excel's own limit is 1,048,576 rows).
MAX_ROWS = 1_100_000
# Excel's own grid: 1,048,576 rows × 16,384 columns (XFD).
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COL = 16_384

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE file holding the streams EncryptionInfo and EncryptedPackage; a directory
# entry is the name in UTF-16LE padded to 64 bytes, then the name's length in bytes (with its NUL).
_ENCRYPTION_ENTRY = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\x00") + struct.pack("<H", 30)

# Sees each inflated chunk of a worksheet part: (part name, bytes).
Visitor = Callable[[str, bytes], None]

_IN_CHUNK = 4 * MIB
_OUT_CHUNK = 4 * MIB
# Bytes of each chunk held back and scanned with the next, so no cell tag is judged cut in two.
_CARRY = 4096

# Verdicts per (file, size, mtime): None passed, else the (zh, en) refusal. _CHEAP_CACHE holds
# :func:`precheck`'s, _CACHE the full verdict of :func:`preflight`/:func:`deep_check`.
_CACHE: dict[tuple[str, int, int], tuple[str, str] | None] = {}
_CHEAP_CACHE: dict[tuple[str, int, int], tuple[str, str] | None] = {}


def _unreadable(zh: str, en: str) -> Exception:
    return Unreadable(zh, en)


def preflight(path: Path, display: str) -> None:
    """Refuse an input that is empty, too big, damaged, crafted or not what its name says, before parsing.

    :func:`precheck` then :func:`deep_check`. The verdict is remembered per (file, size, modification
    time), so the two or three readers that open the same file pay for the inspection once.
    """
    precheck(path, display)
    deep_check(path, display)


def precheck(path: Path, display: str) -> None:
    """The cheap part of :func:`preflight` (milliseconds at any size): what the file really is, the zip's
    central directory, declared sizes and compression ratios, the XML prolog of every part, and that a
    worksheet exists. Parts are not inflated past their prolog, so a part that lies about its size or a
    sheet with far-away cells passes here; only :func:`deep_check` (or an isolated reader) may follow."""
    _verdict(path, display, _CHEAP_CACHE, deep=False)


def deep_check(path: Path, display: str, visit: Visitor | None = None) -> None:
    """All of :func:`preflight`: :func:`precheck`, then every part of an .xlsx/.xlsm inflated as a bounded
    stream (it must yield exactly what it declares) and the cells of each sheet scanned for a rectangle
    the readers can hold. Seconds at a million rows.

    ``visit(part_name, chunk)``, if given, sees every inflated chunk of every worksheet part, in order,
    so a caller can gather facts from the sheet XML in the same pass; it is not called when the verdict
    was already known (the file is not inflated again) or for parts after a refusal."""
    precheck(path, display)
    _verdict(path, display, _CACHE, deep=True, visit=visit)


def deep_checked(path: Path) -> bool:
    """True when :func:`deep_check` already passed this version of the file (nothing left to guard)."""
    try:
        return _CACHE.get(file_key(path), False) is None
    except OSError:
        return False


def file_key(path: Path) -> tuple[str, int, int]:
    """(resolved path, size, modification time): one version of one file."""
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def _verdict(path: Path, display: str, cache: dict[tuple[str, int, int], tuple[str, str] | None], *, deep: bool, visit: Visitor | None = None) -> None:
    try:
        key = file_key(path)
    except OSError as exc:
        raise _unreadable(
            f"{display}：无法打开文件（{exc.strerror}）。请检查文件是否存在、是否有读取权限。",
            f"{display}: cannot open the file ({exc.strerror}); check that it exists and can be read.",
        ) from None
    if key in cache:
        verdict = cache[key]
        if verdict is not None:
            raise _unreadable(*verdict)
        return
    try:
        _inspect(path, display, key[1], deep=deep, visit=visit)
    except Exception as exc:
        zh, en = getattr(exc, "zh", None), getattr(exc, "en", None)
        if zh is None or en is None:  # an OSError while reading, or a bug in a guard: still one sentence
            zh = f"{display}：读取文件时出错（{type(exc).__name__}）。请确认文件完整、未被其他程序占用。"
            en = f"{display}: the file could not be read ({type(exc).__name__}); check that it is complete and not locked by another program."
        cache[key] = (zh, en)
        raise _unreadable(zh, en) from None
    cache[key] = None


def _inspect(path: Path, display: str, size: int, *, deep: bool, visit: Visitor | None = None) -> None:
    suffix = path.suffix.lower()
    if deep:  # what the file is was settled by precheck; only a zip container has more to inspect
        if suffix in (".xlsx", ".xlsm"):
            with path.open("rb") as fh:
                is_zip = fh.read(4) == ZIP_MAGIC
            if is_zip:
                check_zip(path, display, deep=True, visit=visit)
        return
    if size == 0:
        raise _unreadable(
            f"{display}：文件是空的（0 字节）。请重新导出或另存后再检查。",
            f"{display}: the file is empty (0 bytes); export or save it again.",
        )
    if size > MAX_INPUT_BYTES:
        raise _unreadable(
            f"{display}：文件有 {size / MIB:,.0f} MiB，超过上限 {MAX_INPUT_BYTES // MIB:,} MiB。请拆分后分别检查。",
            f"{display}: the file is {size / MIB:,.0f} MiB, above the limit of {MAX_INPUT_BYTES // MIB:,} MiB; split it and check the parts.",
        )
    with path.open("rb") as fh:
        head = fh.read(4096)
    if suffix in (".xlsx", ".xlsm"):
        if head.startswith(ZIP_MAGIC):
            check_zip(path, display, deep=False)
        elif head.startswith(OLE_MAGIC):
            if _ole_encrypted(path):
                raise _password(display)
            raise _unreadable(
                f"{display}：这是旧版 Excel 97-2003 工作簿（.xls），扩展名却是 {suffix}。请把扩展名改为 .xls，或在 Excel/WPS 中另存为 .xlsx。",
                f"{display}: this is an Excel 97-2003 workbook (.xls) named {suffix}; rename it to .xls or save it as .xlsx in Excel/WPS.",
            )
        else:
            raise _disguised(display, suffix, head)
    elif suffix == ".xls":
        if head.startswith(OLE_MAGIC):
            if _ole_encrypted(path):
                raise _password(display)
        elif head.startswith(ZIP_MAGIC):
            raise _unreadable(
                f"{display}：这是 .xlsx 格式的工作簿，扩展名却是 .xls。请把扩展名改为 .xlsx 后再检查。",
                f"{display}: this is an .xlsx workbook named .xls; rename it to .xlsx and check again.",
            )
        else:
            raise _disguised(display, suffix, head)
    elif suffix == ".csv":
        if head.startswith((ZIP_MAGIC, OLE_MAGIC)):
            real = ".xlsx" if head.startswith(ZIP_MAGIC) else ".xls"
            raise _unreadable(
                f"{display}：这是 Excel 工作簿（{real}），扩展名却是 .csv。请把扩展名改为 {real} 后再检查。",
                f"{display}: this is an Excel workbook ({real}) named .csv; rename it to {real} and check again.",
            )


def _password(display: str) -> Exception:
    return _unreadable(
        f"{display}：工作簿设有打开密码，无法读取。请在 Excel/WPS 中取消密码后另存再检查。",
        f"{display}: the workbook is password-protected; remove the password in Excel/WPS, save, and check again.",
    )


def _ole_encrypted(path: Path) -> bool:
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


def _disguised(display: str, suffix: str, head: bytes) -> Exception:
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
        return _unreadable(
            f"{display}：这是文本文件（如 CSV），扩展名却是 {suffix}。如果是逗号分隔的表格，请把扩展名改为 .csv；否则请在 Excel/WPS 中打开后另存为 .xlsx。",
            f"{display}: this is a text file (such as CSV) named {suffix}; if it is comma-separated, rename it to .csv, otherwise open it in Excel/WPS and save it as .xlsx.",
        )
    else:
        return _unreadable(
            f"{display}：文件内容不是 Excel 工作簿（既不是 .xlsx 也不是 .xls 格式），可能已损坏或不是表格文件。请用 Excel/WPS 打开确认后另存为 .xlsx。",
            f"{display}: the content is not an Excel workbook (neither .xlsx nor .xls); it may be damaged or not a spreadsheet. Open it in Excel/WPS and save it as .xlsx.",
        )
    return _unreadable(
        f"{display}：这是{what_zh}，不是真正的 Excel 工作簿，只是扩展名为 {suffix}。请在 Excel/WPS 中打开后“另存为” .xlsx 再检查。",
        f"{display}: this is {what_en}, not a real Excel workbook, only named {suffix}; open it in Excel/WPS, 'Save as' .xlsx and check again.",
    )


# Zip containers -------------------------------------------------------------------------------------


def _damaged(display: str, detail_zh: str, detail_en: str) -> Exception:
    return _unreadable(
        f"{display}：文件已损坏或不完整（{detail_zh}）。请重新下载或从原件重新另存为 .xlsx。",
        f"{display}: the file is damaged or incomplete ({detail_en}); download it again or save it again as .xlsx from the original.",
    )


def _crafted(display: str, detail_zh: str, detail_en: str) -> Exception:
    return _unreadable(
        f"{display}：为安全起见拒绝读取：{detail_zh}。正常的表格不会这样；请向发件人要一份在 Excel/WPS 中重新另存的 .xlsx。",
        f"{display}: refused for safety: {detail_en}. A normal spreadsheet never looks like this; ask the sender for a copy saved again in Excel/WPS as .xlsx.",
    )


def check_zip(path: Path, display: str, *, deep: bool = True, visit: Visitor | None = None) -> None:
    """Inspect an .xlsx/.xlsm container: central directory first, then each part as a bounded stream
    (``deep``), or only each part's XML prolog (not ``deep``: a few KiB per part)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise _damaged(display, f"压缩包结构无效：{exc}", f"invalid zip structure: {exc}") from None
    except (OSError, EOFError, ValueError, NotImplementedError, struct.error) as exc:
        raise _damaged(display, f"压缩包无法打开：{type(exc).__name__}", f"the zip cannot be opened: {type(exc).__name__}") from None
    if len(infos) > MAX_ENTRIES:
        raise _crafted(display, f"压缩包里有 {len(infos):,} 个部件（上限 {MAX_ENTRIES:,}）", f"the archive holds {len(infos):,} parts (limit {MAX_ENTRIES:,})")
    names = {i.filename.lower() for i in infos}
    if not any(n.endswith("workbook.xml") for n in names):
        if "word/document.xml" in names:
            what_zh, what_en = "Word 文档", "a Word document"
        elif "ppt/presentation.xml" in names:
            what_zh, what_en = "PowerPoint 演示文稿", "a PowerPoint presentation"
        elif "content.xml" in names and "mimetype" in names:
            what_zh, what_en = "OpenDocument（.ods，如 LibreOffice/WPS 另存）文件", "an OpenDocument (.ods) file"
        else:
            what_zh, what_en = "普通压缩包", "a plain zip archive"
        raise _unreadable(
            f"{display}：这是{what_zh}，不是 Excel 工作簿。请在 Excel/WPS 中打开表格后另存为 .xlsx。",
            f"{display}: this is {what_en}, not an Excel workbook; open the table in Excel/WPS and save it as .xlsx.",
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _password(display)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _crafted(display, f"部件 {info.filename} 使用了 Excel 不用的压缩方式（{info.compress_type}）", f"part {info.filename} uses a compression method Excel never writes ({info.compress_type})")
        if info.file_size > MAX_PART_BYTES:
            raise _crafted(
                display,
                f"部件 {info.filename} 声明解压后有 {info.file_size / MIB:,.0f} MiB（上限 {MAX_PART_BYTES // MIB:,} MiB），疑似“压缩炸弹”",
                f"part {info.filename} declares {info.file_size / MIB:,.0f} MiB uncompressed (limit {MAX_PART_BYTES // MIB:,} MiB), a likely zip bomb",
            )
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _crafted(
                display,
                f"部件 {info.filename} 的压缩比为 {ratio:,.0f}:1（上限 {MAX_RATIO}:1），疑似“压缩炸弹”",
                f"part {info.filename} has a compression ratio of {ratio:,.0f}:1 (limit {MAX_RATIO}:1), a likely zip bomb",
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise _crafted(
            display,
            f"各部件解压后共 {total / MIB:,.0f} MiB（上限 {MAX_TOTAL_BYTES // MIB:,} MiB），疑似“压缩炸弹”",
            f"the parts inflate to {total / MIB:,.0f} MiB in all (limit {MAX_TOTAL_BYTES // MIB:,} MiB), a likely zip bomb",
        )
    size = path.stat().st_size
    with path.open("rb") as fh:
        for info in infos:
            if deep:
                _check_part(fh, size, info, display, visit if "worksheets/" in info.filename.lower() else None)
            else:
                _check_prolog(fh, size, info, display)
    if deep:
        return
    # Only now that every part's declared size and prolog are harmless (zipfile never inflates a part
    # beyond its declared size): a workbook without any worksheet part.
    if not any("worksheets/" in n for n in names):
        with zipfile.ZipFile(path) as zf:
            types = zf.read(next(i for i in infos if i.filename.lower() == "[content_types].xml")) if "[content_types].xml" in names else b""
        if b"spreadsheetml.worksheet+xml" not in types:
            raise _unreadable(
                f"{display}：工作簿里没有可读取的工作表（可能只有图表页）。请把数据放在普通工作表中另存后再检查。",
                f"{display}: the workbook has no worksheet to read (perhaps only chart sheets); put the data on an ordinary worksheet, save and check again.",
            )


def _part_start(fh: Any, file_size: int, info: Any, display: str) -> None:
    """Seek ``fh`` to the first byte of the part's data, after checking the part lies inside the file."""
    name = info.filename
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise _damaged(display, f"部件 {name} 的位置无效，文件可能被截断", f"part {name} is not where the directory says; the file may be truncated")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    if start + info.compress_size > file_size:
        raise _damaged(display, f"部件 {name} 超出文件末尾，文件被截断", f"part {name} runs past the end of the file; the file is truncated")
    fh.seek(start)


def _check_prolog(fh: Any, file_size: int, info: Any, display: str) -> None:
    """Inflate the start of one part, just enough to judge its XML prolog."""
    _part_start(fh, file_size, info, display)
    scan = _PartScan(info.filename, display, grid=False)
    for block in _inflate(fh, info, display, limit=MAX_PROLOG_BYTES + 16):
        scan.feed(block)
        if scan.prolog_done:
            return
    scan.finish()


def _check_part(fh: Any, file_size: int, info: Any, display: str, visit: Visitor | None = None) -> None:
    """Inflate one part as a stream: it must yield exactly what it declares, its XML prolog must be
    harmless, and the cells of a sheet must span a rectangle the reader can hold."""
    _part_start(fh, file_size, info, display)
    name = info.filename
    scan = _PartScan(name, display)
    chunks = _inflate(fh, info, display)
    # zlib releases the GIL: a large part's next chunk is inflated in a thread while this one is scanned.
    for block in chunks if info.compress_size < _THREAD_MIN_BYTES else _prefetch(chunks):
        scan.feed(block)
        if visit is not None:
            visit(name, block)
    scan.finish()


# Parts smaller than this are inflated inline; larger ones overlap inflating and scanning.
_THREAD_MIN_BYTES = 4 * MIB


def _inflate(fh: Any, info: Any, display: str, limit: int | None = None) -> Iterator[bytes]:
    """The part's bytes, inflated chunk by chunk; refuses a part that yields more (or less) than it declares.

    With ``limit``, reads small chunks and may stop (not checking the part's size) once that many bytes
    were produced."""
    name = info.filename
    left = info.compress_size
    in_chunk, out_chunk = (_IN_CHUNK, _OUT_CHUNK) if limit is None else (16 * KIB, limit)
    if info.compress_type == 0:
        if info.compress_size != info.file_size:
            raise _damaged(display, f"部件 {name} 的大小不一致", f"part {name} has inconsistent sizes")
        while left:
            block = fh.read(min(in_chunk, left))
            if not block:
                raise _damaged(display, f"部件 {name} 读取不完整", f"part {name} ends early")
            left -= len(block)
            yield block
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    try:
        while left and not inflater.eof:
            block = fh.read(min(in_chunk, left))
            if not block:
                raise _damaged(display, f"部件 {name} 读取不完整", f"part {name} ends early")
            left -= len(block)
            data = block
            while data and not inflater.eof:
                out = inflater.decompress(data, out_chunk)
                data = inflater.unconsumed_tail
                produced += len(out)
                if produced > info.file_size:
                    raise _crafted(
                        display,
                        f"部件 {name} 解压后的大小超过其声明的 {info.file_size:,} 字节",
                        f"part {name} inflates to more than the {info.file_size:,} bytes it declares",
                    )
                if out:
                    yield out
                if limit is not None and produced >= limit:
                    return
    except zlib.error as exc:
        raise _damaged(display, f"部件 {name} 的压缩数据无效：{exc}", f"the compressed data of part {name} is invalid: {exc}") from None
    if not inflater.eof or produced != info.file_size:
        raise _damaged(display, f"部件 {name} 的数据不完整", f"part {name} is incomplete")


def _prefetch(chunks: Iterator[bytes], depth: int = 2) -> Iterator[bytes]:
    """Run ``chunks`` in a worker thread, ``depth`` items ahead; its exceptions re-raise here."""
    import queue
    import threading

    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in chunks:
                while not stop.is_set():
                    try:
                        q.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(("end", None))
        except BaseException as exc:  # handed to the consumer
            q.put(("error", exc))

    worker = threading.Thread(target=work, name="zjcredit-inflate", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stop.set()
        worker.join()


class _PartScan:
    """Streaming checks over one part's inflated bytes: the XML prolog, and the cell rectangle."""

    def __init__(self, name: str, display: str, *, grid: bool = True) -> None:
        self.name = name
        self.display = display
        self.grid = grid  # scan cell references (False: the prolog only)
        self.head = b""
        self.is_xml: bool | None = None
        self.prolog_done = False
        self.carry = b""  # the last bytes of the previous chunk, scanned with the next one
        self.max_row = 0
        self.max_col = 0
        self.widest_row = 0  # the most cells without an ``r`` attribute in one row
        self.open_row_cells = 0  # … in the row still open at the end of the bytes scanned so far

    @property
    def columns(self) -> int:
        return self.max_col + self.widest_row

    def feed(self, data: bytes) -> None:
        if not self.prolog_done:
            self.head += data[: MAX_PROLOG_BYTES + 16 - len(self.head)]
            self._check_prolog(final=False)
        if self.is_xml and self.grid:
            self._scan(b"".join((self.carry, data, _PAD)), final=False)  # one copy: carry, chunk, padding

    def finish(self) -> None:
        if not self.prolog_done:
            self._check_prolog(final=True)
        if self.is_xml and self.grid and self.carry:
            self._scan(self.carry + _PAD, final=True)
        if self.grid and self.max_row * self.columns > MAX_CELLS:
            self._refuse_rectangle()

    def _scan(self, padded: bytes, final: bool) -> None:
        """Scan the cells that start in ``padded`` (bytes, then :data:`_PAD`) before its last
        :data:`_CARRY` bytes (all of it when ``final``); those bytes are carried to the next chunk, so
        every cell is judged once and whole."""
        size = len(padded) - len(_PAD)
        m = size if final else max(size - _CARRY, 0)
        if m == 0:
            self.carry = padded[:size]
            return
        # Cells are counted by where their ``<c`` starts (before m), references by where their ``r="``
        # starts: three bytes later for a cell written ``<c r="…"``.
        r, c, with_ref = _scan_refs(padded, min(m + 3, size))
        self.max_row = max(self.max_row, r)
        self.max_col = max(self.max_col, c)
        # A cell without an ``r`` takes the column after the previous cell of its row, so such cells
        # widen the sheet. Writers put ``r`` first (``<c r="A1" …``): when every cell opening is written so,
        # no cell lacks one; otherwise the exact count below.
        # Every "<c" (cells, and the rare <col>, <cfRule> … outside the cell data) against the cells
        # written ``<c r="``: equal counts leave nothing to look at.
        if padded.count(b"<c", 0, min(m + 1, size)) != with_ref:
            widest, self.open_row_cells = cells_without_ref(padded, m, self.open_row_cells)
            self.widest_row = max(self.widest_row, widest)
        elif padded.find(b"<row", 0, m + 4) >= 0:
            self.open_row_cells = 0
        self.carry = padded[m:size]
        self._check_grid()

    def _check_prolog(self, final: bool) -> None:
        verdict = xml_prolog_verdict(self.head)
        if verdict == "more" and (final or len(self.head) > MAX_PROLOG_BYTES):
            verdict = "long" if len(self.head) > MAX_PROLOG_BYTES else "ok"
        if verdict == "more":
            return
        self.prolog_done = True
        if verdict == "binary":
            self.is_xml = False
            return
        self.is_xml = True
        if verdict == "dtd":
            raise _crafted(
                self.display,
                f"部件 {self.name} 含有 XML 文档类型声明（<!DOCTYPE>，可用于实体展开或外部实体攻击）",
                f"part {self.name} holds an XML document type declaration (<!DOCTYPE>, the vehicle of entity-expansion and external-entity attacks)",
            )
        if verdict == "long":
            raise _crafted(
                self.display,
                f"部件 {self.name} 的 XML 开头超过 {MAX_PROLOG_BYTES // KIB} KiB 仍未出现根元素",
                f"part {self.name} has no root element within its first {MAX_PROLOG_BYTES // KIB} KiB",
            )

    def _check_grid(self) -> None:
        if self.max_row > EXCEL_MAX_ROW or self.columns > EXCEL_MAX_COL:
            raise _crafted(
                self.display,
                f"部件 {self.name} 引用了 Excel 表格范围之外的单元格（第 {self.max_row:,} 行、第 {self.columns:,} 列）",
                f"part {self.name} refers to a cell outside Excel's grid (row {self.max_row:,}, column {self.columns:,})",
            )

    def _refuse_rectangle(self) -> None:
        from zjcredit.io.workbook import column_letter

        cols = self.columns
        corner = f"{column_letter(cols - 1)}{self.max_row}"
        raise _unreadable(
            f"{self.display}：工作表的单元格延伸到 {corner}（{self.max_row:,} 行 × {cols:,} 列），超过上限 {MAX_CELLS:,} 个单元格。"
            "通常是远处某个单元格误填了内容：请删除多余的行列后另存，或拆分文件。",
            f"{self.display}: a sheet's cells reach {corner} ({self.max_row:,} rows × {cols:,} columns), above the limit of {MAX_CELLS:,} cells; "
            "usually a stray value far away: delete the extra rows and columns and save again, or split the file.",
        )


_SPACE = b" \t\r\n"


def xml_prolog_verdict(head: bytes) -> str:
    """Classify the start of a part: 'ok' (root element reached), 'dtd' (a ``<!DOCTYPE`` or other
    declaration before the root), 'binary' (not XML), or 'more' (need more bytes)."""
    text = head
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    elif text.startswith((b"\xff\xfe", b"\xfe\xff")) or text[:2] in (b"<\x00", b"\x00<"):
        codec = "utf-16-be" if text.startswith((b"\xfe\xff", b"\x00<")) else "utf-16-le"
        text = text[2:] if text.startswith((b"\xff\xfe", b"\xfe\xff")) else text
        text = text[: len(text) // 2 * 2].decode(codec, "replace").encode("utf-8", "replace")
    i = 0
    n = len(text)
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            return "more"
        if text[i : i + 1] != b"<":
            return "binary" if i == 0 or not text[:i].strip() else "ok"
        if n - i < 4:
            return "more"
        if text.startswith(b"<?", i):
            end = text.find(b"?>", i + 2)
            if end < 0:
                return "more"
            i = end + 2
        elif text.startswith(b"<!--", i):
            end = text.find(b"-->", i + 4)
            if end < 0:
                return "more"
            i = end + 3
        elif text.startswith(b"<!", i):
            return "dtd"
        else:
            return "ok"


def scan_cell_refs(buf: bytes) -> tuple[int, int]:
    """The largest row number and column number (1-based) among ``r="…"`` attributes in ``buf``.

    Vectorised with numpy (about 0.3 s per 100 MiB of sheet XML). Only an attribute named exactly ``r``
    counts (``dir="5400000"`` in a theme does not). A value with 4+ letters or 8+ digits is beyond
    Excel's grid and reads as just beyond it.
    """
    return _scan_refs(buf + _PAD, len(buf))[:2]


_PAD = bytes(16)


def _scan_refs(padded: bytes, n: int) -> tuple[int, int, int]:
    """:func:`scan_cell_refs` over the ``r="`` attributes that start in the first ``n`` bytes of
    ``padded`` (which ends in 16 NUL bytes; bytes after ``n`` are read to finish a reference), plus the
    number of ``<c r="`` cell openings among them."""
    import numpy as np

    if n < 1:
        return 0, 0, 0
    # Bytes past the end read as NUL (neither letter nor digit), so a reference cut by the buffer's end
    # reads smaller, never larger.
    a = np.frombuffer(padded, dtype=np.uint8)
    # Positions of ``r="``: three aligned byte comparisons are several times faster than 16-bit views.
    hit = a[:n] == 0x72
    hit &= a[1 : n + 1] == 0x3D
    hit &= a[2 : n + 2] == 0x22
    starts = np.flatnonzero(hit)
    starts = starts[starts > 0]
    before = a[starts - 1]
    starts = starts[(before == 0x20) | (before == 0x09) | (before == 0x0A) | (before == 0x0D)]
    if starts.size == 0:
        return 0, 0, 0
    with_ref = int(np.count_nonzero((a[starts - 1] == 0x20) & (a[np.maximum(starts - 2, 0)] == 0x63) & (a[np.maximum(starts - 3, 0)] == 0x3C)))
    # Letters of each reference (case-folded), then its digits; one gather per position keeps this
    # to a few passes over the reference starts rather than a copy of every reference.
    letters = [(a[starts + 3 + j] | 0x20) for j in range(4)]
    run = (letters[0] >= 0x61) & (letters[0] <= 0x7A)
    nlet = run.astype(np.intp)
    for j in range(1, 4):
        run &= (letters[j] >= 0x61) & (letters[j] <= 0x7A)
        nlet += run
    first_digit = starts + 3 + nlet
    digits = []
    run = np.ones(starts.size, dtype=bool)
    ndig = np.zeros(starts.size, dtype=np.intp)
    for j in range(8):
        dj = a[first_digit + j]
        run &= (dj >= 0x30) & (dj <= 0x39)
        ndig += run
        digits.append(dj)

    most_letters = int(nlet.max())
    if most_letters >= 4:
        max_col = EXCEL_MAX_COL + 1
    elif most_letters == 0:
        max_col = 0
    else:
        max_col = _largest(np.flatnonzero(nlet == most_letters), letters, most_letters, base=26, zero=0x60)
    most_digits = int(ndig.max())
    if most_digits >= 8:
        max_row = EXCEL_MAX_ROW + 1
    elif most_digits == 0:
        max_row = 0
    else:
        max_row = _largest(np.flatnonzero(ndig == most_digits), digits, most_digits, base=10, zero=0x30)
    return max_row, max_col, with_ref


def _largest(candidates: Any, places: list[Any], width: int, *, base: int, zero: int) -> int:
    """The largest value among references of equal width: keep the largest leading symbol, then the next."""
    value = 0
    for j in range(width):
        symbols = places[j][candidates]
        top = symbols.max()
        candidates = candidates[symbols == top]
        value = value * base + int(top) - zero
    return value


def cells_without_ref(padded: bytes, m: int, open_cells: int) -> tuple[int, int]:
    """Cells without an ``r`` attribute, per row, among the cells whose ``<c`` starts before ``m`` in
    ``padded`` (bytes past ``m`` are read to finish a tag): the most in one ``<row`` (counting
    ``open_cells`` already seen in the row left open by the bytes before), and the count in the row left
    open at ``m``. A tag whose end is not in ``padded`` counts as having no ``r``."""
    import numpy as np

    a = np.frombuffer(padded, dtype=np.uint8)
    n = len(a) - 4
    lt = np.flatnonzero(a[:m] == 0x3C)
    nxt = a[lt + 2]
    cells = lt[(a[lt + 1] == 0x63) & ((nxt == 0x20) | (nxt == 0x3E) | (nxt == 0x2F) | (nxt == 0x09) | (nxt == 0x0A) | (nxt == 0x0D))]
    rows = lt[(a[lt + 1] == 0x72) & (a[lt + 2] == 0x6F) & (a[lt + 3] == 0x77)]
    # Each cell's tag ends at the first '>' after it; it has an r if an ``r="`` preceded by white space
    # starts in between.
    gt = np.flatnonzero(a[:n] == 0x3E)
    at = np.searchsorted(gt, cells)
    end = np.where(at < len(gt), gt[np.minimum(at, len(gt) - 1)], -1)
    hit = a[: n - 2] == 0x72
    hit &= a[1 : n - 1] == 0x3D
    hit &= a[2:n] == 0x22
    refs = np.flatnonzero(hit)
    refs = refs[refs > 0]
    before = a[refs - 1]
    refs = refs[(before == 0x20) | (before == 0x09) | (before == 0x0A) | (before == 0x0D)]
    if len(refs):
        k = np.searchsorted(refs, cells, side="right")
        ref_at = np.where(k < len(refs), refs[np.minimum(k, len(refs) - 1)], -1)
    else:
        ref_at = np.full(len(cells), -1)
    has_ref = (end >= 0) & (ref_at >= 0) & (ref_at < end)
    bare = cells[~has_ref]
    if rows.size == 0:
        return open_cells + bare.size, open_cells + bare.size
    owner = np.searchsorted(rows, bare, side="right")  # 0: before the first row here
    counts = np.bincount(owner, minlength=rows.size + 1)
    counts[0] += open_cells
    return int(counts.max()), int(counts[-1])


# Sheet limits applied by the readers ----------------------------------------------------------------


def sheet_too_long(display: str, sheet: str, rows: int) -> Exception:
    return _unreadable(
        f"{display}：工作表“{sheet}”有 {rows:,} 行，超过上限 {MAX_ROWS:,} 行。请删除多余的空行或拆分文件。",
        f"{display}: sheet '{sheet}' has {rows:,} rows, above the limit of {MAX_ROWS:,}; delete empty rows or split the file.",
    )


def check_sheet_size(display: str, sheet: str, end: tuple[int, int] | None) -> None:
    """Refuse a sheet whose last used row (0-based ``end``) is beyond :data:`MAX_ROWS`."""
    if end and end[0] + 1 > MAX_ROWS:
        raise sheet_too_long(display, sheet, end[0] + 1)
