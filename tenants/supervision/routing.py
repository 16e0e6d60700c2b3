"""Where a report goes (DOMAIN_RULES §7): to the discipline inspectors of the level ABOVE the
accused's unit, never to anyone of the accused's own unit.

Eligible: every user holding ``TenantRole.DISCIPLINE_INSPECTOR`` with a scope covering the
accused unit's PARENT (an assignment at the parent or at one of its ancestors; a tenant-wide one
counts), minus everyone tied to the accused unit or the organizations under it:

- any role assignment scoped there (its secretary, committee members, members, even an inspector
  scoped there: whoever holds a role at the unit is of the unit);
- its recorded secretary and committee members (``Organization.secretary``, ``CommitteeMember``);
- every user whose member record is held there. The accused person is among them when they have
  an account; matching the typed name against the unit's members would be unreliable (namesakes,
  typos), so the whole unit is excluded instead, which is stricter than "the branch's leadership".

The accused unit being the subsidiary's top committee (no parent), or nobody eligible left, sends
the report to the group (``to_group``): the group's inspectors (``GroupRoleKind.GROUP_INSPECTOR``,
public schema) handle it through the group's API.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from partycloud.accounts.roles import TenantRole
from tenants.access.models import RoleAssignment
from tenants.members.models import Member
from tenants.organizations.models import CommitteeMember, Organization


@dataclass(frozen=True)
class Routing:
    organization_id: int | None  # whose inspectors (the accused unit's parent); None with to_group
    to_group: bool
    user_ids: tuple[int, ...]  # the assignees (empty with to_group)


def excluded_user_ids(accused: Organization) -> set[int]:
    """Everyone tied to the accused unit or the organizations under it (see the module's note)."""
    unit_ids = list(Organization.objects.filter(path__startswith=accused.path).values_list("pk", flat=True))
    excluded = set(RoleAssignment.objects.filter(organization_id__in=unit_ids).values_list("user_id", flat=True))
    excluded |= set(
        Organization.objects.filter(pk__in=unit_ids, secretary__isnull=False).values_list("secretary_id", flat=True)
    )
    excluded |= set(CommitteeMember.objects.filter(organization_id__in=unit_ids).values_list("user_id", flat=True))
    excluded |= set(
        Member.objects.filter(organization_id__in=unit_ids, user__isnull=False).values_list("user_id", flat=True)
    )
    return {user_id for user_id in excluded if user_id is not None}


def route(accused: Organization) -> Routing:
    """The assignees of a report about ``accused`` (an organization of this tenant)."""
    parent_id = accused.parent_id
    if parent_id is None:
        return Routing(None, True, ())
    covering = [*accused.ancestor_ids]  # the parent and every ancestor above it
    inspectors = set(
        RoleAssignment.objects.filter(role=TenantRole.DISCIPLINE_INSPECTOR)
        .filter(Q(organization_id__isnull=True) | Q(organization_id__in=covering))
        .values_list("user_id", flat=True)
    )
    eligible = sorted(inspectors - excluded_user_ids(accused))
    if not eligible:
        return Routing(None, True, ())
    return Routing(parent_id, False, tuple(eligible))
