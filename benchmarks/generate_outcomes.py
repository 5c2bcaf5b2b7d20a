"""Generate realistic learner-outcome sheets of any size, with a matching catalog.

    python benchmarks/generate_outcomes.py --rows 1000000 -o benchmarks/data/outcomes_1m.xlsx
    python benchmarks/generate_outcomes.py --rows 100000 -o out.csv --encoding gb18030

The sheet has the template's 12 columns under a title line, IDs made with ``idcard.make_id`` (valid
checksums, real Zhejiang county codes), dates as real date cells, and — unless ``--error-rate 0`` — a
sprinkling of the mistakes clerks make: IDs typed as numbers (Excel kept 15 digits), bad check digits,
unknown course codes, one phone number on many learners, hours above the course's, unreadable dates.

The xlsx is written directly as SpreadsheetML (shared strings, as Excel and WPS write it), which takes
seconds where openpyxl's write-only mode takes minutes at a million rows. The catalog (sheets 项目目录
and 课程目录 as ``zjcredit catalog build`` writes them) goes beside the sheet unless ``--catalog`` says
where.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zjcredit.domain import divisions  # noqa: E402
from zjcredit.domain.idcard import make_id  # noqa: E402

HEADERS = ("序号", "姓名", "身份证号", "联系电话", "机构代码", "项目编码", "课程编码", "学时数", "考核结果", "完成日期", "成果形式", "备注")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰志强海燕红梅文斌晓明丽娟俊杰佳怡子涵浩然雨桐思远欣怡宇航嘉怡"
CATEGORIES = (
    ("农村实用技术培训", "农村劳动力", (20, 65)),
    ("企业职工培训", "企业职工", (20, 58)),
    ("老年教育培训", "老年群体", (55, 80)),
    ("电商营销培训", "自由职业（待业）人员、农村劳动力", (20, 50)),
    ("健康养生科普培训", "企退人员、老年群体", (50, 78)),
    ("市（农）民职业技能培训", "外来务工人员", (20, 55)),
    ("家长家庭教育培训", "企业职工、商业服务人员", (25, 50)),
    ("青少年课外教育培训", "在校学生", (17, 22)),
)
COURSE_NAMES = ("理论基础", "实操训练", "案例研讨", "综合考核")
RESULTS = ("合格", "合格", "合格", "优秀", "良好", "及格", "中等")
FORMS = ("结业证书", "培训证书", "学分证明")
PERIOD = "2019H1"
PERIOD_START = dt.date(2019, 1, 10)
PERIOD_DAYS = 160
EXCEL_EPOCH = dt.date(1899, 12, 30)


class Project:
    def __init__(self, code: str, name: str, category: str, targets: str, ages: tuple[int, int], org: tuple[str, str], courses: list[tuple[str, str, int]], scale: int) -> None:
        self.code, self.name, self.category, self.targets, self.ages = code, name, category, targets, ages
        self.org_code, self.org_name = org
        self.courses = courses
        self.scale = scale


def make_catalog(rng: random.Random, rows: int) -> list[Project]:
    counties = [c for c in divisions.counties().values() if c.current]
    n_projects = max(2, min(400, rows // 400))
    n_orgs = max(1, n_projects // 3)
    orgs = [(f"ZJ{330000 + i:06d}", f"第{i + 1}成人文化技术学校") for i in range(n_orgs)]
    projects = []
    per_county: dict[str, int] = {}
    for i in range(n_projects):
        county = counties[i % len(counties)]
        per_county[county.code] = per_county.get(county.code, 0) + 1
        code = f"{county.code}-{PERIOD}-{per_county[county.code]:03d}"
        category, targets, ages = CATEGORIES[i % len(CATEGORIES)]
        n_courses = 1 + i % 4
        courses = [(f"{code}-{k + 1:02d}", COURSE_NAMES[k], rng.choice((8, 12, 16, 24))) for k in range(n_courses)]
        projects.append(Project(code, f"{category[:-2]}项目{i + 1}", category, targets, ages, orgs[i % n_orgs], courses, 0))
    return projects


def write_catalog(path: Path, projects: list[Project]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目目录"
    ws.append(["项目编码", "项目名称", "项目类别", "培训对象", "培训形式", "培训规模", "培训时数", "学时数", "成果形式", "考核方式", "申报单位", "机构代码", "所在市", "所在县", "目录期次"])
    for p in projects:
        county = divisions.counties()[p.code[:6]]
        hours = sum(c[2] for c in p.courses)
        ws.append([p.code, p.name, p.category, p.targets, "线下面授", p.scale, hours, hours, "结业证书", "考查", p.org_name, p.org_code, county.city_name, county.name, PERIOD])
    cs = wb.create_sheet("课程目录")
    cs.append(["课程编码", "项目编码", "课程名称", "课程学时", "授课教师"])
    for p in projects:
        for code, name, hours in p.courses:
            cs.append([code, p.code, name, hours, "王老师"])
    info = wb.create_sheet("说明")
    info.append(["目录期次", PERIOD])
    info.append(["说明", "由 benchmarks/generate_outcomes.py 生成的示例目录"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def learners(rng: random.Random, count: int, ages: tuple[int, int], used: set[str]) -> list[tuple[str, str, str]]:
    """(name, id, phone) triples with unique valid IDs."""
    counties = [c.code for c in divisions.counties().values() if c.current]
    out = []
    while len(out) < count:
        age = rng.randint(*ages)
        birth = dt.date(2019 - age, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
        number = make_id(rng.choice(counties), birth, rng.randrange(1, 999))
        if number in used:
            continue
        used.add(number)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        out.append((name, number, phone))
    return out


def generate_rows(rng: random.Random, rows: int, projects: list[Project], error_rate: float) -> list[list[object]]:
    """The data rows; every value is str (text cell) or int/float/date (number cell)."""
    used: set[str] = set()
    data: list[list[object]] = []
    per_project = [rows // len(projects)] * len(projects)
    for i in range(rows - sum(per_project)):
        per_project[i] += 1
    for p, n in zip(projects, per_project):
        # Each learner takes one to all of the project's courses.
        people = learners(rng, max(1, n // max(1, len(p.courses)) + 1), p.ages, used)
        distinct: set[str] = set()
        k = 0
        while k < n:
            for person in people:
                for code, _, hours in p.courses:
                    if k >= n:
                        break
                    name, number, phone = person
                    day = PERIOD_START + dt.timedelta(days=rng.randrange(PERIOD_DAYS))
                    remark = "双证制" if rng.random() < 0.02 else ""
                    data.append([len(data) + 1, name, number, phone, p.org_code, p.code, code, hours, rng.choice(RESULTS), day, rng.choice(FORMS), remark])
                    distinct.add(number)
                    k += 1
                if k >= n:
                    break
        p.scale = max(10, (len(distinct) * 11 + 9) // 10)  # declared scale: 10 % headroom
    if error_rate > 0:
        sprinkle(rng, data, projects, error_rate)
    return data


def sprinkle(rng: random.Random, data: list[list[object]], projects: list[Project], error_rate: float) -> None:
    n = max(1, int(len(data) * error_rate))
    picks = rng.sample(range(len(data)), min(len(data), n * 6))
    kinds = ("excel-number", "checksum", "course", "date", "hours", "phone")
    for j, idx in enumerate(picks):
        row = data[idx]
        kind = kinds[j % len(kinds)]
        if kind == "excel-number":
            row[2] = float(f"{float(str(row[2])[:17] + '0'):.14e}")  # a number cell: Excel keeps 15 digits
        elif kind == "checksum":
            s = str(row[2])
            row[2] = s[:17] + ("0" if s[17] != "0" else "1")
        elif kind == "course":
            row[6] = f"{row[5]}-{rng.randrange(50, 99)}"
        elif kind == "date":
            row[9] = rng.choice(("2019.13.01", "去年", "2035-01-01"))
        elif kind == "hours":
            row[7] = int(row[7]) * 10
    # One phone number on a dozen learners of one project (a clerk's own number typed for everyone).
    start = rng.randrange(max(1, len(data) - 60))
    seen: set[object] = set()
    for row in data[start : start + 60]:
        if row[2] not in seen and len(seen) < 12:
            seen.add(row[2])
        if row[2] in seen:
            row[3] = "13800000000"


# Writing xlsx as SpreadsheetML ------------------------------------------------------------------

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="学习成果" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""
# Style 1 is a date (numFmt 14), style 2 is text (@).
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"""
_LETTERS = "ABCDEFGHIJKL"


def write_xlsx(path: Path, title: str, data: list[list[object]]) -> None:
    strings: dict[str, int] = {}

    def sid(text: str) -> int:
        i = strings.get(text)
        if i is None:
            i = strings[text] = len(strings)
        return i

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            out: list[str] = []
            last = len(data) + 2
            out.append('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            out.append(f'<dimension ref="A1:L{last}"/><sheetData>')
            out.append(f'<row r="1"><c r="A1" t="s"><v>{sid(title)}</v></c></row>')
            out.append('<row r="2">' + "".join(f'<c r="{_LETTERS[c]}2" t="s"><v>{sid(h)}</v></c>' for c, h in enumerate(HEADERS)) + "</row>")
            for r, row in enumerate(data, start=3):
                cells = []
                for c, v in enumerate(row):
                    if v == "" or v is None:
                        continue
                    ref = f"{_LETTERS[c]}{r}"
                    if isinstance(v, str):
                        cells.append(f'<c r="{ref}" t="s" s="2"><v>{sid(v)}</v></c>' if c in (2, 3, 4, 5, 6) else f'<c r="{ref}" t="s"><v>{sid(v)}</v></c>')
                    elif isinstance(v, dt.date):
                        cells.append(f'<c r="{ref}" s="1"><v>{(v - EXCEL_EPOCH).days}</v></c>')
                    elif isinstance(v, float):
                        cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}"><v>{v}</v></c>')
                out.append(f'<row r="{r}">{"".join(cells)}</row>')
                if len(out) >= 20000:
                    raw.write("".join(out).encode("utf-8"))
                    out.clear()
            out.append("</sheetData></worksheet>")
            raw.write("".join(out).encode("utf-8"))
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as raw:
            raw.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'.encode())
            chunk: list[str] = []
            for text in strings:
                chunk.append(f"<si><t>{escape(text)}</t></si>")
                if len(chunk) >= 20000:
                    raw.write("".join(chunk).encode("utf-8"))
                    chunk.clear()
            chunk.append("</sst>")
            raw.write("".join(chunk).encode("utf-8"))


def write_csv(path: Path, title: str, data: list[list[object]], encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow([title] + [""] * (len(HEADERS) - 1))
        w.writerow(HEADERS)
        for row in data:
            out = []
            for v in row:
                if isinstance(v, dt.date):
                    out.append(v.isoformat())
                elif isinstance(v, float):
                    out.append(f"{v:.5E}")  # what Excel writes for a number cell it shows as 3.30106E+17
                else:
                    out.append(v)
            w.writerow(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a learner-outcome sheet and its catalog.")
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("-o", "--output", type=Path, required=True, help=".xlsx or .csv")
    ap.add_argument("--catalog", type=Path, help="catalog workbook to write (default: <output stem>_catalog.xlsx)")
    ap.add_argument("--error-rate", type=float, default=0.0005, help="share of rows given each kind of mistake (0 = a clean sheet)")
    ap.add_argument("--seed", type=int, default=20190505)
    ap.add_argument("--encoding", default="utf-8-sig", help="CSV encoding (utf-8-sig, gb18030)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    projects = make_catalog(rng, args.rows)
    data = generate_rows(rng, args.rows, projects, args.error_rate)
    title = "浙江省成人学校社会培训学习成果登记表"
    if args.output.suffix.lower() == ".csv":
        write_csv(args.output, title, data, args.encoding)
    else:
        write_xlsx(args.output, title, data)
    catalog = args.catalog or args.output.with_name(args.output.stem + "_catalog.xlsx")
    write_catalog(catalog, projects)
    print(f"wrote {args.output} ({len(data):,} rows) and {catalog} ({len(projects)} projects)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
