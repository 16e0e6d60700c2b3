"""The kernel's calendar arithmetic (partycloud.core.dates): one rule for 29 February everywhere."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from partycloud.core.dates import add_months, add_years
from partycloud.statistics.report import year_earlier
from tenants.organizations.models import Organization

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


def test_29_february_ends_on_28_february_in_a_common_year() -> None:
    # Civil Code Art. 201: with no corresponding day the period ends on the month's last day.
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), -1) == date(2023, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2023, 3, 1), 1) == date(2024, 3, 1)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)


def test_every_caller_follows_the_same_rule() -> None:
    """The annual report's previous snapshot and a term of office (the member import's estimated
    confirmation date and the disciplinary period are checked in their own tests)."""
    assert year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)
    branch = Organization(name="第一党支部", term_started_on=date(2024, 2, 29), term_years=3)
    assert branch.re_election_due_on == date(2027, 2, 28)


@given(days, st.integers(min_value=-50, max_value=50))
def test_add_years_keeps_the_day_unless_the_month_is_shorter(day: date, years: int) -> None:
    later = add_years(day, years)
    assert (later.year, later.month) == (day.year + years, day.month)
    assert later.day == day.day or ((day.month, day.day) == (2, 29) and later == date(later.year, 2, 28))


@given(days, st.integers(min_value=-50, max_value=50))
def test_add_years_then_back_returns_the_day_except_29_february(day: date, years: int) -> None:
    back = add_years(add_years(day, years), -years)
    assert back == day or ((day.month, day.day) == (2, 29) and back == date(day.year, 2, 28))
