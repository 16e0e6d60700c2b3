"""What the group rolls up from transfers: pending and overdue ones.

Registered with the kernel's registry (``partycloud.core.metrics``) in ``TransfersConfig.ready``.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import Row, Scope, counted_rows, metric, register
from tenants.transfers.models import Transfer, TransferStatus


@metric("transfers.pending", _("transfers pending"), "transfers")
def transfers_pending(scope: Scope) -> list[Row]:
    pairs = []
    pending = Transfer.objects.filter(status=TransferStatus.PENDING)
    if scope.organization_ids is not None:
        pending = pending.filter(
            Q(from_organization_id__in=scope.organization_ids)
            | Q(from_organization_id__isnull=True, to_organization_id__in=scope.organization_ids)
        )
    for source, target, valid_until in pending.values_list("from_organization_id", "to_organization_id", "valid_until"):
        # Counted where the member leaves from; a transfer into the group, where they arrive.
        # A transfer from another tenant has neither until it is received: the sending tenant
        # counts it, so the group counts it once.
        if source is None and target is None:
            continue
        pairs.append((source or target, "overdue" if scope.today > valid_until else "pending"))
    return counted_rows(pairs, scope.current)


def register_rollups() -> None:
    register(transfers_pending)
