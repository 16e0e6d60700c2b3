"""Use cases of tenant roles. Run inside the tenant's schema (a request on its host, or ``with tenant:``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from partycloud.accounts.models import User
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotAllowed, ServiceError
from partycloud.tenancy.models import PartyCommittee, TenantAccess
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


def current_tenant() -> PartyCommittee:
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, PartyCommittee) or tenant.schema_name == "public":
        raise ServiceError("tenancy.no_tenant", _("This action needs a party committee's own address."))
    return tenant


def get_roles(user: Any) -> frozenset[str]:
    """The roles ``user`` holds in the current tenant (any scope)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(RoleAssignment.objects.filter(user_id=user.pk).values_list("role", flat=True))


def tenant_admins() -> list[User]:
    """The tenant admins here: who is told about deadlines, overdue transfers, re-elections."""
    return list(
        User.objects.filter(pk__in=RoleAssignment.objects.filter(role=TenantRole.TENANT_ADMIN).values("user_id"))
    )


def role_for_audit(user: Any) -> str:
    """The user's most powerful role in the current tenant ("" at the group root)."""
    if getattr(connection, "schema_name", "public") == "public":
        return ""
    held = get_roles(user)
    return next((role for role in _AUDIT_ROLE_ORDER if role in held), "")


def user_has_role(user: Any, *roles: str) -> bool:
    return bool(get_roles(user) & set(roles))


def scope_covers(assignment: RoleAssignment, organization_id: int | None) -> bool:
    """Whether a role assignment covers an organization: a tenant-wide assignment covers
    everything; a scoped one covers its organization's subtree (a branch secretary manages
    that branch and its party groups, nothing else)."""
    if assignment.organization_id is None:
        return True
    if organization_id is None:
        return False
    from tenants.organizations.models import Organization

    paths = dict(
        Organization.objects.filter(pk__in=[assignment.organization_id, organization_id]).values_list("pk", "path")
    )
    scope, target = paths.get(assignment.organization_id), paths.get(organization_id)
    return bool(scope and target and target.startswith(scope))


def user_covers(user: Any, organization_id: int | None, roles: frozenset[str] | set[str]) -> bool:
    """Whether ``user`` holds one of ``roles`` with a scope covering the organization."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(
        scope_covers(assignment, organization_id)
        for assignment in RoleAssignment.objects.filter(user_id=user.pk, role__in=roles)
    )


def scope_roots(user: Any, roles: frozenset[str] | set[str]) -> list[int] | None:
    """The organizations at the top of ``user``'s scopes for ``roles``; None means the whole tenant."""
    if not getattr(user, "is_authenticated", False):
        return []
    scopes = list(
        RoleAssignment.objects.filter(user_id=user.pk, role__in=roles).values_list("organization_id", flat=True)
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


def user_scope(user: Any, roles: frozenset[str] | set[str]) -> Scope:
    """The subtrees ``user`` covers with ``roles`` (empty when they hold none of them)."""
    roots = scope_roots(user, roles)
    if roots is None:
        return Scope(None)
    from tenants.organizations.models import Organization

    return Scope(tuple(Organization.objects.filter(pk__in=roots).values_list("path", flat=True)))


def scope_filter(user: Any, roles: frozenset[str] | set[str], path_field: str = "organization__path") -> Q | None:
    """A queryset filter to the organizations ``user`` covers with ``roles``; None: the whole tenant."""
    return user_scope(user, roles).filter(path_field)


def check_covers(
    user: Any, organization_id: int | None, roles: frozenset[str] | set[str], code: str, message: str
) -> None:
    """Refuse (403) unless ``user`` holds one of ``roles`` with a scope covering the organization."""
    if not user_covers(user, organization_id, roles):
        raise NotAllowed(code, message)


def check_can_manage_roles(actor: Any) -> None:
    if not user_has_role(actor, *ROLE_MANAGERS):
        raise NotAllowed("access.not_tenant_admin", _("Only a tenant admin can manage roles."))


def sync_tenant_access(user_id: int) -> None:
    """Mirror this user's roles here into the public ``TenantAccess`` index (same transaction)."""
    tenant = current_tenant()
    roles = sorted(set(RoleAssignment.objects.filter(user_id=user_id).values_list("role", flat=True)))
    access = TenantAccess.objects.filter(user_id=user_id, tenant=tenant).first()
    if access is None:
        if roles:
            TenantAccess.objects.create(user_id=user_id, tenant=tenant, roles=roles)
        return
    if not roles and not access.has_member_record:
        access.delete()
    elif access.roles != roles:
        access.roles = roles
        access.save(update_fields=["roles", "updated_at"])


def _scope_name(organization_id: int | None) -> str:
    """The name of a role's organization scope, for the audit log ("" for the whole tenant)."""
    if organization_id is None:
        return ""
    from tenants.organizations.models import Organization  # organizations' api imports access

    return Organization.objects.filter(pk=organization_id).values_list("name", flat=True).first() or ""


@transaction.atomic
def do_assign_role(
    *,
    user: User,
    role: str,
    organization_id: int | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> RoleAssignment:
    if role not in TenantRole.values:
        raise ServiceError("access.unknown_role", _("Unknown role: %(role)s") % {"role": role}, "role")
    if organization_id is not None:
        from tenants.organizations.models import Organization

        if not Organization.objects.filter(pk=organization_id, is_active=True).exists():
            raise ServiceError(
                "access.unknown_organization",
                _("Choose an existing organization for the role's scope."),
                "organization_id",
            )
    if not user.is_active:
        raise ServiceError("access.user_inactive", _("This account is disabled."), "user")
    if RoleAssignment.objects.filter(user=user, role=role, organization_id=organization_id).exists():
        raise Conflict("access.role_exists", _("This user already holds this role."), "role")
    assignment = RoleAssignment.objects.create(
        user=user, role=role, organization_id=organization_id, granted_by=actor if actor and actor.pk else None
    )
    sync_tenant_access(user.pk)
    do_record_audit(
        event="role.grant",
        details={"role": role, "user": user.pk, "scope": _scope_name(organization_id)},
        actor=actor,
        target=assignment,
        target_label=user.name,
        request=request,
    )
    return assignment


@transaction.atomic
def do_revoke_role(assignment: RoleAssignment, *, actor: Any = None, request: HttpRequest | None = None) -> None:
    if (
        assignment.role == TenantRole.TENANT_ADMIN
        and RoleAssignment.objects.filter(role=TenantRole.TENANT_ADMIN).count() == 1
    ):
        raise Conflict("access.last_admin", _("A party committee keeps at least one tenant admin."), "role")
    user_id = assignment.user_id
    do_record_audit(
        event="role.revoke",
        details={"role": assignment.role, "user": user_id, "scope": _scope_name(assignment.organization_id)},
        actor=actor,
        target=assignment,
        target_label=User.objects.filter(pk=user_id).values_list("name", flat=True).first() or "",
        request=request,
    )
    assignment.delete()
    sync_tenant_access(user_id)


def rebuild_tenant_access_index() -> int:
    """Recompute the public index for the current tenant from its role table; returns rows fixed."""
    tenant = current_tenant()
    fixed = 0
    holders = set(RoleAssignment.objects.values_list("user_id", flat=True).distinct())
    indexed = set(TenantAccess.objects.filter(tenant=tenant).values_list("user_id", flat=True))
    for user_id in holders | indexed:
        before = TenantAccess.objects.filter(tenant=tenant, user_id=user_id).values_list("roles", flat=True).first()
        with transaction.atomic():
            sync_tenant_access(user_id)
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
