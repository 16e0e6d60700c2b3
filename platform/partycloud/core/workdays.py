"""China's working-day calendar: statutory holidays and make-up workdays (调休).

Deadlines counted in working days (a cadre publicity's window of 5 working days, a report
acknowledged within 15 working days: DOMAIN_RULES §7) read the versioned table in the public
schema (``CalendarYear`` + ``CalendarDay``), loaded from the maintained ``chinesecalendar`` library
(``manage.py load_workday_calendar``; the State Council publishes each year's schedule in
November, a library release follows) or from a CSV the operator types from the notice. A year not
loaded counts Monday to Friday, and ``is_loaded`` tells the caller to say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from django.db import transaction
from django_tenants.utils import schema_context

from partycloud.core.models import CalendarDay, CalendarDayKind, CalendarYear

PUBLIC = "public"


@lru_cache(maxsize=64)
def _year(year: int) -> tuple[bool, frozenset[date], frozenset[date]]:
    with schema_context(PUBLIC):
        loaded = CalendarYear.objects.filter(year=year).exists()
        rows = list(CalendarDay.objects.filter(day__year=year).values_list("day", "kind"))
    holidays = frozenset(day for day, kind in rows if kind == CalendarDayKind.HOLIDAY)
    workdays = frozenset(day for day, kind in rows if kind == CalendarDayKind.WORKDAY)
    return loaded, holidays, workdays


def forget() -> None:
    """Drop the per-process cache (after loading a year; tests)."""
    _year.cache_clear()


def is_loaded(year: int) -> bool:
    return _year(year)[0]


def is_workday(day: date) -> bool:
    _loaded, holidays, workdays = _year(day.year)
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted): a window of 5
    working days opening on ``start`` ends on ``add_working_days(start, 4)`` when ``start`` is a
    working day; a deadline "within 15 working days of receipt" is ``add_working_days(received, 15)``."""
    if count < 0:
        raise ValueError("count must be zero or more")
    day = start
    while count:
        day += timedelta(days=1)
        if is_workday(day):
            count -= 1
    return day


def window_end(start: date, working_days: int) -> date:
    """The last day of a window of ``working_days`` working days that opens on ``start`` (the first
    working day on or after ``start`` counts as day one)."""
    if working_days < 1:
        raise ValueError("a window has at least one working day")
    day = start
    while not is_workday(day):
        day += timedelta(days=1)
    return add_working_days(day, working_days - 1)


def working_days_between(first: date, last: date) -> int:
    """Working days from ``first`` to ``last``, both included (0 when ``last`` is before ``first``)."""
    total, day = 0, first
    while day <= last:
        total += is_workday(day)
        day += timedelta(days=1)
    return total


def load_year(year: int, days: Iterable[tuple[date, str, str]], *, source: str, loaded_by: str = "") -> int:
    """Replace one year's exceptions with ``(day, kind, name)`` rows; returns how many."""
    rows = [CalendarDay(day=day, kind=kind, name=name[:60]) for day, kind, name in days]
    if any(row.day.year != year for row in rows):
        raise ValueError(f"every day must fall in {year}")
    if any(row.kind not in CalendarDayKind.values for row in rows):
        raise ValueError("kind is holiday or workday")
    with schema_context(PUBLIC), transaction.atomic():
        CalendarDay.objects.filter(day__year=year).delete()
        CalendarDay.objects.bulk_create(rows)
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source[:200], "loaded_by": loaded_by[:150]}
        )
    forget()
    return len(rows)


def library_years() -> list[int]:
    """The years the installed ``chinesecalendar`` release knows."""
    from chinese_calendar import constants  # an optional data source, read only when loading

    return sorted({day.year for day in constants.holidays} | {day.year for day in constants.workdays})


def library_days(year: int) -> list[tuple[date, str, str]]:
    """One year's exceptions from the ``chinesecalendar`` library: weekday holidays, worked weekend days."""
    from chinese_calendar import constants  # an optional data source, read only when loading

    names = {
        "New Year's Day": "元旦",
        "Spring Festival": "春节",
        "Tomb-sweeping Day": "清明节",
        "Labour Day": "劳动节",
        "Dragon Boat Festival": "端午节",
        "Mid-autumn Festival": "中秋节",
        "National Day": "国庆节",
        "Anti-Fascist 70th Day": "抗战胜利纪念日",
    }
    rows: list[tuple[date, str, str]] = []
    for day, label in constants.holidays.items():
        if day.year == year and day.weekday() < 5:
            rows.append((day, CalendarDayKind.HOLIDAY, names.get(label.split(",")[0], label)))
    for day, label in constants.workdays.items():
        if day.year == year and day.weekday() >= 5:
            rows.append((day, CalendarDayKind.WORKDAY, f"调休上班（{names.get(label.split(',')[0], label)}）"))
    return sorted(rows)


def library_source() -> str:
    from importlib.metadata import version

    return f"chinesecalendar {version('chinesecalendar')}"
