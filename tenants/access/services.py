"""Use cases of tenant roles. Run inside the tenant's schema (a request on its host, or ``with tenant:``).

This module is the one writer of the public ``TenantAccess`` index (``do_sync_tenant_access``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, ErrorCode, NotAllowed, ServiceError
from partycloud.tenancy.context import active_schema, active_tenant
from partycloud.tenancy.errors import TenancyCode
from partycloud.tenancy.models import PartyCommittee, TenantAccess
from tenants.access.errors import AccessCode
from tenants.access.models import RoleAssignment, TenantRole

ROLE_MANAGERS = frozenset({TenantRole.TENANT_ADMIN})
_AUDIT_ROLE_ORDER = (
    TenantRole.TENANT_ADMIN,
    TenantRole.DISCIPLINE_INSPECTOR,
    TenantRole.SECRETARY,
    TenantRole.COMMITTEE_MEMBER,
    TenantRole.MEMBER,
)

_M = TypeVar("_M", bound=Model)

# Who a read below is about: the ``Actor`` of a converted service, or a user from callers not
# converted to ``Actor`` yet (issue 12) and from the kernel's role port.
Who = Actor | AbstractBaseUser | AnonymousUser | None


def _user_id(who: Who) -> int | None:
    user = who.user if isinstance(who, Actor) else who
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


# ---------------------------------------------------------------- organizations, as access sees them


@dataclass(frozen=True)
class OrganizationRef:
    """What role scopes need to know of an organization."""

    path: str
    name: str
    is_active: bool


OrganizationLookup = Callable[[Collection[int]], dict[int, OrganizationRef]]


# Organizations is a higher app than access (it checks roles through this module), so it hands
# access its lookup at start-up (OrganizationsConfig.ready); until then no organization is known.
def _no_organizations(organization_ids: Collection[int]) -> dict[int, OrganizationRef]:
    return {}


_organizations: OrganizationLookup = _no_organizations


def register_organization_lookup(lookup: OrganizationLookup) -> None:
    global _organizations
    _organizations = lookup


def organizations_by_id(organization_ids: Collection[int]) -> dict[int, OrganizationRef]:
    return _organizations(organization_ids)


# ---------------------------------------------------------------- who holds what


def current_tenant() -> PartyCommittee:
    if active_schema() == "public":
        raise ServiceError(TenancyCode.NO_TENANT, _("This action needs a party committee's own address."))
    return active_tenant()


def get_roles(user: Who) -> frozenset[str]:
    """The roles ``user`` holds in the current tenant (any scope)."""
    user_id = _user_id(user)
    if user_id is None:
        return frozenset()
    return frozenset(RoleAssignment.objects.filter(user_id=user_id).values_list("role", flat=True))


def tenant_admins() -> list[User]:
    """The tenant admins here: who is told about deadlines, overdue transfers, re-elections."""
    return list(
        User.objects.filter(pk__in=RoleAssignment.objects.filter(role=TenantRole.TENANT_ADMIN).values("user_id"))
    )


def role_for_audit(user: Who) -> str:
    """The user's most powerful role in the current tenant ("" at the group root)."""
    if getattr(connection, "schema_name", "public") == "public":
        return ""
    held = get_roles(user)
    return next((role for role in _AUDIT_ROLE_ORDER if role in held), "")


def user_has_role(user: Who, *roles: str) -> bool:
    return bool(get_roles(user) & set(roles))


def scope_covers(assignment: RoleAssignment, organization_id: int | None) -> bool:
    """Whether a role assignment covers an organization: a tenant-wide assignment covers
    everything; a scoped one covers its organization's subtree (a branch secretary manages
    that branch and its party groups, nothing else)."""
    if assignment.organization_id is None:
        return True
    if organization_id is None:
        return False
    found = organizations_by_id([assignment.organization_id, organization_id])
    scope, target = found.get(assignment.organization_id), found.get(organization_id)
    return bool(scope and target and scope.path and target.path.startswith(scope.path))


def user_covers(user: Who, organization_id: int | None, roles: frozenset[str] | set[str]) -> bool:
    """Whether ``user`` holds one of ``roles`` with a scope covering the organization."""
    user_id = _user_id(user)
    if user_id is None:
        return False
    return any(
        scope_covers(assignment, organization_id)
        for assignment in RoleAssignment.objects.filter(user_id=user_id, role__in=roles)
    )


def scope_roots(user: Who, roles: frozenset[str] | set[str]) -> list[int] | None:
    """The organizations at the top of ``user``'s scopes for ``roles``; None means the whole tenant."""
    user_id = _user_id(user)
    if user_id is None:
        return []
    scopes = list(
        RoleAssignment.objects.filter(user_id=user_id, role__in=roles).values_list("organization_id", flat=True)
    )
    if any(scope is None for scope in scopes):
        return None
    return [scope for scope in scopes if scope is not None]


@dataclass(frozen=True)
class Scope:
    """The organization subtrees a user covers, by their paths; ``paths`` None is the whole tenant.
    Domains filter their own records with it, so no domain reads another's role table."""

    paths: tuple[str, ...] | None

    @property
    def whole_tenant(self) -> bool:
        return self.paths is None

    def filter(self, path_field: str = "organization__path") -> Q | None:
        """A queryset filter to the covered organizations; None: no filter (the whole tenant)."""
        if self.paths is None:
            return None
        scope = Q(pk__in=[])
        for path in self.paths:
            scope |= Q(**{f"{path_field}__startswith": path})
        return scope

    def apply(self, queryset: QuerySet[_M], path_field: str = "organization__path") -> QuerySet[_M]:
        condition = self.filter(path_field)
        return queryset if condition is None else queryset.filter(condition)


def user_scope(user: Who, roles: frozenset[str] | set[str]) -> Scope:
    """The subtrees ``user`` covers with ``roles`` (empty when they hold none of them)."""
    roots = scope_roots(user, roles)
    if roots is None:
        return Scope(None)
    if not roots:
        return Scope(())
    found = organizations_by_id(roots)
    return Scope(tuple(sorted(ref.path for ref in found.values())))


def scope_filter(user: Who, roles: frozenset[str] | set[str], path_field: str = "organization__path") -> Q | None:
    """A queryset filter to the organizations ``user`` covers with ``roles``; None: the whole tenant."""
    return user_scope(user, roles).filter(path_field)


def check_covers(
    user: Who, organization_id: int | None, roles: frozenset[str] | set[str], code: ErrorCode, message: str
) -> None:
    """Refuse (403) unless ``user`` holds one of ``roles`` with a scope covering the organization."""
    if not user_covers(user, organization_id, roles):
        raise NotAllowed(code, message)


def check_can_manage_roles(actor: Actor) -> None:
    if not user_has_role(actor, *ROLE_MANAGERS):
        raise NotAllowed(AccessCode.NOT_TENANT_ADMIN, _("Only a tenant admin can manage roles."))


def _scope_name(organization_id: int | None) -> str:
    """The name of a role's organization scope, for the audit log ("" for the whole tenant)."""
    if organization_id is None:
        return ""
    found = organizations_by_id([organization_id]).get(organization_id)
    return found.name if found is not None else ""


@transaction.atomic
def do_assign_role(
    *,
    user: User,
    role: str,
    organization_id: int | None = None,
    actor: Actor | None = None,
) -> RoleAssignment:
    """Give ``user`` a role here, for the whole tenant or an organization's subtree.
    ``actor`` None: the platform itself (provisioning from a command, a test)."""
    if role not in TenantRole.values:
        raise ServiceError(AccessCode.UNKNOWN_ROLE, _("Unknown role: %(role)s") % {"role": role}, "role")
    scope_name = ""
    if organization_id is not None:
        scope = organizations_by_id([organization_id]).get(organization_id)
        if scope is None or not scope.is_active:
            raise ServiceError(
                AccessCode.UNKNOWN_ORGANIZATION,
                _("Choose an existing organization for the role's scope."),
                "organization_id",
            )
        scope_name = scope.name
    if not user.is_active:
        raise ServiceError(AccessCode.USER_INACTIVE, _("This account is disabled."), "user")
    if RoleAssignment.objects.filter(user=user, role=role, organization_id=organization_id).exists():
        raise Conflict(AccessCode.ROLE_EXISTS, _("This user already holds this role."), "role")
    assignment = RoleAssignment.objects.create(
        user=user, role=role, organization_id=organization_id, granted_by=actor.user if actor is not None else None
    )
    do_sync_tenant_access(user.pk)
    do_record_audit(
        event="role.grant",
        details={"role": role, "user": user.pk, "scope": scope_name},
        actor=actor,
        target=assignment,
        target_label=user.name,
    )
    return assignment


def grant_first_admin(user: User, actor: Actor | None) -> None:
    """Provisioning's hook (registered with tenancy): the new tenant's first admin."""
    do_assign_role(user=user, role=TenantRole.TENANT_ADMIN, actor=actor)


@transaction.atomic
def do_revoke_role(assignment: RoleAssignment, *, actor: Actor | None = None) -> None:
    if (
        assignment.role == TenantRole.TENANT_ADMIN
        and RoleAssignment.objects.filter(role=TenantRole.TENANT_ADMIN).count() == 1
    ):
        raise Conflict(AccessCode.LAST_ADMIN, _("A party committee keeps at least one tenant admin."), "role")
    user_id = assignment.user_id
    do_record_audit(
        event="role.revoke",
        details={"role": assignment.role, "user": user_id, "scope": _scope_name(assignment.organization_id)},
        actor=actor,
        target=assignment,
        target_label=User.objects.filter(pk=user_id).values_list("name", flat=True).first() or "",
    )
    assignment.delete()
    do_sync_tenant_access(user_id)


def rebuild_tenant_access_index() -> int:
    """Recompute the public index for the current tenant from its role table; returns rows fixed."""
    tenant = current_tenant()
    fixed = 0
    holders = set(RoleAssignment.objects.values_list("user_id", flat=True).distinct())
    indexed = set(TenantAccess.objects.filter(tenant=tenant).values_list("user_id", flat=True))
    for user_id in holders | indexed:
        before = TenantAccess.objects.filter(tenant=tenant, user_id=user_id).values_list("roles", flat=True).first()
        with transaction.atomic():
            do_sync_tenant_access(user_id)
        after = TenantAccess.objects.filter(tenant=tenant, user_id=user_id).values_list("roles", flat=True).first()
        fixed += before != after
    return fixed


def holders_scoped_to(role: str, organization_ids: list[int]) -> dict[int, list[User]]:
    """Who holds ``role`` scoped exactly to each organization (the org tree shows its secretary)."""
    found: dict[int, list[User]] = {}
    for assignment in RoleAssignment.objects.filter(role=role, organization_id__in=organization_ids).select_related(
        "user"
    ):
        assert assignment.organization_id is not None
        found.setdefault(assignment.organization_id, []).append(assignment.user)
    return found


# ---------------------------------------------------------------- the one writer of the TenantAccess index (issue 12)

MemberRecordSource = Callable[[int], bool]
_member_record_sources: list[MemberRecordSource] = []


def register_member_record_source(source: MemberRecordSource) -> None:
    """``tenants.members`` tells access whether a user has a counted record in the current tenant.

    Members uses access (scopes, roles), so access cannot import members: it reads this registry,
    filled in ``MembersConfig.ready``."""
    if source not in _member_record_sources:
        _member_record_sources.append(source)


def do_sync_tenant_access(user_id: int) -> None:
    """Recompute ``user_id``'s row of the public ``TenantAccess`` index for the current tenant, in the
    caller's transaction: the roles from ``RoleAssignment``, ``has_member_record`` from the registered
    member-record source. No role and no record: no row. Call it whenever either may have changed (a
    member's record created, archived, moved in or out of this tenant; a role granted or revoked)."""
    tenant = current_tenant()
    roles = sorted(set(RoleAssignment.objects.filter(user_id=user_id).values_list("role", flat=True)))
    has_record = any(source(user_id) for source in _member_record_sources)
    access = TenantAccess.objects.filter(user_id=user_id, tenant=tenant).first()
    if not roles and not has_record:
        if access is not None:
            access.delete()
        return
    if access is None:
        TenantAccess.objects.create(user_id=user_id, tenant=tenant, roles=roles, has_member_record=has_record)
    elif (access.roles, access.has_member_record) != (roles, has_record):
        access.roles, access.has_member_record = roles, has_record
        access.save(update_fields=["roles", "has_member_record", "updated_at"])
