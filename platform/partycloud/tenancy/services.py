"""Use cases of tenancy: provisioning, status changes, self-service applications."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.accounts.services import CurrentTenant, TenantLink, tenant_capabilities
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, ServiceError
from partycloud.tenancy.context import active_schema, active_tenant, use_public_schema
from partycloud.tenancy.errors import TenancyCode
from partycloud.tenancy.models import (
    ApplicationStatus,
    CommitteeKind,
    CommitteeStatus,
    Domain,
    PartyCommittee,
    TenantAccess,
    TenantApplication,
    validate_slug,
    validate_unified_code,
)

GROUP_ROOT_SCHEMA = "public"


@dataclass(frozen=True)
class CommitteeDraft:
    name: str
    short_name: str
    slug: str
    unified_code: str
    parent: PartyCommittee | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CommitteeDraft:
        """From validated API input (extra keys are ignored)."""
        return cls(
            name=data["name"],
            short_name=data["short_name"],
            slug=data["slug"],
            unified_code=data["unified_code"],
            parent=data.get("parent"),
        )


def schema_name_for(slug: str) -> str:
    return "t_" + slug.replace("-", "_")


def _validate(value: str, validator: Any, field: str) -> None:
    try:
        validator(value)
    except ValidationError as error:
        raise ServiceError(TenancyCode(f"tenancy.{error.code}"), error.messages[0], field) from None


def check_can_provision(draft: CommitteeDraft, *, ignore_application: TenantApplication | None = None) -> None:
    """Validate a new committee's identity; raise ServiceError naming the field at fault."""
    if not draft.name.strip():
        raise ServiceError(TenancyCode.NAME_REQUIRED, _("Enter the party committee's name."), "name")
    if not draft.short_name.strip():
        raise ServiceError(TenancyCode.SHORT_NAME_REQUIRED, _("Enter a short name."), "short_name")
    _validate(draft.slug, validate_slug, "slug")
    _validate(draft.unified_code, validate_unified_code, "unified_code")
    if PartyCommittee.objects.filter(slug=draft.slug).exists() or schema_exists(schema_name_for(draft.slug)):
        raise Conflict(TenancyCode.SLUG_TAKEN, _("This short address is already in use."), "slug")
    if Domain.objects.filter(domain=f"{draft.slug}.{settings.BASE_DOMAIN}").exists():
        raise Conflict(TenancyCode.SLUG_TAKEN, _("This short address is already in use."), "slug")
    if PartyCommittee.objects.filter(unified_code=draft.unified_code).exists():
        raise Conflict(
            TenancyCode.UNIFIED_CODE_TAKEN,
            _("A party committee with this unified code already exists."),
            "unified_code",
        )
    pending = TenantApplication.objects.filter(status=ApplicationStatus.PENDING, slug=draft.slug)
    if ignore_application is not None:
        pending = pending.exclude(pk=ignore_application.pk)
    if pending.exists():
        raise Conflict(
            TenancyCode.SLUG_PENDING, _("An application for this short address is waiting for approval."), "slug"
        )
    if draft.parent is not None and draft.parent.kind == CommitteeKind.TEMPLATE:
        raise ServiceError(TenancyCode.BAD_PARENT, _("Choose an existing party committee as parent."), "parent")


# Gives a user the tenant admin role in the tenant whose schema is active. Roles are tenant data
# kept by ``tenants.access`` (floor 3), which registers its grant at start-up (AccessConfig.ready).
FirstAdminGrant = Callable[[User, Actor | None], object]
_first_admin_grant: FirstAdminGrant | None = None


def register_first_admin_grant(grant: FirstAdminGrant) -> None:
    global _first_admin_grant
    _first_admin_grant = grant


def _grant_first_admin(tenant: PartyCommittee, user: User, actor: Actor | None) -> None:
    if _first_admin_grant is None:
        raise ImproperlyConfigured("No app registered the tenant admin grant (tenants.access is not installed?).")
    with tenant:
        _first_admin_grant(user, actor)


@transaction.atomic
def do_provision_tenant(
    draft: CommitteeDraft,
    *,
    first_admin: User | None = None,
    actor: Actor | None = None,
    application: TenantApplication | None = None,
) -> PartyCommittee:
    """Create a subsidiary party committee: its schema (cloned), its host name and its first admin.

    All or nothing: the schema DDL runs inside the same transaction. ``actor`` None: the
    platform itself (a command, a test).
    """
    check_can_provision(draft, ignore_application=application)
    use_public_schema()
    started = time.perf_counter()
    tenant = PartyCommittee(
        kind=CommitteeKind.SUBSIDIARY,
        schema_name=schema_name_for(draft.slug),
        name=draft.name.strip(),
        short_name=draft.short_name.strip(),
        slug=draft.slug,
        unified_code=draft.unified_code,
        parent=draft.parent or group_root(),
    )
    tenant.save(verbosity=0)
    Domain.objects.create(domain=f"{draft.slug}.{settings.BASE_DOMAIN}", tenant=tenant, is_primary=True)
    if first_admin is not None:
        _grant_first_admin(tenant, first_admin, actor)
    elapsed_ms = (time.perf_counter() - started) * 1000
    do_record_audit(
        event="tenant.provision",
        details={"slug": tenant.slug, "elapsed_ms": round(elapsed_ms)},
        actor=actor,
        target=tenant,
        tenant_id=tenant.pk,
    )
    return tenant


_TRANSITIONS: dict[str, set[str]] = {
    CommitteeStatus.ACTIVE: {CommitteeStatus.SUSPENDED, CommitteeStatus.ARCHIVED},
    CommitteeStatus.SUSPENDED: {CommitteeStatus.ACTIVE, CommitteeStatus.ARCHIVED},
    CommitteeStatus.ARCHIVED: {CommitteeStatus.ACTIVE},
}


@transaction.atomic
def do_change_tenant_status(tenant: PartyCommittee, status: str, *, actor: Actor, reason: str = "") -> PartyCommittee:
    """Suspend, archive or reactivate a tenant. Archiving keeps every row; nothing is dropped."""
    if tenant.kind != CommitteeKind.SUBSIDIARY:
        raise ServiceError(TenancyCode.NOT_SUBSIDIARY, _("Only a subsidiary party committee can change status."))
    if status not in _TRANSITIONS.get(tenant.status, set()):
        raise Conflict(
            TenancyCode.BAD_TRANSITION,
            _("Cannot change status from %(old)s to %(new)s.")
            % {
                "old": CommitteeStatus(tenant.status).label,
                "new": CommitteeStatus(status).label if status in CommitteeStatus.values else status,
            },
            "status",
        )
    old = tenant.status
    use_public_schema()
    tenant.status = status
    tenant.status_changed_at = timezone.now()
    tenant.save(update_fields=["status", "status_changed_at"])
    do_record_audit(
        event="tenant.status.change",
        details={"old_status": old, "status": status, "reason": reason},
        actor=actor,
        target=tenant,
        tenant_id=tenant.pk,
    )
    return tenant


def do_update_tenant_settings(tenant: PartyCommittee, *, actor: Actor, **changes: Any) -> PartyCommittee:
    allowed = {"display_name", "logo_url", "locale", "records_baseline_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise ServiceError(TenancyCode.UNKNOWN_SETTING, _("Unknown setting."), sorted(unknown)[0])
    baseline = changes.get("records_baseline_on")
    if baseline is not None and baseline > timezone.localdate():
        raise ServiceError(
            TenancyCode.BASELINE_IN_FUTURE,
            _("The records baseline date cannot be in the future."),
            "records_baseline_on",
        )
    for field, value in changes.items():
        setattr(tenant, field, value)
    tenant.save(update_fields=[*changes])
    do_record_audit(
        event="tenant.settings.change",
        details={"fields": sorted(changes)},
        actor=actor,
        target=tenant,
        tenant_id=tenant.pk,
    )
    return tenant


# ---------------------------------------------------------------- applications


@transaction.atomic
def do_submit_application(draft: CommitteeDraft, *, actor: Actor, reason: str = "") -> TenantApplication:
    """The signed-in ``actor`` applies to open a party committee (and becomes its first admin)."""
    assert actor.user is not None, "only a signed-in user applies (TenantApplicationViewSet: IsAuthenticated)"
    check_can_provision(draft)
    application = TenantApplication.objects.create(
        applicant=actor.user,
        name=draft.name.strip(),
        short_name=draft.short_name.strip(),
        slug=draft.slug,
        unified_code=draft.unified_code,
        parent=draft.parent,
        reason=reason,
    )
    do_record_audit(event="tenant.application.submit", actor=actor, target=application)
    return application


def _check_pending(application: TenantApplication) -> None:
    if application.status != ApplicationStatus.PENDING:
        raise Conflict(TenancyCode.APPLICATION_DECIDED, _("This application has already been decided."), "status")


@transaction.atomic
def do_approve_application(application: TenantApplication, *, actor: Actor, note: str = "") -> PartyCommittee:
    """Provision the tenant and make the applicant its first admin."""
    application = TenantApplication.objects.select_for_update().get(pk=application.pk)
    _check_pending(application)
    draft = CommitteeDraft(
        name=application.name,
        short_name=application.short_name,
        slug=application.slug,
        unified_code=application.unified_code,
        parent=application.parent,
    )
    tenant = do_provision_tenant(draft, first_admin=application.applicant, actor=actor, application=application)
    application.status = ApplicationStatus.APPROVED
    application.decided_by = actor.user
    application.decided_at = timezone.now()
    application.decision_note = note
    application.tenant = tenant
    application.save()
    return tenant


@transaction.atomic
def do_reject_application(application: TenantApplication, *, actor: Actor, note: str) -> TenantApplication:
    application = TenantApplication.objects.select_for_update().get(pk=application.pk)
    _check_pending(application)
    if not note.strip():
        raise ServiceError(TenancyCode.REASON_REQUIRED, _("Say why the application is rejected."), "note")
    application.status = ApplicationStatus.REJECTED
    application.decided_by = actor.user
    application.decided_at = timezone.now()
    application.decision_note = note.strip()
    application.save()
    do_record_audit(event="tenant.application.reject", details={"reason": note}, actor=actor, target=application)
    return application


# ---------------------------------------------------------------- the tenants a user reaches


def tenant_directory(user: User) -> tuple[list[TenantLink], CurrentTenant | None]:
    """Where ``user`` has a role or a member record (archived tenants left out), read from the
    public index, and the tenant whose host they are on. Registered with accounts for ``/me``."""
    links = (
        TenantAccess.objects.filter(user=user).select_related("tenant").exclude(tenant__status=CommitteeStatus.ARCHIVED)
    )
    tenants: list[TenantLink] = [
        {
            "id": link.tenant.pk,
            "name": link.tenant.title,
            "slug": link.tenant.slug,
            "url": link.tenant.url,
            "status": link.tenant.status,
            "roles": list(link.roles),
            "has_member_record": link.has_member_record,
        }
        for link in links
    ]
    if active_schema() == GROUP_ROOT_SCHEMA:
        return tenants, None
    tenant = active_tenant()
    here = next((link for link in tenants if link["id"] == tenant.pk), None)
    roles = here["roles"] if here else []
    current: CurrentTenant = {
        "id": tenant.pk,
        "name": tenant.title,
        "slug": tenant.slug,
        "roles": roles,
        "capabilities": tenant_capabilities(roles),
        "locale": tenant.locale,
    }
    return tenants, current


# ---------------------------------------------------------------- bootstrap


def group_root() -> PartyCommittee:
    return PartyCommittee.objects.get(schema_name=GROUP_ROOT_SCHEMA)


def ensure_group_root(name: str = "集团党委") -> PartyCommittee:
    """The public schema's row and its host names (idempotent)."""
    root, _created = PartyCommittee.objects.get_or_create(
        schema_name=GROUP_ROOT_SCHEMA,
        defaults={"kind": CommitteeKind.GROUP, "name": name, "short_name": name, "slug": "group-root"},
    )
    for host in [settings.BASE_DOMAIN, *settings.PUBLIC_EXTRA_HOSTS]:
        Domain.objects.get_or_create(domain=host, defaults={"tenant": root, "is_primary": host == settings.BASE_DOMAIN})
    return root


def ensure_template() -> PartyCommittee:
    """The template tenant whose schema new tenants are cloned from (migrated from zero once)."""
    template = PartyCommittee.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).first()
    if template is None:
        template = PartyCommittee(
            kind=CommitteeKind.TEMPLATE,
            schema_name=settings.TENANT_BASE_SCHEMA,
            name="template",
            short_name="template",
            slug="tenant-template",
        )
        template.save(verbosity=0)
    return template
