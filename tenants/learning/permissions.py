"""Who may do what in the learning platform, on both kinds of host.

Root host (the group's shared library): group admins manage, group viewers read.
Tenant host (its own library): tenant admins manage, every user with a role reads and studies.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.permissions import on_root_host, request_group_roles, request_roles
from tenants.access.models import TenantRole


def is_library_manager(request: Request) -> bool:
    if not (request.user and request.user.is_authenticated):
        return False
    if on_root_host():
        return GroupRoleKind.GROUP_ADMIN in request_group_roles(request)
    return TenantRole.TENANT_ADMIN in request_roles(request)


def is_library_reader(request: Request) -> bool:
    if not (request.user and request.user.is_authenticated):
        return False
    if on_root_host():
        return bool(request_group_roles(request) & {GroupRoleKind.GROUP_ADMIN, GroupRoleKind.GROUP_VIEWER})
    return bool(request_roles(request))


class ManagesLibrary(BasePermission):
    """Managers do anything; readers use safe methods."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if is_library_manager(request):
            return True
        return request.method in SAFE_METHODS and is_library_reader(request)


class ReadsLibrary(BasePermission):
    """Readers read and study (heartbeats, quiz attempts are theirs)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_library_reader(request)
