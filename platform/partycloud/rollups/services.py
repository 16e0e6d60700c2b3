"""The group dashboard's use cases behind its endpoints: the drill-down into a tenant (read in
the tenant's schema, audited), the exports' audit entries, and setting a traffic-light threshold.

The endpoints (``api.py``) parse, call one of these, and render; the figures come from
``dashboard`` (rollup tables only). Members of a subtree are read through the reader that
``tenants.members`` registers with ``partycloud.core.metrics``: no domain model is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import NotAllowed, NotFoundError, ServiceError
from partycloud.core.metrics import MemberRecord, member_records
from partycloud.rollups import dashboard
from partycloud.rollups.errors import RollupsCode
from partycloud.rollups.figures import FIGURES
from partycloud.rollups.models import RollupOrganization, Threshold
from partycloud.rollups.relay import relayable_tenants
from partycloud.tenancy.models import PartyCommittee

# ---------------------------------------------------------------- drill-down


def drilldown_tenant(tenant_id: int) -> PartyCommittee:
    """A tenant the dashboard shows (a subsidiary with rollups), or 404."""
    tenant = next((t for t in relayable_tenants() if t.pk == tenant_id), None)
    if tenant is None:
        raise NotFoundError(RollupsCode.UNKNOWN_TENANT, _("This party committee does not exist."))
    return tenant


def tenant_organizations(tenant_id: int, period: date) -> tuple[PartyCommittee, list[dict[str, Any]]]:
    """Drill-down level 2: a tenant's organization tree with own and subtree figures (rollups only)."""
    tenant = drilldown_tenant(tenant_id)
    return tenant, dashboard.organizations(tenant, period)


@dataclass(frozen=True)
class MemberList:
    tenant: PartyCommittee
    organization: RollupOrganization
    members: list[MemberRecord]


def organization_members(*, actor: Actor, tenant_id: int, organization_id: int, export: bool) -> MemberList:
    """Drill-down to records: the members counted in an organization's subtree, read in the
    tenant's schema; every read and export is in the audit log."""
    tenant = drilldown_tenant(tenant_id)
    node = RollupOrganization.objects.filter(tenant=tenant, organization_id=organization_id).first()
    if node is None:
        raise NotFoundError(RollupsCode.UNKNOWN_ORGANIZATION, _("This organization does not exist."))
    with tenant:
        members = member_records(node.path)
    do_record_audit(
        event="drilldown.members.export" if export else "drilldown.members.read",
        details={"count": len(members), "organization": node.name},
        actor=actor,
        target_type="members.member",
        target_id=f"{tenant.schema_name}:{organization_id}",
        target_label=node.name,
        tenant_id=tenant.pk,
    )
    return MemberList(tenant, node, members)


def do_record_dashboard_export(*, actor: Actor, what: str, title: str) -> None:
    """An export of a dashboard table (the KPI table, trends, compliance, organizations)."""
    do_record_audit(
        event="dashboard.export",
        details={"sheet": title, "what": what},
        actor=actor,
        target_type="rollups.dashboard",
        target_label=title,
    )


# ---------------------------------------------------------------- thresholds


def threshold_rows() -> list[dict[str, Any]]:
    """Every figure's traffic-light limits (the defaults where none was set)."""
    return [
        {"figure": key, "green_until": float(g), "amber_until": float(a), "higher_is_worse": worse}
        for key, (g, a, worse) in sorted(dashboard.thresholds().items())
    ]


def check_can_change_thresholds(actor: Actor) -> None:
    if GroupRoleKind.GROUP_ADMIN not in actor.group_roles:
        raise NotAllowed(RollupsCode.NOT_GROUP_ADMIN, _("Only group admins change the dashboard's thresholds."))


def check_threshold_order(*, green_until: Decimal, amber_until: Decimal, higher_is_worse: bool) -> None:
    """Amber lies beyond green: above it when higher is worse, below it otherwise."""
    if (higher_is_worse and amber_until < green_until) or (not higher_is_worse and amber_until > green_until):
        raise ServiceError(
            RollupsCode.THRESHOLD_ORDER, _("The amber limit must lie beyond the green one."), "amber_until"
        )


def do_set_threshold(
    *, actor: Actor, figure: str, green_until: Decimal, amber_until: Decimal, higher_is_worse: bool
) -> Threshold:
    """Set a figure's traffic-light limits (group admins); the cached dashboard is dropped."""
    check_can_change_thresholds(actor)
    check_threshold_order(green_until=green_until, amber_until=amber_until, higher_is_worse=higher_is_worse)
    threshold, _created = Threshold.objects.update_or_create(
        figure=figure,
        defaults={"green_until": green_until, "amber_until": amber_until, "higher_is_worse": higher_is_worse},
    )
    dashboard.thresholds_changed()
    do_record_audit(
        event="threshold.change",
        details={"figure": figure, "green": str(green_until), "amber": str(amber_until)},
        actor=actor,
        target_type="rollups.threshold",
        target_id=figure,
        target_label=next((str(f.label) for f in FIGURES if f.key == figure), figure),
    )
    return threshold
