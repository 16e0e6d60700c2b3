"""Who may do what in the learning platform, on both kinds of host.

Root host (the group's shared library): group admins manage, group viewers read.
Tenant host (its own library): tenant admins manage, every user with a role reads and studies.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRoleKind
from partycloud.accounts.permissions import on_root_host
from partycloud.accounts.roles import TenantRole
from partycloud.core.errors import NotAllowed
from tenants.learning.errors import LearningCode


def is_library_manager(actor: Actor) -> bool:
    if not actor.is_authenticated:
        return False
    if on_root_host():
        return GroupRoleKind.GROUP_ADMIN in actor.group_roles
    return TenantRole.TENANT_ADMIN in actor.roles


def is_library_reader(actor: Actor) -> bool:
    if not actor.is_authenticated:
        return False
    if on_root_host():
        return bool(actor.group_roles & {GroupRoleKind.GROUP_ADMIN, GroupRoleKind.GROUP_VIEWER})
    return bool(actor.roles)


def check_library_manager(actor: Actor) -> None:
    """Refuse (403) a report or a list only the library's managers see."""
    if not is_library_manager(actor):
        raise NotAllowed(LearningCode.MANAGERS_ONLY, _("Only the library's managers see this."))


class ManagesLibrary(BasePermission):
    """Managers do anything; readers use safe methods."""

    def has_permission(self, request: Request, view: Any) -> bool:
        actor = Actor.of(request)
        if is_library_manager(actor):
            return True
        return request.method in SAFE_METHODS and is_library_reader(actor)


class ReadsLibrary(BasePermission):
    """Readers read and study (heartbeats, quiz attempts are theirs)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_library_reader(Actor.of(request))
