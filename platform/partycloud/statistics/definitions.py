"""The categories of the annual report, as data: bands, reasons, grades and their Chinese titles.

Titles are the headers of the official tables and of the workbook (Chinese, like the member
import template); the keys are what the API returns. Change a band (``partycloud.core.bands``) or
a keyword list here and every table, check and export follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The age and joining bands are shared with the members' rollup metrics (floor 3), so they live
# in the kernel; re-exported here with the rest of the report's categories.
from partycloud.core.bands import AGE_BANDS, JOIN_PERIODS, AgeBand, JoinPeriod, age_band_of, join_period_of
from tenants.members.models import DuesCategory, Education

__all__ = [
    "AGE_BANDS",
    "EDUCATION_COLUMNS",
    "ENTRY_REASONS",
    "EXIT_REASONS",
    "GRADES",
    "HAN_NAMES",
    "JOIN_PERIODS",
    "OCCUPATIONS",
    "TOP_MINORITIES",
    "UNCLASSIFIED_OCCUPATION",
    "AgeBand",
    "JoinPeriod",
    "Occupation",
    "age_band_of",
    "join_period_of",
]

# --------------------------------------------------------------------------- education (表2, 表4)

EDUCATION_COLUMNS: tuple[tuple[str, str, str], ...] = (  # key, title, Member.education value
    ("education_postgraduate", "研究生", Education.POSTGRADUATE),
    ("education_bachelor", "大学本科", Education.BACHELOR),
    ("education_college", "大学专科", Education.COLLEGE),
    ("education_secondary", "中专或高中", Education.SECONDARY),
    ("education_primary", "初中及以下", Education.PRIMARY),
    ("education_unknown", "未填写", ""),
)

# --------------------------------------------------------------------------- ethnicity (表2)

HAN_NAMES: tuple[str, ...] = ("汉族", "汉")
TOP_MINORITIES = 5  # minorities named in their own column; the rest are 其他少数民族

# --------------------------------------------------------------------------- occupation (表2)


@dataclass(frozen=True)
class Occupation:
    """An occupation of the annual report. Members carry no occupation field yet: it is derived
    from the dues category and, for employees, keywords of the free-text job, in this order
    (the first rule that matches wins)."""

    key: str
    title: str
    dues_categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def job_pattern(self) -> str:
        return "|".join(re.escape(word) for word in self.keywords)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


OCCUPATIONS: tuple[Occupation, ...] = (
    Occupation("occupation_retired", "离退休人员", dues_categories=(DuesCategory.RETIREE,)),
    Occupation("occupation_student", "学生", dues_categories=(DuesCategory.STUDENT,)),
    Occupation("occupation_farmer", "农牧渔民", dues_categories=(DuesCategory.FARMER,)),
    Occupation("occupation_civil_servant", "党政机关工作人员", keywords=_words("公务员 参公 政府机关 党政机关")),
    Occupation(
        "occupation_manager",
        "企事业单位、社会组织管理人员",
        keywords=_words("经理 总监 主任 部长 处长 科长 厂长 董事 总裁 行长 院长 所长 书记 主管 负责人 管理"),
    ),
    Occupation(
        "occupation_professional",
        "企事业单位、社会组织专业技术人员",
        keywords=_words(
            "工程师 技术 设计 研究 研发 开发 程序 会计 审计 经济师 统计 律师 医生 医师 护士 药师 教师 讲师 教授 "
            "编辑 记者 分析师 造价 测绘"
        ),
    ),
    Occupation(
        "occupation_worker",
        "工人（工勤技能人员）",
        keywords=_words(
            "工人 技工 操作 电工 焊工 钳工 车工 司机 驾驶 维修 检修 巡检 装配 运行值班 值班员 班组 工勤 保安 炊事 厨师"
        ),
    ),
    Occupation("occupation_other", "其他职业人员", dues_categories=(DuesCategory.UNEMPLOYED,)),
)
UNCLASSIFIED_OCCUPATION = ("occupation_unclassified", "未能归类（工作岗位未填写或无法识别）")

# --------------------------------------------------------------------------- changes (表1, 表7)

ENTRY_REASONS: tuple[tuple[str, str], ...] = (
    ("admitted", "新发展党员"),
    ("from_outside", "从集团外转入"),
    ("from_group", "从集团内其他单位转入"),
    ("restored", "恢复党籍等"),
    ("unexplained", "其他增加（原因不明）"),
)
EXIT_REASONS: tuple[tuple[str, str], ...] = (
    ("deceased", "死亡"),
    ("left", "出党（退党、除名、开除党籍等）"),
    ("revoked", "取消预备党员资格"),
    ("out_of_group", "转出集团"),
    ("to_group", "转至集团内其他单位"),
    ("unexplained", "其他减少（原因不明）"),
)

# --------------------------------------------------------------------------- democratic evaluation (表6)

GRADES: tuple[tuple[str, str], ...] = (
    ("excellent", "优秀"),
    ("qualified", "合格"),
    ("basically_qualified", "基本合格"),
    ("unqualified", "不合格"),
    ("not_rated", "未评定"),
)
