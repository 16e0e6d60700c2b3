"""Tenant roles as the kernel sees them: the names, and a port that finds a user's roles.

Role assignments are tenant data kept by ``tenants.access`` (floor 3). The kernel's permission
classes, the ``Actor`` and the platform's own apps (uploads, search, the audit log) need to ask
"which roles does this user hold here?" without importing a domain app, so ``tenants.access``
registers its lookup at start-up (``AccessConfig.ready``); until then nobody holds a role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class TenantRole(models.TextChoices):
    TENANT_ADMIN = "tenant_admin", _("tenant admin")
    SECRETARY = "secretary", _("organization secretary")
    COMMITTEE_MEMBER = "committee_member", _("committee member")
    MEMBER = "member", _("member")
    DISCIPLINE_INSPECTOR = "discipline_inspector", _("discipline inspector")


RoleSource = Callable[[Any], frozenset[str]]


def _no_roles(user: Any) -> frozenset[str]:
    return frozenset()


_role_source: RoleSource = _no_roles


def register_role_source(source: RoleSource) -> None:
    """``tenants.access`` tells the kernel how to read a user's roles in the current tenant."""
    global _role_source
    _role_source = source


def tenant_roles_of(user: Any) -> frozenset[str]:
    """The roles ``user`` holds in the tenant whose schema is active (none at the group root)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return _role_source(user)
