"""Use cases of the dues app that the API calls besides assessing and paying
(``assessments``, ``payments``): who may handle a member's dues, dues bases, remittances
to the next level, and the audit of the app's exports. Run in the tenant's schema."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import ServiceError
from partycloud.core.metrics import month_end
from tenants.access.services import check_covers
from tenants.dues.errors import DuesCode
from tenants.dues.models import AssessmentStatus, DuesAssessment, DuesBase, Remittance
from tenants.members.models import Member

EDITORS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})


def check_can_handle_dues(actor: Actor, member: Member) -> None:
    """Refuse (403) unless ``actor`` handles dues in the organization holding the member."""
    check_covers(
        actor.user, member.organization_id, EDITORS, DuesCode.OUT_OF_SCOPE, _("This member is outside your scope.")
    )


@transaction.atomic
def do_record_dues_base(
    member: Member,
    *,
    amount: Decimal,
    effective_from: date,
    fixed_amount: Decimal | None = None,
    actor: Actor,
) -> DuesBase:
    """A member's new dues base from ``effective_from`` on (the history is kept)."""
    check_can_handle_dues(actor, member)
    if amount < 0:
        raise ServiceError(DuesCode.NEGATIVE_BASE, _("The dues base cannot be negative."), "amount")
    return DuesBase.objects.create(
        member=member,
        amount=amount,
        effective_from=effective_from,
        fixed_amount=fixed_amount,
        recorded_by=stored_user(actor.user),
    )


@transaction.atomic
def do_record_remittance(*, month: date, amount: Decimal, note: str = "", actor: Actor) -> Remittance:
    """Dues handed up to the next level (上缴) for ``month``."""
    if amount <= 0:
        raise ServiceError(DuesCode.REMITTANCE_NOT_POSITIVE, _("The amount must be positive."), "amount")
    return Remittance.objects.create(
        month=month.replace(day=1), amount=amount, note=note, recorded_by=stored_user(actor.user)
    )


def do_record_ledger_export(month: date, *, rows: int, actor: Actor) -> None:
    """Audit an export of a month's 台账."""
    do_record_audit(
        event="dues.ledger.export",
        details={"month": f"{month:%Y-%m}", "count": rows},
        actor=actor,
        target_type="dues.ledger",
        target_label=f"{month:%Y-%m}",
    )


def do_record_remittances_export(*, rows: int, actor: Actor) -> None:
    """Audit an export of the remittances."""
    do_record_audit(
        event="dues.remittances.export",
        details={"count": rows},
        actor=actor,
        target_type="dues.remittance",
    )


# ---------------------------------------------------------------- figures for other apps (read-only)


def dues_paid_on_time(organization_ids: Collection[int], first: date, last: date) -> tuple[int, int]:
    """(paid on time, assessed) over the months from ``first`` that ended by ``last``, for the
    organizations: assessments not exempt; on time = paid on or before the month's last day."""
    cutoff = (last + timedelta(days=1)).replace(day=1)  # months before it have ended by ``last``
    rows = DuesAssessment.objects.filter(
        organization_id__in=list(organization_ids), month__gte=first.replace(day=1), month__lt=cutoff
    ).exclude(status=AssessmentStatus.EXEMPT)
    paid = assessed = 0
    for month, status, paid_on in rows.values_list("month", "status", "paid_on"):
        assessed += 1
        if status == AssessmentStatus.PAID and paid_on is not None and paid_on <= month_end(month):
            paid += 1
    return paid, assessed
