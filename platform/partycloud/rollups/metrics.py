"""The metrics the group rolls up: the kernel's registry, and the group root's own metric.

Each tenant app declares its metrics in its ``rollups.py`` and registers them with
``partycloud.core.metrics`` at start-up; the relay, the recompute and the backfill read
``METRICS`` from there (re-exported here with the types they use), so adding a domain adds no
import in this package. The one metric declared here is the group root's own: pocket members,
whose cases the hub keeps in the public schema (no outbox: recomputed on every relay run).
Registered in ``RollupsConfig.ready``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import (
    METRICS,
    WHOLE_TENANT,
    Metric,
    Row,
    Scope,
    metric,
    month_end,
    month_start,
    register,
)
from partycloud.hub.models import PocketMemberCase, PocketStatus
from partycloud.tenancy.context import active_tenant

__all__ = [
    "METRICS",
    "WHOLE_TENANT",
    "Metric",
    "Row",
    "Scope",
    "month_end",
    "month_start",
    "pocket_members",
    "register",
]


@metric("pockets.open", _("pocket members"), tenant_level=True, always=True)
def pocket_members(scope: Scope) -> list[Row]:
    open_cases = PocketMemberCase.objects.filter(tenant=active_tenant(), status=PocketStatus.OPEN).count()
    return [(WHOLE_TENANT, scope.current, "", Decimal(open_cases))] if open_cases else []
