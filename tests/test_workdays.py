"""China's working-day calendar (core.workdays): statutory holidays and make-up workdays."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from partycloud.core import workdays
from partycloud.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_the_migration_loaded_the_library_years() -> None:
    assert CalendarYear.objects.filter(year=2026).exists()
    assert workdays.is_loaded(2026)
    assert CalendarDay.objects.filter(day=date(2026, 10, 1), kind="holiday").exists()


def test_national_day_2026() -> None:
    # Oct 1–7 off; Sunday Sep 20 and Saturday Oct 10 are worked.
    assert not workdays.is_workday(date(2026, 10, 1))
    assert not workdays.is_workday(date(2026, 10, 7))
    assert workdays.is_workday(date(2026, 9, 20))
    assert workdays.is_workday(date(2026, 10, 10))
    # A 5-working-day window opening Monday Sep 28: 28, 29, 30, then Oct 8 and 9.
    assert workdays.window_end(date(2026, 9, 28), 5) == date(2026, 10, 9)
    assert workdays.working_days_between(date(2026, 9, 28), date(2026, 10, 9)) == 5


def test_spring_festival_2026() -> None:
    # Feb 15–23 off; Saturdays Feb 14 and Feb 28 are worked.
    assert workdays.is_workday(date(2026, 2, 14))
    assert not workdays.is_workday(date(2026, 2, 16))
    # Opening Thursday Feb 12: 12, 13, 14 (worked Saturday), then 24 and 25.
    assert workdays.window_end(date(2026, 2, 12), 5) == date(2026, 2, 25)
    # Received Friday Feb 13: 14th (worked), 24–28 (28 worked), Mar 2–6, 9–12 = 15 working days.
    assert workdays.add_working_days(date(2026, 2, 13), 15) == date(2026, 3, 12)


def test_a_window_opening_on_a_holiday_starts_on_the_next_working_day() -> None:
    assert workdays.window_end(date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_an_unloaded_year_counts_monday_to_friday(tmp_path: Path) -> None:
    assert not workdays.is_loaded(2090)
    assert workdays.window_end(date(2090, 1, 2), 5) == date(2090, 1, 6)  # Mon 2 … Fri 6
    sheet = tmp_path / "2090.csv"
    sheet.write_text("date,kind,name\n2090-01-03,holiday,元旦\n2090-01-07,workday,调休上班\n", encoding="utf-8")
    out = io.StringIO()
    call_command("load_workday_calendar", year=2090, csv=str(sheet), source="test notice", stdout=out)
    assert "2 days" in out.getvalue()
    assert workdays.is_loaded(2090)
    assert not workdays.is_workday(date(2090, 1, 3))
    assert workdays.is_workday(date(2090, 1, 7))  # a Saturday worked
    assert workdays.window_end(date(2090, 1, 2), 5) == date(2090, 1, 7)
