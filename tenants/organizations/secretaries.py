"""Who is each organization's secretary (书记), for the org tree.

Three records can say it, in this order: the secretary recorded on the organization (its
form), the secretary role scoped to exactly that organization (用户与角色), and the committee
member whose post is 书记 (the term of office). Many tenants keep only one of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tenants.access.models import TenantRole
from tenants.access.services import holders_scoped_to
from tenants.organizations.models import CommitteeMember, Organization

SECRETARY_POSTS = ("书记", "党委书记", "总支书记", "支部书记", "secretary")


def secretary_names(organizations: Sequence[Organization]) -> dict[int, dict[str, Any]]:
    """``{organization id: {"name", "source"}}``, source ``organization`` / ``role`` / ``committee``."""
    ids = [organization.pk for organization in organizations]
    found: dict[int, dict[str, Any]] = {}
    for organization in organizations:
        if organization.secretary is not None:
            found[organization.pk] = {"name": organization.secretary.name, "source": "organization"}
    missing = [pk for pk in ids if pk not in found]
    for organization_id, users in holders_scoped_to(TenantRole.SECRETARY, missing).items():
        found[organization_id] = {"name": "、".join(user.name for user in users), "source": "role"}
    missing = [pk for pk in missing if pk not in found]
    committee = CommitteeMember.objects.filter(organization_id__in=missing, post__in=SECRETARY_POSTS).select_related(
        "user"
    )
    for member in committee.order_by("id"):
        found.setdefault(member.organization_id, {"name": member.user.name, "source": "committee"})
    return found
