"""Members' inquiries (询问·质询, DOMAIN_RULES §7): a member asks their organization or one above
it, the organization's workers answer within the rule's working days, the member accepts the
answer (satisfied or not: either closes it). Unanswered past the due day, the daily beat escalates
the inquiry once to the organization above (its workers are told; the tenant admins when there is
none above). Run in the tenant's schema (docs/supervision.md, "Inquiries").

Workers: the tenant admins, and the secretaries and committee members whose role scope covers the
organization asked (or, after an escalation, the one it went to).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from partycloud.core.workdays import add_working_days
from tenants.access.services import holders_scoped_to, tenant_admins, user_scope
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify
from tenants.organizations.models import Organization, OrganizationKind
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import Inquiry, InquiryStatus
from tenants.supervision.rules import rules_on

WORKERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
SCOPED_WORKERS = (TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER)
SOON_DAYS = 3
CONSOLE_LINK = "/console/supervision/inquiries/{id}"
PORTAL_LINK = "/supervision/inquiries/{id}"


def _now() -> datetime:
    """The clock (one place, so the deadline tests can set it)."""
    return timezone.now()


def _today() -> date:
    return timezone.localdate(_now())


def _no_inquiry() -> NotFoundError:
    return NotFoundError(SupervisionCode.INQUIRY_NOT_FOUND, _("No such inquiry for you."))


def _member(actor: Actor) -> Member | None:
    if actor.pk is None:
        return None
    return (
        Member.objects.filter(user_id=actor.pk, status__in=COUNTED_STATUSES)
        .select_related("organization")
        .order_by("id")
        .first()
    )


# ------------------------------------------------------------------------------ asking


def _chain(organization: Organization) -> list[Organization]:
    """The organization and its ancestors, nearest first."""
    ids = [*organization.ancestor_ids]
    found = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
    return [organization, *(found[pk] for pk in reversed(ids) if pk in found)]


def askable(actor: Actor) -> list[dict[str, Any]]:
    """Whom the member may ask: their organization and every one above it; the nearest committee
    (党委, else the nearest organization above their own) is the default."""
    member = _member(actor)
    if member is None:
        return []
    chain = _chain(member.organization)
    default = next((o for o in chain if o.kind == OrganizationKind.COMMITTEE), chain[1] if len(chain) > 1 else chain[0])
    return [{"id": o.pk, "name": o.name, "kind": o.kind, "default": o.pk == default.pk} for o in chain]


def _check_gate(actor: Actor, texts: list[tuple[str, str]]) -> None:
    try:
        check_unclassified(texts)
    except ServiceError as refusal:  # outside any transaction: the refusal's entry stays
        do_record_audit(
            event="supervision.inquiry.classified.refuse",
            actor=actor,
            target_type="supervision.inquiry",
            details={"marking": refusal.extra.get("marking", ""), "field": refusal.field or ""},
        )
        raise


def workers_of(organization_id: int | None) -> list[User]:
    """Who is told of an inquiry to the organization: the secretaries and committee members scoped
    to it; the tenant admins when none is (or the organization is none)."""
    users: list[User] = []
    if organization_id is not None:
        for role in SCOPED_WORKERS:
            users.extend(holders_scoped_to(role, [organization_id]).get(organization_id, []))
    if not users:
        users = tenant_admins()
    unique = {user.pk: user for user in users if user.is_active}
    return list(unique.values())


def _tell(users: Iterable[User], title: str, link: str, kind: str = NotificationKind.SUPERVISION_DEADLINE) -> None:
    for user in users:
        do_notify(user, title, link=link, kind=kind)


def do_ask(actor: Actor, *, organization: int, is_challenge: bool, subject: str, body: str) -> Inquiry:
    member = _member(actor)
    if member is None:
        raise NotAllowed(SupervisionCode.NOT_A_MEMBER, _("Only a member with a party record here can ask."))
    if organization not in {o.pk for o in _chain(member.organization)}:
        raise ServiceError(SupervisionCode.NOT_ASKABLE, _("Ask your own organization or one above it."), "organization")
    _check_gate(actor, [("title", subject), ("body", body)])
    now = _now()
    today = timezone.localdate(now)
    rules = rules_on(today)
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            is_challenge=is_challenge,
            asked_by=actor.user,
            asker_name=member.name,
            organization_id=organization,
            subject=subject.strip(),
            body=body.strip(),
            rule_set=rules,
            asked_at=now,
            due_on=add_working_days(today, rules.inquiry_reply_working_days),
        )
        title = _("New inquiry: %(subject)s") % {"subject": inquiry.subject[:60]}
        _tell([u for u in workers_of(organization) if u.pk != actor.pk], title, CONSOLE_LINK.format(id=inquiry.pk))
    return inquiry


# ------------------------------------------------------------------------------ reading


def _covered_ids(actor: Actor) -> list[int] | None:
    """The organizations ``actor`` works for (None: the whole tenant)."""
    scope = user_scope(actor.user, WORKERS)
    if scope.whole_tenant:
        return None
    condition = scope.filter("path")
    assert condition is not None
    return list(Organization.objects.filter(condition).values_list("pk", flat=True))


def _handled_filter(actor: Actor) -> Q | None:
    covered = _covered_ids(actor)
    if covered is None:
        return None
    return Q(organization_id__in=covered) | Q(escalated_to_id__in=covered)


def inquiries_to_handle(actor: Actor, *, status: str = "", due: str = "", organization: str = "") -> QuerySet[Inquiry]:
    condition = _handled_filter(actor)
    inquiries = Inquiry.objects.all() if condition is None else Inquiry.objects.filter(condition)
    if status in InquiryStatus.values:
        inquiries = inquiries.filter(status=status)
    today = _today()
    if due == "overdue":
        inquiries = inquiries.filter(status=InquiryStatus.OPEN, due_on__lt=today)
    elif due == "soon":
        inquiries = inquiries.filter(
            status=InquiryStatus.OPEN, due_on__gte=today, due_on__lte=today + timedelta(SOON_DAYS)
        )
    elif due:
        raise ServiceError(SupervisionCode.BAD_DUE_FILTER, _("Filter by due=overdue or due=soon."), "due")
    if organization.isdigit():
        inquiries = inquiries.filter(organization_id=int(organization))
    return inquiries.order_by("-asked_at", "-id")


def my_inquiries(actor: Actor) -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(asked_by_id=actor.pk).order_by("-asked_at", "-id")


def can_answer(actor: Actor, inquiry: Inquiry) -> bool:
    if actor.pk is None or actor.pk == inquiry.asked_by_id:
        return False
    covered = _covered_ids(actor)
    return covered is None or inquiry.organization_id in covered or inquiry.escalated_to_id in covered


def inquiry_for(actor: Actor, inquiry_id: int) -> Inquiry:
    """The asker's own inquiry, or one to an organization the caller works for; 404 otherwise."""
    inquiry = Inquiry.objects.filter(pk=inquiry_id).first()
    if inquiry is None or actor.pk is None:
        raise _no_inquiry()
    if inquiry.asked_by_id != actor.pk and not can_answer(actor, inquiry):
        raise _no_inquiry()
    return inquiry


def rows(actor: Actor, inquiries: Iterable[Inquiry]) -> list[dict[str, Any]]:
    inquiries = list(inquiries)
    today = _today()
    org_ids = {i.organization_id for i in inquiries} | {i.escalated_to_id for i in inquiries if i.escalated_to_id}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=org_ids)}
    answerer_ids = {i.answered_by_id for i in inquiries if i.answered_by_id}
    names = dict(User.objects.filter(pk__in=answerer_ids).values_list("pk", "name"))
    covered = _covered_ids(actor) if actor.pk is not None else []

    def org(pk: int | None) -> dict[str, Any] | None:
        if pk is None:
            return None
        found = orgs.get(pk)
        return {"id": pk, "name": found.name if found else "", "kind": found.kind if found else "", "default": False}

    def actions(inquiry: Inquiry) -> list[str]:
        done: list[str] = []
        worker = actor.pk != inquiry.asked_by_id and (
            covered is None or inquiry.organization_id in covered or inquiry.escalated_to_id in covered
        )
        if inquiry.status == InquiryStatus.OPEN and worker:
            done.append("answer")
        if inquiry.status == InquiryStatus.ANSWERED and actor.pk == inquiry.asked_by_id:
            done.append("rate")
        return done

    return [
        {
            "id": i.pk,
            "is_challenge": i.is_challenge,
            "asker_name": i.asker_name,
            "organization": org(i.organization_id),
            "subject": i.subject,
            "body": i.body,
            "status": i.status,
            "asked_at": i.asked_at,
            "due_on": i.due_on,
            "overdue": i.status == InquiryStatus.OPEN and i.due_on < today,
            "answer": i.answer,
            "answered_by": names.get(i.answered_by_id, "") if i.answered_by_id else "",
            "answered_at": i.answered_at,
            "escalated_at": i.escalated_at,
            "escalated_to": org(i.escalated_to_id),
            "satisfied": i.satisfied,
            "closed_at": i.closed_at,
            "actions": actions(i),
        }
        for i in inquiries
    ]


# ------------------------------------------------------------------------------ answering, rating


def do_answer(inquiry: Inquiry, answer: str, *, actor: Actor) -> Inquiry:
    if not can_answer(actor, inquiry):
        raise _no_inquiry()
    _check_gate(actor, [("body", answer)])
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if inquiry.status != InquiryStatus.OPEN:
            raise Conflict(SupervisionCode.INQUIRY_NOT_OPEN, _("The inquiry has been answered already."))
        inquiry.status = InquiryStatus.ANSWERED
        inquiry.answer = answer.strip()
        inquiry.answered_by = actor.user
        inquiry.answered_at = _now()
        inquiry.save(update_fields=["status", "answer", "answered_by", "answered_at"])
        asker = User.objects.filter(pk=inquiry.asked_by_id or 0, is_active=True).first()
        if asker is not None:
            title = _("Your inquiry was answered: %(subject)s") % {"subject": inquiry.subject[:60]}
            _tell([asker], title, PORTAL_LINK.format(id=inquiry.pk), NotificationKind.GENERAL)
    return inquiry


def do_rate(inquiry: Inquiry, satisfied: bool, *, actor: Actor) -> Inquiry:
    if actor.pk != inquiry.asked_by_id:
        raise NotAllowed(SupervisionCode.NOT_ASKER, _("Only the member who asked can rate the answer."))
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if inquiry.status != InquiryStatus.ANSWERED:
            raise Conflict(SupervisionCode.INQUIRY_NOT_ANSWERED, _("Rate the answer once the inquiry is answered."))
        inquiry.status = InquiryStatus.CLOSED
        inquiry.satisfied = satisfied
        inquiry.closed_at = _now()
        inquiry.save(update_fields=["status", "satisfied", "closed_at"])
    return inquiry


# ------------------------------------------------------------------------------ the daily beat


def do_escalate_overdue(today: date | None = None) -> int:
    """Unanswered inquiries past their due day go up one level, once; returns how many."""
    today = today or _today()
    escalated = 0
    overdue = Inquiry.objects.filter(status=InquiryStatus.OPEN, due_on__lt=today, escalated_at__isnull=True)
    for inquiry in overdue:
        organization = Organization.objects.filter(pk=inquiry.organization_id).first()
        above = organization.parent_id if organization else None
        with transaction.atomic():
            updated = Inquiry.objects.filter(pk=inquiry.pk, escalated_at__isnull=True).update(
                escalated_at=_now(), escalated_to_id=above
            )
            if not updated:
                continue
            escalated += 1
            title = _("An inquiry is overdue and was escalated to you: %(subject)s") % {"subject": inquiry.subject[:60]}
            _tell(workers_of(above), title, CONSOLE_LINK.format(id=inquiry.pk))
    return escalated
