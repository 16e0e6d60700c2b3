"""Automatic evidence (DOMAIN_RULES §11): the platform figure an indicator is fed by, one function
per ``EvidenceSource``, for a book's organization and its subtree over the book's year up to
today (or the year's end). Each reads the source app through its public services and returns
``{"value": "0.9200", "numerator": 46, "denominator": 50, "detail": {...}}`` (value 0–1 as a
string with four places; 0 when nothing was due yet, with ``detail.empty``).

- ``meetings_held``: closed requirement periods of the compliance engine: held (up to the minimum)
  over expected; open periods are left out (pending is never a failure).
- ``dues_on_time``: assessments of the months ended so far (not exempt) paid by the month's end.
- ``development_on_schedule``: open development cases with no deadline passed and no probation
  quarter left undiscussed, today.
- ``study_participation``: members counted now with any study time in the period (members
  without an account never study here and count against the share).
- ``transfers_in_time``: transfers created in the period, decided within the letter's validity,
  over those decided or overdue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from tenants.assessment.models import EvidenceSource
from tenants.development.services import cases_on_schedule
from tenants.dues.services import dues_paid_on_time
from tenants.learning.study import users_who_studied
from tenants.meetings.compliance import MET, MISSING, evaluate
from tenants.members.services import counted_member_users
from tenants.organizations.models import Organization
from tenants.transfers.services import transfers_in_time

FOUR_PLACES = Decimal("0.0001")


def period_of(year: int, today: date | None = None) -> tuple[date, date]:
    """The book's period: the year's first day to today, or to the year's last day once it is over."""
    today = today or timezone.localdate()
    return date(year, 1, 1), min(today, date(year, 12, 31))


def subtree(organization: Organization) -> list[Organization]:
    return list(Organization.objects.filter(path__startswith=organization.path, is_active=True).order_by("path"))


def _figure(numerator: int, denominator: int, **detail: Any) -> dict[str, Any]:
    if denominator:
        value = (Decimal(numerator) / Decimal(denominator)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    else:
        value = Decimal(0).quantize(FOUR_PLACES)
        detail["empty"] = True
    return {"value": str(value), "numerator": numerator, "denominator": denominator, "detail": detail}


def meetings_held(organizations: list[Organization], first: date, last: date) -> dict[str, Any]:
    held = expected = met = missing = 0
    if last >= first:
        for cell in evaluate(organizations, first.year, today=last).values():
            if cell.verdict not in (MET, MISSING) or not cell.expected:
                continue
            expected += cell.expected
            held += min(cell.held, cell.expected)
            met += cell.verdict == MET
            missing += cell.verdict == MISSING
    return _figure(held, expected, met=met, missing=missing)


def dues_on_time(organizations: list[Organization], first: date, last: date) -> dict[str, Any]:
    paid, assessed = dues_paid_on_time([o.pk for o in organizations], first, last) if last >= first else (0, 0)
    return _figure(paid, assessed)


def development_on_schedule(organizations: list[Organization], first: date, last: date) -> dict[str, Any]:
    on_schedule, total = cases_on_schedule([o.pk for o in organizations], last) if last >= first else (0, 0)
    return _figure(on_schedule, total)


def study_participation(organizations: list[Organization], first: date, last: date) -> dict[str, Any]:
    users = counted_member_users([o.pk for o in organizations])
    studied = users_who_studied({u for u in users if u is not None}, first, last) if last >= first else set()
    return _figure(
        sum(1 for u in users if u is not None and u in studied), len(users), without_account=users.count(None)
    )


def transfers_handled_in_time(organizations: list[Organization], first: date, last: date) -> dict[str, Any]:
    in_time, due = transfers_in_time([o.pk for o in organizations], first, last) if last >= first else (0, 0)
    return _figure(in_time, due)


SOURCES: dict[str, Callable[[list[Organization], date, date], dict[str, Any]]] = {
    EvidenceSource.MEETINGS_HELD: meetings_held,
    EvidenceSource.DUES_ON_TIME: dues_on_time,
    EvidenceSource.DEVELOPMENT_ON_SCHEDULE: development_on_schedule,
    EvidenceSource.STUDY_PARTICIPATION: study_participation,
    EvidenceSource.TRANSFERS_IN_TIME: transfers_handled_in_time,
}


def figures(organization: Organization, year: int, sources: set[str], today: date | None = None) -> dict[str, Any]:
    """The figure of each automatic source in ``sources`` (manual ones are skipped), computed once each."""
    wanted = [source for source in SOURCES if source in sources]
    if not wanted:
        return {}
    first, last = period_of(year, today)
    organizations = subtree(organization)
    return {source: SOURCES[source](organizations, first, last) for source in wanted}


def figure(organization: Organization, year: int, source: str, today: date | None = None) -> dict[str, Any] | None:
    return figures(organization, year, {source}, today).get(source)
