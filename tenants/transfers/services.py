"""Use cases of transfers as one tenant sees them: within the tenant (the receiving organization
accepts), out of the group (an introduction letter and its receipt) and into it (a letter from
outside). Transfers between two tenants of the group cross schemas and write the group's row: they
are the hub's (``partycloud.hub.transfers``), which uses the tenant-side steps here (the rows, the
decisions, the audit) and the members app's own services to move the record."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, ServiceError
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.access.services import Scope, user_scope
from tenants.access.services import check_covers as check_role_covers
from tenants.members.models import COUNTED_STATUSES, Member, MemberStatus
from tenants.members.services import do_create_member, do_record_arrival, do_update_member
from tenants.organizations.models import Organization, OrganizationKind
from tenants.transfers.errors import TransfersCode
from tenants.transfers.letters import letter_pdf
from tenants.transfers.models import Transfer, TransferKind, TransferRule, TransferStatus

# Who starts and decides transfers (a scoped secretary within their subtrees); committee members
# and discipline inspectors see them too.
HANDLERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY})
READERS = HANDLERS | {TenantRole.COMMITTEE_MEMBER, TenantRole.DISCIPLINE_INSPECTOR}
# Kinds with a row in each of two tenants and one in the hub: the hub decides them.
BETWEEN_TENANTS = frozenset({TransferKind.OUTGOING, TransferKind.INCOMING})


def current_rule(on: date | None = None) -> TransferRule:
    rule = TransferRule.objects.filter(effective_from__lte=on or timezone.localdate()).first()
    if rule is None:
        raise ServiceError(TransfersCode.NO_RULE, _("No transfer rule is in force; ask the administrator."))
    return rule


def new_number() -> str:
    return f"ZZ{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


@dataclass(frozen=True)
class TransferTerms:
    """What a new transfer is given when it starts: its number, and its validity by the rule in force."""

    number: str
    valid_until: date
    rule_version: str


def new_terms() -> TransferTerms:
    rule = current_rule()
    return TransferTerms(new_number(), timezone.localdate() + timedelta(days=rule.validity_days), rule.version)


def concerning(scope: Scope) -> Q:
    """Transfers that leave or enter ``scope``'s subtrees (a scoped secretary's): sent from an
    organization in it, or received into one. A transfer from another party committee names its
    receiving organization only once accepted, so until then only the whole tenant sees it."""
    sent, received = scope.filter("from_organization__path"), scope.filter("to_organization__path")
    if sent is None or received is None:
        return Q()  # the whole tenant
    return sent | received


def visible_transfers(actor: Actor) -> QuerySet[Transfer]:
    """The transfers ``actor`` may read and act on: all of the tenant's for a tenant-wide role;
    for a role scoped to a subtree, those leaving or entering it (another branch's are not found)."""
    return Transfer.objects.filter(concerning(user_scope(actor.user, READERS)))


def check_covers(actor: Actor, organization_id: int | None) -> None:
    """Refuse (403) unless ``actor`` handles transfers with a scope covering the organization."""
    check_role_covers(
        actor.user, organization_id, HANDLERS, TransfersCode.OUT_OF_SCOPE, _("This transfer is outside your scope.")
    )


def check_can_accept(actor: Actor, transfer: Transfer, to_organization: Organization | None) -> Organization | None:
    """The organization that receives the member, once ``actor`` is found to cover it. Within the
    tenant it is the transfer's own destination, whatever the caller names: the receiving branch's
    side accepts, never the sending one naming itself. An arrival from another tenant goes where the
    caller says."""
    if transfer.kind == TransferKind.WITHIN:
        destination = transfer.to_organization
    else:
        destination = to_organization or transfer.to_organization
    check_covers(actor, destination.pk if destination else None)
    return destination


def check_can_reject(actor: Actor, transfer: Transfer) -> None:
    """The receiving side rejects: the receiving branch within the tenant, a tenant-wide role otherwise."""
    check_covers(actor, transfer.to_organization_id if transfer.kind == TransferKind.WITHIN else None)


def check_can_transfer(member: Member) -> None:
    if member.status not in COUNTED_STATUSES:
        raise ServiceError(
            TransfersCode.MEMBER_NOT_ACTIVE, _("Only an active member's relationship can be transferred."), "member"
        )
    if Transfer.objects.filter(
        member=member,
        status=TransferStatus.PENDING,
        kind__in=[TransferKind.WITHIN, TransferKind.OUTGOING, TransferKind.OUT_OF_GROUP],
    ).exists():
        raise Conflict(
            TransfersCode.ALREADY_PENDING, _("This member already has a transfer waiting to be received."), "member"
        )


def lock_transferable(member: Member) -> Member:
    """The member's row, locked for this transaction, once checked that it may start a transfer."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    check_can_transfer(member)
    return member


def check_destination(organization: Organization, member: Member | None = None) -> None:
    if not organization.is_active or organization.kind == OrganizationKind.COMMITTEE:
        raise ServiceError(
            TransfersCode.BAD_DESTINATION,
            _("Choose an active branch, general branch or party group."),
            "to_organization",
        )
    if member is not None and organization.pk == member.organization_id:
        raise ServiceError(
            TransfersCode.SAME_ORGANIZATION, _("The member is already in this organization."), "to_organization"
        )


def check_pending(transfer: Transfer) -> None:
    if transfer.status != TransferStatus.PENDING:
        raise Conflict(TransfersCode.ALREADY_DECIDED, _("This transfer has already been decided."), "status")


def check_can_accept_here(transfer: Transfer) -> None:
    """The receiving side accepts; a letter out of the group is completed by its receipt."""
    if transfer.kind in {TransferKind.OUTGOING, TransferKind.INTO_GROUP}:
        raise ServiceError(TransfersCode.WRONG_SIDE, _("The receiving party committee accepts this transfer."))
    if transfer.kind == TransferKind.OUT_OF_GROUP:
        raise ServiceError(TransfersCode.USE_RECEIPT, _("Record the returned receipt for a letter out of the group."))


def check_rejection_note(note: str) -> str:
    if not note.strip():
        raise ServiceError(TransfersCode.REASON_REQUIRED, _("Say why the transfer is rejected."), "note")
    return note.strip()


def check_can_cancel(actor: Actor, transfer: Transfer) -> None:
    """The sending side cancels: the organization the member leaves."""
    check_covers(actor, transfer.from_organization_id)


def check_sending_side(transfer: Transfer) -> None:
    if transfer.kind == TransferKind.INCOMING:
        raise ServiceError(TransfersCode.WRONG_SIDE, _("Only the sending side can cancel a transfer."))


def _between_tenants(transfer: Transfer) -> None:
    # A programming error, not a user's: the API hands these kinds to the hub.
    if transfer.kind in BETWEEN_TENANTS:
        raise ValueError(f"transfer {transfer.number} is between tenants: decide it with partycloud.hub.transfers")


def audit_transfer(transfer: Transfer, actor: Actor, *, event: str, **details: Any) -> None:
    do_record_audit(
        event=event,
        details={"number": transfer.number, **details},
        actor=actor,
        target=transfer,
        target_label=f"{transfer.member_name}（{transfer.number}）",
    )


def do_decide(
    transfer: Transfer,
    status: str,
    *,
    actor: Actor,
    note: str,
    member: Member | None = None,
    to_organization: Organization | None = None,
) -> Transfer:
    """Record the decision on this tenant's row (for an accepted arrival: the record received and where)."""
    if member is not None:
        transfer.member = member
    if to_organization is not None:
        transfer.to_organization = to_organization
    transfer.status = status
    transfer.decided_by = stored_user(actor.user)
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save()
    return transfer


def lock_transfer(transfer: Transfer) -> Transfer:
    return Transfer.objects.select_for_update().get(pk=transfer.pk)


def lock_transfer_numbered(number: str) -> Transfer:
    """This tenant's row of a transfer between tenants (both rows carry the group's number), locked."""
    return Transfer.objects.select_for_update().get(number=number)


# ---------------------------------------------------------------- within the tenant


@transaction.atomic
def do_request_transfer(
    member: Member, *, to_organization: Organization | None, reason: str = "", actor: Actor | None = None
) -> Transfer:
    """Start a transfer to another organization of this tenant (to another tenant: the hub's)."""
    actor = actor or Actor.system()
    member = lock_transferable(member)
    terms = new_terms()
    if to_organization is None:
        raise ServiceError(
            TransfersCode.DESTINATION_REQUIRED, _("Choose where the member moves to."), "to_organization"
        )
    check_destination(to_organization, member)
    transfer = Transfer.objects.create(
        number=terms.number, kind=TransferKind.WITHIN, member=member, member_name=member.name,
        from_organization=member.organization, to_organization=to_organization, reason=reason,
        valid_until=terms.valid_until, rule_version=terms.rule_version, initiated_by=stored_user(actor.user),
    )  # fmt: skip
    audit_transfer(transfer, actor, event="transfer.request", to=to_organization.name)
    return transfer


@transaction.atomic
def do_accept_transfer(transfer: Transfer, *, actor: Actor | None = None, note: str = "") -> Transfer:
    """The receiving organization accepts a transfer within the tenant: the member moves."""
    actor = actor or Actor.system()
    check_can_accept_here(transfer)
    _between_tenants(transfer)
    transfer = lock_transfer(transfer)
    check_pending(transfer)
    assert transfer.member is not None
    assert transfer.to_organization is not None
    do_update_member(transfer.member, {"organization": transfer.to_organization}, actor=actor)
    do_decide(transfer, TransferStatus.ACCEPTED, actor=actor, note=note)
    audit_transfer(transfer, actor, event="transfer.accept")
    return transfer


@transaction.atomic
def do_reject_transfer(transfer: Transfer, *, actor: Actor | None = None, note: str) -> Transfer:
    note = check_rejection_note(note)
    return _close(transfer, TransferStatus.REJECTED, actor=actor or Actor.system(), note=note)


@transaction.atomic
def do_cancel_transfer(transfer: Transfer, *, actor: Actor | None = None) -> Transfer:
    check_sending_side(transfer)
    return _close(transfer, TransferStatus.CANCELLED, actor=actor or Actor.system(), note="")


def _close(transfer: Transfer, status: str, *, actor: Actor, note: str) -> Transfer:
    """Reject or cancel a transfer within the tenant or a letter out of the group."""
    _between_tenants(transfer)
    transfer = lock_transfer(transfer)
    check_pending(transfer)
    if transfer.kind == TransferKind.OUT_OF_GROUP and status == TransferStatus.CANCELLED and transfer.member:
        # The letter is withdrawn: the member counts here again from today.
        do_update_member(transfer.member, {"status": MemberStatus.ACTIVE}, actor=actor)
    do_decide(transfer, status, actor=actor, note=note)
    audit_transfer(transfer, actor, event="transfer.decide", status=status, reason=note)
    return transfer


def overdue_transfers(today: date | None = None) -> list[Transfer]:
    return list(Transfer.objects.filter(status=TransferStatus.PENDING, valid_until__lt=today or timezone.localdate()))


# ---------------------------------------------------------------- the tenant's rows of a transfer between tenants


def do_open_outgoing(
    member: Member,
    *,
    to_tenant: PartyCommittee,
    group_transfer_id: int,
    terms: TransferTerms,
    reason: str,
    actor: Actor,
) -> Transfer:
    """The sending tenant's row of a transfer to another tenant of the group (``member`` locked)."""
    return Transfer.objects.create(
        number=terms.number, kind=TransferKind.OUTGOING, member=member, member_name=member.name,
        from_organization=member.organization, counterpart_tenant=to_tenant, group_transfer_id=group_transfer_id,
        reason=reason, valid_until=terms.valid_until, rule_version=terms.rule_version,
        initiated_by=stored_user(actor.user),
    )  # fmt: skip


def do_open_incoming(outgoing: Transfer, *, from_tenant: PartyCommittee, actor: Actor) -> Transfer:
    """The receiving tenant's row (the current schema) of ``outgoing``, waiting to be accepted."""
    return Transfer.objects.create(
        number=outgoing.number, kind=TransferKind.INCOMING, member_name=outgoing.member_name,
        counterpart_tenant=from_tenant, group_transfer_id=outgoing.group_transfer_id, reason=outgoing.reason,
        valid_until=outgoing.valid_until, rule_version=outgoing.rule_version, initiated_by=stored_user(actor.user),
    )  # fmt: skip


# ---------------------------------------------------------------- out of and into the group


@transaction.atomic
def do_issue_introduction_letter(
    member: Member, *, external_organization: str, reason: str = "", actor: Actor | None = None
) -> Transfer:
    """Transfer out of the group: issue the letter, archive the record here (transferred out).
    The transfer stays pending until the receiving organization's receipt comes back."""
    actor = actor or Actor.system()
    member = lock_transferable(member)
    if not external_organization.strip():
        raise ServiceError(
            TransfersCode.EXTERNAL_REQUIRED,
            _("Enter the party organization that receives the member."),
            "external_organization",
        )
    terms = new_terms()
    transfer = Transfer.objects.create(
        number=terms.number, kind=TransferKind.OUT_OF_GROUP, member=member, member_name=member.name,
        from_organization=member.organization, external_organization=external_organization.strip(), reason=reason,
        valid_until=terms.valid_until, rule_version=terms.rule_version, initiated_by=stored_user(actor.user),
    )  # fmt: skip
    do_update_member(member, {"status": MemberStatus.TRANSFERRED_OUT}, actor=actor)
    audit_transfer(transfer, actor, event="transfer.letter.issue", to=transfer.external_organization)
    return transfer


def do_print_letter(transfer: Transfer, *, actor: Actor) -> bytes:
    """The introduction letter's PDF, for the tenant that issued it; every print is audited."""
    content = letter_pdf(transfer, active_tenant())
    audit_transfer(transfer, actor, event="transfer.letter.print")
    return content


@transaction.atomic
def do_record_receipt(transfer: Transfer, *, actor: Actor | None = None, note: str = "") -> Transfer:
    """The receipt stub came back: the transfer out of the group is complete."""
    actor = actor or Actor.system()
    transfer = lock_transfer(transfer)
    if transfer.kind != TransferKind.OUT_OF_GROUP:
        raise ServiceError(TransfersCode.NOT_A_LETTER, _("Only a letter out of the group has a receipt."))
    check_pending(transfer)
    do_decide(transfer, TransferStatus.ACCEPTED, actor=actor, note=note)
    audit_transfer(transfer, actor, event="transfer.receipt.record")
    return transfer


@transaction.atomic
def do_register_from_outside(
    data: dict[str, Any],
    *,
    id_card_number: str,
    letter_number: str,
    external_organization: str,
    actor: Actor | None = None,
) -> Transfer:
    """Transfer into the group from outside: register the member with the letter's number."""
    actor = actor or Actor.system()
    if not letter_number.strip():
        raise ServiceError(
            TransfersCode.LETTER_NUMBER_REQUIRED, _("Enter the introduction letter's number."), "letter_number"
        )
    if Transfer.objects.filter(kind=TransferKind.INTO_GROUP, letter_number=letter_number.strip()).exists():
        raise Conflict(
            TransfersCode.LETTER_USED, _("This introduction letter has already been registered."), "letter_number"
        )
    member = do_create_member(data, id_card_number=id_card_number, actor=actor)
    rule = current_rule()
    transfer = Transfer.objects.create(
        number=new_number(), kind=TransferKind.INTO_GROUP, status=TransferStatus.ACCEPTED, member=member,
        member_name=member.name, to_organization=member.organization, external_organization=external_organization,
        letter_number=letter_number.strip(), valid_until=timezone.localdate(), rule_version=rule.version,
        initiated_by=stored_user(actor.user), decided_by=stored_user(actor.user), decided_at=timezone.now(),
    )  # fmt: skip
    do_record_arrival(member, {"letter": transfer.letter_number, "from": external_organization}, actor=actor)
    audit_transfer(transfer, actor, event="transfer.register_external", letter=transfer.letter_number)
    return transfer


# ---------------------------------------------------------------- figures for other apps (read-only)


def transfers_in_time(organization_ids: Collection[int], first: date, last: date) -> tuple[int, int]:
    """(handled in time, due) for transfers concerning the organizations (leaving from them, or
    arriving into them from outside) created from ``first`` to ``last``, not cancelled: received
    or rejected on or before the letter's validity ends counts in time; still pending past it
    counts late; pending and still valid is not yet due."""
    ids = list(organization_ids)
    zone = timezone.get_default_timezone()
    rows = (
        Transfer.objects.filter(
            Q(from_organization_id__in=ids) | Q(from_organization_id__isnull=True, to_organization_id__in=ids)
        )
        .exclude(status=TransferStatus.CANCELLED)
        .values_list("status", "valid_until", "decided_at", "created_at")
    )
    in_time = due = 0
    for status, valid_until, decided_at, created_at in rows:
        if not first <= timezone.localtime(created_at, zone).date() <= last:
            continue
        if status == TransferStatus.PENDING:
            if valid_until < last:
                due += 1
            continue
        due += 1
        if decided_at is not None and timezone.localtime(decided_at, zone).date() <= valid_until:
            in_time += 1
    return in_time, due
