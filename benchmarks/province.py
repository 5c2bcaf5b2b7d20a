"""The province's verification at scale: `zjcredit audit` of 3,000,000 outcome rows in 30 CSV files into a
new store, against a bare DuckDB `read_csv(..., all_varchar=true)` of the same files into a table of a
database file; then one more file of 100,000 rows audited into that store; then a store grown to
20,000,000 rows (several years of a province) audited (twice: the first time remakes what the store keeps,
the second uses it) and counted.

    python benchmarks/province.py                         # all three
    python benchmarks/province.py --files 10 --rows 100000 --skip-large
    python benchmarks/province.py --skip-large --rounds 5   # the 3M-row steps five times, medians

Data goes to benchmarks/data/province_<files>x<rows>/ (generated when missing; git-ignored). Each
measurement runs in a fresh process; wall time and the process's peak RSS (``os.wait4``) are reported.
With ``--rounds N`` the bare read, the new store and the one more file are measured N times in turn and
the table gives medians (each ratio taken within its round), as a shared machine's speed drifts by
10–20 % from one minute to the next.
Nothing here runs under pytest.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate_outcomes as G  # noqa: E402
from run import DATA, PY, compiled, in_child, measure  # noqa: E402

BIN = Path(PY).parent
BARE = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "con.execute('CREATE TABLE t AS SELECT * FROM read_csv($files, all_varchar=true, header=false, null_padding=true)', {'files': sys.argv[2:]})\n"
    "con.close()"
)


def ensure_corpus(files: int, rows: int, shuffled: bool = False) -> tuple[Path, Path, Path]:
    """``files`` CSV files of ``rows`` rows cut from one generated table, one more file for the
    incremental run, and the catalog of all of them.

    Each file is part of the counties' uploads, as a round brings them in: the rows of a few counties
    (a county's institutions and projects, in no particular order); the one more file is a later upload
    of the last counties, in which a few learners stored before from other counties come back (a
    learner deposited in two counties). ``shuffled``: every file holds rows of the whole province — the
    worst case for the incremental run, where each new file touches every project and institution."""
    tag = "_shuffled" if shuffled else ""
    folder = DATA / f"province{tag}_{files}x{rows}"
    extra = DATA / f"province{tag}_{files}x{rows}_extra"
    catalog = DATA / f"province{tag}_{files}x{rows}_catalog.xlsx"
    if not (folder.is_dir() and extra.is_dir() and catalog.exists() and len(list(folder.glob("*.csv"))) == files):
        print(f"generating {folder} …", file=sys.stderr)
        in_child(_generate, folder, extra, catalog, files, rows, shuffled)
    return folder, extra, catalog


def _generate(folder: Path, extra: Path, catalog: Path, files: int, rows: int, shuffled: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    extra.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20190505)
    total = (files + 1) * rows
    projects = G.make_catalog(rng, total)
    data = G.generate_rows(rng, total, projects, 0.0005)
    if shuffled:
        rng.shuffle(data)
    else:  # by county (the first six digits of 项目编码), each county's rows in no particular order
        keys = {id(r): (str(r[5])[:6], rng.random()) for r in data}
        data.sort(key=lambda r: keys[id(r)])
        # A few learners of the last upload were deposited before by other counties.
        last = data[files * rows :]
        for r in rng.sample(last, len(last) // 50):
            other = data[rng.randrange(files * rows)]
            r[1:4] = other[1:4]
    G.write_catalog(catalog, projects)
    for k in range(files + 1):
        part = data[k * rows : (k + 1) * rows]
        for i, row in enumerate(part):
            row[0] = i + 1
        target = (folder / f"成果_{k:03d}.csv") if k < files else (extra / "成果_补报.csv")
        G.write_csv(target, "学习成果", part, "utf-8")


def grow(store: Path, target: int) -> int:
    """Grow ``store`` to at least ``target`` outcome rows as the following years of the same province would:
    each copy of the stored files is a year later (its projects' and courses' codes and periods renamed,
    its learners other people: the birth dates in their IDs moved on), so the screens and the figures see
    as many distinct learners and projects as real years would bring. Returns the rows stored."""
    import duckdb

    with duckdb.connect(str(store)) as db:
        db.execute("SET enable_progress_bar = false")
        base = db.execute("SELECT count(*), max(file_id) FROM outcomes").fetchone()
        rows, top = int(base[0]), int(base[1])
        per_file = db.execute("SELECT file_id, count(*) FROM outcomes GROUP BY file_id ORDER BY file_id").fetchall()
        year = 0
        while rows < target:
            year += 1
            # The last year copies only as many files as reach the target (a store of that many rows).
            last, need = top, target - rows
            for file_id, n in per_file:
                need -= n
                if need <= 0:
                    last = file_id
                    break
            db.execute("BEGIN")
            db.execute(GROW_SQL.format(shift=year * top, top=last, year=2019 + year, days=year))
            db.execute("COMMIT")
            rows = int(db.execute("SELECT count(*) FROM outcomes").fetchone()[0])
    return rows


GROW_SQL = """
INSERT INTO files SELECT file_id + {shift}, path || ' ({year})', location || ' ({year})', name, sha256 || '{year}', size, records, stored_at, zjcredit
    FROM files WHERE file_id <= {top};
INSERT INTO sheets SELECT file_id + {shift}, sheet, header_row, columns FROM sheets WHERE file_id <= {top};
INSERT INTO projects SELECT replace(code, '2019', '{year}'), replace(code_text, '2019', '{year}'), name, category, targets, scale, hours, org_code, org_name,
    replace(period, '2019', '{year}'), replace(period_text, '2019', '{year}'), period_start + INTERVAL ({year} - 2019) YEAR, city, county, county_code, catalog
    FROM projects WHERE code LIKE '%-2019%';
INSERT INTO courses SELECT replace(key, '2019', '{year}'), replace(code, '2019', '{year}'), replace(project_code, '2019', '{year}'), replace(project_key, '2019', '{year}'),
    name, hours, teacher FROM courses WHERE key LIKE '%-2019%';
INSERT INTO pairs SELECT (SELECT max(pair) FROM pairs) + row_number() OVER (ORDER BY n.org, n.project), n.org, n.project
    FROM (SELECT DISTINCT org, replace(project, '2019', '{year}') AS project FROM pairs) n
    ANTI JOIN pairs d ON d.org IS NOT DISTINCT FROM n.org AND d.project IS NOT DISTINCT FROM n.project;
CREATE OR REPLACE TEMP TABLE pair_map AS SELECT o.pair AS old, n.pair AS new FROM pairs o
    JOIN pairs n ON n.org IS NOT DISTINCT FROM o.org AND n.project IS NOT DISTINCT FROM replace(o.project, '2019', '{year}');
INSERT INTO outcome_rows BY NAME SELECT
    rid + ({shift}::BIGINT << 32) AS rid, file_id + {shift} AS file_id, sheet, "row", name, org_code,
    replace(project_code, '2019', '{year}') AS project_code, replace(course_code, '2019', '{year}') AS course_code, hours_written, result,
    replace(completed_written, '2019', '{year}') AS completed_written, outcome_form, note,
    CASE WHEN id_num >= 0 THEN id_num + {days} * 11000 ELSE id_num - {days} END AS id_num, id_ok, id_body, id_digits,
    birth + {days} AS birth, phone_num + {days} * 100000000000 AS phone_num, hours,
    date + INTERVAL ({year} - 2019) YEAR AS date, dual, has_error, id_written, phone_written, name_compared,
    replace(project_compared, '2019', '{year}') AS project_compared, replace(course_compared, '2019', '{year}') AS course_compared, org_compared,
    (SELECT new FROM pair_map WHERE old = pair) AS pair
FROM outcome_rows WHERE file_id <= {top};
"""


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _range(values: list[float], unit: str, digits: int = 1) -> str:
    """" [low–high]" of several values, nothing for one."""
    return f" [{min(values):.{digits}f}–{max(values):.{digits}f}{unit}]" if len(values) > 1 else ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=30)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--large", type=int, default=20_000_000, help="rows of the grown store")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--rounds", type=int, default=1, help="measure the 3M-row steps this many times in turn and report medians")
    ap.add_argument("--shuffled", action="store_true", help="every file with rows of the whole province (the incremental run's worst case)")
    args = ap.parse_args()
    folder, extra, catalog = ensure_corpus(args.files, args.rows, args.shuffled)
    compiled()
    csvs = [str(p) for p in sorted(folder.glob("*.csv"))]
    work = DATA / "province_work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    zj = str(BIN / "zjcredit")
    print(f"{args.files} files × {args.rows:,} rows", file=sys.stderr)
    store = work / "store.duckdb"
    rounds: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
    for n in range(args.rounds):  # each round: the bare read, a new store, one more file — in turn, so that
        # a slower minute of a shared machine falls on all three alike
        if args.rounds > 1:
            print(f"round {n + 1} of {args.rounds}", file=sys.stderr)
        shutil.rmtree(work)
        work.mkdir()
        bare = measure([PY, "-c", BARE, str(work / "bare.duckdb"), *csvs], "bare DuckDB read_csv into a database file")
        first = measure([zj, "audit", str(folder), "--catalog", str(catalog), "--store", str(store), "-o", str(work / "核查报告.xlsx"), "--format", "json", "--quiet"], "zjcredit audit into a new store")
        again = measure([zj, "audit", str(extra), "--catalog", str(catalog), "--store", str(store), "-o", str(work / "核查报告2.xlsx"), "--format", "json", "--quiet"], "zjcredit audit of one more file")
        rounds.append((bare, first, again))
    bare_s = [float(b["wall"]) for b, _, _ in rounds]
    first_s = [float(f["wall"]) for _, f, _ in rounds]
    again_s = [float(a["wall"]) for _, _, a in rounds]
    first_x = [f / b for b, f in zip(bare_s, first_s)]  # each round's ratio, to its own bare read
    again_x = [a / f for f, a in zip(first_s, again_s)]
    peak = [max(float(r[i]["rss"]) for r in rounds) for i in range(3)]
    print()
    if args.rounds > 1:
        print(f"Medians of {args.rounds} rounds (each ratio taken within its round; the range in brackets).")
        print()
    print("| step | time | peak RSS | target |")
    print("|---|---:|---:|---|")
    print(f"| bare DuckDB `read_csv` of {args.files} × {args.rows:,} rows into a database file | {_median(bare_s):.1f} s{_range(bare_s, ' s')} | {peak[0]:,.0f} MiB | |")
    print(f"| `zjcredit audit` into a new store | {_median(first_s):.1f} s ({_median(first_x):.2f} ×{_range(first_x, ' ×', 2)}) | {peak[1]:,.0f} MiB | ≤ 2.0 ×, ≤ 3 GiB |")
    print(f"| one more file of {args.rows:,} rows | {_median(again_s):.1f} s ({_median(again_x):.2f} × the first{_range(again_x, ' ×', 2)}) | {peak[2]:,.0f} MiB | ≤ 0.3 × |")
    if not args.skip_large:
        t = time.perf_counter()
        rows = in_child(grow, store, args.large)
        print(f"(grew the store to {rows:,} rows in {time.perf_counter() - t:.0f} s)", file=sys.stderr)
        audit = measure([zj, "audit", "--catalog", str(catalog), "--store", str(store), "-o", str(work / "核查报告3.xlsx"), "--format", "json", "--quiet"], "zjcredit audit of the grown store")
        again = measure([zj, "audit", "--catalog", str(catalog), "--store", str(store), "-o", str(work / "核查报告4.xlsx"), "--format", "json", "--quiet"], "zjcredit audit of it again")
        stats = measure([zj, "stats", "--catalog", str(catalog), "--store", str(store), "--format", "json"], "zjcredit stats of the grown store")
        print(f"| `zjcredit audit` of a store of {args.large:,} rows | {audit['wall']:.1f} s | {audit['rss']:,.0f} MiB | ≤ 60 s, ≤ 4 GiB |")
        print(f"| the same store audited again | {again['wall']:.1f} s | {again['rss']:,.0f} MiB | ≤ 60 s, ≤ 4 GiB |")
        print(f"| `zjcredit stats` of that store | {stats['wall']:.1f} s | {stats['rss']:,.0f} MiB | ≤ 60 s, ≤ 4 GiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
