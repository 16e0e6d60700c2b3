"""DRF permission classes for the group root host."""

from __future__ import annotations

from typing import Any

from django.db import connection
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.services import group_roles


def on_root_host() -> bool:
    return getattr(connection, "schema_name", "public") == "public"


def request_group_roles(request: Request) -> frozenset[str]:
    cached = getattr(request._request, "_partycloud_group_roles", None)
    if cached is None:
        cached = group_roles(request.user)
        request._request._partycloud_group_roles = cached  # type: ignore[attr-defined]
    return frozenset(cached)


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
