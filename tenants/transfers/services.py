"""Use cases of transfers. Within a tenant: the receiving organization accepts. Between
tenants: the sender initiates, the receiving tenant accepts and the record moves — sender
marked transferred out, receiver gets the record with its history — in ONE transaction
across both schemas, serialized on the group's row so two accepts cannot both win."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, ServiceError
from partycloud.hub.models import GroupTransfer
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import CommitteeStatus, PartyCommittee
from tenants.access.services import Scope
from tenants.members.models import COUNTED_STATUSES, Member, MemberChange, MemberStatus, MemberTenure
from tenants.members.services import (
    RETURNABLE_STATUSES,
    _sync_member_record,
    do_receive_returning_member,
    do_update_member,
)
from tenants.organizations.models import Organization, OrganizationKind
from tenants.transfers.models import Transfer, TransferKind, TransferRule, TransferStatus


def _as_actor(user: Any, request: Any = None) -> Actor:
    """The members app's services take an ``Actor`` (issue 12); this app still passes a user and a request."""
    return Actor.of(request) if request is not None else Actor.for_user(stored_user(user))


def current_rule(on: date | None = None) -> TransferRule:
    rule = TransferRule.objects.filter(effective_from__lte=on or timezone.localdate()).first()
    if rule is None:
        raise ServiceError("transfers.no_rule", _("No transfer rule is in force; ask the administrator."))
    return rule


def new_number() -> str:
    return f"ZZ{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def concerning(scope: Scope) -> Q:
    """Transfers that leave or enter ``scope``'s subtrees (a scoped secretary's): sent from an
    organization in it, or received into one. A transfer from another party committee names its
    receiving organization only once accepted, so until then only the whole tenant sees it."""
    sent, received = scope.filter("from_organization__path"), scope.filter("to_organization__path")
    if sent is None or received is None:
        return Q()  # the whole tenant
    return sent | received


def check_can_transfer(member: Member) -> None:
    if member.status not in COUNTED_STATUSES:
        raise ServiceError(
            "transfers.member_not_active", _("Only an active member's relationship can be transferred."), "member"
        )
    if Transfer.objects.filter(
        member=member,
        status=TransferStatus.PENDING,
        kind__in=[TransferKind.WITHIN, TransferKind.OUTGOING, TransferKind.OUT_OF_GROUP],
    ).exists():
        raise Conflict(
            "transfers.already_pending", _("This member already has a transfer waiting to be received."), "member"
        )


def _check_destination(organization: Organization, member: Member | None = None) -> None:
    if not organization.is_active or organization.kind == OrganizationKind.COMMITTEE:
        raise ServiceError(
            "transfers.bad_destination", _("Choose an active branch, general branch or party group."), "to_organization"
        )
    if member is not None and organization.pk == member.organization_id:
        raise ServiceError(
            "transfers.same_organization", _("The member is already in this organization."), "to_organization"
        )


def _audit(transfer: Transfer, actor: Any, event: str, request: Any = None, **details: Any) -> None:
    do_record_audit(
        event=event,
        details={"number": transfer.number, **details},
        actor=actor,
        target=transfer,
        target_label=f"{transfer.member_name}（{transfer.number}）",
        request=request,
    )


@transaction.atomic
def do_request_transfer(
    member: Member,
    *,
    to_organization: Organization | None = None,
    to_tenant: PartyCommittee | None = None,
    reason: str = "",
    actor: Any = None,
    request: Any = None,
) -> Transfer:
    """Start a transfer to another organization here, or to another tenant of the group."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    check_can_transfer(member)
    rule = current_rule()
    valid_until = timezone.localdate() + timedelta(days=rule.validity_days)
    common: dict[str, Any] = {
        "number": new_number(), "member_name": member.name, "from_organization": member.organization,
        "reason": reason, "valid_until": valid_until, "rule_version": rule.version, "initiated_by": stored_user(actor),
    }  # fmt: skip
    if to_tenant is None:
        if to_organization is None:
            raise ServiceError(
                "transfers.destination_required", _("Choose where the member moves to."), "to_organization"
            )
        _check_destination(to_organization, member)
        transfer = Transfer.objects.create(
            kind=TransferKind.WITHIN, member=member, to_organization=to_organization, **common
        )
        _audit(transfer, actor, "transfer.request", request, to=to_organization.name)
        return transfer
    here = active_tenant()
    if to_tenant.pk == here.pk or to_tenant.status != CommitteeStatus.ACTIVE or to_tenant.kind != "subsidiary":
        raise ServiceError(
            "transfers.bad_tenant", _("Choose another active party committee of the group."), "to_tenant"
        )
    group = GroupTransfer.objects.create(
        number=common["number"], member_name=member.name, from_tenant=here, to_tenant=to_tenant, valid_until=valid_until
    )
    transfer = Transfer.objects.create(
        kind=TransferKind.OUTGOING, member=member, counterpart_tenant=to_tenant, group_transfer_id=group.pk, **common
    )
    with to_tenant:
        Transfer.objects.create(
            kind=TransferKind.INCOMING, counterpart_tenant=here, group_transfer_id=group.pk,
            **{**common, "from_organization": None, "initiated_by": stored_user(actor)},
        )  # fmt: skip
    _audit(transfer, actor, "transfer.request", request, to=to_tenant.name)
    return transfer


def _check_pending(transfer: Transfer) -> None:
    if transfer.status != TransferStatus.PENDING:
        raise Conflict("transfers.already_decided", _("This transfer has already been decided."), "status")


def _decide(transfer: Transfer, status: str, actor: Any, note: str) -> None:
    transfer.status = status
    transfer.decided_by = stored_user(actor)
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save()


@transaction.atomic
def do_accept_transfer(
    transfer: Transfer,
    *,
    to_organization: Organization | None = None,
    actor: Any = None,
    note: str = "",
    request: Any = None,
) -> Transfer:
    """The receiving side accepts: within a tenant the member moves; between tenants the
    record moves across schemas, all in this transaction."""
    if transfer.kind in {TransferKind.OUTGOING, TransferKind.INTO_GROUP}:
        raise ServiceError("transfers.wrong_side", _("The receiving party committee accepts this transfer."))
    if transfer.kind == TransferKind.OUT_OF_GROUP:
        raise ServiceError("transfers.use_receipt", _("Record the returned receipt for a letter out of the group."))
    if transfer.kind == TransferKind.WITHIN:
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        _check_pending(transfer)
        assert transfer.member is not None
        assert transfer.to_organization is not None
        do_update_member(transfer.member, {"organization": transfer.to_organization}, actor=_as_actor(actor, request))
        _decide(transfer, TransferStatus.ACCEPTED, actor, note)
        _audit(transfer, actor, "transfer.accept", request)
        return transfer
    if to_organization is None:
        raise ServiceError(
            "transfers.destination_required", _("Choose the organization that receives the member."), "to_organization"
        )
    _check_destination(to_organization)
    # Serialize every decision on this transfer on the group's row, in the public schema.
    group = GroupTransfer.objects.select_for_update().get(pk=int(transfer.group_transfer_id or 0))
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if group.status != TransferStatus.PENDING:
        raise Conflict("transfers.already_decided", _("This transfer has already been decided."), "status")
    receiver = active_tenant()
    with group.from_tenant:
        outgoing = Transfer.objects.select_for_update().get(number=group.number)
        assert outgoing.member is not None
        snapshot = _snapshot(outgoing.member)
        do_update_member(outgoing.member, {"status": MemberStatus.TRANSFERRED_OUT}, actor=_as_actor(actor))
        _decide(outgoing, TransferStatus.ACCEPTED, actor, note)
    member = receive_member(snapshot, to_organization, transfer_number=group.number, actor=actor)
    transfer.member = member
    transfer.to_organization = to_organization
    _decide(transfer, TransferStatus.ACCEPTED, actor, note)
    group.status = TransferStatus.ACCEPTED
    group.decided_at = timezone.now()
    group.save(update_fields=["status", "decided_at"])
    assert active_tenant().pk == receiver.pk
    _audit(transfer, actor, "transfer.accept", request, **{"from": group.from_tenant.name})
    return transfer


_COPIED = (
    "name", "gender", "ethnicity", "birth_date", "id_card_encrypted", "id_card_index", "id_card_masked", "education",
    "job", "phone", "employee_card_number", "joined_on", "confirmed_on", "membership", "dues_category", "user_id",
)  # fmt: skip


def _snapshot(member: Member) -> dict[str, Any]:
    """The record's facts and history, each history entry tagged with the tenant it happened in
    (entries copied in earlier keep their tag), so a tenant the member returns to can tell its own."""
    here = active_tenant().slug
    history = member.changes.order_by("created_at", "id").values("kind", "changes", "effective_on", "created_at")
    return {
        "fields": {field: getattr(member, field) for field in _COPIED},
        "history": [
            {**entry, "changes": {**entry["changes"], "tenant": entry["changes"].get("tenant", here)}}
            for entry in history
        ],
    }


def receive_member(snapshot: dict[str, Any], organization: Organization, *, transfer_number: str, actor: Any) -> Member:
    """Create the record in the receiving tenant (the current schema) with its history; a member
    returning to a tenant that holds their archived record gets that record back (ADR 0004)."""
    fields = snapshot["fields"]
    here = active_tenant().slug
    today = timezone.localdate()
    earlier = Member.objects.filter(id_card_index=fields["id_card_index"]).first()
    if earlier is not None and earlier.status not in RETURNABLE_STATUSES:
        raise Conflict("transfers.already_member_here", _("This person is already an active member here."), "member")
    if earlier is not None:
        member = do_receive_returning_member(
            earlier, {**fields, "organization": organization}, placed_on=today,
            note={"transfer": transfer_number}, actor=_as_actor(actor),
        )  # fmt: skip
    else:
        member = Member.objects.create(**fields, organization=organization, status=MemberStatus.ACTIVE)
        MemberTenure.objects.create(
            member=member, organization=organization, membership=member.membership, started_on=today
        )
    # What happened elsewhere; entries that happened here are already on a returning member's record.
    MemberChange.objects.bulk_create(
        [
            MemberChange(member=member, **{**entry, "changes": {**entry["changes"], "earlier_tenant": True}})
            for entry in snapshot["history"]
            if entry["changes"]["tenant"] != here
        ]
    )
    MemberChange.objects.create(
        member=member,
        kind="transferred_in",
        changes={"transfer": transfer_number},
        effective_on=today,
        actor=stored_user(actor),
    )
    _sync_member_record(member.user_id)
    return member


@transaction.atomic
def do_reject_transfer(transfer: Transfer, *, actor: Any = None, note: str, request: Any = None) -> Transfer:
    if not note.strip():
        raise ServiceError("transfers.reason_required", _("Say why the transfer is rejected."), "note")
    return _close(transfer, TransferStatus.REJECTED, actor=actor, note=note.strip(), request=request)


@transaction.atomic
def do_cancel_transfer(transfer: Transfer, *, actor: Any = None, request: Any = None) -> Transfer:
    if transfer.kind == TransferKind.INCOMING:
        raise ServiceError("transfers.wrong_side", _("Only the sending side can cancel a transfer."))
    return _close(transfer, TransferStatus.CANCELLED, actor=actor, note="", request=request)


def _close(transfer: Transfer, status: str, *, actor: Any, note: str, request: Any) -> Transfer:
    """Reject or cancel, on every side of a transfer between tenants."""
    if transfer.kind == TransferKind.OUT_OF_GROUP:
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        _check_pending(transfer)
        if status == TransferStatus.CANCELLED and transfer.member is not None:
            # The letter is withdrawn: the member counts here again from today.
            do_update_member(transfer.member, {"status": MemberStatus.ACTIVE}, actor=_as_actor(actor))
        _decide(transfer, status, actor, note)
    elif transfer.kind == TransferKind.WITHIN:
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        _check_pending(transfer)
        _decide(transfer, status, actor, note)
    else:
        group = GroupTransfer.objects.select_for_update().get(pk=int(transfer.group_transfer_id or 0))
        if group.status != TransferStatus.PENDING:
            raise Conflict("transfers.already_decided", _("This transfer has already been decided."), "status")
        for tenant in (group.from_tenant, group.to_tenant):
            with tenant:
                _decide(Transfer.objects.select_for_update().get(number=group.number), status, actor, note)
        group.status = status
        group.decided_at = timezone.now()
        group.save(update_fields=["status", "decided_at"])
        transfer.refresh_from_db()
    _audit(transfer, actor, "transfer.decide", request, status=status, reason=note)
    return transfer


def overdue_transfers(today: date | None = None) -> list[Transfer]:
    return list(Transfer.objects.filter(status=TransferStatus.PENDING, valid_until__lt=today or timezone.localdate()))


# ---------------------------------------------------------------- out of and into the group


@transaction.atomic
def do_issue_introduction_letter(
    member: Member, *, external_organization: str, reason: str = "", actor: Any = None, request: Any = None
) -> Transfer:
    """Transfer out of the group: issue the letter, archive the record here (transferred out).
    The transfer stays pending until the receiving organization's receipt comes back."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    check_can_transfer(member)
    if not external_organization.strip():
        raise ServiceError(
            "transfers.external_required",
            _("Enter the party organization that receives the member."),
            "external_organization",
        )
    rule = current_rule()
    transfer = Transfer.objects.create(
        number=new_number(), kind=TransferKind.OUT_OF_GROUP, member=member, member_name=member.name,
        from_organization=member.organization, external_organization=external_organization.strip(), reason=reason,
        valid_until=timezone.localdate() + timedelta(days=rule.validity_days), rule_version=rule.version,
        initiated_by=stored_user(actor),
    )  # fmt: skip
    do_update_member(member, {"status": MemberStatus.TRANSFERRED_OUT}, actor=_as_actor(actor, request))
    _audit(transfer, actor, "transfer.letter.issue", request, to=transfer.external_organization)
    return transfer


@transaction.atomic
def do_record_receipt(transfer: Transfer, *, actor: Any = None, note: str = "", request: Any = None) -> Transfer:
    """The receipt stub came back: the transfer out of the group is complete."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.kind != TransferKind.OUT_OF_GROUP:
        raise ServiceError("transfers.not_a_letter", _("Only a letter out of the group has a receipt."))
    _check_pending(transfer)
    _decide(transfer, TransferStatus.ACCEPTED, actor, note)
    _audit(transfer, actor, "transfer.receipt.record", request)
    return transfer


@transaction.atomic
def do_register_from_outside(
    data: dict[str, Any],
    *,
    id_card_number: str,
    letter_number: str,
    external_organization: str,
    actor: Any = None,
    request: Any = None,
) -> Transfer:
    """Transfer into the group from outside: register the member with the letter's number."""
    from tenants.members.services import do_create_member

    if not letter_number.strip():
        raise ServiceError(
            "transfers.letter_number_required", _("Enter the introduction letter's number."), "letter_number"
        )
    if Transfer.objects.filter(kind=TransferKind.INTO_GROUP, letter_number=letter_number.strip()).exists():
        raise Conflict(
            "transfers.letter_used", _("This introduction letter has already been registered."), "letter_number"
        )
    member = do_create_member(data, id_card_number=id_card_number, actor=_as_actor(actor, request))
    rule = current_rule()
    transfer = Transfer.objects.create(
        number=new_number(), kind=TransferKind.INTO_GROUP, status=TransferStatus.ACCEPTED, member=member,
        member_name=member.name, to_organization=member.organization, external_organization=external_organization,
        letter_number=letter_number.strip(), valid_until=timezone.localdate(), rule_version=rule.version,
        initiated_by=stored_user(actor), decided_by=stored_user(actor), decided_at=timezone.now(),
    )  # fmt: skip
    MemberChange.objects.create(
        member=member, kind="transferred_in", changes={"letter": transfer.letter_number, "from": external_organization},
        effective_on=timezone.localdate(), actor=stored_user(actor),
    )  # fmt: skip
    _audit(transfer, actor, "transfer.register_external", request, letter=transfer.letter_number)
    return transfer
