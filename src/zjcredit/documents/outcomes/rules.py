"""Rules for learner-outcome sheets (学习成果表), checked by :mod:`zjcredit.documents.outcomes.check`.

Importing this module registers the rules; it imports nothing heavy.
"""

from __future__ import annotations

from zjcredit.documents.common import COLUMN_MISSING, EXCEL_ERROR, HEADER_MISSING, NO_RECORDS, PHONE_INVALID, REQUIRED, UNREADABLE  # noqa: F401
from zjcredit.report.findings import register

DOC = ("outcomes",)

# Resident ID -------------------------------------------------------------------------------------
ID_EXCEL_NUMBER = register(
    "id-excel-number",
    "error",
    "身份证号被 Excel 当成了数字（读到 {value}）：Excel 只保留 15 位有效数字，后几位已经丢失，无法恢复。请把这一列设为“文本”格式后按原件重新录入。",
    "The ID was stored by Excel as a number (read {value}): Excel keeps only 15 significant digits, so the last digits are lost for good. Format the column as Text and retype the number from the original.",
    title_zh="身份证号被 Excel 存成数字",
    title_en="ID stored as a number by Excel",
    documents=DOC,
)
ID_LEGACY_15 = register(
    "id-legacy-15",
    "error",
    "身份证号 {value} 是 15 位的旧号码，请改填 18 位公民身份号码。",
    "ID {value} is an old 15-digit number; enter the 18-digit citizen ID number instead.",
    title_zh="15 位旧身份证号",
    title_en="legacy 15-digit ID",
    documents=DOC,
)
ID_LENGTH = register(
    "id-length",
    "error",
    "身份证号“{value}”长度不对：应为 18 位。",
    "ID '{value}' has the wrong length: it must have 18 characters.",
    title_zh="身份证号位数错误",
    title_en="ID of wrong length",
    documents=DOC,
)
ID_CHARACTERS = register(
    "id-characters",
    "error",
    "身份证号“{value}”含有非法字符：前 17 位应为数字，最后一位为数字或 X。",
    "ID '{value}' has invalid characters: the first 17 must be digits, the last a digit or X.",
    title_zh="身份证号含非法字符",
    title_en="ID with invalid characters",
    documents=DOC,
)
ID_REGION = register(
    "id-region",
    "error",
    "身份证号 {value} 的地区码 {region} 不存在（省份不存在，或浙江省内没有这个县级代码）。",
    "ID {value}: region code {region} does not exist (no such province, or no such county code in Zhejiang).",
    title_zh="身份证号地区码不存在",
    title_en="ID region code unknown",
    documents=DOC,
)
ID_BIRTHDATE = register(
    "id-birthdate",
    "error",
    "身份证号 {value} 中的出生日期 {birth} 不是有效日期（不存在、早于 1900 年或在今天之后）。",
    "ID {value}: the birth date {birth} is not valid (no such date, before 1900, or in the future).",
    title_zh="身份证号出生日期无效",
    title_en="ID birth date invalid",
    documents=DOC,
)
ID_CHECKSUM = register(
    "id-checksum",
    "error",
    "身份证号 {value} 的校验位不对（按前 17 位应为 {expected}），可能有数字录错。请核对原件。",
    "ID {value}: the check character is wrong (the first 17 digits give {expected}); a digit was probably mistyped. Check against the original.",
    title_zh="身份证号校验位错误",
    title_en="ID check character wrong",
    documents=DOC,
)
ID_LOWERCASE_X = register(
    "id-lowercase-x",
    "info",
    "身份证号 {value} 末位是小写 x，已按大写 X 处理；建议改为大写。",
    "ID {value} ends in a lower-case x, read as X; better write it upper-case.",
    title_zh="身份证号末位为小写 x",
    title_en="ID ends in lower-case x",
    documents=DOC,
)

# Phone ----------------------------------------------------------------------------------------------

# Catalog ----------------------------------------------------------------------------------------------
PROJECT_UNKNOWN = register(
    "project-unknown",
    "error",
    "项目编码 {value} 不在所给的项目目录中。学习成果必须对应目录中的项目编码（浙学银〔2019〕2号 三（二））。",
    "Project code {value} is not in the catalog(s) given; every outcome must match a catalog project code.",
    title_zh="项目编码不在目录中",
    title_en="project code not in the catalog",
    documents=DOC,
)
COURSE_UNKNOWN = register(
    "course-unknown",
    "error",
    "课程编码 {value} 不是项目 {project_code} 的课程{hint}。",
    "Course code {value} is not a course of project {project_code}{hint_en}.",
    title_zh="课程编码不属于该项目",
    title_en="course code not of that project",
    documents=DOC,
)
ORG_MISMATCH = register(
    "org-mismatch",
    "error",
    "机构代码 {value} 与目录中项目 {project_code} 的申报机构（{expected}）不一致。",
    "Institution code {value} differs from the one that declared project {project_code} in the catalog ({expected}).",
    title_zh="机构代码与项目不符",
    title_en="institution code does not match the project",
    documents=DOC,
)
HOURS_INVALID = register(
    "hours-invalid",
    "error",
    "学时数“{value}”不是正数。",
    "Study hours '{value}' is not a positive number.",
    title_zh="学时数无效",
    title_en="study hours invalid",
    documents=DOC,
)
HOURS_EXCEED = register(
    "hours-exceed",
    "error",
    "学时数 {value} 超过目录中课程 {course_code} 的课程学时 {limit}。",
    "Study hours {value} exceed the {limit} hours of course {course_code} in the catalog.",
    title_zh="学时数超过课程学时",
    title_en="study hours above the course's",
    documents=DOC,
)
DATE_INVALID = register(
    "date-invalid",
    "error",
    "完成日期“{value}”无法识别为日期，请填写如 2019-05-05。",
    "Completion date '{value}' is not a date; write it like 2019-05-05.",
    title_zh="完成日期无效",
    title_en="completion date invalid",
    documents=DOC,
)
DATE_FUTURE = register(
    "date-future",
    "error",
    "完成日期 {date} 在今天之后。",
    "Completion date {date} is in the future.",
    title_zh="完成日期在未来",
    title_en="completion date in the future",
    documents=DOC,
)
DATE_BEFORE_PERIOD = register(
    "date-before-period",
    "error",
    "完成日期 {date} 早于项目 {project_code} 所在目录期次 {period} 的开始日期 {start}。",
    "Completion date {date} is before the start ({start}) of period {period} of project {project_code}.",
    title_zh="完成日期早于目录期次",
    title_en="completion date before the catalog period",
    documents=DOC,
)
RESULT_INVALID = register(
    "result-invalid",
    "error",
    "考核结果“{value}”无效：应为 合格、不合格、优秀、良好、中等、及格 之一，或 0–100 的分数。",
    "Assessment result '{value}' is not valid: use 合格, 不合格, 优秀, 良好, 中等, 及格 or a score 0–100.",
    title_zh="考核结果无效",
    title_en="assessment result invalid",
    documents=DOC,
)
DUPLICATE_OUTCOME = register(
    "duplicate-outcome",
    "error",
    "同一学员（身份证号 {value}）的课程 {course_code} 已在 {first} 登记过，成果重复。",
    "The same learner (ID {value}) already has course {course_code} at {first}: a duplicate outcome.",
    title_zh="成果重复",
    title_en="duplicate outcome",
    documents=DOC,
)
ID_NAME_CONFLICT = register(
    "id-name-conflict",
    "error",
    "身份证号 {id} 在 {first} 登记的姓名是“{first_name}”，这里却是“{value}”。",
    "ID {id} is registered as '{first_name}' at {first} but as '{value}' here.",
    title_zh="同一身份证号姓名不同",
    title_en="one ID with two names",
    documents=DOC,
)

# Audit screens (数据技术排查) ---------------------------------------------------------------------
SCALE_EXCEEDED = register(
    "scale-exceeded",
    "warning",
    "项目 {value} 的学员已有 {count} 人，超过目录中的培训规模 {scale} 人（从此行起超出）。",
    "Project {value} has {count} distinct learners, more than its declared scale of {scale} (exceeded from this row on).",
    title_zh="学员数超过培训规模",
    title_en="more learners than the declared scale",
    documents=DOC,
)
PHONE_SHARED = register(
    "phone-shared",
    "warning",
    "联系电话 {value} 被{scope} {count} 名学员共用（阈值 {limit}），请核实是否为学员本人的号码。",
    "Phone {value} is shared by {count} learners {scope_en} (threshold {limit}); check it is each learner's own number.",
    title_zh="多名学员共用一个电话",
    title_en="one phone number on many learners",
    documents=DOC,
)
AGE_IMPLAUSIBLE = register(
    "age-implausible",
    "warning",
    "按身份证号，学员在完成日期时 {age} 岁，{reason}。",
    "By the ID, the learner was {age} on the completion date, {reason_en}.",
    title_zh="学员年龄不合常理",
    title_en="implausible learner age",
    documents=DOC,
)
ID_SEQUENCE = register(
    "id-sequence",
    "warning",
    "身份证号 {value} 与另外 {others} 个号码首尾相连成一串连续号码（{first} 至 {last}），像是下拉填充或编造的号码。",
    "ID {value} belongs to a run of {count} consecutive numbers ({first} to {last}), as made by drag-filling or invention.",
    title_zh="连续的身份证号",
    title_en="run of consecutive IDs",
    documents=DOC,
)
BIRTHDATE_SHARED = register(
    "birthdate-shared",
    "warning",
    "项目 {project_code} 中有 {count} 名学员（占 {share}）的出生日期都是 {birth}，请核实身份证号。",
    "In project {project_code}, {count} learners ({share}) share the birth date {birth}; check their IDs.",
    title_zh="大量学员同一出生日期",
    title_en="many learners with one birth date",
    documents=DOC,
)
HOURS_PER_LEARNER = register(
    "hours-per-learner",
    "warning",
    "学员 {id} 在 {period} 期次共计 {total} 学时，超过上限 {limit} 学时。",
    "Learner {id} is credited {total} hours in period {period}, above the limit of {limit}.",
    title_zh="单个学员学时过多",
    title_en="too many hours for one learner",
    documents=DOC,
)
