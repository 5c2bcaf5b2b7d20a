"""Time `zjcredit ledger check` on a city's quarter: 300 process ledgers of 30 learners × 8 sessions.

    python benchmarks/ledgers.py                      # 300 ledgers, medians of 3 runs
    python benchmarks/ledgers.py --ledgers 600 --repeat 5

The ledgers are written once to benchmarks/data/ledgers_<N>/ (git-ignored) with the writers of
examples/ledgers/make_examples.py, in the three layouts in turn: our template filled in (sign-in grid), a
folder of part files (the sign-in as long rows in a GBK CSV), a school's own workbook (one sign-in sheet per
session, dates without a year). Beside them: a catalog of their 300 projects (60 institutions in 6
counties, 3 courses each) and an outcome sheet of every learner (9,000 rows). A few rosters are reused
and a few learners sign in at two institutions on one day, so the screens have something to find.

Each command runs in a fresh process (start-up included), the commands alternated so that a busy moment of
the machine hits each alike; wall time and CPU time (os.wait4) are reported. Prints a Markdown table. Not
part of pytest.

Reading the ledgers on two worker processes (forked, the ledgers handed back pickled) was measured here and
dropped: on this shared 2-core machine it took 28 s of CPU against 20 s in one process, and its median wall
time was longer (32 s against 21 s), the second core being rarely free.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COUNTIES = ("330106", "330110", "330212", "330302", "330782", "330102")
LEARNERS, SESSIONS, PER_INSTITUTION = 30, 8, 5
COURSES = (("理论讲授", 8), ("实操训练", 8), ("考核与总结", 8))


def _examples() -> Any:
    spec = importlib.util.spec_from_file_location("ledger_examples", ROOT / "examples" / "ledgers" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(module)
    return module


def project(k: int) -> tuple[str, str, str, str]:
    """(项目编码, 项目名称, 机构代码, 申报单位) of project ``k``."""
    org = k // PER_INSTITUTION
    county = COUNTIES[org % len(COUNTIES)]
    return f"{county}-2019H1-{k % 500 + 1:03d}", f"社区培训项目{k + 1}", f"{county}C{org:04d}", f"第{org + 1}成人文化技术学校"


def write_catalog(path: Path, n: int) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目目录"
    ws.append(["项目编码", "项目名称", "项目类别", "培训对象", "培训形式", "培训规模", "培训时数", "学时数", "成果形式", "考核方式", "申报单位", "机构代码", "所在市", "所在县", "目录期次"])
    courses = wb.create_sheet("课程目录")
    courses.append(["课程编码", "项目编码", "课程名称", "课程学时", "授课教师"])
    for k in range(n):
        code, name, org, school = project(k)
        ws.append([code, name, "企业职工培训", "企业职工", "线下面授", LEARNERS, 24, 24, "结业证书", "实操考核", school, org, "", "", "2019H1"])
        for j, (course, hours) in enumerate(COURSES, start=1):
            courses.append([f"{code}-{j:02d}", code, course, hours, "王老师"])
    wb.save(path)


def dates_of(k: int) -> list[str]:
    """8 weekly sessions from a March day that depends on the project."""
    import datetime as dt

    start = dt.date(2019, 3, 1) + dt.timedelta(days=k % 21)
    return [f"{(start + dt.timedelta(weeks=w)).month}月{(start + dt.timedelta(weeks=w)).day}日" for w in range(SESSIONS)]


def make_city(folder: Path, n: int) -> None:
    ex = _examples()
    folder.mkdir(parents=True, exist_ok=True)
    catalog = folder / "目录_2019H1.xlsx"
    write_catalog(catalog, n)
    ledgers = folder / "台账"
    outcomes: list[list[Any]] = []
    for k in range(n):
        code, name, org, school = project(k)
        learners = ex.people(k * LEARNERS, LEARNERS, region=code[:6], born=1960 + k % 30)
        if k % 100 == 7:  # a roster reused from the project before
            learners = ex.people((k - 1) * LEARNERS, LEARNERS, region=project(k - 1)[0][:6], born=1960 + (k - 1) % 30)
        if k % 50 == 11:  # one learner of another institution's project, the same day
            learners = learners[:-1] + [ex.people((k - 6) * LEARNERS, 1, region=project(k - 6)[0][:6], born=1960 + (k - 6) % 30)[0]]
        dates = dates_of(k - 6 if k % 50 == 11 else k)
        layout = k % 3
        if layout == 0:
            wb = ex.template_ledger(code, learners, dates, absent={1: {2}, 4: {5, 6}}, catalog=catalog)
            ex.save(wb, ledgers / school / f"{code} {name}.xlsx", name)
        elif layout == 1:
            full = [f"2019-{d.split('月')[0].zfill(2)}-{d.split('月')[1].rstrip('日').zfill(2)}" for d in dates]
            ex.folder_ledger(ledgers / school / f"{code} {name}", code, learners, full, [(c, h, "王老师") for c, h in COURSES])
        else:
            ex.own_layout(ledgers / school / f"{code}_{name}.xlsx", code, learners, dates, list(COURSES), school=school)
        outcomes += ex.outcomes_of(learners, org, code, "01", 8)
    ex.outcome_sheet(folder / "成果_2019H1.xlsx", outcomes)


ZJCREDIT = str(Path(sys.executable).parent / "zjcredit")


def timed(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and exit status of ``zjcredit args`` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([ZJCREDIT, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ledgers", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    folder = HERE / "data" / f"ledgers_{opts.ledgers}"
    if not (folder / "成果_2019H1.xlsx").exists():
        print(f"writing {opts.ledgers} ledgers to {folder} …", file=sys.stderr)
        make_city(folder, opts.ledgers)
    check = ["ledger", "check", str(folder / "台账"), "--catalog", str(folder / "目录_2019H1.xlsx"), "--format", "json"]
    runs = {
        "ledger check": check,
        "ledger check --outcomes": check + ["--outcomes", str(folder / "成果_2019H1.xlsx")],
        "validate": ["validate", str(folder / "台账"), "--format", "json"],
    }
    results: dict[str, list[tuple[float, float, int]]] = {label: [] for label in runs}
    for _ in range(opts.repeat):  # alternated, so that a busy moment of the machine hits every variant alike
        for label, args in runs.items():
            results[label].append(timed(args))
            wall, cpu, code = results[label][-1]
            print(f"  {label}: {wall:.2f} s wall, {cpu:.2f} s CPU, exit {code}", file=sys.stderr)
    print(f"\n{opts.ledgers} ledgers × {LEARNERS} learners × {SESSIONS} sessions (a third each: template workbook, folder with CSV, one sheet per session)\n")
    print("| command | wall (median) | range | CPU (median) | exit |\n|---|---:|---:|---:|---:|")
    for label, done in results.items():
        walls = [w for w, _, _ in done]
        cpus = [c for _, c, _ in done]
        codes = sorted({c for _, _, c in done})
        print(f"| `zjcredit {label}` | {statistics.median(walls):.1f} s | {min(walls):.1f}–{max(walls):.1f} s | {statistics.median(cpus):.1f} s | {', '.join(map(str, codes))} |")


if __name__ == "__main__":
    main()
