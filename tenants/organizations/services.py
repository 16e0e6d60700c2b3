"""Use cases of the organization tree. Run in the tenant's schema."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import DateField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotAllowed, ServiceError
from tenants.access.services import user_covers
from tenants.organizations.errors import OrganizationsCode
from tenants.organizations.models import ALLOWED_CHILDREN, Organization, OrganizationEvent, OrganizationKind
from tenants.organizations.signals import organization_merged

EDITABLE_FIELDS = frozenset({"name", "short_name", "established_on", "secretary", "term_started_on", "term_years"})
MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})


def subtree(organization: Organization) -> QuerySet[Organization]:
    """The organization and everything below it."""
    return Organization.objects.filter(path__startswith=organization.path)


def organizations_existing_on(day: date) -> QuerySet[Organization]:
    """The organizations that existed on ``day``: established (or, without a date, recorded) by
    then and not merged away by then. Annotated with ``since`` and ``ended``."""
    merged_on = (
        OrganizationEvent.objects.filter(organization=OuterRef("pk"), kind="merged")
        .order_by("created_at")
        .values(day=TruncDate("created_at"))[:1]
    )
    return (
        Organization.objects.annotate(
            since=Coalesce("established_on", TruncDate("created_at")),
            ended=Subquery(merged_on, output_field=DateField()),
        )
        .filter(since__lte=day)
        .filter(Q(is_active=True) | Q(ended__gt=day))
    )


def is_within(organization: Organization, ancestor: Organization) -> bool:
    return organization.path.startswith(ancestor.path)


def check_can_place(kind: str, parent: Organization | None) -> None:
    """A root must be a committee (one per tenant); children must fit their parent's kind."""
    if kind not in OrganizationKind.values:
        raise ServiceError(OrganizationsCode.UNKNOWN_KIND, _("Unknown organization kind."), "kind")
    if parent is None:
        if kind != OrganizationKind.COMMITTEE:
            raise ServiceError(
                OrganizationsCode.ROOT_MUST_BE_COMMITTEE, _("The top organization must be a party committee."), "parent"
            )
        if Organization.objects.filter(parent__isnull=True, is_active=True).exists():
            raise Conflict(
                OrganizationsCode.ROOT_EXISTS, _("This party committee already has its top organization."), "parent"
            )
        return
    if not parent.is_active:
        raise ServiceError(
            OrganizationsCode.PARENT_INACTIVE, _("The parent organization has been merged or dissolved."), "parent"
        )
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        raise ServiceError(
            OrganizationsCode.KIND_NOT_ALLOWED,
            _("A %(child)s cannot be placed under a %(parent)s.")
            % {"child": OrganizationKind(kind).label, "parent": OrganizationKind(parent.kind).label},
            "kind",
        )


def check_established_on(established_on: date | None, *, required: bool) -> None:
    """成立日期: required for a new organization (the annual report counts organizations that
    existed on its snapshot day), never in the future. Rows recorded before it was required
    may stay blank; ``organizations_missing_established_on`` lists them for a warning."""
    if established_on is None:
        if required:
            raise ServiceError(
                OrganizationsCode.ESTABLISHED_ON_REQUIRED,
                _("Enter the date the organization was established (成立日期)."),
                "established_on",
            )
        return
    if established_on > timezone.localdate():
        raise ServiceError(
            OrganizationsCode.ESTABLISHED_ON_FUTURE,
            _("The establishment date cannot be in the future."),
            "established_on",
        )


def organizations_missing_established_on() -> QuerySet[Organization]:
    """Active organizations without an establishment date, in tree order."""
    return Organization.objects.filter(is_active=True, established_on__isnull=True).order_by("path")


def check_can_manage(actor: Actor, organization: Organization | None) -> None:
    """Tenant admins manage everything; scoped secretaries and committee members their subtree."""
    if not user_covers(actor.user, organization.pk if organization else None, MANAGERS):
        raise NotAllowed(OrganizationsCode.OUT_OF_SCOPE, _("You can only manage organizations within your scope."))


def _event(organization: Organization, kind: str, actor: Actor, **detail: Any) -> None:
    OrganizationEvent.objects.create(organization=organization, kind=kind, detail=detail, actor=stored_user(actor.user))


@transaction.atomic
def do_create_organization(
    *,
    kind: str,
    name: str,
    parent: Organization | None = None,
    actor: Actor | None = None,
    require_established_on: bool = False,
    **fields: Any,
) -> Organization:
    """Create an organization. People creating one (the API) must give its 成立日期
    (``require_established_on``); the flag stays off for code that rebuilds history.
    Without an ``actor`` the platform itself acts (a rebuild, the demo data)."""
    actor = actor or Actor.system()
    if not name.strip():
        raise ServiceError(OrganizationsCode.NAME_REQUIRED, _("Enter the organization's name."), "name")
    check_can_place(kind, parent)
    check_established_on(fields.get("established_on"), required=require_established_on)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(OrganizationsCode.UNKNOWN_FIELD, _("Unknown field."), sorted(unknown)[0])
    organization = Organization.objects.create(
        kind=kind, name=name.strip(), parent=parent, path="", depth=(parent.depth + 1) if parent else 0, **fields
    )
    organization.path = f"{parent.path if parent else '/'}{organization.pk}/"
    organization.save(update_fields=["path"])
    _event(organization, "created", actor, name=organization.name, parent=parent.pk if parent else None)
    do_record_audit(
        event="organization.create",
        details={"kind": kind},
        actor=actor,
        target=organization,
    )
    return organization


@transaction.atomic
def do_update_organization(organization: Organization, *, actor: Actor | None = None, **changes: Any) -> Organization:
    actor = actor or Actor.system()
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(OrganizationsCode.UNKNOWN_FIELD, _("Unknown field."), sorted(unknown)[0])
    if "name" in changes and not str(changes["name"]).strip():
        raise ServiceError(OrganizationsCode.NAME_REQUIRED, _("Enter the organization's name."), "name")
    if "established_on" in changes:
        # Once recorded, an establishment date can be corrected but not erased.
        check_established_on(changes["established_on"], required=organization.established_on is not None)
    changes = {field: value for field, value in changes.items() if getattr(organization, field) != value}
    if not changes:
        return organization
    before = {field: str(getattr(organization, field)) for field in changes}
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.save(update_fields=list(changes))
    kind = "re_elected" if "term_started_on" in changes else "updated"
    _event(organization, kind, actor, before=before, after={field: str(value) for field, value in changes.items()})
    do_record_audit(
        event="organization.update",
        details={"fields": sorted(changes)},
        actor=actor,
        target=organization,
    )
    return organization


@transaction.atomic
def do_move_organization(
    organization: Organization, new_parent: Organization, *, actor: Actor | None = None
) -> Organization:
    """Re-hang a subtree under another parent; members and history stay with their nodes."""
    actor = actor or Actor.system()
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    if organization.parent_id is None:
        raise ServiceError(OrganizationsCode.CANNOT_MOVE_ROOT, _("The top organization cannot be moved."), "parent")
    if is_within(new_parent, organization):
        raise ServiceError(
            OrganizationsCode.MOVE_INTO_ITSELF, _("An organization cannot be moved under itself."), "parent"
        )
    check_can_place(organization.kind, new_parent)
    old_prefix, old_parent = organization.path, organization.parent_id
    new_prefix = f"{new_parent.path}{organization.pk}/"
    delta = new_parent.depth + 1 - organization.depth
    subtree(organization).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)), depth=F("depth") + delta
    )
    Organization.objects.filter(pk=organization.pk).update(parent=new_parent)
    organization.refresh_from_db()
    _event(organization, "moved", actor, from_parent=old_parent, to_parent=new_parent.pk)
    do_record_audit(
        event="organization.move",
        details={"parent": new_parent.name, "parent_id": new_parent.pk},
        actor=actor,
        target=organization,
    )
    return organization


@transaction.atomic
def do_merge_organization(source: Organization, target: Organization, *, actor: Actor | None = None) -> Organization:
    """Merge ``source`` into ``target``: its children move under the target and it is
    marked merged (kept, never deleted, so history and old records still point somewhere).
    Apps holding records per organization (members) move theirs in ``organization_merged``."""
    actor = actor or Actor.system()
    if source.pk == target.pk:
        raise ServiceError(
            OrganizationsCode.MERGE_INTO_ITSELF, _("Choose another organization to merge into."), "target"
        )
    if source.kind != target.kind:
        raise ServiceError(
            OrganizationsCode.MERGE_KIND_MISMATCH, _("Only organizations of the same kind can be merged."), "target"
        )
    if is_within(target, source):
        raise ServiceError(
            OrganizationsCode.MOVE_INTO_ITSELF, _("An organization cannot be moved under itself."), "target"
        )
    if not source.is_active or not target.is_active:
        raise Conflict(
            OrganizationsCode.PARENT_INACTIVE, _("The parent organization has been merged or dissolved."), "target"
        )
    for child in list(source.children.filter(is_active=True)):
        do_move_organization(child, target, actor=actor)
    organization_merged.send(sender=Organization, source=source, target=target, actor=actor)
    source.is_active = False
    source.merged_into = target
    source.save(update_fields=["is_active", "merged_into"])
    _event(source, "merged", actor, into=target.pk)
    _event(target, "absorbed", actor, source=source.pk)
    do_record_audit(
        event="organization.merge",
        details={"into": target.name, "into_id": target.pk},
        actor=actor,
        target=source,
    )
    return target


def do_edit_organization(
    organization: Organization, *, actor: Actor, parent: Organization | None, **changes: Any
) -> Organization:
    """The console's edit of an organization: its fields, then a new parent when one is given.
    Both the organization and the new parent must be within the actor's scope."""
    check_can_manage(actor, organization)
    organization = do_update_organization(organization, actor=actor, **changes)
    if parent is not None and parent.pk != organization.parent_id:
        check_can_manage(actor, parent)
        organization = do_move_organization(organization, parent, actor=actor)
    return organization


# DOMAIN_RULES §2: warn, never block.
MIN_BRANCH_FULL_MEMBERS = 3
MIN_FULL_MEMBERS_FOR_BRANCH_COMMITTEE = 7
RE_ELECTION_WARNING_DAYS = 90


def organization_warnings(organization: Organization, full_members: int) -> list[dict[str, str]]:
    """What a party worker should look at: too few members, a committee without quorum, a term ending."""
    warnings: list[dict[str, str]] = []
    if organization.kind == OrganizationKind.BRANCH and organization.is_active:
        if full_members < MIN_BRANCH_FULL_MEMBERS:
            warnings.append({
                "code": "organizations.branch_too_small",
                "message": _("A branch needs at least %(min)d full members (has %(count)d).")
                % {"min": MIN_BRANCH_FULL_MEMBERS, "count": full_members},
            })  # fmt: skip
        # Lists annotate ``has_committee`` (the API's queryset); a single organization asks.
        has_committee = getattr(organization, "has_committee", None)
        if has_committee is None:
            has_committee = organization.committee.exists()
        if has_committee and full_members < MIN_FULL_MEMBERS_FOR_BRANCH_COMMITTEE:
            warnings.append({
                "code": "organizations.committee_without_quorum",
                "message": _("A branch committee needs at least %(min)d full members (has %(count)d).")
                % {"min": MIN_FULL_MEMBERS_FOR_BRANCH_COMMITTEE, "count": full_members},
            })  # fmt: skip
    if organization.is_active and organization.established_on is None:
        warnings.append({
            "code": "organizations.established_on_missing",
            "message": _("The establishment date (成立日期) is missing: the annual report cannot count this organization."),
        })  # fmt: skip
    due = organization.re_election_due_on
    if due is not None and (due - timezone.localdate()).days <= RE_ELECTION_WARNING_DAYS:
        warnings.append({
            "code": "organizations.re_election_due",
            "message": _("The term of office ends on %(date)s: prepare the re-election.") % {"date": due.isoformat()},
        })  # fmt: skip
    return warnings
