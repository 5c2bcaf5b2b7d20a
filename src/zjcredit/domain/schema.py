"""One declarative description per document: fields, accepted header spellings, types, required-ness.

The template writer, the readers and the checks all read these descriptions, so a template and its
reader cannot drift apart.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "int", "number", "date", "phone", "code", "id", "category", "targets", "contact"]


@dataclass(frozen=True)
class Field:
    name: str  # canonical name (CONTRACT.md)
    type: FieldType = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 14  # column width in generated templates
    text_format: bool = False  # format the template column as text (codes, IDs, phones)
    help_zh: str = ""
    help_en: str = ""


# Accepted header spellings, canonical first (CONTRACT.md).
ALIASES: dict[str, tuple[str, ...]] = {
    "序号": ("编号",),
    "项目名称": ("培训项目名称", "名称"),
    "项目类别": ("培训项目类别", "类别"),
    "培训规模": ("规模", "培训人数"),
    "培训对象": ("对象",),
    "培训形式": ("形式",),
    "培训时数": ("培训时长",),
    "学时数": ("学时",),
    "申报单位": ("单位名称", "办学机构", "非学历教育办学机构"),
    "机构代码": ("机构编码", "单位代码"),
    "联系人（电话）": ("联系人及电话", "联系人"),
    "成果形式": ("成果呈现形式",),
    "考核方式": ("考核考察方式",),
    "师资安排": ("师资",),
    "培训项目介绍": ("项目介绍", "培训项目简介"),
    "地址": ("单位地址", "通讯地址"),
    "填报人": ("填表人",),
    "备注": ("说明",),
    "姓名": ("学员姓名",),
    "身份证号": ("身份证号码", "公民身份号码", "证件号码"),
    "联系电话": ("手机号", "手机号码", "电话"),
    "项目编码": ("项目代码",),
    "课程编码": ("课程代码",),
    "课程名称": ("课程",),
    "考核结果": ("考核成绩", "成绩"),
    "完成日期": ("结业日期", "日期"),
    # Our own catalog and course tables.
    "课程学时": (),
    "授课教师": ("任课教师", "教师", "授课老师", "主讲教师"),
    "所在市": (),
    "所在县": (),
    "目录期次": ("期次",),
    "审核结果": (),
    "审核意见": (),
    # Process ledgers (过程性台账): the parts' own columns (CONTRACT.md, "Process ledgers"). A spelling may
    # name several fields (日期 is a 完成日期 on an outcome sheet, a 授课日期 in a course design); a table's
    # schema says which of them it means.
    "日期": ("培训日期", "活动日期", "开展日期", "签到日期", "时间", "培训时间", "活动时间"),
    "课次": ("节次", "场次", "次序", "第几次"),
    "签到": ("签到情况", "签到记录", "出勤", "出勤情况", "考勤", "到课情况", "是否签到", "是否出勤"),
    "签名": ("学员签名", "签字", "本人签名", "学员签字", "签名确认"),
    "学时": ("课时", "学时数", "课程学时"),
    "授课日期": ("上课日期", "授课时间", "上课时间", "日期"),
    "地点": ("培训地点", "活动地点", "上课地点", "授课地点"),
    "培训内容": ("活动内容", "授课内容", "内容"),
    "参加人数": ("参训人数", "实到人数", "到课人数", "出勤人数", "人数"),
    "记录人": ("记录者", "记录员", "填写人"),
    "评价日期": ("考核日期", "评定日期", "考评日期", "日期"),
}

_BRACKETS = str.maketrans({"(": "（", ")": "）", ":": "：", "[": "【", "]": "】"})
_SPACE_RE = re.compile(r"\s+")


def header_key(text: object) -> str:
    """Normalise header text: NFKC, no white space at all, full-width brackets and colons."""
    if text is None:
        return ""
    return _header_key(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=1 << 16)
def _header_key(text: str) -> str:
    # Cached: the same few header and label texts are looked at in every sheet of every file.
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE_RE.sub("", s).replace("\u200b", "").replace("\ufeff", "")
    s = s.translate(_BRACKETS)
    return s.rstrip("：*")


def _build_candidates() -> dict[str, tuple[str, ...]]:
    """Spelling → the fields it may name: the field of that very name first, then in ALIASES order."""
    lookup: dict[str, list[str]] = {}
    for canonical, aliases in ALIASES.items():
        for spelling in (canonical, *aliases):
            names = lookup.setdefault(header_key(spelling), [])
            if canonical not in names:
                names.append(canonical)
    for key, names in lookup.items():
        if key in names:
            names.remove(key)
            names.insert(0, key)
    return {key: tuple(names) for key, names in lookup.items()}


HEADER_CANDIDATES: dict[str, tuple[str, ...]] = _build_candidates()
HEADER_LOOKUP: dict[str, str] = {key: names[0] for key, names in HEADER_CANDIDATES.items()}


def canonical_field(text: object, allowed: tuple[str, ...] | None = None) -> str | None:
    """The canonical field a header cell names, if any (restricted to ``allowed`` when given: a spelling
    that may name several fields names the first of them that is allowed)."""
    return _canonical_field(text if isinstance(text, str) else str(text), allowed)


@functools.lru_cache(maxsize=1 << 16)
def _canonical_field(text: str, allowed: tuple[str, ...] | None) -> str | None:
    key = header_key(text)
    names = HEADER_CANDIDATES.get(key)
    if names is None:
        # Headers decorated with units or notes: 培训规模（人）, 学时数（学时）, 身份证号（18位）.
        stripped = re.sub(r"（[^）]*）$", "", key)
        if stripped != key:
            names = HEADER_CANDIDATES.get(stripped)
    if not names:
        return None
    if allowed is None:
        return names[0]
    return next((name for name in names if name in allowed), None)


@dataclass(frozen=True)
class TableSchema:
    kind: str
    title_zh: str
    fields: tuple[Field, ...]
    # Minimum number of recognised headers for a row to count as this table's header row.
    min_headers: int

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


# Annex 1: 浙江省成人学校社会培训项目申报汇总表 (11 columns).
ANNEX1 = TableSchema(
    kind="annex1",
    title_zh="浙江省成人学校社会培训项目申报汇总表",
    fields=(
        Field("序号", "int", True, width=6),
        Field("项目名称", "text", True, width=26),
        Field("项目类别", "category", True, width=24),
        Field("培训规模", "int", True, width=10, help_zh="人数", help_en="persons"),
        Field("培训对象", "targets", True, width=20),
        Field("培训形式", "text", True, width=14),
        Field("培训时数", "number", True, width=10),
        Field("学时数", "number", True, width=10),
        Field("申报单位", "text", True, width=26),
        Field("机构代码", "code", True, width=16, text_format=True),
        Field("联系人（电话）", "contact", True, width=24, text_format=True),
    ),
    min_headers=5,
)

# Annex 2 header (institution) fields and per-project fields, in form order.
ANNEX2_HEADER: tuple[Field, ...] = (
    Field("申报单位", "text", True),
    Field("机构代码", "code", True, text_format=True),
    Field("地址", "text", True),
    Field("填报人", "text", True),
    Field("联系电话", "phone", True, text_format=True),
)
ANNEX2_PROJECT: tuple[Field, ...] = (
    Field("项目名称", "text", True),
    Field("项目类别", "category", True),
    Field("培训规模", "int", True),
    Field("培训对象", "targets", True),
    Field("培训形式", "text", True),
    Field("培训时数", "number", True),
    Field("学时数", "number", True),
    Field("成果形式", "text", True),
    Field("师资安排", "text", True),
    Field("考核方式", "text", True),
    Field("培训项目介绍", "text", True),
)
COURSE_FIELDS: tuple[Field, ...] = (
    Field("课程名称", "text", True, width=26),
    Field("课程学时", "number", True, aliases=("学时", "学时数"), width=10),
    Field("授课教师", "text", False, width=14),
)

# Quarterly catalog workbook (issue 3): two sheets.
CATALOG_PROJECTS = TableSchema(
    kind="catalog",
    title_zh="项目目录",
    fields=(
        Field("项目编码", "code", True, width=22, text_format=True),
        Field("项目名称", "text", True, width=26),
        Field("项目类别", "category", True, width=24),
        Field("培训对象", "targets", True, width=20),
        Field("培训形式", "text", False, width=14),
        Field("培训规模", "int", True, width=10),
        Field("培训时数", "number", False, width=10),
        Field("学时数", "number", True, width=10),
        Field("成果形式", "text", False, width=14),
        Field("考核方式", "text", False, width=14),
        Field("申报单位", "text", True, width=26),
        Field("机构代码", "code", True, width=16, text_format=True),
        Field("所在市", "text", False, width=10),
        Field("所在县", "text", False, width=12),
        Field("目录期次", "text", True, width=10, text_format=True),
    ),
    min_headers=4,
)
CATALOG_COURSES = TableSchema(
    kind="catalog-courses",
    title_zh="课程目录",
    fields=(
        Field("课程编码", "code", True, width=26, text_format=True),
        Field("项目编码", "code", True, width=22, text_format=True),
        Field("课程名称", "text", True, width=26),
        Field("课程学时", "number", True, width=10),
        Field("授课教师", "text", False, width=14),
    ),
    min_headers=3,
)

# Learner outcome sheet (issue 4).
OUTCOMES = TableSchema(
    kind="outcomes",
    title_zh="非学历教育学习成果登记表",
    fields=(
        Field("序号", "int", False, width=8),
        Field("姓名", "text", True, width=10),
        Field("身份证号", "id", True, width=22, text_format=True),
        Field("联系电话", "phone", True, width=16, text_format=True),
        Field("机构代码", "code", True, width=16, text_format=True),
        Field("项目编码", "code", True, width=22, text_format=True),
        Field("课程编码", "code", True, width=26, text_format=True),
        Field("学时数", "number", True, width=8),
        Field("考核结果", "text", True, width=10),
        Field("完成日期", "date", True, width=12),
        Field("成果形式", "text", False, width=14),
        Field("备注", "text", False, width=16),
    ),
    min_headers=4,
)

# The sub-center's review sheet for `catalog build --review`.
REVIEW = TableSchema(
    kind="review",
    title_zh="审核结果表",
    fields=(
        Field("机构代码", "code", True, width=16, text_format=True),
        Field("项目名称", "text", True, width=30),
        Field("审核结果", "text", True, width=10),
        Field("审核意见", "text", False, width=40),
        Field("申报单位", "text", False, width=28),
        Field("项目编码", "code", False, width=22, text_format=True),
    ),
    min_headers=3,
)

# Process ledger (过程性台账, 规范内容 二(二)): one per project, five parts, each a table under a title block
# (CONTRACT.md, "Process ledgers"). The sign-in part comes in three layouts; its schema names every column
# any of them has (a grid has one more column per session, headed by the session's date).
LEDGER_ROSTER = TableSchema(
    kind="ledger-roster",
    title_zh="学员信息表",
    fields=(
        Field("序号", "int", False, width=6),
        Field("姓名", "text", True, width=14),
        Field("身份证号", "id", True, width=26, text_format=True),
        Field("联系电话", "phone", True, width=18, text_format=True),
        Field("备注", "text", False, width=26),
    ),
    min_headers=2,
)
LEDGER_SIGNIN = TableSchema(
    kind="ledger-signin",
    title_zh="签到表",
    fields=(
        Field("序号", "int", False, width=6),
        Field("日期", "date", False, width=12),
        Field("课次", "text", False, width=8),
        Field("姓名", "text", True, width=12),
        Field("身份证号", "id", False, width=22, text_format=True),
        Field("签到", "text", False, width=8),
        Field("签名", "text", False, width=16),
    ),
    min_headers=2,
)
LEDGER_DESIGN = TableSchema(
    kind="ledger-design",
    title_zh="项目课程设计表",
    fields=(
        Field("序号", "int", False, width=6),
        Field("课程名称", "text", True, width=30),
        Field("学时", "number", True, width=8),
        Field("授课教师", "text", False, width=14),
        Field("授课日期", "date", False, width=14),
        Field("备注", "text", False, width=18),
    ),
    min_headers=2,
)
LEDGER_RECORDS = TableSchema(
    kind="ledger-records",
    title_zh="开展情况记录",
    fields=(
        Field("序号", "int", False, width=6),
        Field("日期", "date", True, width=12),
        Field("地点", "text", False, width=16),
        Field("培训内容", "text", False, width=30),
        Field("参加人数", "int", True, width=10),
        Field("记录人", "text", False, width=16),
    ),
    min_headers=2,
)
LEDGER_EVALUATION = TableSchema(
    kind="ledger-evaluation",
    title_zh="学习成果评价表",
    fields=(
        Field("序号", "int", False, width=6),
        Field("姓名", "text", True, width=10),
        Field("身份证号", "id", True, width=24, text_format=True),
        Field("考核方式", "text", False, width=14),
        Field("考核结果", "text", True, width=10),
        Field("评价日期", "date", False, width=12),
        Field("备注", "text", False, width=14),
    ),
    min_headers=2,
)
# The five parts in the notice's order, with the sheet and file names they are also kept under.
LEDGER_PARTS: dict[str, tuple[TableSchema, tuple[str, ...]]] = {
    "学员信息表": (LEDGER_ROSTER, ("学员名册", "花名册", "学员信息", "学员花名册")),
    "签到表": (LEDGER_SIGNIN, ("签到记录", "考勤表", "签到单", "考勤记录")),
    "项目课程设计表": (LEDGER_DESIGN, ("课程设计表", "课程安排表", "课程设计", "课程安排")),
    "开展情况记录": (LEDGER_RECORDS, ("培训记录", "活动记录", "开展情况", "实施记录")),
    "学习成果评价表": (LEDGER_EVALUATION, ("成果评价表", "考核登记表", "成果评价", "考核登记")),
}
# The title block above each part's table (label：value, or label | value).
LEDGER_TITLE: tuple[Field, ...] = (
    Field("项目名称", "text", True),
    Field("项目编码", "code", True, text_format=True),
    Field("机构代码", "code", True, text_format=True),
    Field("申报单位", "text", True),
)

TABLES: dict[str, TableSchema] = {s.kind: s for s in (ANNEX1, CATALOG_PROJECTS, CATALOG_COURSES, OUTCOMES)}

KINDS: tuple[str, ...] = ("annex1", "annex2", "catalog", "outcomes", "ledger")
