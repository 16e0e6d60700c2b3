"""What the group rolls up from the organization tree, and the tree the group's drill-down shows.

Registered with the kernel's registry (``partycloud.core.metrics``) in
``OrganizationsConfig.ready``; the group rollups read the registry and never import this app.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from partycloud.core.metrics import (
    OrganizationNode,
    Row,
    Scope,
    counted_rows,
    metric,
    register,
    register_organization_source,
)
from tenants.organizations.models import Organization
from tenants.organizations.services import organizations_existing_on

REELECTION_WARNING_DAYS = 90


def _organizations(scope: Scope) -> list[Any]:
    if "organizations" not in scope.memo:
        existing = (
            organizations_existing_on(scope.today) if scope.history else Organization.objects.filter(is_active=True)
        )
        scope.memo["organizations"] = list(scope.organizations(existing, "id"))
    organizations: list[Any] = scope.memo["organizations"]
    return organizations


@metric("organizations.kind", _("organizations by kind"), "organizations", historical=True)
def organizations_by_kind(scope: Scope) -> list[Row]:
    return counted_rows(((o.pk, o.kind) for o in _organizations(scope)), scope.current)


@metric("organizations.reelection", _("re-elections due"), "organizations")
def reelections(scope: Scope) -> list[Row]:
    pairs = []
    soon = scope.today + timedelta(days=REELECTION_WARNING_DAYS)
    for organization in _organizations(scope):
        ends = organization.re_election_due_on
        if ends is None:
            continue
        if ends < scope.today:
            pairs.append((organization.pk, "overdue"))
        elif ends <= soon:
            pairs.append((organization.pk, "due"))
    return counted_rows(pairs, scope.current)


def organization_nodes(organization_ids: frozenset[int] | None) -> Iterable[OrganizationNode]:
    """The organizations (these, or None: all) as the group's copy of the tree holds them."""
    source = Organization.objects.all()
    if organization_ids is not None:
        source = source.filter(pk__in=organization_ids)
    for organization in source:
        yield OrganizationNode(
            organization_id=organization.pk,
            parent_id=organization.parent_id,
            path=organization.path,
            depth=organization.depth,
            name=organization.name,
            kind=organization.kind,
            is_active=organization.is_active,
        )


def register_rollups() -> None:
    register(organizations_by_kind, reelections)
    register_organization_source(organization_nodes)
