"""Cadre pre-appointment publicity (任前公示, docs/supervision.md, "Cadre publicity"). Run in the
tenant's schema.

A unit's workers write a publicity (who is proposed for which post), publish it with the first day
of its window; the window lasts the rule's minimum of working days (DOMAIN_RULES §7: at least 5,
``rules.rules_on(starts_on)``) or more if the organizer chooses, never fewer, and its last day is
computed on China's working-day calendar (``partycloud.core.workdays``; a year whose calendar is
not loaded counts Monday to Friday and the window says so). During the window the scope's members
file objections, anonymous or named, encrypted at rest; the unit's workers and the discipline
inspectors read them (each read audited) and record how each was handled. The publicity closes by
itself after its last day (Asia/Shanghai date, ``do_close_ended``) and is concluded with an outcome
once every objection is handled.

Search (``tenants.supervision.search``): an open publicity with scope ``tenant`` is a document of
the tenant; every change of status or content re-indexes it (``index_publicities``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User, stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core import workdays
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.crypto import decrypt, encrypt
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from partycloud.core.richtext import html_to_text, sanitize_html
from partycloud.tenancy.context import active_tenant
from tenants.access.services import check_covers, user_covers, user_scope
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify_many
from tenants.organizations.models import Organization
from tenants.supervision.audience import check_scope, recipients
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import (
    CadrePublicity,
    ObjectionStatus,
    PublicityObjection,
    PublicityStatus,
    Scope,
    SupervisionRuleSet,
)
from tenants.supervision.rules import rules_on
from tenants.supervision.search import index_publicities, register_publicity_source

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
INSPECTORS = frozenset({TenantRole.DISCIPLINE_INSPECTOR})
READERS = MANAGERS | INSPECTORS
MAX_WINDOW_WORKING_DAYS = 30
MAX_CANDIDATES = 50
GENDERS = ("", "male", "female")
CANDIDATE_FIELDS = ("name", "gender", "born", "current_post", "proposed_post", "note")


def on_ready() -> None:
    """The search source of publicities (``tenants.supervision.search``)."""
    register_publicity_source()


def _not_found() -> NotFoundError:
    return NotFoundError(SupervisionCode.PUBLICITY_NOT_FOUND, _("No such publicity within your scope."))


def today() -> date:
    """Today in the local time zone (Asia/Shanghai): windows are counted in local days."""
    return timezone.localdate()


# ------------------------------------------------------------------------------ access


def visible_publicities(actor: Actor) -> QuerySet[CadrePublicity]:
    """The publicities of the units the caller works on or inspects."""
    scope = user_scope(actor.user, READERS)
    publicities = CadrePublicity.objects.select_related("rule_set", "created_by", "concluded_by").annotate(
        objection_count=Count("objections"),
        pending_count=Count("objections", filter=Q(objections__status=ObjectionStatus.RECEIVED)),
    )
    if scope.whole_tenant:
        return publicities
    covered = scope.apply(Organization.objects.all(), "path").values_list("pk", flat=True)
    return publicities.filter(organization_id__in=list(covered))


def publicity_for(actor: Actor, publicity_id: int) -> CadrePublicity:
    found = visible_publicities(actor).filter(pk=publicity_id).first()
    if found is None:
        raise _not_found()
    return found


def check_can_manage(actor: Actor, organization_id: int) -> None:
    check_covers(
        actor.user,
        organization_id,
        MANAGERS,
        SupervisionCode.OUT_OF_SCOPE,
        _("This organization is outside your scope."),
    )


def can_manage(actor: Actor, publicity: CadrePublicity) -> bool:
    return user_covers(actor.user, publicity.organization_id, MANAGERS)


def check_can_read_objections(actor: Actor, publicity: CadrePublicity) -> None:
    """The publishing unit's workers and the discipline inspectors covering it."""
    check_covers(
        actor.user,
        publicity.organization_id,
        READERS,
        SupervisionCode.OUT_OF_SCOPE,
        _("Only the publishing unit's committee and the discipline inspectors read the objections."),
    )


def filter_publicities(
    publicities: QuerySet[CadrePublicity], *, status: str | None = None, q: str | None = None
) -> QuerySet[CadrePublicity]:
    if status:
        publicities = publicities.filter(status=status)
    if q:
        publicities = publicities.filter(title__icontains=q.strip())
    return publicities


def organization_names(ids: Sequence[int]) -> dict[int, str]:
    return dict(Organization.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


# ------------------------------------------------------------------------------ the window


@dataclass(frozen=True)
class Window:
    starts_on: date
    ends_on: date
    working_days: int
    rule: SupervisionRuleSet
    calendar_loaded: bool  # every year the window touches is loaded (else: Monday to Friday)
    unloaded_years: tuple[int, ...]


def unloaded_years(first: date, last: date) -> tuple[int, ...]:
    return tuple(year for year in range(first.year, last.year + 1) if not workdays.is_loaded(year))


def window(starts_on: date, working_days: int | None = None) -> Window:
    """The window opening on ``starts_on``: the rule's minimum of working days, or more; never fewer
    (refused, naming the rule) and at most 30."""
    rule = rules_on(starts_on)
    minimum = rule.publicity_min_working_days
    days = minimum if working_days is None else working_days
    if days < minimum:
        raise ServiceError(
            SupervisionCode.WINDOW_TOO_SHORT,
            _("A cadre publicity lasts at least %(days)s working days (rules %(version)s: %(source)s).")
            % {"days": minimum, "version": rule.version, "source": rule.source},
            "working_days",
            extra={"minimum": minimum, "rule": rule.version},
        )
    if days > MAX_WINDOW_WORKING_DAYS:
        raise ServiceError(SupervisionCode.WINDOW_TOO_LONG, _("A window of at most 30 working days."), "working_days")
    ends_on = workdays.window_end(starts_on, days)
    missing = unloaded_years(starts_on, ends_on)
    return Window(starts_on, ends_on, days, rule, not missing, missing)


def window_warning(missing: Sequence[int]) -> str:
    if not missing:
        return ""
    return _(
        "The official working-day calendar of %(years)s is not loaded: the window counts Monday to Friday "
        "and may end too early. Ask the operator to load it."
    ) % {"years": "、".join(str(year) for year in missing)}


def publicity_warnings(publicity: CadrePublicity) -> list[str]:
    if publicity.starts_on is None or publicity.ends_on is None:
        return []
    warning = window_warning(unloaded_years(publicity.starts_on, publicity.ends_on))
    return [warning] if warning else []


# ------------------------------------------------------------------------------ writing


def check_candidates(candidates: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """At least one, at most 50, each with a name and the proposed post, no name twice."""
    if not candidates or len(candidates) > MAX_CANDIDATES:
        raise ServiceError(
            SupervisionCode.BAD_CANDIDATES,
            _("List at least one candidate, each with a name and the proposed post."),
            "candidates",
        )
    cleaned: list[dict[str, str]] = []
    for candidate in candidates:
        row = {name: str(candidate.get(name) or "").strip() for name in CANDIDATE_FIELDS}
        if not row["name"] or not row["proposed_post"] or row["gender"] not in GENDERS:
            raise ServiceError(
                SupervisionCode.BAD_CANDIDATES,
                _("List at least one candidate, each with a name and the proposed post."),
                "candidates",
            )
        cleaned.append(row)
    names = [row["name"] for row in cleaned]
    if len(set(names)) != len(names):
        raise ServiceError(
            SupervisionCode.BAD_CANDIDATES, _("Each candidate is listed once (a name appears twice)."), "candidates"
        )
    return cleaned


def _gate(publicity: CadrePublicity) -> None:
    candidates = "\n".join(" ".join(row.values()) for row in publicity.candidates)
    check_unclassified(
        [
            ("title", publicity.title),
            ("body", publicity.text),
            ("description", candidates),
            ("contact", publicity.contact),
        ]
    )


def _check_draft(publicity: CadrePublicity) -> None:
    if publicity.status != PublicityStatus.DRAFT:
        raise Conflict(SupervisionCode.PUBLICITY_NOT_DRAFT, _("Only a draft publicity can be changed or published."))


@transaction.atomic
def do_create(
    *,
    actor: Actor,
    title: str,
    organization: int,
    candidates: Sequence[dict[str, Any]],
    scope: str = Scope.SUBTREE,
    body_html: str = "",
    contact: str = "",
) -> CadrePublicity:
    unit = check_scope(organization, scope)
    check_can_manage(actor, unit.pk)
    clean = sanitize_html(body_html)
    publicity = CadrePublicity(
        title=title.strip(), organization_id=unit.pk, scope=scope, body_html=clean, text=html_to_text(clean),
        candidates=check_candidates(candidates), contact=contact.strip(), created_by=stored_user(actor),
    )  # fmt: skip
    _gate(publicity)
    publicity.save()
    do_record_audit(event="supervision.publicity.create", actor=actor, target=publicity)
    return publicity


@transaction.atomic
def do_update(publicity: CadrePublicity, *, actor: Actor, **changes: Any) -> CadrePublicity:
    publicity = CadrePublicity.objects.select_for_update().get(pk=publicity.pk)
    check_can_manage(actor, publicity.organization_id)
    _check_draft(publicity)
    if "organization" in changes or "scope" in changes:
        scope = changes.pop("scope", publicity.scope)
        unit = check_scope(changes.pop("organization", publicity.organization_id), scope)
        check_can_manage(actor, unit.pk)
        publicity.organization_id, publicity.scope = unit.pk, scope
    if "body_html" in changes:
        publicity.body_html = sanitize_html(changes.pop("body_html"))
        publicity.text = html_to_text(publicity.body_html)
    if "candidates" in changes:
        publicity.candidates = check_candidates(changes.pop("candidates"))
    for name in ("title", "contact"):
        if name in changes:
            setattr(publicity, name, str(changes.pop(name)).strip())
    _gate(publicity)
    publicity.save()
    index_publicities([publicity])  # a draft is no document: this keeps the index honest all the same
    do_record_audit(event="supervision.publicity.update", actor=actor, target=publicity)
    return publicity


@transaction.atomic
def do_delete(publicity: CadrePublicity, *, actor: Actor) -> None:
    check_can_manage(actor, publicity.organization_id)
    _check_draft(publicity)
    do_record_audit(event="supervision.publicity.delete", actor=actor, target=publicity)
    index_publicities([publicity.uuid])
    publicity.delete()


def _notify_scope(publicity: CadrePublicity) -> int:
    rows = recipients(publicity.organization_id, publicity.scope)
    users = list(User.objects.filter(pk__in=[row.user_id for row in rows]))
    with translation.override(active_tenant().locale or settings.LANGUAGE_CODE):
        title = _("Cadre publicity: %(title)s") % {"title": publicity.title}
        body = _("Open from %(first)s to %(last)s; objections may be filed during the window.") % {
            "first": publicity.starts_on,
            "last": publicity.ends_on,
        }
    return do_notify_many(
        users, title, body, f"/supervision/publicity/{publicity.uuid}", kind=NotificationKind.SUPERVISION_NOTICE
    )


@transaction.atomic
def do_publish(
    publicity: CadrePublicity, *, actor: Actor, starts_on: date, working_days: int | None = None
) -> CadrePublicity:
    """draft → open, with its window (opening today or later); the scope's members are told."""
    publicity = CadrePublicity.objects.select_for_update().get(pk=publicity.pk)
    check_can_manage(actor, publicity.organization_id)
    _check_draft(publicity)
    if starts_on < today():
        raise ServiceError(SupervisionCode.STARTS_IN_PAST, _("The window cannot start before today."), "starts_on")
    span = window(starts_on, working_days)
    publicity.status = PublicityStatus.OPEN
    publicity.rule_set = span.rule
    publicity.window_working_days = span.working_days
    publicity.starts_on, publicity.ends_on = span.starts_on, span.ends_on
    publicity.published_at = timezone.now()
    publicity.save()
    index_publicities([publicity])
    _notify_scope(publicity)
    do_record_audit(
        event="supervision.publicity.publish", actor=actor, target=publicity,
        details={"first": str(span.starts_on), "last": str(span.ends_on), "days": span.working_days},
    )  # fmt: skip
    return publicity


@transaction.atomic
def do_withdraw(publicity: CadrePublicity, *, actor: Actor) -> CadrePublicity:
    publicity = CadrePublicity.objects.select_for_update().get(pk=publicity.pk)
    check_can_manage(actor, publicity.organization_id)
    if publicity.status not in (PublicityStatus.DRAFT, PublicityStatus.OPEN):
        raise Conflict(
            SupervisionCode.PUBLICITY_NOT_WITHDRAWABLE, _("Only a draft or open publicity can be withdrawn.")
        )
    publicity.status = PublicityStatus.WITHDRAWN
    publicity.closed_at = timezone.now()
    publicity.save(update_fields=["status", "closed_at"])
    index_publicities([publicity])
    do_record_audit(event="supervision.publicity.withdraw", actor=actor, target=publicity)
    return publicity


def do_close_ended(on: date | None = None) -> int:
    """Close the open publicities whose last day is over (local date). Idempotent: a publicity is
    closed once, whoever runs first. How many were closed."""
    on = on or today()
    with transaction.atomic():
        ended = CadrePublicity.objects.select_for_update().filter(status=PublicityStatus.OPEN, ends_on__lt=on)
        uuids = list(ended.values_list("uuid", flat=True))
        closed = CadrePublicity.objects.filter(uuid__in=uuids, status=PublicityStatus.OPEN).update(
            status=PublicityStatus.CLOSED, closed_at=timezone.now()
        )
        index_publicities(uuids)  # search: only open publicities are documents
    return closed


@transaction.atomic
def do_conclude(publicity: CadrePublicity, *, actor: Actor, outcome: str) -> CadrePublicity:
    """closed → concluded with its outcome, once every objection is handled."""
    publicity = CadrePublicity.objects.select_for_update().get(pk=publicity.pk)
    check_can_manage(actor, publicity.organization_id)
    if publicity.status == PublicityStatus.OPEN and publicity.ends_on and publicity.ends_on < today():
        do_close_ended()  # the beat has not run yet today
        publicity.refresh_from_db()
    if publicity.status != PublicityStatus.CLOSED:
        raise Conflict(SupervisionCode.PUBLICITY_NOT_CLOSED, _("A publicity is concluded once its window has closed."))
    pending = publicity.objections.filter(status=ObjectionStatus.RECEIVED).count()
    if pending:
        raise Conflict(
            SupervisionCode.OBJECTIONS_PENDING,
            _("Record how every objection was handled before concluding (%(count)s left).") % {"count": pending},
            extra={"pending": pending},
        )
    check_unclassified([("body", outcome)])
    publicity.status = PublicityStatus.CONCLUDED
    publicity.outcome = outcome.strip()
    publicity.concluded_by = stored_user(actor)
    publicity.concluded_at = timezone.now()
    publicity.save(update_fields=["status", "outcome", "concluded_by", "concluded_at"])
    do_record_audit(event="supervision.publicity.conclude", actor=actor, target=publicity)
    return publicity


# ------------------------------------------------------------------------------ objections (console)


@dataclass(frozen=True)
class ObjectionView:
    objection: PublicityObjection
    anonymous: bool
    name: str
    contact: str
    body: str
    outcome: str


def _view(objection: PublicityObjection) -> ObjectionView:
    return ObjectionView(
        objection=objection,
        anonymous=objection.user_id is None,
        name=decrypt(objection.name_encrypted) if objection.name_encrypted else "",
        contact=decrypt(objection.contact_encrypted) if objection.contact_encrypted else "",
        body=decrypt(objection.body_encrypted),
        outcome=decrypt(objection.outcome_encrypted) if objection.outcome_encrypted else "",
    )


def objections_of(publicity: CadrePublicity, actor: Actor) -> QuerySet[PublicityObjection]:
    check_can_read_objections(actor, publicity)
    return publicity.objections.select_related("handled_by").order_by("received_at", "id")


def read_objections(
    publicity: CadrePublicity, objections: Sequence[PublicityObjection], *, actor: Actor
) -> list[ObjectionView]:
    """The objections decrypted for the reader; the read is audited (which objections, how many)."""
    if objections:
        do_record_audit(
            event="supervision.objection.read", actor=actor, target=publicity,
            details={"count": len(objections), "objections": [o.pk for o in objections]},
        )  # fmt: skip
    return [_view(objection) for objection in objections]


def objection_of(publicity: CadrePublicity, objection_id: int, actor: Actor) -> PublicityObjection:
    objection = objections_of(publicity, actor).filter(pk=objection_id).first()
    if objection is None:
        raise NotFoundError(SupervisionCode.OBJECTION_NOT_FOUND, _("No such objection in this publicity."))
    return objection


@transaction.atomic
def do_handle(objection: PublicityObjection, *, actor: Actor, outcome: str) -> ObjectionView:
    """Record how an objection was handled (it can be corrected until the publicity is concluded)."""
    objection = PublicityObjection.objects.select_for_update().select_related("publicity").get(pk=objection.pk)
    check_can_read_objections(actor, objection.publicity)
    if objection.publicity.status in (PublicityStatus.CONCLUDED, PublicityStatus.WITHDRAWN, PublicityStatus.DRAFT):
        raise Conflict(SupervisionCode.PUBLICITY_NOT_CLOSED, _("This publicity's objections can no longer be handled."))
    check_unclassified([("body", outcome)])
    objection.status = ObjectionStatus.HANDLED
    objection.outcome_encrypted = encrypt(outcome.strip())
    objection.handled_by = stored_user(actor)
    objection.handled_at = timezone.now()
    objection.save(update_fields=["status", "outcome_encrypted", "handled_by", "handled_at"])
    do_record_audit(event="supervision.objection.handle", actor=actor, target=objection)
    return _view(objection)


# ------------------------------------------------------------------------------ the member's side


def _my_units(actor: Actor) -> list[Organization]:
    if actor.user is None:
        return []
    ids = Member.objects.filter(user_id=actor.user.pk, status__in=COUNTED_STATUSES).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids))


def _in_scope(publicity: CadrePublicity, units: Sequence[Organization], paths: dict[int, str]) -> bool:
    if not units:
        return False
    if publicity.scope == Scope.TENANT:
        return True
    if publicity.scope == Scope.UNIT:
        return any(unit.pk == publicity.organization_id for unit in units)
    root = paths.get(publicity.organization_id, "")
    return bool(root) and any(unit.path.startswith(root) for unit in units)


def open_for(actor: Actor) -> list[CadrePublicity]:
    """The publicities shown to the caller as a member: open (including those opening later) and
    in their scope, soonest ending first."""
    units = _my_units(actor)
    if not units:
        return []
    publicities = list(CadrePublicity.objects.filter(status=PublicityStatus.OPEN).order_by("ends_on", "id"))
    paths = dict(Organization.objects.filter(pk__in={p.organization_id for p in publicities}).values_list("pk", "path"))
    return [publicity for publicity in publicities if _in_scope(publicity, units, paths)]


def open_one(actor: Actor, uuid: Any) -> CadrePublicity:
    for publicity in open_for(actor):
        if publicity.uuid == uuid:
            return publicity
    raise _not_found()


def can_object(publicity: CadrePublicity, on: date | None = None) -> bool:
    on = on or today()
    return bool(
        publicity.status == PublicityStatus.OPEN
        and publicity.starts_on
        and publicity.ends_on
        and publicity.starts_on <= on <= publicity.ends_on
    )


@transaction.atomic
def do_object(
    publicity: CadrePublicity,
    *,
    actor: Actor,
    body: str,
    candidate_name: str = "",
    anonymous: bool = True,
    name: str = "",
    contact: str = "",
    on: date | None = None,
) -> PublicityObjection:
    """File an objection during the window (refused before and after it). Anonymous: no user, and
    no audit entry (it would name the objector); named: the member's name unless typed."""
    on = on or today()
    publicity = CadrePublicity.objects.select_for_update().get(pk=publicity.pk)
    if publicity.status != PublicityStatus.OPEN or (publicity.ends_on and on > publicity.ends_on):
        raise Conflict(
            SupervisionCode.PUBLICITY_WINDOW_OVER,
            _("The publicity's window is over: objections are closed."),
            extra={"ends_on": str(publicity.ends_on or "")},
        )
    if publicity.starts_on and on < publicity.starts_on:
        raise Conflict(
            SupervisionCode.PUBLICITY_NOT_OPEN_YET,
            _("The publicity's window has not opened yet (it opens on %(day)s).") % {"day": publicity.starts_on},
            extra={"starts_on": str(publicity.starts_on)},
        )
    candidate_name = candidate_name.strip()
    if candidate_name and candidate_name not in {row.get("name") for row in publicity.candidates}:
        raise ServiceError(
            SupervisionCode.UNKNOWN_CANDIDATE,
            _("This person is not one of the publicity's candidates."),
            "candidate_name",
        )
    check_unclassified([("body", body)])
    if not anonymous and actor.user is None:
        raise NotAllowed(SupervisionCode.OUT_OF_SCOPE, _("Sign in to file a named objection."))
    if not anonymous and actor.user is not None and not name.strip():
        member = Member.objects.filter(user_id=actor.user.pk).first()
        name = member.name if member else actor.name
    return PublicityObjection.objects.create(
        publicity=publicity,
        user=None if anonymous else actor.user,
        candidate_name=candidate_name,
        body_encrypted=encrypt(body.strip()),
        name_encrypted=encrypt(name.strip()) if not anonymous and name.strip() else "",
        contact_encrypted=encrypt(contact.strip()) if contact.strip() else "",
    )
