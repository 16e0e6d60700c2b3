"""What the group rolls up from the member register, and the drill-down's member list.

Registered with the kernel's registry (``partycloud.core.metrics``) in ``MembersConfig.ready``;
the group rollups read the registry and never import this app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from partycloud.accounts.models import mask_phone
from partycloud.core.bands import age_band_of, join_period_of
from partycloud.core.metrics import (
    MemberRecord,
    Metric,
    Row,
    Scope,
    counted_rows,
    register,
    register_member_source,
)
from tenants.members.models import COUNTED_STATUSES, Member, MemberStatus
from tenants.members.services import tenures_on

MEMBER_FIELDS = ("dues_category", "gender", "education", "birth_date", "joined_on")


def _members(scope: Scope) -> list[dict[str, Any]]:
    """Members counted for their organization (active or mobile), loaded once per scope."""
    if "members" not in scope.memo:
        if scope.history:
            scope.memo["members"] = _members_on(scope)
        else:
            rows = scope.organizations(Member.objects.filter(status__in=COUNTED_STATUSES)).values(
                "organization_id", "membership", "status", *MEMBER_FIELDS
            )
            scope.memo["members"] = list(rows)
    members: list[dict[str, Any]] = scope.memo["members"]
    return members


def _members_on(scope: Scope) -> list[dict[str, Any]]:
    """Members counted on a past day: organization and membership from the tenure covering it;
    a member counted then and gone since (transferred out, deceased) was active then."""
    rows = scope.organizations(tenures_on(scope.today)).values(
        "organization_id", "membership", status=F("member__status"), **{f: F(f"member__{f}") for f in MEMBER_FIELDS}
    )
    return [row if row["status"] in COUNTED_STATUSES else {**row, "status": MemberStatus.ACTIVE} for row in rows]


def age_band(birth_date: date, on: date) -> str:
    """The annual report's official age bands (``partycloud.core.bands``), by key."""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return age_band_of(age).key


def join_year_band(joined_on: date) -> str:
    return join_period_of(joined_on).key


def _member_metric(name: str, label: str | Promise, dimension: Callable[[dict[str, Any], Scope], str]) -> Metric:
    def compute(scope: Scope) -> list[Row]:
        return counted_rows(((m["organization_id"], dimension(m, scope)) for m in _members(scope)), scope.current)

    return Metric(name, label, frozenset({"members"}), compute, historical=True)


ROLLUP_METRICS: tuple[Metric, ...] = (
    _member_metric("members.membership", _("members by membership"), lambda m, s: m["membership"]),
    _member_metric("members.status", _("members by status"), lambda m, s: m["status"]),
    _member_metric("members.category", _("members by category"), lambda m, s: m["dues_category"]),
    _member_metric("members.gender", _("members by gender"), lambda m, s: m["gender"]),
    _member_metric("members.education", _("members by education"), lambda m, s: m["education"] or "unknown"),
    _member_metric("members.age_band", _("members by age"), lambda m, s: age_band(m["birth_date"], s.today)),
    _member_metric("members.join_year", _("members by year of joining"), lambda m, s: join_year_band(m["joined_on"])),
)


def member_records(path: str) -> list[MemberRecord]:
    """The members counted in the subtree under ``path`` (the group's drill-down to records)."""
    members = (
        Member.objects.filter(organization__path__startswith=path, status__in=COUNTED_STATUSES)
        .select_related("organization")
        .order_by("organization__path", "name")
    )
    return [
        {
            "id": member.pk,
            "name": member.name,
            "gender": member.get_gender_display(),
            "organization": member.organization.name,
            "membership": member.get_membership_display(),
            "status": member.get_status_display(),
            "education": member.get_education_display() if member.education else "",
            "joined_on": member.joined_on,
            "phone": mask_phone(member.phone) if member.phone else "",
        }
        for member in members
    ]


def register_rollups() -> None:
    register(*ROLLUP_METRICS)
    register_member_source(member_records)
