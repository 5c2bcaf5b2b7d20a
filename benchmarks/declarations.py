"""Time `validate`, `summary build` and `catalog build` on a county-sized (or city-sized) pile of declarations.

    python benchmarks/declarations.py                  # 100 schools × 3 projects
    python benchmarks/declarations.py --schools 400

Declarations are filled into our Annex 2 template with the filler of examples/county/make_examples.py and
written to benchmarks/data/declarations_<N>/ (git-ignored). Each command runs once in a fresh process;
prints a Markdown table. Nothing here runs under pytest.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent

COUNTIES = [("杭州市西湖区", "330106"), ("杭州市余杭区", "330110"), ("宁波市鄞州区", "330212"), ("温州市鹿城区", "330302"), ("金华市义乌市", "330782")]
CATEGORIES = ["老年教育培训", "企业职工培训", "电商营销培训", "家长家庭教育培训", "健康养生科普培训", "农村实用技术培训"]
TARGETS = ["老年群体", "企业职工", "农村劳动力、外来务工人员", "在校学生", "企退人员"]


def _examples_module():
    spec = importlib.util.spec_from_file_location("county_examples", ROOT / "examples" / "county" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def make_declarations(folder: Path, schools: int) -> None:
    ex = _examples_module()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(schools):
        region, code = COUNTIES[i % len(COUNTIES)]
        header = {
            "申报单位": f"{region}第{i + 1}成人文化技术学校",
            "机构代码": f"{code}{i:04d}",
            "地址": f"{region}学院路{i + 1}号",
            "填报人": "王芳",
            "联系电话": f"1395711{i:04d}",
        }
        projects = []
        for j in range(3):
            hours = 8 * (j + 2)
            projects.append(
                ex.project(
                    f"社区培训项目{i + 1}-{j + 1}", CATEGORIES[(i + j) % len(CATEGORIES)], 40 + j * 10, TARGETS[(i + j) % len(TARGETS)],
                    "线下面授", hours, "结业证书", "本校教师2名", "实操考核", "面向社区居民开展的技能培训，理论与实操结合。",
                    [("理论", hours // 2, "王老师"), ("实操", hours - hours // 2, "李老师")],
                )
            )
        ex.fill_template(folder / f"{i + 1:04d}.xlsx", header, projects)


def timed(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    code = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=100)
    opts = parser.parse_args()
    folder = HERE / "data" / f"declarations_{opts.schools}"
    if not folder.exists():
        print(f"writing {opts.schools} declarations to {folder} …", file=sys.stderr)
        make_declarations(folder, opts.schools)
    zj = str(BIN / "zjcredit")
    out = Path(tempfile.mkdtemp(prefix="zjcredit-bench-"))
    try:
        rows = []
        for label, args in (
            ("validate", [zj, "validate", str(folder), "--format", "json"]),
            ("summary build", [zj, "summary", "build", str(folder), "-o", str(out / "summary.xlsx"), "--date", "2019-05-20"]),
            ("catalog build", [zj, "catalog", "build", str(folder), "--period", "2019H1", "-o", str(out / "catalog.xlsx"), "--date", "2019-07-01"]),
            ("validate catalog.xlsx", [zj, "validate", str(out / "catalog.xlsx"), "--format", "json"]),
        ):
            seconds, code = timed(args)
            rows.append((label, seconds, code))
            print(f"  {label}: {seconds:.2f} s, exit {code}", file=sys.stderr)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"\n{opts.schools} declarations × 3 projects\n")
    print("| command | wall | exit |\n|---|---:|---:|")
    for label, seconds, code in rows:
        print(f"| `zjcredit {label}` | {seconds:.2f} s | {code} |")


if __name__ == "__main__":
    main()
