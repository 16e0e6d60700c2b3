"""DRF permission classes: group roles on the root host, tenant roles on a tenant's host.

Both read the request's ``Actor`` (built once per request), so a view that checks a role and a
service that checks it again cost one query, not two. Tenant roles come through the kernel's
role port (``partycloud.accounts.roles``), which ``tenants.access`` fills.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.roles import TenantRole


def on_root_host() -> bool:
    return getattr(connection, "schema_name", "public") == "public"


def on_tenant_host() -> bool:
    return not on_root_host()


def request_group_roles(request: Request) -> frozenset[str]:
    return Actor.of(request).group_roles


def request_roles(request: Request) -> frozenset[str]:
    """Roles of the caller in the current tenant, computed once per request."""
    return Actor.of(request).roles


class IsGroupAdmin(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and on_root_host()) and (
            GroupRoleKind.GROUP_ADMIN in request_group_roles(request)
        )


class IsGroupAdminOrViewerReadOnly(BasePermission):
    """Group admins do anything; group viewers read."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated and on_root_host()):
            return False
        roles = request_group_roles(request)
        if GroupRoleKind.GROUP_ADMIN in roles:
            return True
        return request.method in SAFE_METHODS and GroupRoleKind.GROUP_VIEWER in roles


class HasTenantRole(BasePermission):
    """The caller holds one of ``roles`` in this tenant. Subclass and set ``roles``;
    ``read_roles`` (if set) may use safe methods only."""

    roles: frozenset[str] = frozenset()
    read_roles: frozenset[str] = frozenset()

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated and on_tenant_host()):
            return False
        held = request_roles(request)
        if held & self.roles:
            return True
        return request.method in SAFE_METHODS and bool(held & self.read_roles)


class IsTenantAdmin(HasTenantRole):
    roles = frozenset({TenantRole.TENANT_ADMIN})


class IsTenantUser(HasTenantRole):
    """Anyone with any role here (a member at least)."""

    roles = frozenset(TenantRole.values)


class IsTenantAdminOrInspectorReadOnly(HasTenantRole):
    roles = frozenset({TenantRole.TENANT_ADMIN})
    read_roles = frozenset({TenantRole.DISCIPLINE_INSPECTOR})
