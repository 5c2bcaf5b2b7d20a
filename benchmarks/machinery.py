"""What each piece of speed machinery in `zjcredit outcomes check` saves: the run with everything, and the
run with one piece taken out (module attributes patched in a fresh process; production code has no
switches for this).

    python benchmarks/machinery.py                   # 200,000 and 1,000,000 rows, medians of 3
    python benchmarks/machinery.py --sizes 200000 --repeat 5

Pieces (see the README, section Performance):

- child reader: a large .xlsx is loaded in a child process under a memory cap while this process passes
  over the sheet XML (without it: the whole guard first, then fastexcel in this process);
- head start: the child starts from the raw arguments, before Typer and the checks are imported;
- preparation meanwhile: the catalogs are read and DuckDB/pandas imported while the child reads;
- stream check: while the child reads, the guard's pass skips the cell-reference scan (the child's
  memory cap stands in for it; the scan runs only if the child fails).

Pieces measured here and removed because they saved less than a tenth of a run are listed in the README.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import ensure_data  # noqa: E402

PY = sys.executable
RUN = "import sys; sys.argv = ['zjcredit', *sys.argv[1:]]\n{patch}\nfrom zjcredit.entry import main\nmain()"
VARIANTS = {
    "everything": "",
    "no child reader": "from zjcredit.io import readers; readers.ISOLATE_MIN_BYTES = 1 << 62",
    "no head start": "import zjcredit.entry as e; e.head_start = lambda argv: None",
    "no preparation meanwhile": (
        "from zjcredit.documents.outcomes import check as c\n"
        "init = c.OutcomeRun.__init__\n"
        "def eager(self, *a, **k):\n    init(self, *a, **k); self.prepare()\n"
        "c.OutcomeRun.__init__ = eager"
    ),
    "no stream check": "from zjcredit.io import guard; guard.stream_check = lambda path, display, visit: guard.deep_check(path, display, visit=visit)",
}
BARE = "import sys, fastexcel; fastexcel.read_excel(sys.argv[1]).load_sheet(0, header_row=1).to_pandas()"


def measure(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, _ = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {cmd}\n{err[-2000:]}")
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print("| rows | bare read | " + " | ".join(VARIANTS) + " |")
    print("|---:|---:|" + "---:|" * len(VARIANTS))
    for rows in args.sizes:
        sheet, catalog = ensure_data(rows)
        times: dict[str, list[float]] = {v: [] for v in VARIANTS}
        bare = []
        for _ in range(args.repeat):  # alternated, so that every variant sees the same machine
            bare.append(measure([PY, "-c", BARE, str(sheet)]))
            for name, patch in VARIANTS.items():
                cmd = [PY, "-c", RUN.format(patch=patch), "outcomes", "check", str(sheet), "--catalog", str(catalog), "--format", "json"]
                times[name].append(measure(cmd))
                print(f"  {rows:,} {name}: {times[name][-1]:.2f} s", file=sys.stderr)
        b = statistics.median(bare)
        base = statistics.median(times["everything"])
        cells = []
        for name in VARIANTS:
            t = statistics.median(times[name])
            cells.append(f"{t:.1f} s ({t / b:.2f} ×)" if name == "everything" else f"{t:.1f} s ({(t - base) / base:+.0%})")
        print(f"| {rows:,} | {b:.1f} s | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
