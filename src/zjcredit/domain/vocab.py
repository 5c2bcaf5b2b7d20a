"""Vocabularies of notice 浙学银〔2019〕2号, verbatim, plus suggested values for free-text fields."""

from __future__ import annotations

import re

# 四（三）: the 18 training-project categories.
CATEGORIES: tuple[str, ...] = (
    "农村实用技术培训",
    "企业职工培训",
    "家政服务类培训",
    "法律消防安全教育培训",
    "扫盲教育培训",
    "党员教育培训",
    "文化休闲生活技能培训",
    "电商营销培训",
    "市（农）民素质教育培训",
    "市（农）民职业技能培训",
    "老年教育培训",
    "新市民（外来务工人员）培训",
    "特殊教育培训",
    "学前教育培训",
    "家长家庭教育培训",
    "青少年课外教育培训",
    "健康养生科普培训",
    "传统文化（国学）教育培训",
)

# A category outside the list must be marked like this (四（三）: 填写另外分类并备注（新）).
NEW_CATEGORY_MARK = "（新）"

# 四（四）: training target groups; the notice's list ends with 等, so others are possible.
TARGETS: tuple[str, ...] = (
    "农村劳动力",
    "企业职工",
    "政府事业单位职工",
    "在校学生",
    "退役士兵",
    "商业服务人员",
    "企退人员",
    "医护人员",
    "安保从业人员",
    "船员（渔民）",
    "老年群体",
    "自由职业（待业）人员",
    "外来务工人员",
    "残障人员",
)

# Separators accepted between several targets in one cell.
TARGET_SEPARATORS = "、，,/／;；"
_TARGET_SPLIT_RE = re.compile("[" + re.escape(TARGET_SEPARATORS) + r"\s]+")
_TARGET_ETC_RE = re.compile(r"(等|等等|等人员)$")


def split_targets(text: str | None) -> list[str]:
    """Several 培训对象 in one cell: ``企业职工、外来务工人员等`` → [企业职工, 外来务工人员] (separators
    :data:`TARGET_SEPARATORS` or white space; a closing 等 is dropped)."""
    if not text:
        return []
    out = []
    for part in _TARGET_SPLIT_RE.split(text):
        part = _TARGET_ETC_RE.sub("", part.strip())
        if part:
            out.append(part)
    return out

# Not enumerated by the notice: common values offered as suggestions in templates.
FORMS: tuple[str, ...] = ("线下面授", "线上网络", "线上线下混合", "现场实操", "集中讲座", "送教上门")
OUTCOME_FORMS: tuple[str, ...] = ("培训证书", "结业证书", "职业技能等级证书", "学分证明", "作品成果", "考核成绩")
ASSESSMENT_METHODS: tuple[str, ...] = ("考试", "考查", "实操考核", "作品展示", "出勤考核", "线上测试")

# 考核结果 accepted on outcome sheets besides a score 0–100.
RESULT_GRADES: tuple[str, ...] = ("合格", "不合格", "优秀", "良好", "中等", "及格")
