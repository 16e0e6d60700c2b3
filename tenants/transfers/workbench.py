"""Transfers' part of the console's home: transfers waiting for this side, overdue ones."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from partycloud.core.workbench import Figure, Link, Todo
from tenants.access.services import Scope
from tenants.transfers.models import Transfer, TransferKind, TransferStatus
from tenants.transfers.services import concerning

# This side accepts these; the others wait for the receiving side (a to-do only once overdue).
ACCEPTED_HERE = (TransferKind.INCOMING, TransferKind.WITHIN)
SENT_FROM_HERE = (TransferKind.OUTGOING, TransferKind.OUT_OF_GROUP)


def _scoped(scope: Scope, path_field: str) -> Q:
    condition = scope.filter(path_field)
    return Q() if condition is None else condition


def todos(scope: Scope, today: date) -> list[Todo]:
    pending = Transfer.objects.filter(status=TransferStatus.PENDING).select_related(
        "from_organization", "to_organization", "counterpart_tenant"
    )
    # The receiving side accepts; the sending side follows up once the validity has passed.
    awaiting = pending.filter(_scoped(scope, "to_organization__path"), kind__in=ACCEPTED_HERE)
    overdue = pending.filter(_scoped(scope, "from_organization__path"), kind__in=SENT_FROM_HERE, valid_until__lt=today)
    return [
        *(_todo(transfer, awaiting=True) for transfer in awaiting),
        *(_todo(transfer, awaiting=False) for transfer in overdue),
    ]


def _todo(transfer: Transfer, *, awaiting: bool) -> Todo:
    source = transfer.from_organization or transfer.counterpart_tenant
    target = transfer.to_organization or transfer.counterpart_tenant or transfer.external_organization
    return Todo(
        kind="transfers.awaiting_acceptance" if awaiting else "transfers.overdue",
        module="transfers",
        title=_("Transfer awaiting acceptance") if awaiting else _("Transfer overdue: not yet received"),
        subject=transfer.member_name,
        organization=str((transfer.to_organization if awaiting else transfer.from_organization) or ""),
        detail=f"{source or ''} → {target or ''}",
        due_on=transfer.valid_until,
        since=transfer.created_at.date(),
        link=Link(
            "/transfers",
            {"kind": transfer.kind, "status": TransferStatus.PENDING}
            if awaiting
            else {"kind": transfer.kind, "overdue": "1"},
        ),
    )


def figures(scope: Scope, month: date) -> list[Figure]:
    pending = Transfer.objects.filter(concerning(scope), status=TransferStatus.PENDING).count()
    return [
        Figure(
            key="transfers.pending",
            module="transfers",
            label=_("Transfers pending"),
            value=pending,
            link=Link("/transfers", {"status": TransferStatus.PENDING}),
        )
    ]
