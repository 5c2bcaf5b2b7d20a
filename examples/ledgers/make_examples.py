"""Make the process-ledger example: five projects of the 西湖区 catalog (examples/county) kept in the three
layouts schools use, one full of typical mistakes, one incomplete, and the quarter's outcome sheet; then the
report of `zjcredit ledger check` over them (expected.json).

    python examples/ledgers/make_examples.py

- 台账/330106-2019H1-001 老年人智能手机应用.xlsx — our template (`zjcredit template ledger --catalog … --project …`),
  sign-in as a grid; correct.
- 台账/330106-2019H1-003 农村电商直播带货/ — a folder: 学员名册.xlsx, 签到记录.csv (one row per learner and session,
  GBK as WPS exports it), 课程安排表.xlsx, 培训记录.xlsx, 考核登记表.xlsx; correct.
- 台账/330106-2019H1-006_国学经典诵读.xlsx — a school's own workbook: sheets named 花名册, 签到表（1）… one per
  session with 日期：3月6日 in a title line, 课程设计, 活动记录, 成果评价; correct.
- 台账/330106-2019H1-004 家政服务员（育婴）培训_有错.xlsx — our template with the usual mistakes: a mistyped ID and
  one Excel turned into a number, a substitute who signed in but is not on the roster, a session dated after
  the period, a 参加人数 that differs from the sign-ins, a day with sign-ins but no record, course hours that do
  not add up and a course not in the catalog, a learner who passed after two sessions of eight, and a learner
  who signed in at 三墩 the same day.
- 台账/330106-2019H1-007 青春期家庭教育家长课堂/ — a folder without its 学习成果评价表, whose roster is 006's.
- 成果_2019H1.xlsx — the outcomes of 001, 002 (which has no ledger), 003, 004, 006 and 007.

Everything is deterministic: running the script again gives the same files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl

from zjcredit.documents.ledger.blank import heading_for
from zjcredit.domain.idcard import make_id
from zjcredit.templates import workbook_bytes
from zjcredit.templates.ledger import filled_bytes
from zjcredit.templates.save import stamp_properties

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CATALOG = HERE / "目录_2019H1.xlsx"
LEDGERS = HERE / "台账"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ("秀英", "桂英", "建国", "丽华", "志强", "海燕", "国平", "美娟", "伟", "敏", "静", "强", "磊", "洁", "芳", "军")
Person = tuple[str, str, str]  # name, ID, phone


def people(first: int, n: int, region: str = "330106", born: int = 1950) -> list[Person]:
    """``n`` distinct learners numbered from ``first``."""
    out = []
    for k in range(first, first + n):
        name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 7) % len(GIVEN)]
        birth = dt.date(born, 1, 1) + dt.timedelta(days=(k * 173) % 7300)
        out.append((name, make_id(region, birth, 10 + (k * 37) % 880), f"13{5 + k % 5}{k * 7919 % 10**8:08d}"))
    return out


def save(wb: Any, path: Path, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp_properties(wb, title)
    path.write_bytes(workbook_bytes(wb))


def days(*texts: str) -> list[str]:
    return list(texts)


# Our template, filled in ----------------------------------------------------------------------------------


def template_ledger(
    code: str, learners: list[Person], dates: list[str], absent: dict[int, set[int]] | None = None, results: dict[int, str] | None = None, catalog: Path = CATALOG,
) -> Any:
    """The template filled from ``catalog`` for ``code``, with ``learners`` present at every session of
    ``dates`` but their ``absent`` ones; returns the workbook for a caller to spoil before saving."""
    wb = openpyxl.load_workbook(io.BytesIO(filled_bytes(heading_for([catalog], code))))
    absent = absent or {}
    roster, signin, records, evaluation = wb["学员信息表"], wb["签到表"], wb["开展情况记录"], wb["学习成果评价表"]
    for k, (name, number, phone) in enumerate(learners):
        roster.cell(row=6 + k, column=2, value=name)
        roster.cell(row=6 + k, column=3, value=number)
        roster.cell(row=6 + k, column=4, value=phone)
        signin.cell(row=7 + k, column=2, value=name)
        signin.cell(row=7 + k, column=3, value=number)
        for j in range(len(dates)):
            signin.cell(row=7 + k, column=4 + j, value="×" if j in absent.get(k, set()) else "√")
        evaluation.cell(row=6 + k, column=2, value=name)
        evaluation.cell(row=6 + k, column=3, value=number)
        evaluation.cell(row=6 + k, column=4, value="实操考核")
        evaluation.cell(row=6 + k, column=5, value=(results or {}).get(k, "合格"))
        evaluation.cell(row=6 + k, column=6, value="2019-05-10")
    for j, day in enumerate(dates):
        signin.cell(row=6, column=4 + j, value=day)
        there = sum(1 for k in range(len(learners)) if j not in absent.get(k, set()))
        for c, value in enumerate([day, "镇成校三楼教室", f"第{j + 1}次课", there, "王芳"], start=2):
            records.cell(row=6 + j, column=c, value=value)
    for j, teach_day in enumerate(dates[: wb["项目课程设计表"].max_row]):
        if wb["项目课程设计表"].cell(row=6 + j, column=2).value:
            wb["项目课程设计表"].cell(row=6 + j, column=5, value=teach_day)
    return wb


# A school's own workbook ---------------------------------------------------------------------------------


def own_layout(path: Path, code: str, learners: list[Person], dates: list[str], courses: list[tuple[str, int]], school: str = "杭州市西湖区蒋村街道社区学校") -> None:
    """Parts under other names; sign-in one sheet per session, its date in a title line without a year."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["国学经典诵读 学员花名册"])
    ws.append(["项目编码：", code, None, f"申报单位：{school}"])
    ws.append(["编号", "学员姓名", "身份证号码", "手机号"])
    for k, (name, number, phone) in enumerate(learners, start=1):
        ws.append([k, name, number, phone])
    for j, day in enumerate(dates, start=1):
        s = wb.create_sheet(f"签到表（{j}）")
        s.append([f"国学经典诵读 第{j}次课 签到表"])
        s.append([f"日期：{day}", None, f"项目编码：{code}"])
        s.append(["序号", "姓名", "身份证号", "签名"])
        for k, (name, number, _) in enumerate(learners, start=1):
            s.append([k, name, number, name])  # each learner signs with their name
    s = wb.create_sheet("课程设计")
    s.append([f"项目编码：{code}"])
    s.append(["序号", "课程", "课时", "任课教师", "上课日期"])
    for k, (name, hours) in enumerate(courses, start=1):
        s.append([k, name, hours, "沈老师", dates[0]])
    s = wb.create_sheet("活动记录")
    s.append([f"项目编码：{code}"])
    s.append(["序号", "时间", "地点", "内容", "实到人数", "记录人"])
    for j, day in enumerate(dates, start=1):
        s.append([j, day, "社区文化家园", f"《论语》选读第{j}讲", len(learners), "沈"])
    s = wb.create_sheet("成果评价")
    s.append([f"项目编码：{code}"])
    s.append(["序号", "姓名", "身份证号", "考核考察方式", "考核成绩", "考核日期"])
    for k, (name, number, _) in enumerate(learners, start=1):
        s.append([k, name, number, "诵读展示", "优秀" if k % 3 == 0 else "合格", "2019年4月20日"])
    save(wb, path, "国学经典诵读过程台账")


# A folder of part files -------------------------------------------------------------------------------------


def part_book(path: Path, code: str, header: list[str], rows: list[list[Any]]) -> None:
    wb = openpyxl.Workbook()
    wb.active.append([f"项目编码：{code}"])
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    save(wb, path, path.stem)


def folder_ledger(folder: Path, code: str, learners: list[Person], dates: list[str], courses: list[tuple[str, int, str]], *, evaluation: bool = True, names: tuple[str, ...] = ("学员名册", "签到记录", "课程安排表", "培训记录", "考核登记表")) -> None:
    roster_name, signin_name, design_name, records_name, evaluation_name = names
    folder.mkdir(parents=True, exist_ok=True)
    part_book(folder / f"{roster_name}.xlsx", code, ["序号", "姓名", "身份证号", "联系电话"], [[k, *p] for k, p in enumerate(learners, start=1)])
    with (folder / f"{signin_name}.csv").open("w", encoding="gbk", newline="") as fh:  # WPS exports GBK
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(["日期", "课次", "姓名", "身份证号", "签到"])
        for j, day in enumerate(dates, start=1):
            for name, number, _ in learners:
                writer.writerow([day, f"第{j}次", name, number, "√"])
    part_book(folder / f"{design_name}.xlsx", code, ["序号", "课程名称", "学时", "授课教师"], [[k, *c] for k, c in enumerate(courses, start=1)])
    part_book(folder / f"{records_name}.xlsx", code, ["序号", "日期", "地点", "培训内容", "参加人数", "记录人"],
              [[j, day, "转塘街道成校", f"第{j}次课", len(learners), "张强"] for j, day in enumerate(dates, start=1)])
    if evaluation:
        part_book(folder / f"{evaluation_name}.xlsx", code, ["序号", "姓名", "身份证号", "考核方式", "考核结果", "评价日期"],
                  [[k, name, number, "实操考核", "合格", "2019-05-20"] for k, (name, number, _) in enumerate(learners, start=1)])


# The outcome sheet ----------------------------------------------------------------------------------------------


def outcome_sheet(path: Path, rows: list[list[Any]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "学习成果"
    ws.append(["序号", "姓名", "身份证号", "联系电话", "机构代码", "项目编码", "课程编码", "学时数", "考核结果", "完成日期", "成果形式", "备注"])
    for k, row in enumerate(rows, start=1):
        ws.append([k, *row])
    save(wb, path, "学习成果")


def outcomes_of(learners: list[Person], org: str, code: str, course: str, hours: int, result: str = "合格") -> list[list[Any]]:
    return [[name, number, phone, org, code, f"{code}-{course}", hours, result, "2019-05-31", "结业证书", None] for name, number, phone in learners]


# The example ---------------------------------------------------------------------------------------------------

SMART, ECOMMERCE, NANNY, CLASSICS, PARENTS, TEA = (f"330106-2019H1-00{n}" for n in (1, 3, 4, 6, 7, 2))
TUESDAYS = days("3月5日", "3月12日", "3月19日", "3月26日", "4月2日", "4月9日", "4月16日", "4月23日")


def make_nanny(path: Path, learners: list[Person]) -> None:
    """004 with the typical mistakes (see the module's docstring)."""
    dates = days("3月9日", "3月12日", "3月16日", "3月23日", "3月30日", "4月6日", "4月13日", "7月6日")
    wb = template_ledger(NANNY, learners, dates, absent={5: {1}, 7: {0, 2, 3, 4, 5, 6}})
    roster, signin, records, design = wb["学员信息表"], wb["签到表"], wb["开展情况记录"], wb["项目课程设计表"]
    number = str(roster["C7"].value)
    roster["C7"] = number[:-1] + ("1" if number[-1] != "1" else "2")  # a digit mistyped
    for ws, cell in ((roster, "C8"), (signin, "C9"), (wb["学习成果评价表"], "C8")):
        ws[cell] = float(str(ws[cell].value)[:15] + "000")  # Excel kept 15 digits
    substitute = people(300, 1)[0]
    signin.cell(row=7 + len(learners), column=1, value=len(learners) + 1)
    signin.cell(row=7 + len(learners), column=2, value=substitute[0])
    signin.cell(row=7 + len(learners), column=3, value=substitute[1])
    signin.cell(row=7 + len(learners), column=4, value="√")
    records["E7"] = len(learners)  # 3月12日: one was absent
    for c in range(2, 7):
        records.cell(row=12, column=c).value = None  # no record of 4月13日
    design["C8"] = 10  # 早期教育 is 12 学时 in the catalog
    design["B7"] = "婴幼儿保健与护理"
    save(wb, path, "家政服务员（育婴）培训过程台账")


def main() -> None:
    if LEDGERS.exists():
        shutil.rmtree(LEDGERS)
    shutil.copyfile(ROOT / "examples" / "county" / "catalog-2019H1.xlsx", CATALOG)
    smart, ecommerce, classics = people(0, 12), people(100, 15, born=1985), people(200, 14, born=1975)
    nanny = people(400, 9, born=1990) + [smart[0]]  # 三墩's learner also signs in here on 3月12日

    save(template_ledger(SMART, smart, TUESDAYS, absent={3: {2, 5}}), LEDGERS / f"{SMART} 老年人智能手机应用.xlsx", "老年人智能手机应用过程台账")
    folder_ledger(
        LEDGERS / f"{ECOMMERCE} 农村电商直播带货", ECOMMERCE, ecommerce,
        [f"2019-03-{d:02d}" for d in (7, 14, 21, 28)] + [f"2019-04-{d:02d}" for d in (4, 11, 18, 25)],
        [("直播平台入门", 8, "张强"), ("短视频拍摄与剪辑", 12, "刘洋"), ("直播话术与选品", 12, "刘洋")],
    )
    own_layout(LEDGERS / f"{CLASSICS}_国学经典诵读.xlsx", CLASSICS, classics, days("3月6日", "3月13日", "3月20日", "3月27日", "4月3日", "4月10日"), [("国学经典诵读", 12)])
    make_nanny(LEDGERS / f"{NANNY} 家政服务员（育婴）培训_有错.xlsx", nanny)
    folder_ledger(
        LEDGERS / f"{PARENTS} 青春期家庭教育家长课堂", PARENTS, classics, ["2019-05-08", "2019-05-15", "2019-05-22"],
        [("青春期心理特点", 4, "何琳"), ("亲子沟通方法", 4, "何琳"), ("家庭教育案例研讨", 4, "冯晓")],
        evaluation=False, names=("学员信息表", "签到表", "项目课程设计表", "开展情况记录", "学习成果评价表"),
    )

    outcomes = outcomes_of(smart, "3301060011", SMART, "01", 6) + outcomes_of(people(500, 1), "3301060011", SMART, "01", 6)
    outcomes += outcomes_of(people(600, 8), "3301060011", TEA, "01", 24)
    outcomes += outcomes_of(ecommerce, "3301060023", ECOMMERCE, "01", 8)
    nanny_rows = outcomes_of(nanny[3:], "3301060023", NANNY, "01", 16)
    nanny_rows[0][7] = "优秀"  # the evaluation says 合格
    outcomes += nanny_rows
    outcomes += [row[:7] + ["优秀" if k % 3 == 0 else "合格"] + row[8:] for k, row in enumerate(outcomes_of(classics, "3301060059", CLASSICS, "01", 12), start=1)]
    outcomes += outcomes_of(classics[:5], "3301060059", PARENTS, "01", 4)
    outcome_sheet(HERE / "成果_2019H1.xlsx", outcomes)

    cmd = [str(Path(sys.executable).parent / "zjcredit"), "ledger", "check", "台账", "--catalog", CATALOG.name, "--outcomes", "成果_2019H1.xlsx", "--format", "json"]
    done = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True)
    doc = json.loads(done.stdout)
    (HERE / "expected.json").write_text(done.stdout, encoding="utf-8")
    print(f"exit {done.returncode}: {doc['summary']}", file=sys.stderr)


if __name__ == "__main__":
    main()
