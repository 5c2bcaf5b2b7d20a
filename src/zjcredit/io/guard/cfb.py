"""Compound files (OLE/CFB, the container of a legacy .xls) checked against the file's real size before any
parser sees them, and the workbook inside checked for a cell rectangle the readers can hold.

The readers (calamine, xlrd) trust the header and the records: a sector count, a stream length or a
DIMENSIONS record that claims more than the file holds makes them allocate gigabytes at once (a 1.5 KB
file asked for 4 GB; a DIMENSIONS record of 4 billion rows asks for petabytes and aborts the process), and
a truncated file makes them panic. So every structure is walked here first, with memory bounded by the
file's size ([MS-CFB] sections 2.2–2.6):

- the header: signature, byte order, sector size 512 or 4096, mini sectors of 64 bytes, the 4096-byte
  mini-stream cutoff, and every sector count (FAT, DIFAT, mini FAT, directory) no larger than the number
  of sectors the file really has;
- the DIFAT (the list of FAT sectors, in the header and in its own chain): exactly as many FAT sectors as
  the header says, each inside the file, none listed twice;
- every chain (directory, mini FAT, the mini stream, each stream): sectors inside the file and the
  table, no loops, no sector in two chains, and enough sectors for the length declared;
- the workbook stream's records (BIFF): no DIMENSIONS or cell beyond the legacy grid (65,536 rows ×
  256 columns) and no record running past the stream's end.

olefile is not used: it is lenient where this must be strict (a FAT longer than the file is silently
cut, a stream larger than the file is only a warning) and it is not a runtime dependency.
"""

from __future__ import annotations

import mmap
import struct
import sys
from array import array
from pathlib import Path

from zjcredit.io.guard.refusals import crafted, refused

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAXREGSECT = 0xFFFFFFFA
DIFSECT = 0xFFFFFFFC
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
HEADER_DIFAT = 109
MINI_SECTOR = 64
MINI_CUTOFF = 4096
DIR_ENTRY = 128
# The legacy (BIFF8) grid: a cell or DIMENSIONS record beyond it is crafted or damaged.
BIFF_MAX_ROWS = 65_536
BIFF_MAX_COLS = 256

_BOF, _DIMENSIONS = 0x0809, 0x0200
# Records that start with (row, column) of one cell; MULRK/MULBLANK end with their last column.
_CELL_RECORDS = frozenset({0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0406})
_MULTI_RECORDS = frozenset({0x00BD, 0x00BE})
_HH = struct.Struct("<HH")


class _Damage(Exception):
    """The structure is broken: (zh, en) detail for :func:`zjcredit.io.guard.refusals.damaged`."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class _Crafted(_Damage):
    """The structure is sound but asks for more than any real workbook does."""


def check_cfb(path: Path, display: str) -> int:
    """Refuse an OLE compound file whose structure does not fit the file, or whose workbook reaches
    beyond the legacy grid; one sentence naming the file (:class:`~zjcredit.errors.Unreadable`). Returns
    the largest rectangle (cells) a sheet spans, which the grid reader allocates."""
    try:
        with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            book = CompoundFile(data).workbook_stream()
            return scan_biff(book) if book is not None else 0
    except _Crafted as exc:
        raise crafted(display, exc.zh, exc.en) from None
    except _Damage as exc:
        raise _not_excel(display, exc.zh, exc.en) from None
    except (ValueError, OSError) as exc:  # an empty or unreadable file: mmap refuses it
        raise _not_excel(display, "无法读取文件结构", f"its structure cannot be read: {type(exc).__name__}") from None


def _not_excel(display: str, zh: str, en: str) -> Exception:
    return refused(
        f"{display}：文件已损坏或不是 Excel 文件（{zh}）。请重新下载，或在 Excel/WPS 中打开原件后另存为 .xlsx 再检查。",
        f"{display}: the file is damaged or not an Excel file ({en}); download it again, or open the original in Excel/WPS, save it as .xlsx and check again.",
    )


def _u32s(raw: bytes) -> array:
    table = array("I")
    table.frombytes(raw)
    if sys.byteorder == "big":  # pragma: no cover - the format is little-endian
        table.byteswap()
    return table


class CompoundFile:
    """The validated structure of one compound file (raises :class:`_Damage` on the first fault)."""

    def __init__(self, data: mmap.mmap | bytes) -> None:
        self.data = data
        self.size = len(data)
        if self.size < 512 or data[:8] != MAGIC:
            raise _Damage("文件头不是 OLE 复合文档", "the header is not an OLE compound file")
        (major, order, shift, mini_shift) = struct.unpack_from("<HHHH", data, 26)
        if order != 0xFFFE or shift not in (9, 12) or mini_shift != 6 or major not in (3, 4):
            raise _Damage("文件头的版本、字节序或扇区大小无效", "the header's version, byte order or sector size is invalid")
        self.ss = 1 << shift
        self.v4 = shift == 12
        (ndir, nfat, first_dir, _, cutoff, first_mini, nmini, first_difat, ndifat) = struct.unpack_from("<9I", data, 40)
        if cutoff != MINI_CUTOFF:
            raise _Damage("文件头的小流界限无效", "the header's mini-stream cutoff is invalid")
        # Sector i occupies bytes (i + 1) × ss … (i + 2) × ss; the header fills sector -1.
        self.nsect = max(0, -(-(self.size - self.ss) // self.ss))
        for count, zh, en in ((ndir, "目录", "directory"), (nfat, "FAT", "FAT"), (nmini, "小扇区分配表", "mini FAT"), (ndifat, "DIFAT", "DIFAT")):
            if count > self.nsect:
                raise _Damage(
                    f"文件头声称有 {count:,} 个{zh}扇区，文件实际只有 {self.nsect:,} 个扇区",
                    f"the header claims {count:,} {en} sectors but the file has only {self.nsect:,}",
                )
        self.used = bytearray(self.nsect)  # sectors already in some chain or table
        self.fat = self._load_fat(nfat, first_difat, ndifat)
        self.entries = self._load_directory(first_dir)
        self.minifat, self.mini_stream = self._load_mini(first_mini, nmini)
        self.streams = self._check_streams()

    # Sectors and chains ------------------------------------------------------------------------------

    def _sector(self, sector: int, *, whole: bool = True) -> bytes:
        start = (sector + 1) * self.ss
        if sector >= self.nsect or (whole and start + self.ss > self.size):
            raise _Damage(f"扇区 {sector:,} 超出文件末尾（文件不完整）", f"sector {sector:,} lies past the end of the file (the file is incomplete)")
        return self.data[start : start + self.ss]

    def _claim(self, sector: int, what_zh: str, what_en: str) -> None:
        if sector >= self.nsect:
            raise _Damage(f"{what_zh}指向文件末尾之后的扇区 {sector:,}（文件不完整）", f"the {what_en} points past the end of the file (sector {sector:,}; the file is incomplete)")
        if self.used[sector]:
            raise _Damage(f"扇区 {sector:,} 被重复使用（{what_zh}）", f"sector {sector:,} is used twice ({what_en})")
        self.used[sector] = 1

    def _chain(self, start: int, what_zh: str, what_en: str) -> list[int]:
        """The sectors of a FAT chain from ``start`` to its end, each claimed once."""
        out: list[int] = []
        sector = start
        while sector != ENDOFCHAIN:
            if sector >= len(self.fat) or sector >= MAXREGSECT:
                raise _Damage(f"{what_zh}的扇区链断开（{sector:#x}）", f"the {what_en}'s sector chain is broken ({sector:#x})")
            self._claim(sector, what_zh, what_en)
            out.append(sector)
            sector = self.fat[sector]
        return out

    def _load_fat(self, nfat: int, first_difat: int, ndifat: int) -> array:
        listed = list(struct.unpack_from(f"<{HEADER_DIFAT}I", self.data, 76))
        sector, seen = first_difat, 0
        per = self.ss // 4 - 1
        while sector < MAXREGSECT:
            seen += 1
            if seen > ndifat:
                raise _Damage("DIFAT 扇区链比文件头所说的长", "the DIFAT chain is longer than the header says")
            self._claim(sector, "DIFAT", "DIFAT")
            entries = _u32s(self._sector(sector))
            listed.extend(entries[:per])
            sector = entries[per]
        if sector not in (ENDOFCHAIN, FREESECT) or seen != ndifat:
            raise _Damage("DIFAT 扇区链与文件头不符", "the DIFAT chain does not match the header")
        fat_sectors = [s for s in listed if s < MAXREGSECT]
        if len(fat_sectors) != nfat or any(MAXREGSECT <= s < DIFSECT for s in listed):
            raise _Damage(
                f"FAT 扇区表列出 {len(fat_sectors):,} 个扇区，文件头说是 {nfat:,} 个",
                f"the FAT sector list holds {len(fat_sectors):,} sectors where the header says {nfat:,}",
            )
        fat = array("I")
        for sector in fat_sectors:
            self._claim(sector, "FAT", "FAT")
            fat.extend(_u32s(self._sector(sector)))
        return fat

    def _load_directory(self, first_dir: int) -> list[tuple[str, int, int, int]]:
        """(name, type, start, size) of every directory entry."""
        entries = []
        for sector in self._chain(first_dir, "目录", "directory"):
            raw = self._sector(sector)
            for at in range(0, self.ss, DIR_ENTRY):
                name_len, kind = struct.unpack_from("<HB", raw, at + 64)
                name = raw[at : at + min(name_len, 64)].decode("utf-16-le", "replace").rstrip("\x00")
                start = struct.unpack_from("<I", raw, at + 116)[0]
                size = struct.unpack_from("<Q" if self.v4 else "<I", raw, at + 120)[0]
                entries.append((name, kind, start, size))
        if not entries or entries[0][1] != 5:
            raise _Damage("缺少根目录项", "the root directory entry is missing")
        return entries

    def _load_mini(self, first_mini: int, nmini: int) -> tuple[array, int]:
        """The mini FAT and the mini stream's size in mini sectors."""
        _, _, root_start, root_size = self.entries[0]
        if nmini == 0:
            return array("I"), 0
        sectors = self._chain(first_mini, "小扇区分配表", "mini FAT")
        if len(sectors) != nmini:
            raise _Damage("小扇区分配表的长度与文件头不符", "the mini FAT's length does not match the header")
        minifat = array("I")
        for sector in sectors:
            minifat.extend(_u32s(self._sector(sector)))
        self._check_length(self._chain(root_start, "小流", "mini stream"), root_size, "小流", "mini stream")
        return minifat, -(-root_size // MINI_SECTOR)

    def _check_length(self, sectors: list[int], size: int, what_zh: str, what_en: str) -> None:
        have = len(sectors) * self.ss
        if sectors and (sectors[-1] + 2) * self.ss > self.size:  # a last sector cut by the file's end
            have -= (sectors[-1] + 2) * self.ss - self.size
        if size > have:
            raise _Damage(
                f"{what_zh}声称 {size:,} 字节，文件中只有 {max(have, 0):,} 字节（文件不完整）",
                f"the {what_en} claims {size:,} bytes but the file holds {max(have, 0):,} (the file is incomplete)",
            )

    def _check_streams(self) -> dict[str, tuple[int, int]]:
        """Every stream's chain against its declared size; name → (start, size)."""
        streams: dict[str, tuple[int, int]] = {}
        used_mini = bytearray(len(self.minifat))
        for name, kind, start, size in self.entries[1:]:
            if kind != 2:
                continue
            if size > self.size:
                raise _Damage(f"数据流“{name}”声称 {size:,} 字节，超过文件大小", f"stream '{name}' claims {size:,} bytes, more than the whole file")
            if size == 0:
                pass
            elif size < MINI_CUTOFF:
                self._check_mini_chain(name, start, size, used_mini)
            else:
                self._check_length(self._chain(start, f"数据流“{name}”", f"stream '{name}'"), size, f"数据流“{name}”", f"stream '{name}'")
            streams[name] = (start, size)
        return streams

    def _check_mini_chain(self, name: str, start: int, size: int, used: bytearray) -> None:
        count, sector = 0, start
        while sector != ENDOFCHAIN:
            if sector >= len(self.minifat) or sector >= self.mini_stream:
                raise _Damage(f"数据流“{name}”的小扇区链断开", f"the mini-sector chain of stream '{name}' is broken")
            if used[sector]:
                raise _Damage(f"小扇区 {sector:,} 被重复使用", f"mini sector {sector:,} is used twice")
            used[sector] = 1
            count += 1
            sector = self.minifat[sector]
        if count * MINI_SECTOR < size:
            raise _Damage(f"数据流“{name}”的数据不完整", f"stream '{name}' is incomplete")

    # Streams -----------------------------------------------------------------------------------------

    def read_stream(self, name: str) -> bytes:
        """The bytes of a stream the structure check passed."""
        start, size = self.streams[name]
        if size == 0:
            return b""
        if size >= MINI_CUTOFF:
            return self._fat_bytes(start, size)
        _, _, root_start, root_size = self.entries[0]
        mini = self._fat_bytes(root_start, root_size)
        out, sector = [], start
        while sector != ENDOFCHAIN:
            out.append(mini[sector * MINI_SECTOR : (sector + 1) * MINI_SECTOR])
            sector = self.minifat[sector]
        return b"".join(out)[:size]

    def _fat_bytes(self, start: int, size: int) -> bytes:
        out, sector, have = [], start, 0
        while sector != ENDOFCHAIN and have < size:
            out.append(self.data[(sector + 1) * self.ss : (sector + 2) * self.ss])
            have += self.ss
            sector = self.fat[sector]
        return b"".join(out)[:size]

    def workbook_stream(self) -> bytes | None:
        """The BIFF workbook stream ('Workbook', or 'Book' of Excel 5/95); None when there is none (the
        reader then says the file holds no workbook)."""
        for name in self.streams:
            if name.lower() in ("workbook", "book"):
                return self.read_stream(name)
        return None


def scan_biff(stream: bytes) -> int:
    """Walk the workbook stream's records: none may run past the end, and no DIMENSIONS or cell record
    may reach beyond the legacy grid (the readers allocate the rectangle these records span). Returns the
    largest rectangle (cells) a sheet's DIMENSIONS and cells span."""
    n = len(stream)
    pos = 0
    unpack = _HH.unpack_from
    largest = rows = cols = 0
    while pos + 4 <= n:
        kind, length = unpack(stream, pos)
        body, pos = pos + 4, pos + 4 + length
        if pos > n:
            if any(stream[body - 4 :]):
                raise _Damage("工作簿数据流在记录中间结束（文件不完整）", "the workbook stream ends inside a record (the file is incomplete)")
            break
        if kind == _BOF:
            largest, rows, cols = max(largest, rows * cols), 0, 0
        elif kind == _DIMENSIONS:
            dim_rows, dim_cols = _check_dimensions(stream, body, length)
            rows, cols = max(rows, dim_rows), max(cols, dim_cols)
        elif kind in _CELL_RECORDS and length >= 4:
            row, col = unpack(stream, body)
            _check_col(col)
            rows, cols = max(rows, row + 1), max(cols, col + 1)
        elif kind in _MULTI_RECORDS and length >= 6:
            row, first = unpack(stream, body)
            col = max(first, struct.unpack_from("<H", stream, pos - 2)[0])
            _check_col(col)
            rows, cols = max(rows, row + 1), max(cols, col + 1)
    return max(largest, rows * cols)


def _check_dimensions(stream: bytes, body: int, length: int) -> tuple[int, int]:
    if length >= 14:
        _, rows, _, cols = struct.unpack_from("<IIHH", stream, body)
    elif length >= 8:
        _, rows, _, cols = struct.unpack_from("<HHHH", stream, body)
    else:
        return 0, 0
    if rows > BIFF_MAX_ROWS or cols > BIFF_MAX_COLS:
        raise _Crafted(
            f"工作表声称有 {rows:,} 行 × {cols:,} 列，超出旧版 Excel 的 {BIFF_MAX_ROWS:,} 行 × {BIFF_MAX_COLS} 列",
            f"a sheet claims {rows:,} rows × {cols:,} columns, beyond the legacy grid of {BIFF_MAX_ROWS:,} × {BIFF_MAX_COLS}",
        )
    return rows, cols


def _check_col(col: int) -> None:
    if col >= BIFF_MAX_COLS:
        raise _Crafted(
            f"一个单元格位于第 {col + 1:,} 列，超出旧版 Excel 的 {BIFF_MAX_COLS} 列",
            f"a cell lies in column {col + 1:,}, beyond the legacy grid's {BIFF_MAX_COLS} columns",
        )
