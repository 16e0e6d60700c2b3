"""Who a supervision item is for (announcements, publicity, surveys, votes): the members of a
scope who can sign in. Run in the tenant's schema.

A scope is counted from the issuing unit: ``unit`` the members held directly by it, ``subtree``
the unit and every organization under it, ``tenant`` the whole subsidiary. Only members in a
counted status (active, mobile) with a user account are recipients: the others cannot open the
portal. Each user once, in member order (the order rows are created in)."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from partycloud.core.errors import NotFoundError, ServiceError
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.organizations.models import Organization
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import Scope

TENANT_SCOPES = (Scope.UNIT, Scope.SUBTREE, Scope.TENANT)
# The scopes a tenant's item may have (the API's choices; ``group`` is the group's announcements').
TENANT_SCOPE_CHOICES = [(scope.value, scope.label) for scope in TENANT_SCOPES]


class Recipient(NamedTuple):
    user_id: int
    member_id: int
    organization_id: int
    organization_name: str
    name: str


def check_scope(organization_id: int | None, scope: str) -> Organization:
    """The issuing organization, refusing a scope a tenant item cannot have (``group`` is the
    group's own) and an organization that does not exist or has been merged away."""
    if scope not in TENANT_SCOPES:
        raise ServiceError(
            SupervisionCode.BAD_SCOPE, _("Choose the unit, its subtree or the whole subsidiary."), "scope"
        )
    organization = Organization.objects.filter(pk=organization_id, is_active=True).first() if organization_id else None
    if organization is None:
        raise NotFoundError(
            SupervisionCode.ORGANIZATION_NOT_FOUND, _("No such organization in this subsidiary."), "organization"
        )
    return organization


def scope_members(organization: Organization, scope: str) -> QuerySet[Member]:
    """The counted members of the scope (with or without an account)."""
    members = Member.objects.filter(status__in=COUNTED_STATUSES)
    if scope == Scope.UNIT:
        return members.filter(organization_id=organization.pk)
    if scope == Scope.SUBTREE:
        return members.filter(organization__path__startswith=organization.path)
    if scope == Scope.TENANT:
        return members
    raise ServiceError(SupervisionCode.BAD_SCOPE, _("Choose the unit, its subtree or the whole subsidiary."), "scope")


def recipients(organization_id: int | None, scope: str) -> list[Recipient]:
    """The signed-in users of the scope's counted members: ``(user_id, member_id, organization_id,
    organization_name, name)``, each user once, in member order. ``organization_id`` may be None
    only for the ``tenant`` scope (every member of the subsidiary)."""
    if scope == Scope.TENANT and organization_id is None:
        members = Member.objects.filter(status__in=COUNTED_STATUSES)
    else:
        members = scope_members(check_scope(organization_id, scope), scope)
    rows = (
        members.filter(user__isnull=False, user__is_active=True)
        .order_by("id")
        .values_list("user_id", "id", "organization_id", "organization__name", "name")
    )
    seen: set[int] = set()
    found: list[Recipient] = []
    for user_id, member_id, org_id, org_name, name in rows:
        if user_id in seen:
            continue
        seen.add(user_id)
        found.append(Recipient(user_id, member_id, org_id, org_name, name))
    return found
