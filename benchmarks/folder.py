"""Time `zjcredit outcomes check` on a folder of outcome sheets against bare fastexcel reads of the same files.

    python benchmarks/folder.py                    # 20 sheets of 50,000 rows (1,000,000 in all), 3 alternated runs
    python benchmarks/folder.py --files 40 --rows 25000 --repeat 5

A quarter's outcomes usually arrive as many school files rather than one sheet. The files are cut from one
generated outcome table (one catalog for all, learners spread over the files as schools would send them)
into ``benchmarks/data/folder_<files>x<rows>/`` when missing. Each measurement runs in a fresh process:

- **bare reads**: one Python process looping ``fastexcel.read_excel(f).load_sheet(0, header_row=1).to_pandas()``
  over the files;
- **zjcredit**: ``zjcredit outcomes check FOLDER --catalog CATALOG --format json`` end to end.

Prints wall times, the child's peak RSS and the ratio of medians. Nothing here runs under pytest.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path

from run import BIN, DATA, PY, in_child, measure

import generate_outcomes as G

BARE_LOOP = "import sys, fastexcel\nfor f in sys.argv[1:]: fastexcel.read_excel(f).load_sheet(0, header_row=1).to_pandas()"


def ensure_folder(files: int, rows: int) -> tuple[Path, Path]:
    folder = DATA / f"folder_{files}x{rows}"
    catalog = DATA / f"folder_{files}x{rows}_catalog.xlsx"
    if not (folder.is_dir() and catalog.exists() and len(list(folder.glob("*.xlsx"))) == files):
        print(f"generating {folder} …", file=sys.stderr)
        in_child(_generate, folder, catalog, files, rows)
    return folder, catalog


def _generate(folder: Path, catalog: Path, files: int, rows: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20190505)
    projects = G.make_catalog(rng, files * rows)
    data = G.generate_rows(rng, files * rows, projects, 0.0005)
    G.write_catalog(catalog, projects)
    for k in range(files):
        part = data[k * rows : (k + 1) * rows]
        for i, row in enumerate(part):
            row[0] = i + 1
        G.write_xlsx(folder / f"成果_{k:03d}.xlsx", "学习成果", part)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--rows", type=int, default=50_000, help="rows per file")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    folder, catalog = ensure_folder(args.files, args.rows)
    sheets = [str(p) for p in sorted(folder.glob("*.xlsx"))]
    print(f"{args.files} files × {args.rows:,} rows", file=sys.stderr)
    bare, ours = [], []
    for _ in range(args.repeat):
        bare.append(measure([PY, "-c", BARE_LOOP, *sheets], "bare fastexcel reads, one process"))
        ours.append(measure([str(BIN / "zjcredit"), "outcomes", "check", str(folder), "--catalog", str(catalog), "--format", "json"], "zjcredit outcomes check"))
    b = statistics.median(float(m["wall"]) for m in bare)
    z = statistics.median(float(m["wall"]) for m in ours)
    print("\n| files × rows | bare reads (median) | zjcredit (median) | ratio | peak RSS (zjcredit) |\n|---:|---:|---:|---:|---:|")
    print(f"| {args.files} × {args.rows:,} | {b:.1f} s | {z:.1f} s | {z / b:.2f} | {max(float(m['rss']) for m in ours):,.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
