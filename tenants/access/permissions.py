"""DRF permission classes for tenant hosts. Every tenant app uses these."""

from __future__ import annotations

from typing import Any

from django.db import connection
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from tenants.access.models import TenantRole
from tenants.access.services import get_roles


def request_roles(request: Request) -> frozenset[str]:
    """Roles of the caller in the current tenant, computed once per request."""
    cached = getattr(request._request, "_partycloud_roles", None)
    if cached is None:
        cached = get_roles(request.user)
        request._request._partycloud_roles = cached  # type: ignore[attr-defined]
    return frozenset(cached)


def on_tenant_host() -> bool:
    return getattr(connection, "schema_name", "public") != "public"


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
