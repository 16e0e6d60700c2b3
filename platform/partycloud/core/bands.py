"""The official bands of party statistics: age and the period of joining the party.

The annual report's tables (``partycloud.statistics``, floor 4) and the members' rollup metrics
(``tenants.members.rollups``, floor 3) count members in the same bands, so the bands live on
the floor both may import. ``partycloud.statistics.definitions`` re-exports them with the rest
of the report's categories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# --------------------------------------------------------------------------- age (表2, 表4)


@dataclass(frozen=True)
class AgeBand:
    key: str
    title: str
    low: int | None  # inclusive, in completed years at the reference date
    high: int | None  # inclusive


AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("age_30_or_less", "30岁及以下", None, 30),
    AgeBand("age_31_35", "31—35岁", 31, 35),
    AgeBand("age_36_40", "36—40岁", 36, 40),
    AgeBand("age_41_45", "41—45岁", 41, 45),
    AgeBand("age_46_50", "46—50岁", 46, 50),
    AgeBand("age_51_55", "51—55岁", 51, 55),
    AgeBand("age_56_60", "56—60岁", 56, 60),
    AgeBand("age_61_70", "61—70岁", 61, 70),
    AgeBand("age_71_80", "71—80岁", 71, 80),
    AgeBand("age_over_80", "81岁及以上", 81, None),
)


def age_band_of(age: int) -> AgeBand:
    for band in AGE_BANDS:
        if (band.low is None or age >= band.low) and (band.high is None or age <= band.high):
            return band
    raise ValueError(age)


# --------------------------------------------------------------------------- joining the party (表3)


@dataclass(frozen=True)
class JoinPeriod:
    key: str
    title: str
    era: str  # the four periods of the annual statistical communiqué group the bands
    until: date | None  # exclusive upper bound; the lower bound is the previous band's


JOIN_PERIODS: tuple[JoinPeriod, ...] = (
    JoinPeriod("joined_before_1949_10", "1949年9月及以前", "新中国成立前", date(1949, 10, 1)),
    JoinPeriod("joined_1949_10_1966_04", "1949年10月—1966年4月", "新中国成立后至十一届三中全会前", date(1966, 5, 1)),
    JoinPeriod("joined_1966_05_1976_10", "1966年5月—1976年10月", "新中国成立后至十一届三中全会前", date(1976, 11, 1)),
    JoinPeriod("joined_1976_11_1978_12", "1976年11月—1978年12月", "新中国成立后至十一届三中全会前", date(1979, 1, 1)),
    JoinPeriod("joined_1979_01_2002_10", "1979年1月—2002年10月", "十一届三中全会后至十八大前", date(2002, 11, 1)),
    JoinPeriod("joined_2002_11_2012_10", "2002年11月—2012年10月", "十一届三中全会后至十八大前", date(2012, 11, 1)),
    JoinPeriod("joined_since_2012_11", "2012年11月以后", "党的十八大以来", None),
)


def join_period_of(joined_on: date) -> JoinPeriod:
    return next(period for period in JOIN_PERIODS if period.until is None or joined_on < period.until)
