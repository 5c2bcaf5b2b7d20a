"""Hostile and broken inputs: exit 2, rule `unreadable`, a sentence naming the file, no traceback, and
the input's bytes and modification time unchanged. Every file is built here; nothing binary is committed."""

from __future__ import annotations

import importlib.util
import io
import json
import random
import struct
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zjcredit.io import guard as safety
from zjcredit.io.guard import archive, sniff
from zjcredit.cli import app

runner = CliRunner()

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>项目名称</t></is></c></row>'


def xlsx_bytes(sheet_xml: str | bytes, *, workbook: str = WORKBOOK, extra: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def sheet(rows: str) -> str:
    return SHEET_HEAD + rows + SHEET_TAIL


def openpyxl_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "项目名称", "项目类别"])
    for i in range(1, 40):
        ws.append([i, f"项目{i}" * 5, "企业职工培训"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def patch_sizes(data: bytes, member: str, *, central: int | None = None, local: int | None = None) -> bytes:
    """Rewrite the declared uncompressed size of ``member`` in the central directory and/or local header."""
    out = bytearray(data)
    name = member.encode()
    if central is not None:
        i = out.find(b"PK\x01\x02" + b"\x00" * 0)
        while i >= 0:
            name_len = struct.unpack("<H", out[i + 28 : i + 30])[0]
            if out[i + 46 : i + 46 + name_len] == name:
                out[i + 24 : i + 28] = struct.pack("<I", central)
            i = out.find(b"PK\x01\x02", i + 4)
    if local is not None:
        i = out.find(b"PK\x03\x04")
        while i >= 0:
            name_len = struct.unpack("<H", out[i + 26 : i + 28])[0]
            if out[i + 30 : i + 30 + name_len] == name:
                out[i + 22 : i + 26] = struct.pack("<I", local)
            i = out.find(b"PK\x03\x04", i + 4)
    return bytes(out)


def corrupt_member(data: bytes, member: str) -> bytes:
    """Flip bytes in the middle of ``member``'s compressed data."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    out = bytearray(data)
    for k in range(start + info.compress_size // 3, start + info.compress_size // 3 + 8):
        out[k] ^= 0xA5
    return bytes(out)


def bomb_xlsx() -> bytes:
    # 40 MiB of blanks inside the sheet compress ~1000:1 into a file of about 40 KiB.
    return xlsx_bytes((SHEET_HEAD + HEADER_ROW).encode() + b" " * (40 * 1024 * 1024) + SHEET_TAIL.encode(), level=9)


def lying_bomb_xlsx() -> bytes:
    # The same blanks, but the part claims (in both headers) to be 1 MiB: the declared ratio looks normal.
    data = xlsx_bytes((SHEET_HEAD + HEADER_ROW).encode() + b" " * (8 * 1024 * 1024) + SHEET_TAIL.encode(), level=9)
    return patch_sizes(data, "xl/worksheets/sheet1.xml", central=1024 * 1024, local=1024 * 1024)


def encrypted_xlsx() -> bytes:
    msoffcrypto = pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool (test extra) builds a real encrypted workbook")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(openpyxl_bytes())).encrypt("secret", out)
    assert msoffcrypto is not None
    return out.getvalue()


def chart_only_xlsx() -> bytes:
    import openpyxl
    from openpyxl.chart import BarChart

    wb = openpyxl.Workbook()
    cs = wb.create_chartsheet("图表")
    cs.add_chart(BarChart())
    wb.remove(wb.active if wb.active.title != "图表" else wb.worksheets[0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)
XXE_WORKBOOK = WORKBOOK.replace(
    '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
).replace('name="S"', 'name="&xxe;"')
HIDDEN_DOCTYPE = '<?xml version="1.0"?><!--' + "x" * 9000 + '--><!DOCTYPE w [<!ENTITY a "b">]>' + sheet(HEADER_ROW)[len('<?xml version="1.0" encoding="UTF-8"?>') :]


def many_parts_xlsx() -> bytes:
    return xlsx_bytes(sheet(HEADER_ROW), extra={f"xl/media/p{i}.xml": b"<a/>" for i in range(safety.MAX_ENTRIES + 1)}, level=1)


HTML_TABLE = "<html><head><meta charset='utf-8'></head><body><table><tr><td>序号</td><td>项目名称</td></tr></table></body></html>"
SPREADSHEET_2003 = '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'

# name → (file name, builder, words the message must contain)
HOSTILE: dict[str, tuple[str, object, tuple[str, ...]]] = {
    "empty": ("空文件.xlsx", lambda: b"", ("空",)),
    "empty-csv": ("empty.csv", lambda: b"", ("空",)),
    "random-bytes": ("random.xlsx", lambda: random.Random(5).randbytes(5000), ("不是 Excel 工作簿",)),
    "csv-named-xlsx": ("csv.xlsx", lambda: "序号,项目名称\n1,电商培训\n".encode(), ("文本文件", ".csv")),
    "html-named-xlsx": ("page.xlsx", lambda: HTML_TABLE.encode(), ("HTML", "另存为")),
    "html-named-xls": ("export.xls", lambda: HTML_TABLE.encode(), ("HTML", "另存为")),
    "xml2003-named-xls": ("export2003.xls", lambda: SPREADSHEET_2003.encode(), ("XML",)),
    "xlsx-named-xls": ("real-xlsx.xls", openpyxl_bytes, (".xlsx",)),
    "xls-named-xlsx": ("real-xls.xlsx", lambda: sniff.OLE_MAGIC + bytes(2000), (".xls",)),
    "xlsx-named-csv": ("book.csv", openpyxl_bytes, (".xlsx",)),
    "truncated-zip": ("truncated.xlsx", lambda: openpyxl_bytes()[:3000], ("损坏",)),
    "corrupt-part": ("corrupt.xlsx", lambda: corrupt_member(openpyxl_bytes(), "xl/worksheets/sheet1.xml"), ("损坏",)),
    "word-document": ("doc.xlsx", lambda: _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}), ("Word",)),
    "password": ("加密.xlsx", encrypted_xlsx, ("密码",)),
    "no-sheets": ("nosheets.xlsx", lambda: xlsx_bytes(sheet(""), workbook=WORKBOOK.replace('<sheet name="S" sheetId="1" r:id="rId1"/>', "")), ("工作表",)),
    "chart-only": ("chart.xlsx", chart_only_xlsx, ("工作表",)),
    "zip-bomb-declared": ("bomb1.xlsx", lambda: patch_sizes(xlsx_bytes(sheet(HEADER_ROW)), "xl/worksheets/sheet1.xml", central=3 * 1024**3), ("压缩炸弹",)),
    "zip-bomb-ratio": ("bomb2.xlsx", bomb_xlsx, ("压缩比",)),
    "zip-bomb-lying": ("bomb3.xlsx", lying_bomb_xlsx, ("超过其声明",)),
    "too-many-parts": ("parts.xlsx", many_parts_xlsx, ("部件",)),
    "billion-laughs": ("laughs.xlsx", lambda: xlsx_bytes(BILLION_LAUGHS), ("DOCTYPE",)),
    "xxe": ("xxe.xlsx", lambda: xlsx_bytes(sheet(HEADER_ROW), workbook=XXE_WORKBOOK), ("DOCTYPE",)),
    "doctype-after-long-comment": ("hidden.xlsx", lambda: xlsx_bytes(HIDDEN_DOCTYPE), ("DOCTYPE",)),
    "far-cell": ("far.xlsx", lambda: xlsx_bytes(sheet(HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')), ("XFD1048576", "30,000,000")),
    "far-cell-lowercase": ("farlow.xlsx", lambda: xlsx_bytes(sheet(HEADER_ROW + '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>')), ("XFD1048576",)),
    "row-of-cells-without-ref": (
        "wide.xlsx",
        lambda: xlsx_bytes(sheet('<row r="1">' + "<c><v>1</v></c>" * 300 + '</row><row r="1048576"><c r="A1048576"><v>1</v></c></row>')),
        ("1,048,576",),
    ),
    "beyond-excel-grid": ("grid.xlsx", lambda: xlsx_bytes(sheet(HEADER_ROW + '<row r="99999999"><c r="A99999999"><v>1</v></c></row>')), ("Excel",)),
    "binary-csv": ("junk.csv", lambda: b"\x00\x01\x02name\x00,\x00x" * 50, ("不是文本",)),
    "unknown-encoding-csv": ("enc.csv", lambda: b"\x80\x81\xff\xfe,\xff\n" * 10, ("UTF-8", "GB18030")),
}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def build(tmp_path: Path, case: str) -> Path:
    name, builder, _ = HOSTILE[case]
    path = tmp_path / name
    path.write_bytes(builder())  # type: ignore[operator]
    return path


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def assert_unreadable(result: object, path: Path, words: tuple[str, ...]) -> dict:
    output = result.output  # type: ignore[attr-defined]
    assert "Traceback" not in output
    assert result.exit_code == 2, output  # type: ignore[attr-defined]
    doc = json.loads(result.stdout)  # type: ignore[attr-defined]
    rules = [f["rule"] for f in doc["findings"]]
    assert rules == ["unreadable"], rules
    message = doc["findings"][0]["message"]
    assert path.name in message
    for word in words:
        assert word in message, message
    return doc


def has_outcomes() -> bool:
    return importlib.util.find_spec("zjcredit.documents.outcomes.check") is not None


def tiny_catalog(tmp_path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目目录"
    ws.append(["项目编码", "项目名称", "项目类别", "培训对象", "学时数", "申报单位", "机构代码"])
    ws.append(["330106-2019H1-001", "电商培训", "电商营销培训", "农村劳动力", 16, "西湖区成人学校", "ZJ0001"])
    wc = wb.create_sheet("课程目录")
    wc.append(["课程编码", "项目编码", "课程名称", "学时"])
    wc.append(["330106-2019H1-001-01", "330106-2019H1-001", "电商基础", 16])
    path = tmp_path / "catalog" / "目录.xlsx"
    path.parent.mkdir()
    wb.save(path)
    return path


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_validate_refuses_hostile_file(tmp_path: Path, case: str) -> None:
    path = build(tmp_path, case)
    before = fingerprint(path)
    started = time.monotonic()
    result = runner.invoke(app, ["validate", str(path), "--format", "json"])
    assert time.monotonic() - started < 10
    assert_unreadable(result, path, HOSTILE[case][2])
    assert fingerprint(path) == before


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_outcomes_check_refuses_hostile_file(tmp_path: Path, case: str) -> None:
    if not has_outcomes():
        pytest.skip("zjcredit.documents.outcomes.check (the `outcomes check` command) is not in this tree yet")
    path = build(tmp_path, case)
    catalog = tiny_catalog(tmp_path)
    before = fingerprint(path)
    result = runner.invoke(app, ["outcomes", "check", str(path), "--catalog", str(catalog), "--format", "json"])
    assert_unreadable(result, path, HOSTILE[case][2])
    assert fingerprint(path) == before


def test_english_message_names_file(tmp_path: Path) -> None:
    path = build(tmp_path, "html-named-xls")
    result = runner.invoke(app, ["validate", str(path), "--format", "json", "--lang", "en"])
    assert result.exit_code == 2
    message = json.loads(result.stdout)["findings"][0]["message"]
    assert message.startswith(str(path)) and "web page (HTML)" in message and "Save as" in message


def test_openpyxl_parses_through_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


def test_prolog_scanner() -> None:
    assert safety.xml_prolog_verdict(b'<?xml version="1.0"?>\n<!-- c --><worksheet>') == "ok"
    assert safety.xml_prolog_verdict(b'\xef\xbb\xbf<?xml version="1.0"?><!DOCTYPE x><x/>') == "dtd"
    assert safety.xml_prolog_verdict('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16")) == "dtd"
    assert safety.xml_prolog_verdict(b"\x89PNG\r\n") == "binary"
    assert safety.xml_prolog_verdict(b"<?xml version=") == "more"


def test_cell_reference_scan() -> None:
    assert safety.scan_cell_refs(b'<row r="7"><c r="C7" t="s"/><c r="AB7"/></row>') == (7, 28)
    assert safety.scan_cell_refs(b'<a dir="5400000"/><c r="B2"/>') == (2, 2)  # only an attribute named r
    # A reference cut by the end of a chunk reads smaller, never larger.
    assert safety.scan_cell_refs(b'<c r="AB') == (0, 28)


def test_one_unreadable_file_in_fifty(tmp_path: Path) -> None:
    from zjcredit.templates import write_template

    folder = tmp_path / "in"
    folder.mkdir()
    template = write_template("annex1", tmp_path / "annex1.xlsx", force=False)
    data = template.read_bytes()
    for i in range(49):
        (folder / f"{i:02d}-汇总表.xlsx").write_bytes(data)
    (folder / "25-坏文件.xlsx").write_bytes(b"not a workbook at all")
    result = runner.invoke(app, ["validate", str(folder), "--format", "json"])
    assert "Traceback" not in result.output
    assert result.exit_code == 2, result.output
    assert result.stdout.strip(), result.output
    doc = json.loads(result.stdout)
    assert len(doc["files"]) == 50
    bad = [f for f in doc["files"] if f["path"].endswith("25-坏文件.xlsx")]
    assert len(bad) == 1 and bad[0]["errors"] == 1
    unreadable = [f["path"] for f in doc["findings"] if f["rule"] == "unreadable"]
    assert unreadable == [bad[0]["path"]]
    assert sum(1 for f in doc["files"] if f["kind"] == "annex1") == 49


def test_million_empty_formatted_rows_are_read_quickly(tmp_path: Path) -> None:
    """Whole-sheet formatting leaves 1,048,576 styled empty rows: read in seconds, trailing rows trimmed."""
    from zjcredit.io.readers import read_grid

    rows = "".join(f'<row r="{i}" s="1" customFormat="1"/>' for i in range(2, 1_048_577))
    path = tmp_path / "formatted.xlsx"
    path.write_bytes(xlsx_bytes(sheet(HEADER_ROW + rows), level=1))
    started = time.monotonic()
    grid = read_grid(path, path.name)
    elapsed = time.monotonic() - started
    assert grid.sheets[0].height == 1
    assert grid.sheets[0].rows[0][:2] == ["序号", "项目名称"]
    assert elapsed < 8, elapsed


def test_row_limit_is_enforced_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_ROWS", 10)
    csv_path = tmp_path / "long.csv"
    csv_path.write_text("序号,项目名称\n" + "".join(f"{i},项目{i}\n" for i in range(30)), encoding="utf-8")
    xlsx_path = tmp_path / "long.xlsx"
    xlsx_path.write_bytes(xlsx_bytes(sheet("".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 31)))))
    for path in (csv_path, xlsx_path):
        result = runner.invoke(app, ["validate", str(path), "--format", "json", "--kind", "annex1"])
        doc = assert_unreadable(result, path, ("超过上限 10 行",))
        assert doc["files"][0]["path"] == str(path)


def test_utf16_csv_without_bom_is_read(tmp_path: Path) -> None:
    from zjcredit.io.readers import read_grid

    path = tmp_path / "unicode.csv"
    path.write_bytes("序号,项目名称\r\n1,电商培训\r\n".encode("utf-16-le"))
    grid = read_grid(path, path.name)
    assert grid.encoding == "utf-16-le"
    assert grid.sheets[0].rows == [["序号", "项目名称"], ["1", "电商培训"]]


def test_preflight_verdict_is_cached_per_file_version(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(xlsx_bytes(sheet(HEADER_ROW)))
    safety.preflight(path, "x.xlsx")
    key = next(k for k in safety._CACHE if k[0] == str(path.resolve()))
    assert safety._CACHE[key] is None
    path.write_bytes(b"")  # a new version of the file is inspected again
    with pytest.raises(Exception, match="empty"):
        safety.preflight(path, "x.xlsx")


def _grid(xml: bytes, chunk: int) -> tuple[int, int]:
    scan = archive._PartScan("xl/worksheets/sheet1.xml", "t.xlsx")
    for start in range(0, len(xml), chunk):
        scan.feed(xml[start : start + chunk])
    scan.finish()
    return scan.max_row, scan.columns


def test_sheet_rectangle_does_not_depend_on_chunking() -> None:
    """Cells with an r attribute give the sheet's exact width however the inflated bytes are cut (a cut
    through a cell tag once counted every cell of the row as an extra column)."""
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>{r + c}</v></c>' for c in range(16)) + "</row>" for r in range(1, 61)
    )
    xml = sheet('<cols><col min="1" max="16" width="9"/></cols>' + body).encode()
    for chunk in (7, 61, 333, 4096, len(xml)):
        assert _grid(xml, chunk) == (60, 16), chunk
    # r not the first attribute is still an r.
    assert _grid(sheet('<row r="2"><c s="1" r="C2"><v>1</v></c></row>').encode(), 5) == (2, 3)


def test_cells_without_r_widen_the_sheet_however_cut() -> None:
    wide = sheet('<row r="1">' + "<c><v>1</v></c>" * 300 + '</row><row r="2"><c r="B2"/><c t="s"><v>0</v></c></row>').encode()
    for chunk in (3, 64, 1000, len(wide)):
        assert _grid(wide, chunk) == (2, 2 + 300), chunk
