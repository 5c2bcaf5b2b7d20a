"""Make the province example: one small verification round (2019H1) across four counties of two cities, with
one institution of each verdict of `zjcredit audit`, and the report of the README's command (expected.json).

    python examples/province/make_examples.py

- 目录_2019H1.xlsx — the round's catalog: 8 projects of 4 institutions (杭州市西湖区, 杭州市余杭区, 宁波市鄞州区,
  宁波市北仑区), with their courses.
- 成果/ — one outcome sheet per county:
  - 330106_西湖区_成果.xlsx — 留下成校 (3301060031): clean; two rows marked 双证制 in 备注 → verdict ``ok``.
  - 330110_余杭区_成果.csv (UTF-8) — 良渚成校 (3301100015): five rows on 330110-2019H1-009, a code in no
    catalog, and one outcome registered twice → ``undeclared``.
  - 330212_鄞州区_成果.xlsx — 姜山成校 (3302120027): 330212-2019H1-002 has outcomes but no ledger, and the
    ledger of 003 lacks its 学习成果评价表; one ID mistyped; two rows with 成果形式 双证制 → ``materials-missing``.
  - 330206_北仑区_成果.xlsx — 大碶成校 (3302060018): six learners of one project on one phone, five IDs in a
    run (one birth date, consecutive sequence numbers): 11 of its 40 rows screened → ``distorted``.
- 台账/ — a complete ledger (our template, filled in) for every project with outcomes but 330212-2019H1-002;
  330212-2019H1-003's has no 学习成果评价表.

Everything is deterministic: running the script again gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from zjcredit.documents.ledger.blank import heading_for
from zjcredit.domain import divisions
from zjcredit.domain.idcard import make_id
from zjcredit.templates import workbook_bytes
from zjcredit.templates.ledger import filled_bytes
from zjcredit.templates.save import stamp_properties

HERE = Path(__file__).resolve().parent
CATALOG = HERE / "目录_2019H1.xlsx"
OUTCOMES = HERE / "成果"
LEDGERS = HERE / "台账"
REPORT = "核查报告.xlsx"
PERIOD = "2019H1"
SEED = 2019
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方邹熊孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "秀英桂英建国丽华志强海燕国平美娟伟敏静强磊洁芳军勇艳杰娜涛明超霞平刚红玲建华文辉玉兰桂芳晓东雪梅春燕金凤永红"
HEAD = ["序号", "姓名", "身份证号", "联系电话", "机构代码", "项目编码", "课程编码", "学时数", "考核结果", "完成日期", "成果形式", "备注"]
SESSIONS = ["3月5日", "3月12日", "3月19日", "3月26日", "4月2日", "4月9日"]

Person = tuple[str, str, str]  # name, ID, phone


@dataclass
class Project:
    code: str
    name: str
    category: str
    targets: str
    scale: int
    courses: list[tuple[str, int, str]]  # name, hours, teacher

    @property
    def hours(self) -> int:
        return sum(c[1] for c in self.courses)


@dataclass
class Institution:
    org_code: str
    name: str
    county_code: str
    projects: list[Project] = field(default_factory=list)


XIHU = Institution("3301060031", "杭州市西湖区留下街道成人文化技术学校", "330106", [
    Project("330106-2019H1-001", "老年人智能手机应用", "老年教育培训", "老年群体", 40, [("微信与视频通话", 6, "王芳"), ("网上挂号与出行扫码", 6, "李明")]),
    Project("330106-2019H1-002", "电工技能提升", "企业职工培训", "企业职工、外来务工人员", 30, [("低压电工实操", 16, "陈刚")]),
])
YUHANG = Institution("3301100015", "杭州市余杭区良渚街道成人文化技术学校", "330110", [
    Project("330110-2019H1-001", "茶艺与茶文化", "文化休闲生活技能培训", "企业职工、企退人员", 30, [("茶艺与茶文化", 24, "沈佳")]),
])
YINZHOU = Institution("3302120027", "宁波市鄞州区姜山镇成人文化技术学校", "330212", [
    Project("330212-2019H1-001", "家政服务员（育婴）培训", "家政服务类培训", "自由职业（待业）人员、外来务工人员", 30, [("早期教育", 16, "何琳"), ("婴幼儿护理", 16, "冯晓")]),
    Project("330212-2019H1-002", "农村电商直播带货", "电商营销培训", "农村劳动力", 30, [("直播平台与选品", 24, "张强")]),
    Project("330212-2019H1-003", "企业消防安全知识", "法律消防安全教育培训", "企业职工", 30, [("企业消防安全知识", 8, "周斌")]),
])
BEILUN = Institution("3302060018", "宁波市北仑区大碶街道成人文化技术学校", "330206", [
    Project("330206-2019H1-001", "安全生产规范", "企业职工培训", "企业职工", 50, [("安全生产规范", 8, "邵军")]),
    Project("330206-2019H1-002", "中医养生保健", "健康养生科普培训", "老年群体、企退人员", 30, [("中医养生保健", 6, "胡敏")]),
])
INSTITUTIONS = (XIHU, YUHANG, YINZHOU, BEILUN)
UNDECLARED = "330110-2019H1-009"


def save(wb: Any, path: Path, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp_properties(wb, title)
    path.write_bytes(workbook_bytes(wb))


# Learners ------------------------------------------------------------------------------------------------------


class People:
    """Distinct learners with valid IDs, scattered birth dates and sequence numbers, and their own phones."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def one(self, region: str, born: tuple[int, int]) -> Person:
        while True:
            birth = dt.date(self.rng.randint(*born), 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            number = make_id(region, birth, self.rng.randrange(11, 989))
            phone = f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"
            if number not in self.ids and phone not in self.phones:
                self.ids.add(number)
                self.phones.add(phone)
                name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
                return name, number, phone

    def many(self, n: int, region: str, born: tuple[int, int]) -> list[Person]:
        return [self.one(region, born) for _ in range(n)]


def outcome_rows(inst: Institution, project: Project, learners: list[Person], days: list[str], *, form: str = "结业证书") -> list[list[Any]]:
    """One row per learner and course (序号 left out)."""
    out = []
    for k, (name, number, phone) in enumerate(learners):
        for c, (_, hours, _) in enumerate(project.courses, start=1):
            out.append([name, number, phone, inst.org_code, project.code, f"{project.code}-{c:02d}", hours, "优秀" if k % 5 == 0 else "合格", days[k % len(days)], form, None])
    return out


def write_xlsx(path: Path, title: str, rows: list[list[Any]]) -> None:
    """An outcome sheet as the template has it: a title line, the header on row 2."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学习成果"
    ws.append([title])
    ws.append(HEAD)
    for k, row in enumerate(rows, start=1):
        ws.append([k, *row])
    save(wb, path, title)


def write_csv(path: Path, rows: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEAD)
        for k, row in enumerate(rows, start=1):
            writer.writerow([k, *("" if v is None else v for v in row)])


# The catalog ---------------------------------------------------------------------------------------------------


def write_catalog() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目目录"
    ws.append(["项目编码", "项目名称", "项目类别", "培训对象", "培训形式", "培训规模", "培训时数", "学时数", "成果形式", "考核方式", "申报单位", "机构代码", "所在市", "所在县", "目录期次"])
    for inst in INSTITUTIONS:
        county = divisions.counties()[inst.county_code]
        for p in inst.projects:
            ws.append([p.code, p.name, p.category, p.targets, "线下面授", p.scale, p.hours, p.hours, "结业证书", "实操考核", inst.name, inst.org_code, county.city_name, county.name, PERIOD])
    cs = wb.create_sheet("课程目录")
    cs.append(["课程编码", "项目编码", "课程名称", "课程学时", "授课教师"])
    for inst in INSTITUTIONS:
        for p in inst.projects:
            for c, (name, hours, teacher) in enumerate(p.courses, start=1):
                cs.append([f"{p.code}-{c:02d}", p.code, name, hours, teacher])
    info = wb.create_sheet("说明")
    info.append(["目录期次", f"{PERIOD}（2019 年第一、二季度合并）"])
    info.append(["说明", "examples/province/make_examples.py 生成的示例目录：杭州市西湖区、余杭区，宁波市鄞州区、北仑区"])
    save(wb, CATALOG, f"季度培训项目目录 {PERIOD}")


# Ledgers -------------------------------------------------------------------------------------------------------


def ledger(project: Project, learners: list[Person], *, evaluation: bool = True) -> None:
    """Our template filled from the catalog for ``project``: everyone at every session, all passed."""
    wb = openpyxl.load_workbook(io.BytesIO(filled_bytes(heading_for([CATALOG], project.code))))
    roster, signin, records, design = wb["学员信息表"], wb["签到表"], wb["开展情况记录"], wb["项目课程设计表"]
    for k, (name, number, phone) in enumerate(learners):
        for c, value in enumerate((name, number, phone), start=2):
            roster.cell(row=6 + k, column=c, value=value)
        signin.cell(row=7 + k, column=2, value=name)
        signin.cell(row=7 + k, column=3, value=number)
        for j in range(len(SESSIONS)):
            signin.cell(row=7 + k, column=4 + j, value="√")
        if evaluation:
            for c, value in enumerate((name, number, "实操考核", "合格", "2019-05-10"), start=2):
                wb["学习成果评价表"].cell(row=6 + k, column=c, value=value)
    for j, day in enumerate(SESSIONS):
        signin.cell(row=6, column=4 + j, value=day)
        for c, value in enumerate([day, "成校三楼教室", f"第{j + 1}次课", len(learners), "王芳"], start=2):
            records.cell(row=6 + j, column=c, value=value)
    for k in range(len(project.courses)):
        design.cell(row=6 + k, column=5, value=SESSIONS[k])
    if not evaluation:
        wb.remove(wb["学习成果评价表"])
    save(wb, LEDGERS / f"{project.code} {project.name}.xlsx", f"{project.name}过程台账")


# The round -----------------------------------------------------------------------------------------------------


def main() -> None:
    for folder in (OUTCOMES, LEDGERS):
        if folder.exists():
            shutil.rmtree(folder)
    write_catalog()
    people = People(SEED)
    june = [f"2019-06-{d:02d}" for d in (3, 10, 17, 24)]

    # 西湖区: clean, two 双证制 rows (备注).
    elderly = people.many(12, "330106", (1946, 1958))
    workers = people.many(10, "330106", (1975, 1995))
    xihu = outcome_rows(XIHU, XIHU.projects[0], elderly, june) + outcome_rows(XIHU, XIHU.projects[1], workers, june)
    for row in xihu[-2:]:
        row[-1] = "双证制（低压电工作业证）"
    write_xlsx(OUTCOMES / "330106_西湖区_成果.xlsx", "杭州市西湖区 2019年第一、二季度 学习成果", xihu)

    # 余杭区 (CSV): outcomes on a code in no catalog, one outcome registered twice.
    tea = people.many(15, "330110", (1960, 1990))
    strays = people.many(5, "330110", (1970, 1990))
    yuhang = outcome_rows(YUHANG, YUHANG.projects[0], tea, june)
    yuhang += [[*row[:4], UNDECLARED, f"{UNDECLARED}-01", 12, *row[7:]] for row in outcome_rows(YUHANG, YUHANG.projects[0], strays, june)]
    yuhang.append(list(yuhang[3]))
    write_csv(OUTCOMES / "330110_余杭区_成果.csv", yuhang)

    # 鄞州区: 002 has no ledger, 003's lacks a part; a mistyped ID; 成果形式 双证制.
    nannies = people.many(8, "330212", (1975, 1995))
    sellers = people.many(8, "330212", (1980, 1998))
    staff = people.many(6, "330212", (1970, 1995))
    yinzhou = outcome_rows(YINZHOU, YINZHOU.projects[0], nannies, june)
    sales = outcome_rows(YINZHOU, YINZHOU.projects[1], sellers, june)
    for row in sales[:2]:
        row[9] = "双证制"
    yinzhou += sales + outcome_rows(YINZHOU, YINZHOU.projects[2], staff, june)
    number = yinzhou[2][1]
    yinzhou[2][1] = number[:-1] + ("0" if number[-1] != "0" else "1")  # a check character mistyped
    write_xlsx(OUTCOMES / "330212_鄞州区_成果.xlsx", "宁波市鄞州区 2019年第一、二季度 学习成果", yinzhou)

    # 北仑区: six learners on one phone (phone-shared), five invented IDs in a run (id-sequence, birthdate-shared).
    safety = people.many(30, "330206", (1970, 1995))
    shared = safety[0][2]
    safety = [(name, number, shared) if k < 6 else (name, number, phone) for k, (name, number, phone) in enumerate(safety)]
    health = people.many(5, "330206", (1950, 1960))
    run_birth = dt.date(1955, 3, 8)
    health += [(people.rng.choice(SURNAMES) + GIVEN[2 * k : 2 * k + 2], make_id("330206", run_birth, 301 + k), f"135{71000 + k * 977:08d}") for k in range(5)]
    beilun = outcome_rows(BEILUN, BEILUN.projects[0], safety, june) + outcome_rows(BEILUN, BEILUN.projects[1], health, june)
    write_xlsx(OUTCOMES / "330206_北仑区_成果.xlsx", "宁波市北仑区 2019年第一、二季度 学习成果", beilun)

    ledger(XIHU.projects[0], elderly)
    ledger(XIHU.projects[1], workers)
    ledger(YUHANG.projects[0], tea)
    ledger(YINZHOU.projects[0], nannies)
    ledger(YINZHOU.projects[2], staff, evaluation=False)
    ledger(BEILUN.projects[0], safety)
    ledger(BEILUN.projects[1], health)

    cmd = [str(Path(sys.executable).parent / "zjcredit"), "audit", "成果", "--catalog", CATALOG.name, "--ledgers", LEDGERS.name, "-o", REPORT, "--force", "--format", "json"]
    done = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True, check=False)
    (HERE / REPORT).unlink(missing_ok=True)  # dated: not part of the example
    doc = json.loads(done.stdout)
    (HERE / "expected.json").write_text(done.stdout, encoding="utf-8")
    verdicts = {i["org_code"]: i["verdict"] for i in doc["institutions"]}
    print(f"exit {done.returncode}: {doc['summary']} {verdicts}", file=sys.stderr)


if __name__ == "__main__":
    main()
