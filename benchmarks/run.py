"""Time `zjcredit outcomes check` against a bare fastexcel read and against `frictionless validate`.

    python benchmarks/run.py                       # 100,000 and 1,000,000 rows, frictionless at 100,000
    python benchmarks/run.py --sizes 100000 --skip-frictionless

Each measurement runs in a fresh child process, one after the other, and reports wall time and the
child's own peak RSS (``os.wait4``). Sheets and catalogs are generated into ``benchmarks/data/`` when
missing (``generate_outcomes.py``). Prints a Markdown table; nothing here runs under pytest.

- **bare read**: ``fastexcel.read_excel(f).load_sheet(0, header_row=1).to_pandas()`` — the floor any
  check that reads the file with fastexcel stands on;
- **safety preflight**: ``zjcredit.io.guard.preflight`` alone (zip-bomb and XML guards every reader runs
  first), shown so the cost of reading, guarding and checking can be told apart;
- **zjcredit**: ``zjcredit outcomes check FILE --catalog CATALOG --format json`` end to end (the JSON
  report goes to /dev/null);
- **frictionless**: ``frictionless validate`` with a Table Schema of what it can express (required
  fields, patterns for ID and phone, enums of the catalog's codes and the result grades, a primary key on
  ID + course for duplicates).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PY = sys.executable
BIN = Path(PY).parent


def compiled() -> None:
    """zjcredit's modules compiled to bytecode once, as ``pip install`` does: with PYTHONDONTWRITEBYTECODE
    set (some sandboxes and CI images set it) an editable install would otherwise compile them again in
    every measured run (about 0.1 s of each)."""
    subprocess.run([PY, "-c", "import compileall, pathlib, zjcredit; compileall.compile_dir(pathlib.Path(zjcredit.__file__).parent, quiet=1)"], check=True)


def measure(cmd: list[str], label: str) -> dict[str, object]:
    """Run ``cmd`` once; wall seconds, peak RSS of that child (MiB) and exit status."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    rss_mib = usage.ru_maxrss / 1024  # Linux: KiB
    print(f"  {label}: {wall:.2f} s, {rss_mib:,.0f} MiB, exit {code}", file=sys.stderr)
    if code not in (0, 1):
        print(stderr[-2000:], file=sys.stderr)
    return {"label": label, "wall": wall, "rss": rss_mib, "exit": code}


def in_child(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` in a forked child process, its result returned. Generated data is made (and a
    store grown) there: a child measured later inherits its parent's resident memory at the fork (Linux counts it
    in the child's peak RSS across ``exec``), so the parent must stay small for ``os.wait4``'s figure to
    be the measured command's own."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        return pool.submit(fn, *args).result()


def ensure_data(rows: int) -> tuple[Path, Path]:
    sheet = DATA / f"outcomes_{rows}.xlsx"
    catalog = DATA / f"outcomes_{rows}_catalog.xlsx"
    if not sheet.exists() or not catalog.exists():
        print(f"generating {sheet} …", file=sys.stderr)
        subprocess.run([PY, str(HERE / "generate_outcomes.py"), "--rows", str(rows), "-o", str(sheet), "--catalog", str(catalog)], check=True)
    return sheet, catalog


def frictionless_schema(catalog: Path, target: Path) -> Path:
    """A Table Schema with every rule frictionless can express for an outcome sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(catalog, read_only=True)
    projects = sorted({str(r[0]) for r in wb["项目目录"].iter_rows(min_row=2, values_only=True) if r[0]})
    courses = sorted({str(r[0]) for r in wb["课程目录"].iter_rows(min_row=2, values_only=True) if r[0]})
    orgs = sorted({str(r[11]) for r in wb["项目目录"].iter_rows(min_row=2, values_only=True) if r[11]})
    wb.close()
    schema = {
        "fields": [
            {"name": "序号", "type": "integer"},
            {"name": "姓名", "type": "string", "constraints": {"required": True}},
            {"name": "身份证号", "type": "string", "constraints": {"required": True, "pattern": r"[1-8]\d{5}(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]"}},
            {"name": "联系电话", "type": "string", "constraints": {"required": True, "pattern": r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}"}},
            {"name": "机构代码", "type": "string", "constraints": {"required": True, "enum": orgs}},
            {"name": "项目编码", "type": "string", "constraints": {"required": True, "enum": projects}},
            {"name": "课程编码", "type": "string", "constraints": {"required": True, "enum": courses}},
            {"name": "学时数", "type": "number", "constraints": {"required": True, "minimum": 0.5}},
            {"name": "考核结果", "type": "string", "constraints": {"required": True, "pattern": r"合格|不合格|优秀|良好|中等|及格|\d{1,2}(\.\d+)?|100"}},
            {"name": "完成日期", "type": "any", "constraints": {"required": True}},
            {"name": "成果形式", "type": "string"},
            {"name": "备注", "type": "string"},
        ],
        "primaryKey": ["身份证号", "课程编码"],
    }
    target.write_text(json.dumps(schema, ensure_ascii=False, indent=2), "utf-8")
    return target


BARE = "import sys, fastexcel; fastexcel.read_excel(sys.argv[1]).load_sheet(0, header_row=1).to_pandas()"
PREFLIGHT = "import sys; from pathlib import Path; from zjcredit.io import guard; guard.preflight(Path(sys.argv[1]), sys.argv[1])"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3, help="runs of the bare read and of zjcredit, alternated; medians are reported")
    ap.add_argument("--frictionless-rows", type=int, default=100_000)
    ap.add_argument("--skip-frictionless", action="store_true")
    args = ap.parse_args(argv)
    compiled()
    zjcredit = str(BIN / "zjcredit")
    frictionless = str(BIN / "frictionless")
    results = []
    for rows in args.sizes:
        sheet, catalog = ensure_data(rows)
        print(f"{rows:,} rows ({sheet.stat().st_size / 2**20:.0f} MiB)", file=sys.stderr)
        guard = measure([PY, "-c", PREFLIGHT, str(sheet)], "safety preflight")
        bares, ours = [], []
        # Alternate the two so that both see the same machine conditions; this machine's read time alone
        # varies by ±25 % from run to run, so a single pair says little.
        for _ in range(max(1, args.repeat)):
            bares.append(measure([PY, "-c", BARE, str(sheet)], "bare fastexcel → pandas"))
            ours.append(measure([zjcredit, "outcomes", "check", str(sheet), "--catalog", str(catalog), "--format", "json"], "zjcredit outcomes check"))
        fl = None
        if rows == args.frictionless_rows and not args.skip_frictionless:
            if not Path(frictionless).exists():
                print("  frictionless not installed (pip install -e '.[bench]'): skipped", file=sys.stderr)
            else:
                schema = frictionless_schema(catalog, DATA / f"schema_{rows}.json")
                fl = measure([frictionless, "validate", str(sheet), "--schema", str(schema), "--header-rows", "2", "--limit-errors", "100000000", "--trusted"], "frictionless validate")
        results.append((rows, bares, guard, ours, fl))

    print()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}; medians of {max(1, args.repeat)} alternated runs.")
    print()
    print("| rows | bare fastexcel read | zjcredit outcomes check | ratio of medians | ratio range (per pair) | safety preflight alone | peak RSS (zjcredit) | peak RSS (bare read) | frictionless validate | zjcredit speed-up |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows, bares, guard, ours, fl in results:
        b = statistics.median(float(m["wall"]) for m in bares)
        o = statistics.median(float(m["wall"]) for m in ours)
        pairs = [float(x["wall"]) / float(y["wall"]) for x, y in zip(ours, bares)]
        fl_text = f"{fl['wall']:.1f} s" if fl else "—"
        speed = f"{float(fl['wall']) / o:.1f} ×" if fl else "—"
        rss_ours = max(float(m["rss"]) for m in ours)
        rss_bare = max(float(m["rss"]) for m in bares)
        print(
            f"| {rows:,} | {b:.1f} s | {o:.1f} s | {o / b:.2f} | {min(pairs):.2f}–{max(pairs):.2f} | {float(guard['wall']):.1f} s | {rss_ours:,.0f} MiB | {rss_bare:,.0f} MiB | {fl_text} | {speed} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
