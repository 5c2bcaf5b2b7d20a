"""Regenerate the example declarations in this folder (committed together with their outputs).

    python examples/declarations/make_examples.py        # needs openpyxl and xlwt (pip install -e '.[test]')
    zjcredit validate examples/declarations --format json > examples/declarations/expected.json

The files are what county clerks receive: forms in our template, forms laid out like the notice's
Annex 2 by other hands (merged cells, ``标签：值`` cells, units in their own cells, an old .xls), some with
the typical mistakes, and Annex 1 summaries typed by hand (an .xlsx and a GBK CSV).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
INTRO_LABEL = "培训项目介绍（培训目的、培训目标、培训对象及类型、培训内容、培训组织范围、培训规模、培训时间、地点等）"


# Our template, filled in --------------------------------------------------------------------------


def fill_template(path: Path, header: dict[str, Any], projects: list[dict[str, Any]], blocks: int | None = None) -> None:
    """Fill ``zjcredit template annex2`` the way a clerk does: type into the cell right of each label."""
    from zjcredit.domain.schema import header_key
    from zjcredit.templates import build_workbook

    wb = build_workbook("annex2", projects=blocks or max(2, len(projects)))
    ws = wb["申报表"]
    merged = list(ws.merged_cells.ranges)

    def right(cell: Any) -> Any:
        for rng in merged:
            if cell.coordinate in rng:
                return ws.cell(row=cell.row, column=rng.max_col + 1)
        return ws.cell(row=cell.row, column=cell.column + 1)

    block = 0
    for row in list(ws.iter_rows()):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            key = header_key(cell.value)
            if key.startswith("培训项目") and key[4:5].isdigit():
                block = int(key[4:].split("：")[0])
                if block <= len(projects) and "项目名称" in projects[block - 1]:
                    right(cell).value = projects[block - 1]["项目名称"]
                continue
            values = header if block == 0 else (projects[block - 1] if block <= len(projects) else {})
            if key.startswith("培训项目介绍"):
                if "培训项目介绍" in values:
                    ws.cell(row=cell.row + 1, column=1).value = values["培训项目介绍"]
                continue
            if key == "课程名称":
                for i, (name, hours, teacher) in enumerate(values.get("courses", ())):
                    ws.cell(row=cell.row + 1 + i, column=1).value = name
                    ws.cell(row=cell.row + 1 + i, column=3).value = hours
                    ws.cell(row=cell.row + 1 + i, column=4).value = teacher
                continue
            if key in values and cell.column in (1, 3):
                right(cell).value = values[key]
    for ref, value in header.get("_cells", {}).items():
        ws[ref] = value
    wb.save(path)


# A notice-style form, laid out by hand --------------------------------------------------------------


def notice_form(ws: Any, header: dict[str, Any], projects: list[dict[str, Any]], *, assessment: bool = True, inline: bool = False, blocks: int = 0) -> None:
    """Annex 2 as printed in the notice, on 7 columns (A–G), with merged cells.

    ``inline`` writes the institution lines as ``标签：值`` cells (a common local variant); the address
    is spread over cells ``杭州 | 市 | 西湖 | 县 | 文三路100 | 号`` as on the printed form. ``blocks``
    adds blank project blocks after the filled ones.
    """
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    for col, width in zip("ABCDEFG", (14, 14, 8, 14, 14, 22, 6)):
        ws.column_dimensions[col].width = width

    def put(ref: str, value: Any, merge: str | None = None) -> None:
        ws[ref] = value
        ws[ref].alignment = wrap
        if merge:
            ws.merge_cells(merge)
            for row in ws[merge]:
                for c in row:
                    c.border = box
        else:
            ws[ref].border = box

    ws["A1"] = "附件 2"
    put("A2", "浙江省成人学校社会培训项目申报表", "A2:G2")
    ws["A2"].font = Font(size=16, bold=True)
    ws["A2"].alignment = Alignment(horizontal="center")
    if inline:
        put("A3", f"申报单位：{header.get('申报单位', '')}", "A3:D3")
        put("E3", f"机构代码：{header.get('机构代码', '')}", "E3:G3")
    else:
        put("A3", "申报单位")
        put("B3", header.get("申报单位"), "B3:D3")
        put("E3", "机构代码")
        put("F3", header.get("机构代码"), "F3:G3")
    put("A4", "地址")
    for col, value in zip("BCDEFG", header.get("地址_parts", ("", "市", "", "县", "", "号"))):
        put(f"{col}4", value or None)
    if inline:
        put("A5", f"填报人：{header.get('填报人', '')}    联系电话：{header.get('联系电话', '')}", "A5:G5")
    else:
        put("A5", "填报人")
        put("B5", header.get("填报人"), "B5:D5")
        put("E5", "联系电话")
        put("F5", header.get("联系电话"), "F5:G5")
    row = 6
    for n, project in enumerate([*projects, *({} for _ in range(blocks))], start=1):
        name = project.get("项目名称")
        put(f"A{row}", f"培训项目 {n}：名称" + (f"：{name}" if name else ""), f"A{row}:G{row}")
        row += 1
        lines = [("项目类别", "培训规模"), ("培训对象", "培训形式"), ("培训时数", "学时数"), ("成果形式", "师资安排")]
        for left, right in lines:
            put(f"A{row}", project.get(f"_label_{left}", left))
            put(f"B{row}", project.get(left), f"B{row}:C{row}")
            put(f"D{row}", project.get(f"_label_{right}", right))
            if right == "培训规模":
                put(f"E{row}", project.get(right), f"E{row}:F{row}")
                put(f"G{row}", "人")
            else:
                put(f"E{row}", project.get(right), f"E{row}:G{row}")
            row += 1
        if assessment:
            put(f"A{row}", "考核考察方式")
            put(f"B{row}", project.get("考核方式"), f"B{row}:G{row}")
            row += 1
        put(f"A{row}", INTRO_LABEL, f"A{row}:G{row}")
        ws.row_dimensions[row].height = 30
        row += 1
        put(f"A{row}", project.get("培训项目介绍"), f"A{row}:G{row + 3}")
        row += 4
    for ref, value in header.get("_cells", {}).items():
        ws[ref] = value


# The examples --------------------------------------------------------------------------------------

SANDUN = {
    "申报单位": "杭州市西湖区三墩镇成人文化技术学校",
    "机构代码": "330106A0012",
    "地址": "杭州市西湖区三墩镇墩余路12号",
    "填报人": "王丽",
    "联系电话": "0571-88561234",
}
SANDUN_PROJECTS = [
    {
        "项目名称": "西湖龙井茶艺师技能培训",
        "项目类别": "市（农）民职业技能培训",
        "培训规模": 50,
        "培训对象": "农村劳动力、自由职业（待业）人员",
        "培训形式": "线下面授",
        "培训时数": 24,
        "学时数": 32,
        "成果形式": "结业证书",
        "师资安排": "高级茶艺师 2 名，本校专职教师 1 名",
        "考核方式": "实操考核",
        "培训项目介绍": "培训目的：提升三墩镇农村劳动力的茶艺服务技能，促进就业。\n培训对象：本镇农村劳动力及待业人员，共 50 人。\n培训内容：西湖龙井茶基础知识、冲泡技艺、茶席设计。\n培训时间：2019 年 6 月至 7 月，每周六上午；地点：三墩镇成校实训室。",
        "courses": [("西湖龙井茶基础知识", 8, "陈敏"), ("龙井冲泡技艺", 16, "陈敏"), ("茶席设计", 8, "李华")],
    },
    {
        "项目名称": "老年人智能手机应用培训",
        "项目类别": "老年教育培训",
        "培训规模": 120,
        "培训对象": "老年群体",
        "培训形式": "线下面授",
        "培训时数": 12,
        "学时数": 16,
        "成果形式": "学分证明",
        "师资安排": "本校信息技术教师 3 名",
        "考核方式": "出勤考核",
        "培训项目介绍": "面向三墩镇各社区 60 岁以上老人，分 4 个班，讲授智能手机基本操作、微信视频通话、移动支付与防诈骗常识。",
        "courses": [("智能手机基本操作", 6, "周杰"), ("移动支付与防诈骗", 10, "周杰")],
    },
]

JIANGSHAN = {
    "申报单位": "宁波市鄞州区姜山镇成人文化技术学校",
    "机构代码": "330212B0031",
    "地址_parts": ("宁波", "市", "鄞州", "区", "姜山镇学院路 8", "号"),
    "填报人": "张敏",
    "联系电话": "0574-88451234",
}
JIANGSHAN_PROJECTS = [
    {
        "项目名称": "电商直播营销实务培训",
        "项目类别": "电商营销培训",
        "培训规模": "40人",
        "培训对象": "农村劳动力、商业服务人员",
        "培训形式": "线上线下混合",
        "培训时数": "32小时",
        "学时数": "４０",
        "成果形式": "培训证书",
        "师资安排": "鄞州区电子商务协会讲师 2 名",
        "考核方式": "作品展示",
        "培训项目介绍": "帮助姜山镇农产品经营户掌握直播带货技能。内容包括平台规则、直播脚本、短视频拍摄剪辑和店铺运营，2019 年 7 月开班，地点为姜山镇成校电商实训室。",
    },
    {
        "项目名称": "企业员工消防安全知识培训",
        "项目类别": "法律消防安全教育培训",
        "培训规模": 200,
        "培训对象": "企业职工、外来务工人员",
        "培训形式": "集中讲座",
        "培训时数": 4,
        "学时数": 6,
        "成果形式": "培训证书",
        "师资安排": "姜山镇消防中队教官 1 名",
        "考核方式": "线上测试",
        "培训项目介绍": "面向姜山镇规模以上企业员工，讲授火灾预防、灭火器使用和疏散逃生，并进行现场演练。",
    },
]


def make_clean_template() -> None:
    fill_template(HERE / "01_西湖区三墩镇成校_申报表.xlsx", SANDUN, SANDUN_PROJECTS, blocks=3)


def make_clean_notice() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "项目申报表"
    notice_form(ws, JIANGSHAN, JIANGSHAN_PROJECTS, inline=True, blocks=1)
    wb.save(HERE / "02_鄞州区姜山镇成校_申报表.xlsx")


def make_template_mistakes() -> None:
    header = {
        "申报单位": "杭州市拱墅区和睦街道成人文化技术学校",
        "机构代码": "330105C0107",
        "地址": "杭州市下城区和睦路 165 号",  # the 2019 name of the district: still recognised
        "填报人": "李建国",
        "联系电话": "1385710234",  # one digit short
    }
    projects = [
        {
            "项目名称": "养老护理员技能培训",
            "项目类别": "养老护理培训",  # not one of the 18, not marked （新）
            "培训规模": "５０人",
            "培训对象": "外来务工人员、企退人员",
            "培训形式": "线下面授",
            "培训时数": "２４",
            "学时数": None,  # forgotten
            "成果形式": "职业技能等级证书",
            "师资安排": "拱墅区社区卫生服务中心护师 2 名",
            "考核方式": "实操考核",
            "培训项目介绍": "面向和睦街道有意从事养老护理的人员，讲授老年人生活照料、基础护理和康复知识。",
        },
        {
            "项目名称": "研学旅行指导师培训",
            "项目类别": "研学旅行培训（新）",
            "培训规模": 30,
            "培训对象": "在校学生、老年人",  # 老年人: the notice says 老年群体
            "培训形式": "现场实操",
            "培训时数": 16,
            "学时数": 16,
            "成果形式": "结业证书",
            "师资安排": "本校教师 2 名",
            "考核方式": "作品展示",
            "培训项目介绍": "结合运河文化资源，培养社区研学活动的组织和讲解人员。",
            "courses": [("运河文化讲解", 8, "赵刚"), ("研学活动设计", 6, "赵刚")],  # 14 ≠ 16
        },
        {
            "项目名称": "养老护理员技能培训",  # the same project twice
            "项目类别": "家政服务类培训",
            "培训规模": 40,
            "培训对象": "外来务工人员",
            "培训形式": "线下面授",
            "培训时数": 24,
            "学时数": 32,
            "成果形式": "结业证书",
            "师资安排": "本校教师 1 名",
            "考核方式": "实操考核",
            "培训项目介绍": "同上。",
        },
    ]
    fill_template(HERE / "03_拱墅区和睦街道成校_申报表_有错.xlsx", header, projects)


def make_notice_mistakes() -> None:
    from openpyxl import Workbook

    header = {
        "申报单位": "杭州市余杭区良渚街道成人文化技术学校",
        "机构代码": "余杭良渚成校",  # a name, not the credit-bank code
        "地址_parts": ("杭州", "市", None, "县", "文一西路 1500", "号"),  # county left blank
        "填报人": "陈晓燕",
        "联系电话": "13967112345",
    }
    projects = [
        {
            "项目名称": "良渚文化讲解员培训",
            "项目类别": "传统文化（国学）教育培训",
            "培训规模": 45,
            "培训对象": "在校学生、企退人员",
            "培训形式": "线下面授",
            "培训时数": 20,
            "学时数": "#REF!",  # a formula copied from another workbook
            "成果形式": "培训证书",
            "师资安排": "良渚博物院讲解员 2 名",
            "培训项目介绍": "围绕良渚古城遗址，培养社区文化讲解志愿者。",
        },
        {
            "项目名称": "家庭教育指导培训",
            "项目类别": "家长家庭教育培训",
            "培训规模": "二十人",  # not a number
            "培训对象": "在校学生家长",
            "培训形式": "集中讲座",
            "培训时数": 8,
            "学时数": 30,  # far more than 8 hours of training
            "成果形式": "学分证明",
            "师资安排": "区家庭教育讲师团 2 名",
            "培训项目介绍": "",
        },
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "申报表"
    notice_form(ws, header, projects, assessment=False, blocks=1)
    wb.save(HERE / "04_余杭区良渚街道成校_申报表_有错.xlsx")


def make_xls() -> None:
    """An old Excel 97-2003 form: notice layout, 考核考察方式 added, a landline outside Zhejiang."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("申报表")
    ws.write_merge(0, 0, 0, 5, "浙江省成人学校社会培训项目申报表")
    ws.write(1, 0, "申 报 单 位")
    ws.write_merge(1, 1, 1, 2, "宁波市北仑区大碶街道成人文化技术学校")
    ws.write(1, 3, "机构代码")
    ws.write_merge(1, 1, 4, 5, "330206D0008")
    ws.write(2, 0, "地  址")
    ws.write_merge(2, 2, 1, 5, "浙江省宁波市北仑区大碶街道灵山路 88 号")
    ws.write(3, 0, "填报人")
    ws.write_merge(3, 3, 1, 2, "徐海波")
    ws.write(3, 3, "联系电话")
    ws.write_merge(3, 3, 4, 5, "021-58761234")
    ws.write_merge(4, 4, 0, 5, "培训项目一：模具数控加工技能提升培训")
    rows = [
        ("项目类别", "企业职工培训", "培训规模", 60),
        ("培训对象", "企业职工", "培训形式", "线下面授"),
        ("培训时数", 40, "学时数", 53),
        ("成果形式", "职业技能等级证书", "师资安排", "北仑职高数控专业教师 3 名"),
    ]
    for i, (a, b, c, d) in enumerate(rows, start=5):
        ws.write(i, 0, a)
        ws.write_merge(i, i, 1, 2, b)
        ws.write(i, 3, c)
        ws.write_merge(i, i, 4, 5, d)
    ws.write(9, 0, "考核考察方式")
    ws.write_merge(9, 9, 1, 5, "理论考试与实操考核")
    ws.write(10, 0, "培训项目介绍")
    ws.write_merge(10, 10, 1, 5, "面向大碶街道模具企业一线员工，提升数控编程与加工技能，2019 年 9 月起分两期开班，每期 30 人。")
    wb.save(str(HERE / "05_北仑区大碶街道成校_申报表.xls"))


ANNEX1_HEADER = ("序号", "项目名称", "项目类别", "培训规模", "培训对象", "培训形式", "培训时数", "学时数", "申报单位", "机构代码", "联系人\n（电话）")


def make_annex1_xlsx() -> None:
    """A summary typed by hand: title, 所在区域 line, a two-row merged header, a 合计 row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws["A1"] = "附件 1"
    ws["A2"] = "浙江省成人学校社会培训项目申报汇总表"
    ws.merge_cells("A2:K2")
    ws["A2"].font = Font(size=16, bold=True)
    ws["A2"].alignment = Alignment(horizontal="center")
    ws["A3"] = "所在区域：杭州 市、西湖 县（市、区）、      区"
    ws.merge_cells("A3:K3")
    ws["A4"] = "填报人：孙晓红"
    ws["A5"] = "填报时间：2019.5.20"
    # The header typed over two rows, each label merged vertically (序\n号 as on the notice).
    for col, label in enumerate(ANNEX1_HEADER, start=1):
        cell = ws.cell(row=6, column=col, value=label if label != "序号" else "序\n号")
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.merge_cells(start_row=6, start_column=col, end_row=7, end_column=col)
    data = [
        (1, "西湖龙井茶艺师技能培训", "市（农）民职业技能培训", 50, "农村劳动力、自由职业（待业）人员", "线下面授", 24, 32, "杭州市西湖区三墩镇成人文化技术学校", "330106A0012", "王丽 0571-88561234"),
        (2, "老年人智能手机应用培训", "老年教育培训", 120, "老年群体", "线下面授", 12, 16, "杭州市西湖区三墩镇成人文化技术学校", "330106A0012", "王丽 0571-88561234"),
        (3, "插花艺术与家居美化", "文化休闲生活技能培训", "30人", "企退人员、老年群体", "线下面授", "16学时", 16, "杭州市西湖区转塘街道成人文化技术学校", "330106A0020", "刘芳"),
        (5, "新市民融入与法律常识培训", "新市民（外来务工人员）培训", 80, "外来务工人员", "集中讲座", 8, 8, "杭州市西湖区转塘街道成人文化技术学校", "330106A0020", "刘芳 13758112233"),
        (6, "幼儿家庭教育指导", "家长家庭教育培训", 60, "在校学生家长", "线上网络", 10, 12, "杭州市西湖区留下街道成人文化技术学校", "330106A0033", "何军 0571-8523"),
    ]
    for i, row in enumerate(data, start=8):
        for col, value in enumerate(row, start=1):
            ws.cell(row=i, column=col, value=value)
    total = 8 + len(data)
    ws.cell(row=total, column=1, value="合计")
    ws.cell(row=total, column=4, value=340)
    ws.cell(row=total + 2, column=1, value="填表人：孙晓红    审核人：钱伟")
    wb.save(HERE / "06_西湖区_申报汇总表.xlsx")


def make_annex1_csv() -> None:
    """The same kind of summary exported as CSV by WPS in the Chinese default encoding (GBK)."""
    lines = [
        "浙江省成人学校社会培训项目申报汇总表,,,,,,,,,,",
        "所在区域：宁波市鄞州区,,,,,,,,,,",
        "序号,项目名称,项目类别,培训规模,培训对象,培训形式,培训时数,学时数,申报单位,机构代码,联系人（电话）",
        "1,电商直播营销实务培训,电商营销培训,40,农村劳动力、商业服务人员,线上线下混合,32,40,宁波市鄞州区姜山镇成人文化技术学校,330212B0031,张敏 0574-88451234",
        "2,企业员工消防安全知识培训,法律消防安全教育培训,200,企业职工、外来务工人员,集中讲座,4,6,宁波市鄞州区姜山镇成人文化技术学校,330212B0031,张敏 0574-88451234",
        "3,甬式点心制作,市（农）民职业技能培训,35,农村劳动力,现场实操,30,40,宁波市鄞州区咸祥镇成人文化技术学校,330212B0045,胡斌 13805741234",
    ]
    (HERE / "07_鄞州区_申报汇总表_GBK.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def main() -> int:
    make_clean_template()
    make_clean_notice()
    make_template_mistakes()
    make_notice_mistakes()
    make_xls()
    make_annex1_xlsx()
    make_annex1_csv()
    print(f"examples written to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
