"""Make the 西湖区 example: five schools' declarations (one with an error), a late one, then — by the
zjcredit commands themselves — the summary, the review sheets (written by `zjcredit template review` and
filled in here as the sub-center would), the catalogs and the difference between them (their JSON reports
go to reports/).

    python examples/county/make_examples.py

Four declarations are filled into our own template (zjcredit template annex2); the 双浦镇 school uses a
locally designed layout that follows the notice's Annex 2 (地址 split into 市 / 县 / 号 cells), as the
notice allows. Everything is deterministic: running the script again gives the same files.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from zjcredit.domain import schema
from zjcredit import templates
from zjcredit.report.output import set_text

HERE = Path(__file__).resolve().parent
HEADER_FIELDS = {f.name for f in schema.ANNEX2_HEADER}
BLOCK_FIELDS = {f.name for f in schema.ANNEX2_PROJECT} - {"项目名称", "培训项目介绍"}


def project(name: str, category: str, scale: Any, targets: str, form: str, hours: Any, outcome: str, teachers: str, assessment: str, intro: str, courses: list[tuple[str, Any, str]] | None = None) -> dict[str, Any]:
    return {
        "项目名称": name,
        "项目类别": category,
        "培训规模": scale,
        "培训对象": targets,
        "培训形式": form,
        "培训时数": hours,
        "学时数": hours,
        "成果形式": outcome,
        "师资安排": teachers,
        "考核方式": assessment,
        "培训项目介绍": intro,
        "courses": courses or [],
    }


SCHOOLS: list[tuple[str, dict[str, str], list[dict[str, Any]]]] = [
    (
        "01-三墩镇成校.xlsx",
        {"申报单位": "杭州市西湖区三墩镇成人文化技术学校", "机构代码": "3301060011", "地址": "杭州市西湖区三墩镇振华路208号", "填报人": "王芳", "联系电话": "13957112345"},
        [
            project(
                "老年人智能手机应用", "老年教育培训", 60, "老年群体", "线下面授", 16, "结业证书", "本校教师2名、社区志愿者1名", "作品展示",
                "帮助社区老年人使用智能手机完成视频通话、网上挂号、出行扫码，识别电信诈骗。每周二下午在镇成校授课，共8次。",
                [("微信与视频通话", 6, "王芳"), ("网上挂号与出行扫码", 6, "李明"), ("防范电信诈骗", 4, "陈刚")],
            ),
            project(
                "茶艺与茶文化", "文化休闲生活技能培训", 40, "企业职工、企退人员", "线下面授", 24, "结业证书", "外聘茶艺师1名", "实操考核",
                "学习绿茶、红茶冲泡技法与茶文化常识，结业时现场冲泡展示。",
            ),
        ],
    ),
    (
        "02-转塘街道成校.xlsx",
        {"申报单位": "杭州市西湖区转塘街道成人文化技术学校", "机构代码": "3301060023", "地址": "杭州市西湖区转塘街道美院南路1号", "填报人": "张强", "联系电话": "0571-87651234"},
        [
            project(
                "农村电商直播带货", "电商营销培训", 50, "农村劳动力", "线上线下混合", 32, "职业技能等级证书", "本校教师1名、电商企业讲师2名", "实操考核",
                "面向转塘、双浦一带茶农和民宿经营者，学习短视频拍摄和直播销售，结业时完成一场模拟直播。",
                [("直播平台入门", 8, "张强"), ("短视频拍摄与剪辑", 12, "刘洋"), ("直播话术与选品", 12, "刘洋")],
            ),
            project(
                "家政服务员（育婴）培训", "家政服务类培训", 30, "自由职业（待业）人员、外来务工人员", "线下面授", 40, "培训证书", "持证育婴师2名", "考试",
                "按育婴员职业标准开展婴幼儿生活照料、保健和早期教育培训，考试合格发培训证书。",
                [("婴幼儿生活照料", 16, "周敏"), ("婴幼儿保健", 12, "周敏"), ("早期教育", 12, "吴静")],
            ),
        ],
    ),
    (
        "03-留下街道成校.xlsx",
        # 项目类别 is not one of the notice's 18 categories: category-unknown, so this form is left out.
        {"申报单位": "杭州市西湖区留下街道成人文化技术学校", "机构代码": "3301060035", "地址": "杭州市西湖区留下街道屏基山路3号", "填报人": "孙丽", "联系电话": "13805710035"},
        [
            project(
                "社区老年书法", "老年人培训", 25, "老年群体", "线下面授", 20, "作品成果", "书法家协会会员1名", "作品展示",
                "楷书入门与书法欣赏，结业举办作品展。",
            ),
        ],
    ),
    (
        "04-双浦镇成校.xlsx",
        {"申报单位": "杭州市西湖区双浦镇成人文化技术学校", "机构代码": "3301060047", "地址": ("杭州", "西湖", "双浦镇新浦路66"), "填报人": "钱伟", "联系电话": "13606710047"},
        [
            project(
                "茶园管理与茶叶加工", "农村实用技术培训", "80人", "农村劳动力", "现场实操", 24, "培训证书", "农技站高级农艺师2名", "实操考核",
                "在双浦镇茶园现场教学，内容为茶园病虫害绿色防控和龙井茶手工炒制。",
            ),
            project(
                "消防安全进企业", "法律消防安全教育培训", 120, "企业职工", "集中讲座", 4, "学分证明", "消防救援站教官1名", "出勤考核",
                "辖区小微企业员工消防安全知识讲座和灭火器实操演练。",
            ),
        ],
    ),
    (
        "05-蒋村街道社区学校.xlsx",
        {"申报单位": "杭州市西湖区蒋村街道社区学校", "机构代码": "3301060059", "地址": "杭州市西湖区蒋村街道文二西路500号", "填报人": "郑洁", "联系电话": "13757110059"},
        [
            project(
                "青春期家庭教育家长课堂", "家长家庭教育培训", 100, "在校学生家长", "线下面授", 12, "结业证书", "心理咨询师2名", "考查",
                "面向辖区初中学生家长，讲授青春期心理特点与亲子沟通方法。",
                [("青春期心理特点", 4, "何琳"), ("亲子沟通方法", 4, "何琳"), ("家庭教育案例研讨", 4, "冯晓")],
            ),
            project(
                "国学经典诵读", "传统文化（国学）教育培训", 40, "在校学生", "线下面授", 12, "作品成果", "本校教师2名", "作品展示",
                "周末开展《论语》《千字文》诵读与讲解，结业汇报演出。",
            ),
        ],
    ),
]

LATE = (
    "06-北山街道成校.xlsx",
    {"申报单位": "杭州市西湖区北山街道成人文化技术学校", "机构代码": "3301060061", "地址": "杭州市西湖区北山街道曙光路15号", "填报人": "冯涛", "联系电话": "13588710061"},
    [
        project(
            "西湖龙井茶艺师（初级）", "市（农）民职业技能培训", 35, "商业服务人员、自由职业（待业）人员", "线下面授", 48, "职业技能等级证书", "高级茶艺师2名", "考试",
            "按茶艺师国家职业标准（初级）培训，考核合格者参加职业技能等级认定。",
            [("茶艺基础", 16, "冯涛"), ("西湖龙井冲泡", 16, "何悦"), ("茶事服务", 16, "何悦")],
        ),
    ],
)

REVIEW = [
    ("3301060035", "社区老年书法", "不通过", "项目类别“老年人培训”不在通知的 18 类中，请改为“老年教育培训”后重新申报。"),
    ("3301060011", "老年人智能手机应用", "通过", ""),
    ("3301060011", "茶艺与茶文化", "通过", ""),
    ("3301060023", "农村电商直播带货", "通过", ""),
    ("3301060023", "家政服务员（育婴）培训", "通过", ""),
    ("3301060047", "茶园管理与茶叶加工", "通过", ""),
    ("3301060047", "消防安全进企业", "不通过", "培训时数仅 4 小时，不足以形成学习成果；建议并入企业职工安全培训项目后重新申报。"),
    ("3301060059", "青春期家庭教育家长课堂", "通过", "培训对象请按通知所列对象填写。"),
    ("3301060059", "国学经典诵读", "通过", ""),
]
# The sub-center keeps one review sheet per period and adds the late project to it.
REVIEW_V2 = [*REVIEW, ("3301060061", "西湖龙井茶艺师（初级）", "通过", "")]


def fill_template(path: Path, header: dict[str, Any], projects: list[dict[str, Any]]) -> None:
    """Fill our Annex 2 template by its labels: the value goes right of each label."""
    wb = templates.build_workbook("annex2", projects=len(projects))
    ws = wb["申报表"]
    n = 0
    for row in list(ws.iter_rows()):
        for cell in row:
            text = cell.value
            if not isinstance(text, str):
                continue
            m = re.match(r"^培训项目(\d+)：名称$", text)
            if m:
                n = int(m.group(1))
                set_text(ws.cell(cell.row, cell.column + 1), projects[n - 1]["项目名称"])
            elif n == 0 and text in HEADER_FIELDS:
                set_text(ws.cell(cell.row, cell.column + 1), header[text])
            elif n and text in BLOCK_FIELDS:
                set_text(ws.cell(cell.row, cell.column + 1), projects[n - 1][text])
            elif n and text.startswith("培训项目介绍"):
                set_text(ws.cell(cell.row + 1, 1), projects[n - 1]["培训项目介绍"])
            elif n and text == "课程名称":
                for i, (name, hours, teacher) in enumerate(projects[n - 1]["courses"]):
                    set_text(ws.cell(cell.row + 1 + i, 1), name)
                    set_text(ws.cell(cell.row + 1 + i, 3), hours)
                    set_text(ws.cell(cell.row + 1 + i, 4), teacher)
    path.write_bytes(templates.workbook_bytes(wb))


def fill_notice_layout(path: Path, header: dict[str, Any], projects: list[dict[str, Any]]) -> None:
    """A locally designed form after the notice's Annex 2: six columns, 地址 as 市 / 县 / 号 blanks."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["浙江省成人学校社会培训项目申报表"])
    ws.merge_cells("A1:F1")
    ws.append(["申报单位", header["申报单位"], None, "机构代码", header["机构代码"]])
    ws.merge_cells("B2:C2")
    city, county, street = header["地址"]
    ws.append(["地址", city, "市", county, "县", street + "号"])
    ws.append(["填报人", header["填报人"], None, "联系电话", header["联系电话"]])
    for n, p in enumerate(projects, start=1):
        ws.append([f"培训项目{n}：名称", p["项目名称"]])
        ws.append(["项目类别", p["项目类别"], None, "培训规模", p["培训规模"], "人"])
        ws.append(["培训对象", p["培训对象"], None, "培训形式", p["培训形式"]])
        ws.append(["培训时数", p["培训时数"], None, "学时数", p["学时数"]])
        ws.append(["成果形式", p["成果形式"], None, "师资安排", p["师资安排"]])
        ws.append(["考核方式", p["考核方式"]])
        ws.append(["培训项目介绍（培训目的、培训目标、培训对象及类型、培训内容、培训组织范围、培训规模、培训时间、培训地点等）"])
        ws.append([p["培训项目介绍"]])
        ws.merge_cells(f"A{ws.max_row}:F{ws.max_row}")
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                set_text(cell, cell.value)
    ws["E2"].number_format = "@"
    ws["E4"].number_format = "@"
    wb.properties.created = templates.FIXED_TIME
    path.write_bytes(templates.workbook_bytes(wb))


def fill_review(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """Fill the review sheet `zjcredit template review` wrote: 审核结果 and 审核意见 of each project row."""
    from openpyxl import load_workbook

    decided = {(code, name): (result, opinion) for code, name, result, opinion in rows}
    wb = load_workbook(path)
    ws = wb["审核结果"]
    header = next(r for r in range(1, 10) if ws.cell(r, 2).value == "机构代码")
    cols = {re.sub(r"\s+", "", str(ws.cell(header, c).value)): c for c in range(1, ws.max_column + 1)}
    for r in range(header + 1, ws.max_row + 1):
        key = (ws.cell(r, cols["机构代码"]).value, ws.cell(r, cols["项目名称"]).value)
        if key in decided:
            result, opinion = decided[key]
            set_text(ws.cell(r, cols["审核结果"]), result)
            set_text(ws.cell(r, cols["审核意见"]), opinion or None)
    path.write_bytes(templates.workbook_bytes(wb))


def zjcredit(report: str | None, *args: str) -> int:
    """Run a command as a clerk would; its JSON report goes to reports/<report>.json."""
    (HERE / "reports").mkdir(exist_ok=True)
    cmd = [sys.executable, "-m", "zjcredit", *args]
    if report is not None:
        cmd += ["--format", "json", "--report", f"reports/{report}.json"]
    done = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True)
    print(f"zjcredit {' '.join(args)}  → exit {done.returncode}")
    if done.stderr.strip():
        print(done.stderr.strip())
    return done.returncode


def main() -> None:
    decl = HERE / "declarations"
    late = HERE / "late"
    decl.mkdir(exist_ok=True)
    late.mkdir(exist_ok=True)
    for name, header, projects in SCHOOLS:
        writer = fill_notice_layout if isinstance(header["地址"], tuple) else fill_template
        writer(decl / name, header, projects)
    fill_template(late / LATE[0], LATE[1], LATE[2])

    zjcredit("summary", "summary", "build", "declarations", "-o", "summary.xlsx", "--filler", "陈静", "--date", "2019-05-20", "--force")
    zjcredit(None, "template", "review", "--from", "declarations", "-o", "review.xlsx", "--force")
    fill_review(HERE / "review.xlsx", REVIEW)
    zjcredit(None, "template", "review", "--from", "declarations", "--from", "late", "-o", "review-v2.xlsx", "--force")
    fill_review(HERE / "review-v2.xlsx", REVIEW_V2)
    zjcredit("catalog-2019H1", "catalog", "build", "declarations", "--period", "2019H1", "--review", "review.xlsx", "-o", "catalog-2019H1.xlsx", "--date", "2019-07-01", "--force")
    zjcredit(
        "catalog-2019H1-v2", "catalog", "build", "declarations", "late", "--period", "2019H1", "--previous", "catalog-2019H1.xlsx",
        "--review", "review-v2.xlsx", "-o", "catalog-2019H1-v2.xlsx", "--date", "2019-07-20", "--force",
    )
    diff = subprocess.run([sys.executable, "-m", "zjcredit", "catalog", "diff", "catalog-2019H1.xlsx", "catalog-2019H1-v2.xlsx", "--format", "json"], cwd=HERE, capture_output=True, text=True)
    (HERE / "reports" / "catalog-diff.json").write_text(diff.stdout, encoding="utf-8")
    print(f"zjcredit catalog diff catalog-2019H1.xlsx catalog-2019H1-v2.xlsx  → exit {diff.returncode}")


if __name__ == "__main__":
    main()
