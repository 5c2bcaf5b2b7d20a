"""Zip containers (.xlsx/.xlsm): the central directory, each part's declared sizes and ratio, its XML
prolog, and (deep) every part inflated as a bounded stream with the cell rectangle of each sheet scanned."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zjcredit.io.guard.cellrefs import PAD, STRING_CARRY, bad_string_index, cells_without_ref, fold_spaced_refs, fold_spaces, scan_refs, spaced_equals
from zjcredit.io.guard.limits import (
    EXCEL_MAX_COL,
    EXCEL_MAX_ROW,
    KIB,
    MAX_CELLS,
    MAX_ENTRIES,
    MAX_PART_BYTES,
    MAX_PROLOG_BYTES,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    MIB,
    RATIO_MIN_BYTES,
    Visitor,
)
from zjcredit.io.guard.refusals import crafted, damaged, password_protected, refused
from zjcredit.io.guard.sniff import ZIP_MAGIC

_IN_CHUNK = 4 * MIB
_OUT_CHUNK = 4 * MIB
# Bytes of each chunk held back and scanned with the next, so no cell tag is judged cut in two.
_CARRY = 4096


def check_zip(path: Path, display: str, *, deep: bool = True, visit: Visitor | None = None, rectangle: bool = True) -> dict[str, int]:
    """Inspect an .xlsx/.xlsm container: central directory first, then each part as a bounded stream
    (``deep``), or only each part's XML prolog (not ``deep``: a few KiB per part). ``rectangle``: scan
    each sheet's cell references for the area the readers would allocate; returned, in cells, by part
    (an upper bound: cells without a value count too)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise damaged(display, f"压缩包结构无效：{exc}", f"invalid zip structure: {exc}") from None
    except (OSError, EOFError, ValueError, NotImplementedError, struct.error) as exc:
        raise damaged(display, f"压缩包无法打开：{type(exc).__name__}", f"the zip cannot be opened: {type(exc).__name__}") from None
    if len(infos) > MAX_ENTRIES:
        raise crafted(display, f"压缩包里有 {len(infos):,} 个部件（上限 {MAX_ENTRIES:,}）", f"the archive holds {len(infos):,} parts (limit {MAX_ENTRIES:,})")
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
        raise refused(
            f"{display}：这是{what_zh}，不是 Excel 工作簿。请在 Excel/WPS 中打开表格后另存为 .xlsx。",
            f"{display}: this is {what_en}, not an Excel workbook; open the table in Excel/WPS and save it as .xlsx.",
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise password_protected(display)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise crafted(display, f"部件 {info.filename} 使用了 Excel 不用的压缩方式（{info.compress_type}）", f"part {info.filename} uses a compression method Excel never writes ({info.compress_type})")
        if info.file_size > MAX_PART_BYTES:
            raise crafted(
                display,
                f"部件 {info.filename} 声明解压后有 {info.file_size / MIB:,.0f} MiB（上限 {MAX_PART_BYTES // MIB:,} MiB），疑似“压缩炸弹”",
                f"part {info.filename} declares {info.file_size / MIB:,.0f} MiB uncompressed (limit {MAX_PART_BYTES // MIB:,} MiB), a likely zip bomb",
            )
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise crafted(
                display,
                f"部件 {info.filename} 的压缩比为 {ratio:,.0f}:1（上限 {MAX_RATIO}:1），疑似“压缩炸弹”",
                f"part {info.filename} has a compression ratio of {ratio:,.0f}:1 (limit {MAX_RATIO}:1), a likely zip bomb",
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise crafted(
            display,
            f"各部件解压后共 {total / MIB:,.0f} MiB（上限 {MAX_TOTAL_BYTES // MIB:,} MiB），疑似“压缩炸弹”",
            f"the parts inflate to {total / MIB:,.0f} MiB in all (limit {MAX_TOTAL_BYTES // MIB:,} MiB), a likely zip bomb",
        )
    size = path.stat().st_size
    rectangles: dict[str, int] = {}
    with path.open("rb") as fh:
        for info in infos:
            if deep:
                scan = _check_part(fh, size, info, display, visit if "worksheets/" in info.filename.lower() else None, rectangle)
                if rectangle and "worksheets/" in info.filename.lower():
                    rectangles[info.filename] = scan.max_row * scan.columns
            else:
                _check_prolog(fh, size, info, display)
    if deep:
        return rectangles
    # Only now that every part's declared size and prolog are harmless (zipfile never inflates a part
    # beyond its declared size): a workbook without any worksheet part.
    if not any("worksheets/" in n for n in names):
        with zipfile.ZipFile(path) as zf:
            types = zf.read(next(i for i in infos if i.filename.lower() == "[content_types].xml")) if "[content_types].xml" in names else b""
        if b"spreadsheetml.worksheet+xml" not in types:
            raise refused(
                f"{display}：工作簿里没有可读取的工作表（可能只有图表页）。请把数据放在普通工作表中另存后再检查。",
                f"{display}: the workbook has no worksheet to read (perhaps only chart sheets); put the data on an ordinary worksheet, save and check again.",
            )
    return {}


def _part_start(fh: Any, file_size: int, info: Any, display: str) -> None:
    """Seek ``fh`` to the first byte of the part's data, after checking the part lies inside the file."""
    name = info.filename
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != ZIP_MAGIC:
        raise damaged(display, f"部件 {name} 的位置无效，文件可能被截断", f"part {name} is not where the directory says; the file may be truncated")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    if start + info.compress_size > file_size:
        raise damaged(display, f"部件 {name} 超出文件末尾，文件被截断", f"part {name} runs past the end of the file; the file is truncated")
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


def _check_part(fh: Any, file_size: int, info: Any, display: str, visit: Visitor | None = None, rectangle: bool = True) -> _PartScan:
    """Inflate one part as a stream: it must yield exactly what it declares, its XML prolog must be
    harmless, and (``rectangle``) the cells of a sheet must span a rectangle the reader can hold."""
    _part_start(fh, file_size, info, display)
    name = info.filename
    scan = _PartScan(name, display, grid=rectangle)
    for block in _crc_checked(_inflate(fh, info, display), info, display):
        scan.feed(block)
        if visit is not None:
            visit(name, block)
    scan.finish()
    return scan


def _inflate(fh: Any, info: Any, display: str, limit: int | None = None) -> Iterator[bytes]:
    """The part's bytes, inflated chunk by chunk; refuses a part that yields more (or less) than it declares.

    With ``limit``, reads small chunks and may stop (not checking the part's size) once that many bytes
    were produced."""
    name = info.filename
    left = info.compress_size
    in_chunk, out_chunk = (_IN_CHUNK, _OUT_CHUNK) if limit is None else (16 * KIB, limit)
    if info.compress_type == 0:
        if info.compress_size != info.file_size:
            raise damaged(display, f"部件 {name} 的大小不一致", f"part {name} has inconsistent sizes")
        while left:
            block = fh.read(min(in_chunk, left))
            if not block:
                raise damaged(display, f"部件 {name} 读取不完整", f"part {name} ends early")
            left -= len(block)
            yield block
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    try:
        while left and not inflater.eof:
            block = fh.read(min(in_chunk, left))
            if not block:
                raise damaged(display, f"部件 {name} 读取不完整", f"part {name} ends early")
            left -= len(block)
            data = block
            while data and not inflater.eof:
                out = inflater.decompress(data, out_chunk)
                data = inflater.unconsumed_tail
                produced += len(out)
                if produced > info.file_size:
                    raise crafted(
                        display,
                        f"部件 {name} 解压后的大小超过其声明的 {info.file_size:,} 字节",
                        f"part {name} inflates to more than the {info.file_size:,} bytes it declares",
                    )
                if out:
                    yield out
                if limit is not None and produced >= limit:
                    return
    except zlib.error as exc:
        raise damaged(display, f"部件 {name} 的压缩数据无效：{exc}", f"the compressed data of part {name} is invalid: {exc}") from None
    if not inflater.eof or produced != info.file_size:
        raise damaged(display, f"部件 {name} 的数据不完整", f"part {name} is incomplete")


def _crc_checked(blocks: Iterator[bytes], info: Any, display: str) -> Iterator[bytes]:
    """``blocks`` passed on, refused at the end when their CRC-32 is not the one the zip declares (the
    readers would otherwise meet the damage later, each in its own way)."""
    crc = 0
    for block in blocks:
        crc = zlib.crc32(block, crc)
        yield block
    if crc != info.CRC:
        raise damaged(display, f"部件 {info.filename} 的 CRC 校验不符", f"part {info.filename} fails its CRC check")


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
        # Shared-string indices are checked in the full scan of a sheet (about 4 s per 600 MiB of XML); a
        # sheet loaded in a child instead gets the cheap count of :func:`zjcredit.io.sheetxml.string_zero_suspect`.
        self.strings = grid and "worksheets/" in name.lower()
        self.string_carry = b""

    @property
    def columns(self) -> int:
        return self.max_col + self.widest_row

    def feed(self, data: bytes) -> None:
        if not self.prolog_done:
            self.head += data[: MAX_PROLOG_BYTES + 16 - len(self.head)]
            self._check_prolog(final=False)
        if self.is_xml and self.grid:
            self._scan(b"".join((self.carry, data, PAD)), final=False)  # one copy: carry, chunk, padding
        if self.is_xml and self.strings:
            self._check_strings(self.string_carry + data, final=False)

    def finish(self) -> None:
        if not self.prolog_done:
            self._check_prolog(final=True)
        if self.is_xml and self.strings:
            self._check_strings(self.string_carry, final=True)
        if self.is_xml and self.grid and self.carry:
            self._scan(self.carry + PAD, final=True)
        if self.grid and self.max_row * self.columns > MAX_CELLS:
            self._refuse_rectangle()

    def _scan(self, padded: bytes, final: bool) -> None:
        """Scan the cells that start in ``padded`` (bytes, then :data:`PAD`) before its last
        :data:`_CARRY` bytes (all of it when ``final``); those bytes are carried to the next chunk, so
        every cell is judged once and whole."""
        size = len(padded) - len(PAD)
        if spaced_equals(padded, size):  # ``r = '…'``: folded to the form the scans read
            padded = fold_spaced_refs(padded[:size]) + PAD
            size = len(padded) - len(PAD)
        m = size if final else max(size - _CARRY, 0)
        if m == 0:
            self.carry = padded[:size]
            return
        # Cells are counted by where their ``<c`` starts (before m), references by where their ``r="``
        # starts: three bytes later for a cell written ``<c r="…"``.
        r, c, with_ref = scan_refs(padded, min(m + 3, size))
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
        self.carry = self._carried(padded, m, size)
        self._check_grid()

    @staticmethod
    def _carried(padded: bytes, m: int, size: int) -> bytes:
        """The bytes scanned again with the next chunk: from ``m``, and back over any white space that
        reaches ``m`` (with the token before it), so an attribute name and its '=' are never split; long
        runs of white space are folded to one space so the carry stays small."""
        start = m
        while start > 0 and padded[start - 1] in b" \t\r\n":
            start -= 1
            if m - start > 64:  # a long run: find its start at C speed
                start = len(padded[:start].rstrip(b" \t\r\n"))
                break
        if start < m:
            start = max(0, start - 16)
        carry = padded[start:size]
        return fold_spaces(carry) if len(carry) > 2 * _CARRY else carry

    def _check_strings(self, buf: bytes, final: bool) -> None:
        """A shared-string cell whose value is no index (``<c t="s"><v>-1</v>``) is damage: the readers
        would show the workbook's first string in it."""
        limit = len(buf) if final else max(len(buf) - STRING_CARRY, 0)
        at = bad_string_index(buf, limit)
        if at >= 0:
            raise damaged(
                self.display,
                f"部件 {self.name} 中有单元格的共享字符串编号无效（{buf[at : at + 40].decode('utf-8', 'replace')}…）",
                f"part {self.name} has a cell whose shared-string index is invalid ({buf[at : at + 40].decode('utf-8', 'replace')}…)",
            )
        self.string_carry = buf[limit:]

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
            raise crafted(
                self.display,
                f"部件 {self.name} 含有 XML 文档类型声明（<!DOCTYPE>，可用于实体展开或外部实体攻击）",
                f"part {self.name} holds an XML document type declaration (<!DOCTYPE>, the vehicle of entity-expansion and external-entity attacks)",
            )
        if verdict == "long":
            raise crafted(
                self.display,
                f"部件 {self.name} 的 XML 开头超过 {MAX_PROLOG_BYTES // KIB} KiB 仍未出现根元素",
                f"part {self.name} has no root element within its first {MAX_PROLOG_BYTES // KIB} KiB",
            )

    def _check_grid(self) -> None:
        if self.max_row > EXCEL_MAX_ROW or self.columns > EXCEL_MAX_COL:
            raise crafted(
                self.display,
                f"部件 {self.name} 引用了 Excel 表格范围之外的单元格（第 {self.max_row:,} 行、第 {self.columns:,} 列）",
                f"part {self.name} refers to a cell outside Excel's grid (row {self.max_row:,}, column {self.columns:,})",
            )

    def _refuse_rectangle(self) -> None:
        from zjcredit.io.cells import column_letter

        cols = self.columns
        corner = f"{column_letter(cols - 1)}{self.max_row}"
        raise refused(
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


def check_string_indices(path: Path, display: str, part: str) -> None:
    """Stream one sheet part and refuse it if a shared-string cell's value is no index (see
    :func:`zjcredit.io.guard.cellrefs.bad_string_index`); the part has passed the guard already."""
    import zipfile

    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        scan = _PartScan(part, display, grid=True)
        scan.prolog_done, scan.is_xml, scan.grid = True, True, False
        scan.strings = True
        for block in iter(lambda: fh.read(_OUT_CHUNK), b""):
            scan.feed(block)
        scan.finish()
