"""Calendar arithmetic shared by every module: periods of months and years.

One rule for a day the target month does not have (29 February, 31st): the period ends on the
last day of that month, as the Civil Code (民法典 Art. 201) counts periods in months and years
("没有对应日的，月末日为期间的最后一日"). So a year after 29 February 2024 is 28 February 2025,
never 1 March: a term of office, a probation, a disciplinary period and the annual report's
snapshot a year earlier all follow it, and the development engine's probation end
(``add_months(admission, 12)``) agrees with the confirmation date the member import estimates.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), clamped to the target month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` (negative: back); 29 February becomes 28 February."""
    return add_months(day, 12 * years)
