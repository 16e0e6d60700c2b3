"""Transfers between two tenants of the group (组织关系转接, DOMAIN_RULES §4), and the entry points
of every transfer the tenant API starts or decides.

A transfer between tenants has a row in each tenant (``transfers.Transfer``: outgoing, incoming)
and the group's ``GroupTransfer`` in the public schema. The sender starts it; the receiving tenant
accepts it, and then the record moves — exported by the members app in the sending schema,
released there (transferred out), received in the receiving schema with its history — in ONE
database transaction that switches schema inside it, so the member is never in two tenants or in
none. Every decision locks the group's row first, so of two simultaneous accepts exactly one wins.

The hub writes only its own ``GroupTransfer``: the tenants' rows through ``tenants.transfers``'
services, the member records through ``tenants.members``' (ADR 0011). Transfers within one tenant
and letters out of / into the group are the tenant's own and are handed to ``tenants.transfers``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.core.errors import Conflict, ServiceError
from partycloud.hub.models import GroupTransfer
from partycloud.tenancy.context import active_tenant
from partycloud.tenancy.models import CommitteeKind, CommitteeStatus, PartyCommittee
from tenants.members.models import Member
from tenants.members.services import do_receive_member_record, do_release_member, export_member_record
from tenants.organizations.models import Organization
from tenants.transfers import services as tenant_transfers
from tenants.transfers.errors import TransfersCode
from tenants.transfers.models import Transfer, TransferKind, TransferStatus


@transaction.atomic
def do_request_transfer(
    member: Member,
    *,
    to_organization: Organization | None = None,
    to_tenant: PartyCommittee | None = None,
    reason: str = "",
    actor: Actor | None = None,
) -> Transfer:
    """Start a transfer to another organization here, or to another tenant of the group."""
    actor = actor or Actor.system()
    if to_tenant is None:
        return tenant_transfers.do_request_transfer(member, to_organization=to_organization, reason=reason, actor=actor)
    member = tenant_transfers.lock_transferable(member)
    terms = tenant_transfers.new_terms()
    here = active_tenant()
    if (
        to_tenant.pk == here.pk
        or to_tenant.status != CommitteeStatus.ACTIVE
        or to_tenant.kind != CommitteeKind.SUBSIDIARY
    ):
        raise ServiceError(
            TransfersCode.BAD_TENANT, _("Choose another active party committee of the group."), "to_tenant"
        )
    group = GroupTransfer.objects.create(
        number=terms.number, member_name=member.name, from_tenant=here, to_tenant=to_tenant,
        valid_until=terms.valid_until,
    )  # fmt: skip
    outgoing = tenant_transfers.do_open_outgoing(
        member, to_tenant=to_tenant, group_transfer_id=group.pk, terms=terms, reason=reason, actor=actor
    )
    with to_tenant:
        tenant_transfers.do_open_incoming(outgoing, from_tenant=here, actor=actor)
    tenant_transfers.audit_transfer(outgoing, actor, event="transfer.request", to=to_tenant.name)
    return outgoing


def _lock_group(transfer: Transfer) -> GroupTransfer:
    """The group's row of a transfer between tenants, locked: every decision on it is serialized here."""
    group = GroupTransfer.objects.select_for_update().get(pk=int(transfer.group_transfer_id or 0))
    if group.status != TransferStatus.PENDING:
        raise Conflict(TransfersCode.ALREADY_DECIDED, _("This transfer has already been decided."), "status")
    return group


@transaction.atomic
def do_accept_transfer(
    transfer: Transfer, *, to_organization: Organization | None = None, actor: Actor | None = None, note: str = ""
) -> Transfer:
    """The receiving side accepts: within a tenant the member moves; between tenants the record
    moves across schemas, all in this transaction."""
    actor = actor or Actor.system()
    if transfer.kind != TransferKind.INCOMING:
        return tenant_transfers.do_accept_transfer(transfer, actor=actor, note=note)
    if to_organization is None:
        raise ServiceError(
            TransfersCode.DESTINATION_REQUIRED,
            _("Choose the organization that receives the member."),
            "to_organization",
        )
    tenant_transfers.check_destination(to_organization)
    group = _lock_group(transfer)
    transfer = tenant_transfers.lock_transfer(transfer)
    receiver = active_tenant()
    with group.from_tenant:
        outgoing = tenant_transfers.lock_transfer_numbered(group.number)
        assert outgoing.member is not None
        record = export_member_record(outgoing.member)
        do_release_member(outgoing.member, actor=actor)
        tenant_transfers.do_decide(outgoing, TransferStatus.ACCEPTED, actor=actor, note=note)
    member = do_receive_member_record(record, to_organization, transfer_number=group.number, actor=actor)
    tenant_transfers.do_decide(
        transfer, TransferStatus.ACCEPTED, actor=actor, note=note, member=member, to_organization=to_organization
    )
    _settle(group, TransferStatus.ACCEPTED)
    assert active_tenant().pk == receiver.pk
    tenant_transfers.audit_transfer(transfer, actor, event="transfer.accept", **{"from": group.from_tenant.name})
    return transfer


@transaction.atomic
def do_reject_transfer(transfer: Transfer, *, actor: Actor | None = None, note: str) -> Transfer:
    actor = actor or Actor.system()
    if transfer.kind not in tenant_transfers.BETWEEN_TENANTS:
        return tenant_transfers.do_reject_transfer(transfer, actor=actor, note=note)
    return _close(transfer, TransferStatus.REJECTED, actor=actor, note=tenant_transfers.check_rejection_note(note))


@transaction.atomic
def do_cancel_transfer(transfer: Transfer, *, actor: Actor | None = None) -> Transfer:
    actor = actor or Actor.system()
    if transfer.kind not in tenant_transfers.BETWEEN_TENANTS:
        return tenant_transfers.do_cancel_transfer(transfer, actor=actor)
    tenant_transfers.check_sending_side(transfer)
    return _close(transfer, TransferStatus.CANCELLED, actor=actor, note="")


def _close(transfer: Transfer, status: str, *, actor: Actor, note: str) -> Transfer:
    """Reject or cancel a transfer between tenants: both tenants' rows and the group's."""
    group = _lock_group(transfer)
    for tenant in (group.from_tenant, group.to_tenant):
        with tenant:
            tenant_transfers.do_decide(
                tenant_transfers.lock_transfer_numbered(group.number), status, actor=actor, note=note
            )
    _settle(group, status)
    transfer.refresh_from_db()
    tenant_transfers.audit_transfer(transfer, actor, event="transfer.decide", status=status, reason=note)
    return transfer


def _settle(group: GroupTransfer, status: str) -> None:
    group.status = status
    group.decided_at = timezone.now()
    group.save(update_fields=["status", "decided_at"])
