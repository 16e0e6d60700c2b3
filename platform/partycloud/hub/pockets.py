"""Pocket-member detection (口袋党员): people who are party members but on no branch's roll.

(b) roster entries that HR marks as party members and that match no active member record,
by employee card number, in any tenant. (a) transfers between tenants not received in time.
Detection is idempotent: it opens a case per person once and closes none by itself —
a person resolves each case with a note.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, ServiceError
from partycloud.hub.errors import HubCode
from partycloud.hub.models import GroupTransfer, PocketKind, PocketMemberCase, PocketStatus, RosterEntry
from partycloud.tenancy.models import PartyCommittee
from tenants.members.models import COUNTED_STATUSES, Member


def registered_card_numbers() -> set[str]:
    """Card numbers of members that count somewhere (one query per tenant)."""
    cards: set[str] = set()
    for tenant in PartyCommittee.objects.subsidiaries().exclude(status="archived"):
        with tenant:
            cards.update(
                card.upper()
                for card in Member.objects.filter(status__in=COUNTED_STATUSES)
                .exclude(employee_card_number="")
                .values_list("employee_card_number", flat=True)
            )
    return cards


@transaction.atomic
def detect_unregistered_members() -> int:
    """Open a case for every HR-marked party member with no member record. Returns new cases."""
    registered = registered_card_numbers()
    already = set(
        PocketMemberCase.objects.filter(kind=PocketKind.UNREGISTERED, status=PocketStatus.OPEN).values_list(
            "roster_entry_id", flat=True
        )
    )
    new = [
        PocketMemberCase(
            kind=PocketKind.UNREGISTERED,
            tenant_id=entry.employer_id,
            roster_entry=entry,
            reference=entry.card_number,
            name=entry.name,
            suggested_action=_(
                "Ask %(name)s (card %(card)s) where their party relationship is held; register them in their branch "
                "or start a transfer in."
            )
            % {"name": entry.name, "card": entry.card_number},
        )
        for entry in RosterEntry.objects.filter(hr_party_member=True).exclude(pk__in=already)
        if entry.card_number.upper() not in registered
    ]
    PocketMemberCase.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def detect_unreceived_transfers() -> int:
    """(a) transfers between tenants that left the sender but were not received in time."""
    already = set(
        PocketMemberCase.objects.filter(kind=PocketKind.UNRECEIVED_TRANSFER).values_list("reference", flat=True)
    )
    overdue = GroupTransfer.objects.filter(status="pending", valid_until__lt=timezone.localdate()).exclude(
        number__in=already
    )
    new = [
        PocketMemberCase(
            kind=PocketKind.UNRECEIVED_TRANSFER,
            tenant_id=transfer.from_tenant_id,
            reference=transfer.number,
            name=transfer.member_name,
            suggested_action=_(
                "Transfer %(number)s to %(receiver)s expired on %(date)s: contact the receiving party committee, "
                "then have it accepted or cancel it and issue a new one."
            )
            % {"number": transfer.number, "receiver": transfer.to_tenant.name, "date": transfer.valid_until},
        )
        for transfer in overdue.select_related("to_tenant")
    ]
    PocketMemberCase.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def do_resolve_pocket_case(case: PocketMemberCase, *, note: str, actor: Actor) -> PocketMemberCase:
    case = PocketMemberCase.objects.select_for_update().get(pk=case.pk)
    if case.status != PocketStatus.OPEN:
        raise Conflict(HubCode.POCKET_RESOLVED, _("This case is already resolved."))
    if not note.strip():
        raise ServiceError(HubCode.NOTE_REQUIRED, _("Say how the case was resolved."), "note")
    case.status = PocketStatus.RESOLVED
    case.note = note.strip()
    case.resolved_by = actor.user
    case.resolved_at = timezone.now()
    case.save()
    do_record_audit(
        event="pocket_case.resolve",
        details={"note": case.note},
        actor=actor,
        target=case,
        tenant_id=case.tenant_id,
    )
    return case
