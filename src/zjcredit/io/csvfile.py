"""CSV files: the encoding recognised (never guessed silently wrong), then one parser for every use.

Encodings: UTF-8 with or without BOM, UTF-16 with or without BOM, GB18030/GBK; anything else is refused
naming what was tried, and binary content is never decoded as text.

The parser is DuckDB's CSV reader (fast, multi-threaded; a million-row outcome file in well under a
second), every field as text exactly as written (nothing stripped or unescaped; an empty field is null).
A CSV that needs none of the rules where parsers differ (no quote character, uniform line breaks, every
record as wide) is parsed by pyarrow's reader instead, to the same table at about half the CPU.
It is used for small files read into grids as well as for outcome sheets read column-wise, so a CSV
parses the same way everywhere. DuckDB skips blank lines, but a record's number is what users see (the
header is record 1, a blank line counts): blank lines outside quotes are turned into one empty field first,
so the n-th row DuckDB returns is record n.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from zjcredit.errors import Unreadable

CSV_ENCODINGS = ("utf-8", "gb18030")
# Limits on one record (documented in the README, 可靠性与安全). A record beyond them is not a table but
# damage or an attack, and the file is unreadable with a sentence naming the line; below them the parser
# never drops a line silently.
# Excel's own limit on columns:
MAX_FIELDS = 16_384
# One line (record) of at most 1 MiB: a full row of Excel text is far less.
MAX_LINE_BYTES = 1024 * 1024
# Excel's own limit on the characters of one cell:
MAX_FIELD_CHARS = 32_767


@dataclass
class CsvText:
    """A CSV as UTF-8 bytes ready for the parser, and what it was."""

    data: bytes
    encoding: str  # as detected: utf-8, utf-8-sig, utf-16(-le/-be), gb18030
    delimiter: str


def decode_csv(path: Path, display: str) -> tuple[str, str]:
    """Decode a CSV as UTF-8 (BOM or not), UTF-16 (BOM or not) or GB18030/GBK; refuse, naming what was
    tried, otherwise. Binary content (NUL bytes, control characters) is refused, never decoded as text."""
    with path.open("rb") as fh:  # read-only
        data = fh.read()
    candidates: list[tuple[bytes, str, str]] = []
    if data.startswith(b"\xef\xbb\xbf"):
        candidates.append((data[3:], "utf-8", "utf-8-sig"))
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates.append((data, "utf-16", "utf-16"))
    else:
        utf16 = _utf16_without_bom(data)
        if utf16:
            candidates.append((data, utf16, utf16))
        candidates.extend((data, enc, enc) for enc in CSV_ENCODINGS)
    for raw, codec, name in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if _binary_text(text):
            raise Unreadable(
                f"{display}：文件内容不是文本（含有空字符或控制字符），不是 CSV 表格，可能已损坏。请在 Excel/WPS 中打开原表后另存为“CSV UTF-8”或 .xlsx。",
                f"{display}: the content is not text (it holds NUL or control characters), so it is not a CSV table and may be damaged; save the original as 'CSV UTF-8' or .xlsx.",
            )
        if codec == "gb18030" and not plausible_chinese(text[:_SAMPLE_CHARS]):
            raise Unreadable(
                f"{display}：无法识别 CSV 文件的编码：按 GB18030/GBK 读出的表头和前几行不是正常的中文（可能是繁体 Big5 或其他编码），"
                "UTF-8、UTF-16 也都不对。请在 Excel/WPS 中打开后另存为“CSV UTF-8”或 .xlsx 再检查。",
                f"{display}: the CSV encoding could not be recognised: read as GB18030/GBK its header and first rows are not plausible Chinese "
                "(perhaps Big5 or another encoding), and neither UTF-8 nor UTF-16 fits; open it in Excel/WPS, save it as 'CSV UTF-8' or .xlsx and check again.",
            )
        return text, name
    raise Unreadable(
        f"{display}：无法识别 CSV 文件的编码（已尝试 UTF-8、UTF-8 BOM、UTF-16、GB18030/GBK）。请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx。",
        f"{display}: the CSV encoding could not be recognised (tried UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK); save it as 'CSV UTF-8' or .xlsx.",
    )


# How much decoded text the plausibility check reads (the header and the first rows), how many non-ASCII
# characters it needs before it judges, and the share of them that must be everyday Chinese.
_SAMPLE_CHARS = 16_384
_JUDGE_MIN = 8
_PLAUSIBLE_SHARE = 0.8
# GB2312 also holds kana, Greek, Cyrillic, box drawing, bopomofo and pinyin letters: text decoded with the
# wrong codec (Big5 read as GBK) is full of them, Chinese tables are not.
_ODD_RANGES = ((0x00C0, 0x024F), (0x0370, 0x04FF), (0x2500, 0x257F), (0x3040, 0x30FF), (0x3100, 0x312F), (0xE000, 0xF8FF))


def plausible_chinese(text: str) -> bool:
    """Whether text decoded as GB18030 reads as Chinese: at least 80 % of its non-ASCII characters are
    common simplified characters or punctuation (in GB2312, outside its kana, Greek, Cyrillic, box-drawing
    and phonetic rows). Big5 text read as GBK scores 25–35 %, real GBK tables 95–100 %; with fewer than
    eight non-ASCII characters nothing is judged."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch >= "\x80":
            counts[ch] = counts.get(ch, 0) + 1
    total = sum(counts.values())
    if total < _JUDGE_MIN:
        return True
    good = sum(n for ch, n in counts.items() if _everyday(ch))
    return good >= _PLAUSIBLE_SHARE * total


def _everyday(ch: str) -> bool:
    code = ord(ch)
    if any(lo <= code <= hi for lo, hi in _ODD_RANGES):
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes fill one byte of most pairs, as in UTF-16 text of
    Latin letters and digits (Windows 'Unicode text' exports); None otherwise."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    odd = sample[1 : pairs * 2 : 2].count(0)
    even = sample[0 : pairs * 2 : 2].count(0)
    if odd >= pairs * 0.3 and even * 4 < odd:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd * 4 < even:
        return "utf-16-be"
    return None


# Control characters but tab, line feed, form feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _binary_text(text: str) -> bool:
    """True when decoded text holds NUL or other control characters: a binary file, not a table."""
    return _CONTROL.search(text, 0, 65536) is not None or "\x00" in text


def sniff_delimiter(text: str) -> str:
    """The field delimiter: comma, tab or semicolon (comma when the sample does not tell)."""
    try:
        return csv.Sniffer().sniff(text[:20000], delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def load_csv_text(path: Path, display: str, *, verify: bool = False) -> CsvText:
    """The CSV as UTF-8 bytes (the file's own bytes when it is UTF-8 already) and its delimiter.

    A file whose first 64 KiB are UTF-8 is passed on as it is, unverified beyond them unless ``verify``:
    the parser refuses invalid UTF-8 further on, and the caller then asks again with ``verify``, which
    decodes the whole file (GB18030 text with an ASCII head).
    """
    with path.open("rb") as fh:  # read-only
        data = fh.read()
    if not verify:
        head = _utf8_head(data)
        if head is not None and not _binary_text(head) and b"\x00" not in data:
            return CsvText(data, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", sniff_delimiter(head))
    text, encoding = decode_csv(path, display)
    delimiter = sniff_delimiter(text)
    if encoding in ("utf-8", "utf-8-sig"):
        return CsvText(data, encoding, delimiter)
    return CsvText(text.encode("utf-8"), encoding, delimiter)


def _utf8_head(data: bytes) -> str | None:
    """The first 64 KiB as text when they are UTF-8 (a character cut at the end allowed), else None."""
    head = data[3:65539] if data.startswith(b"\xef\xbb\xbf") else data[:65536]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(head) >= 65533:
            return head[: exc.start].decode("utf-8")
        return None


class _NotUtf8(Exception):
    """The parser met bytes that are not UTF-8 past the head that was."""


@dataclass
class CsvColumns:
    """Every field of a CSV as text columns: position i of each column is record i (0-based)."""

    columns: list[Any]  # pyarrow string arrays, one per field position
    nrows: int
    encoding: str
    complete: bool = True  # False when ``nrows`` stopped the read before the end


def read_csv_columns(path: Path, display: str, nrows: int | None = None) -> CsvColumns:
    """Parse a CSV into text columns (records numbered as users count them; see the module's note).

    ``nrows`` reads only the first records. Raises :class:`Unreadable` for a file that is not a CSV table.
    """
    limit = None if nrows is None else nrows + 1
    try:
        source, table = _read(path, display, limit, verify=False)
    except _NotUtf8:
        source, table = _read(path, display, limit, verify=True)
    if table is None:
        return CsvColumns([], 0, source.encoding)
    complete = nrows is None or table.num_rows <= nrows
    if not complete:
        table = table.slice(0, nrows)
    columns = [table.column(i).combine_chunks() for i in range(table.num_columns)]
    return CsvColumns(columns, table.num_rows, source.encoding, complete)


def _read(path: Path, display: str, limit: int | None, *, verify: bool) -> tuple[CsvText, Any]:
    source = load_csv_text(path, display, verify=verify)
    data = _with_blank_records(source.data, source.delimiter)
    if not data or data.isspace():  # (strip() would copy the whole file to find out)
        return source, None
    check_record_lengths(data, display)
    # The plain parse takes every record as wide as the first or none; the strict one the head's widest.
    table = _plain_parse(data, source.delimiter, _fields_in_first_line(data, source.delimiter)) if limit is None else None
    if table is None:
        with _parser_input(path, source, data) as target:
            table = _parse(target, source.delimiter, _fields_in_head(data, source.delimiter), limit, strict=True)
            if table is None:  # a record wider than the head's, or a stray quote: the lenient parse
                table = _parse(target, source.delimiter, _fields_upper_bound(data, source.delimiter, display), limit, strict=False)
    check_field_lengths(table, display)
    return source, table


def check_record_lengths(data: bytes, display: str) -> None:
    """Refuse a CSV with a line (record) longer than :data:`MAX_LINE_BYTES`, naming the line. Lines end at
    line feeds outside quotes (at carriage returns in a file with no line feed at all)."""
    import numpy as np

    newline = line_break(data)
    if _lines_short(data, newline):
        return
    a = np.frombuffer(data, dtype=np.uint8)
    starts = _record_starts(a, newline)
    lengths = np.diff(np.append(starts, len(a)))
    if len(lengths) == 0 or int(lengths.max()) <= MAX_LINE_BYTES:
        return
    at = int(lengths.argmax())
    raise Unreadable(
        f"{display}：第 {at + 1:,} 行有 {int(lengths[at]):,} 字节，超过每行 {MAX_LINE_BYTES // 1024:,} KiB 的上限，不是正常的表格"
        "（常见原因：文件已损坏，或某个引号没有配对，使后面的内容都连成了一行）。请检查该行，或在 Excel/WPS 中打开后另存为 .xlsx 再检查。",
        f"{display}: line {at + 1:,} has {int(lengths[at]):,} bytes, above the limit of {MAX_LINE_BYTES // 1024:,} KiB per line, so this is not an ordinary table "
        "(the file may be damaged, or a quote left unpaired joined everything after it into one line); check that line, or save the file as .xlsx in Excel/WPS.",
    )


def _lines_short(data: bytes, newline: int) -> bool:
    """True when ``data`` holds no quote and no line longer than :data:`MAX_LINE_BYTES` — found without
    looking at every line: a line that long would contain a whole one of the aligned blocks of half that
    size, so a line break in each block is enough (a few dozen searches of a file's bytes instead of an
    array of every line break: 10–15 ms a 100k-row file). False means: look line by line."""
    if b'"' in data:  # a line break inside quotes ends no record
        return False
    half, mark = MAX_LINE_BYTES // 2, bytes([newline])
    return all(data.find(mark, start, start + half) >= 0 for start in range(0, len(data) - half, half))


def check_field_lengths(table: Any, display: str) -> None:
    """Refuse a CSV with a field longer than Excel's :data:`MAX_FIELD_CHARS` characters, naming its cell."""
    import pyarrow.compute as pc

    from zjcredit.io.cells import column_letter

    if table is None:
        return
    for i in range(table.num_columns):
        if (pc.max(pc.binary_length(table.column(i))).as_py() or 0) <= MAX_FIELD_CHARS:
            continue  # no more bytes than the limit, so no more characters either
        lengths = pc.utf8_length(table.column(i))
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_FIELD_CHARS:
            row = pc.index(lengths, longest).as_py()
            cell = f"{column_letter(i)}{row + 1}"
            raise Unreadable(
                f"{display}：单元格 {cell}（第 {row + 1:,} 行）有 {longest:,} 个字符，超过 Excel 每个单元格 {MAX_FIELD_CHARS:,} 个字符的上限。"
                "请检查该单元格是否损坏，或删去多余的内容后再检查。",
                f"{display}: cell {cell} (line {row + 1:,}) holds {longest:,} characters, above Excel's limit of {MAX_FIELD_CHARS:,} per cell; "
                "check whether it is damaged, or remove the excess, and check again.",
            )


@contextlib.contextmanager
def _parser_input(path: Path, source: CsvText, data: bytes) -> Iterator[Path]:
    """The file the parser reads: the input itself when its bytes are what the parser needs, else a
    private temporary copy (removed afterwards, also on errors and Ctrl-C)."""
    if data is source.data and source.encoding in ("utf-8", "utf-8-sig"):
        yield path
        return
    from zjcredit.io.isolate import scratch_dir

    folder = scratch_dir(len(data))
    try:
        target = Path(folder) / "input.csv"
        target.write_bytes(data)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def line_break(data: bytes) -> int:
    """The byte that ends lines: a line feed, or a carriage return in a file without line feeds (old Mac)."""
    return 0x0A if b"\n" in data or b"\r" not in data else 0x0D


def _record_starts(a: Any, newline: int = 0x0A) -> Any:
    """Offsets where records start: after each line break preceded by an even number of quotes."""
    import numpy as np

    newlines = np.flatnonzero(a == newline)
    quotes = np.flatnonzero(a == 0x22)
    ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0] if len(quotes) else newlines
    starts = np.concatenate([[0], ends + 1])
    return starts[starts < len(a)]


_BLANK_LINE = re.compile(rb"\n\r?\n")  # one pass (`b"\n\n" in data` twice took three times as long)


def _with_blank_records(data: bytes, delimiter: str) -> bytes:
    """``data`` with every blank line outside quotes given one empty field, so that the parser keeps it
    as a record; ``data`` itself when there is none."""
    import numpy as np

    if _BLANK_LINE.search(data) is None and not data.startswith((b"\n", b"\r\n")):
        return data
    a = np.frombuffer(data, dtype=np.uint8)
    starts = _record_starts(a)
    first = a[starts]
    second = a[np.minimum(starts + 1, len(a) - 1)]
    blank = starts[(first == 0x0A) | ((first == 0x0D) & (second == 0x0A))]
    if not len(blank):
        return data
    pieces, prev, mark = [], 0, delimiter.encode()
    for pos in blank.tolist():
        pieces += [data[prev:pos], mark]
        prev = pos
    pieces.append(data[prev:])
    return b"".join(pieces)


HEAD_BYTES = 1 << 20


def _fields_in_head(data: bytes, delimiter: str) -> int:
    """Fields of the widest record in the first MiB: the strict parse's guess (it refuses a wider one)."""
    return _widest(data[:HEAD_BYTES], delimiter)


def _fields_in_first_line(data: bytes, delimiter: str) -> int:
    """Fields of the first line, quotes not minded (what :func:`_plain_parse` needs: it takes no quotes)."""
    end = data.find(b"\n")
    return data.count(delimiter.encode(), 0, end if end >= 0 else len(data)) + 1


def _fields_upper_bound(data: bytes, delimiter: str, display: str) -> int:
    """Fields of the widest record anywhere (delimiters inside quotes counted too: an upper bound)."""
    width = _widest(data, delimiter)
    if width > MAX_FIELDS:
        raise Unreadable(
            f"{display}：CSV 中有一行超过 {MAX_FIELDS:,} 个字段（Excel 的列数上限），不是正常的表格。请检查文件是否损坏，或在 Excel/WPS 中打开后另存为 .xlsx。",
            f"{display}: a CSV line has more than {MAX_FIELDS:,} fields (Excel's column limit), so it is not an ordinary table; check whether the file is damaged, or save it as .xlsx in Excel/WPS.",
        )
    return width


def _widest(data: bytes, delimiter: str) -> int:
    import numpy as np

    a = np.frombuffer(data, dtype=np.uint8)
    if len(a) == 0:
        return 1
    is_delim = (a == ord(delimiter)).view(np.uint8)
    return int(np.add.reduceat(is_delim, _record_starts(a, line_break(data)), dtype=np.int64).max()) + 1


def _parse(path: Path, delimiter: str, width: int, limit: int | None, *, strict: bool) -> Any:
    """DuckDB's parse as an Arrow table; None when the strict parse refuses the file."""
    import duckdb

    options: dict[str, Any] = {
        "header": False, "all_varchar": True, "null_padding": True, "sep": delimiter, "quotechar": '"', "escapechar": '"',
        "columns": {f"c{i}": "VARCHAR" for i in range(min(width, MAX_FIELDS))}, "strict_mode": strict, "auto_detect": False,
        "max_line_size": 4 * MAX_LINE_BYTES,  # above our own limit, so that no line we accept is dropped
    }
    con = _parser_connection()
    for parallel in (True, False):
        try:
            rel = con.read_csv(str(path), parallel=parallel, **options)
            return (rel.limit(limit) if limit is not None else rel).to_arrow_table()
        except duckdb.Error as exc:
            if "interrupted" in str(exc).lower():  # DuckDB turned Ctrl-C or SIGTERM into an error
                raise KeyboardInterrupt from None
            if "unicode" in str(exc).lower():
                raise _NotUtf8 from None
            if parallel and "parallel" in str(exc).lower():
                continue  # quoted line breaks in padded records need the serial reader
            if strict:
                return None
            raise
    return None  # pragma: no cover


def _plain_parse(data: bytes, delimiter: str, width: int) -> Any:
    """The table DuckDB's parse gives, made by pyarrow's CSV reader at half the CPU — for a CSV that
    needs none of the rules where parsers differ: no quote character at all, line breaks that are line
    feeds (CR LF too), no BOM, and every record exactly ``width`` fields, at least two. ``data`` is as
    :func:`_with_blank_records` leaves it (a blank line made a record). None for any other CSV (DuckDB
    parses it), and for bytes that are not UTF-8. A property test holds the two parsers to the same table."""
    if width < 2 or b'"' in data or data.startswith(b"\xef\xbb\xbf") or not _uniform_line_breaks(data):
        return None
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(width)]
    try:
        return pcsv.read_csv(
            pa.BufferReader(data),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char=False, escape_char=False, newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[""], strings_can_be_null=True, check_utf8=True),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a record of another width, not UTF-8 …: DuckDB's parse says
        return None


_LINE_BREAK_BLOCK = 1 << 18  # bytes compared at a time


def _uniform_line_breaks(data: bytes) -> bool:
    """Every line break the same: line feeds alone, or CR LF throughout (no carriage return elsewhere).
    Then each byte is a carriage return exactly when the next is a line feed: compared a block at a time
    into two reused buffers (whole-file temporaries took three times as long)."""
    if b"\r" not in data:
        return True
    import numpy as np

    a = np.frombuffer(data, dtype=np.uint8)
    if a[0] == 0x0A or a[-1] == 0x0D:
        return False
    returns, feeds = np.empty(_LINE_BREAK_BLOCK, dtype=bool), np.empty(_LINE_BREAK_BLOCK, dtype=bool)
    for start in range(0, len(a) - 1, _LINE_BREAK_BLOCK):
        end = min(len(a) - 1, start + _LINE_BREAK_BLOCK)
        r, f = returns[: end - start], feeds[: end - start]
        if not np.array_equal(np.equal(a[start:end], 0x0D, out=r), np.equal(a[start + 1 : end + 1], 0x0A, out=f)):
            return False
    return True


_parsers = threading.local()


def _parser_connection() -> Any:
    """This thread's in-memory DuckDB for parsing (opening one took 20–50 ms, a tenth of a 100k-row file's
    read); one per thread and process, as a connection is not shared between threads."""
    import duckdb

    con, pid = getattr(_parsers, "con", (None, None))
    if con is None or pid != os.getpid():
        con = duckdb.connect()
        _parsers.con = (con, os.getpid())
    return con


def csv_rows(columns: CsvColumns) -> list[list[Any]]:
    """The records of :func:`read_csv_columns` as rows of values (None for an empty field), trailing
    empty records dropped."""
    lists = [c.to_pylist() for c in columns.columns]
    rows = [list(r) for r in zip(*lists)] if lists else []
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return rows


def parse_csv(text: str) -> list[list[Any]]:
    """Rows of CSV text, cells exactly as written, "" for an empty field: for reading back what zjcredit
    wrote (its findings CSV) and for tests."""
    import io

    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
