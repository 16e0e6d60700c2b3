"""Task books on a tenant (工作任务书, DOMAIN_RULES §11): receiving the group's template, the
cascade to child organizations, evidence, self-assessment, review by the level above, approval
and reopening. Every status change goes through ``taskbook_states`` (one state machine for the
tenant's reviewers and the group's); scores come from ``scoring``; platform figures from
``evidence``. The group's services (``partycloud.taskbooks``) call the ``do_*`` functions here
inside the tenant's schema with ``Reviewer.for_group``.

Who does what:
- the book's organization fills it (evidence, values, submit): the tenant admin, or a secretary
  / committee member whose scope covers the organization;
- a draft cascade is prepared (indicators, issue, delete) by whoever holds the parent book;
- a cascaded book is reviewed by the tenant admin and by the parent organization's workers; the
  top book (received from the group) by the group only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User, stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, ErrorCode, NotAllowed, NotFoundError, ServiceError
from partycloud.tenancy.models import PartyCommittee
from partycloud.tenancy.services import GROUP_ROOT_SCHEMA
from partycloud.uploads.purposes import Purpose, register_purpose
from partycloud.uploads.services import claim_upload, discard_object, download_url
from services.storage import DataClass
from tenants.access.services import holders_scoped_to, tenant_admins, user_covers, user_has_role, user_scope
from tenants.assessment import evidence as platform_figures
from tenants.assessment.errors import TaskBookCode
from tenants.assessment.models import (
    Evidence,
    EvidenceSource,
    Indicator,
    IndicatorOrigin,
    TaskBook,
    TaskBookEvent,
    TaskBookStatus,
)
from tenants.assessment.scoring import ScoringError, book_score, check_rule, check_weights, indicator_score, rule_of
from tenants.assessment.taskbook_states import can, check_step
from tenants.notifications.services import do_notify
from tenants.organizations.models import Organization

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
READERS = MANAGERS | {TenantRole.DISCIPLINE_INSPECTOR}

EVIDENCE_PURPOSE = "assessment_evidence"
EVIDENCE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
EVIDENCE_MAX_SIZE = 50 * 1024 * 1024

# Fields of an indicator copied from the template (or the parent book) into a book.
DEFINITION_FIELDS = (
    "position",
    "area",
    "title",
    "description",
    "weight",
    "scoring",
    "levels",
    "target",
    "evidence_required",
    "evidence_source",
    "deadline",
)
# What a cascade may change on an indicator that came from the level above.
ADAPTABLE_FIELDS = frozenset({"weight", "levels", "target", "deadline"})
TOO_MANY = "taskbooks.too_many_indicators"
WEIGHTS_OFF = "taskbooks.weights_not_100"


def register_evidence_purpose() -> None:
    register_purpose(
        Purpose(EVIDENCE_PURPOSE, DataClass.MEDIA, "assessment-evidence", EVIDENCE_TYPES, EVIDENCE_MAX_SIZE)
    )


@dataclass(frozen=True)
class Reviewer:
    """Who reviews: a user of this tenant, or the group (its user is recorded by name only)."""

    actor: Actor
    label: str = ""
    group: bool = False

    @classmethod
    def of(cls, actor: Actor) -> Reviewer:
        return cls(actor=actor, label=actor.name)

    @classmethod
    def for_group(cls, actor: Actor) -> Reviewer:
        return cls(actor=actor, label=f"{group_label()}：{actor.name}", group=True)


def group_label() -> str:
    """How the book's history names the group: its party committee's short name, stored as data
    (a translated word would be frozen in whatever language the request happened to use)."""
    root = PartyCommittee.objects.filter(schema_name=GROUP_ROOT_SCHEMA).only("short_name", "name").first()
    return (root.short_name or root.name) if root else "集团党委"


# ------------------------------------------------------------------------------ access


def _not_found() -> NotFoundError:
    return NotFoundError(TaskBookCode.NOT_FOUND, _("No such task book within your scope."))


def visible_books(actor: Actor) -> QuerySet[TaskBook]:
    """Books whose organization the caller covers (as a manager or the inspector); drafts only to
    those who cover the parent book's organization (they are prepared there)."""
    scope = user_scope(actor.user, READERS)
    books = TaskBook.objects.all()
    if scope.whole_tenant:
        return books
    own = scope.filter("organization__path")
    parent = scope.filter("parent__organization__path")
    assert own is not None
    assert parent is not None
    return books.filter((own & ~Q(status=TaskBookStatus.DRAFT)) | (parent & Q(status=TaskBookStatus.DRAFT)))


def _with_counts(books: QuerySet[TaskBook]) -> QuerySet[TaskBook]:
    return books.select_related("organization").annotate(
        indicator_count=Count("indicators", distinct=True), evidence_count=Count("indicators__evidence", distinct=True)
    )


def check_year(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    text = str(raw)
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ServiceError(TaskBookCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")
    return int(text)


def list_books(actor: Actor, *, year: Any = None, status: Any = None, organization: Any = None) -> QuerySet[TaskBook]:
    books = visible_books(actor)
    chosen_year = check_year(year)
    if chosen_year:
        books = books.filter(year=chosen_year)
    if status:
        books = books.filter(status=str(status))
    if organization:
        root = Organization.objects.filter(pk=int(organization)).first() if str(organization).isdigit() else None
        books = books.filter(organization__path__startswith=root.path) if root else books.none()
    return _with_counts(books).order_by("-year", "organization__path", "id")


def book_for(actor: Actor, book_id: int) -> TaskBook:
    book = visible_books(actor).select_related("organization", "parent__organization").filter(pk=book_id).first()
    if book is None:
        raise _not_found()
    return book


def indicator_for(book: TaskBook, indicator_id: int) -> Indicator:
    indicator = book.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFoundError(TaskBookCode.INDICATOR_NOT_FOUND, _("No such indicator in this task book."))
    indicator.book = book
    return indicator


def evidence_for(book: TaskBook, evidence_id: int) -> Evidence:
    found = Evidence.objects.select_related("indicator").filter(indicator__book=book, pk=evidence_id).first()
    if found is None:
        raise NotFoundError(TaskBookCode.EVIDENCE_NOT_FOUND, _("No such evidence in this task book."))
    found.indicator.book = book
    return found


def is_holder(actor: Actor, book: TaskBook) -> bool:
    return user_covers(actor.user, book.organization_id, MANAGERS)


def is_preparer(actor: Actor, book: TaskBook) -> bool:
    """Whoever holds the parent book prepares a cascade (a book from the group has no preparer here)."""
    return book.parent_id is not None and user_covers(actor.user, book.parent.organization_id, MANAGERS)  # type: ignore[union-attr]


def is_reviewer(reviewer: Reviewer, book: TaskBook) -> bool:
    if reviewer.group:
        return book.parent_id is None
    if book.parent_id is None:
        return False
    return user_has_role(reviewer.actor.user, TenantRole.TENANT_ADMIN) or is_preparer(reviewer.actor, book)


def _check_holder(actor: Actor, book: TaskBook) -> None:
    if not is_holder(actor, book):
        raise NotAllowed(TaskBookCode.NOT_HOLDER, _("Only the book's organization fills in its task book."))


def _check_preparer(actor: Actor, book: TaskBook) -> None:
    if not is_preparer(actor, book):
        raise NotAllowed(TaskBookCode.OUT_OF_SCOPE, _("This organization is outside your scope."))


def _check_reviewer(reviewer: Reviewer, book: TaskBook) -> None:
    if not is_reviewer(reviewer, book):
        raise NotAllowed(TaskBookCode.NOT_REVIEWER, _("Only the level above reviews this task book."))


def _lock(book: TaskBook) -> TaskBook:
    """The book row locked for the step (its status re-read), keeping the loaded relations."""
    status = TaskBook.objects.select_for_update().values_list("status", flat=True).get(pk=book.pk)
    book.status = status
    return book


# ------------------------------------------------------------------------------ rules and warnings


def check_indicator_rule(indicator: Any, code: ErrorCode = TaskBookCode.BAD_RULE) -> None:
    """An indicator's (or a template indicator's) scoring rule, refused with ``code``."""
    try:
        check_rule(rule_of(indicator))
    except (ScoringError, KeyError, TypeError, ArithmeticError) as error:
        raise ServiceError(
            code,
            _("The indicator's scoring rule is invalid (weight, levels or target)."),
            getattr(error, "field", "levels"),
        ) from None


def check_indicators(indicators: Sequence[Any]) -> None:
    """What issuing (and the group's publishing) requires: indicators, valid rules, weights = 100."""
    if not indicators:
        raise ServiceError(TaskBookCode.NO_INDICATORS, _("Add at least one indicator."))
    for indicator in indicators:
        check_indicator_rule(indicator)
    try:
        check_weights(indicator.weight for indicator in indicators)
    except ScoringError:
        raise ServiceError(
            TaskBookCode.WEIGHTS_NOT_100, _("The indicators' weights must sum to exactly 100."), "weight"
        ) from None


def warnings_for(count: int, limit: int, weight_total: Decimal | None = None) -> list[dict[str, str]]:
    """Soft problems shown, never refused: more indicators than the limit (the 2025 rules on
    reducing formalism), and (while editing) weights that do not add up to 100 yet."""
    found = []
    if count > limit:
        found.append(
            {
                "code": TOO_MANY,
                "message": _("%(count)s indicators, more than the limit of %(limit)s: keep the task book lean.")
                % {"count": count, "limit": limit},
            }
        )
    if weight_total is not None and weight_total != Decimal(100):
        found.append(
            {
                "code": WEIGHTS_OFF,
                "message": _("The weights sum to %(total)s; they must sum to 100.") % {"total": weight_total},
            }
        )
    return found


def _score(value: dict[str, Any] | None, indicator: Indicator) -> Decimal | None:
    if value is None:
        return None
    try:
        return indicator_score(rule_of(indicator), value)
    except ScoringError:
        raise ServiceError(
            TaskBookCode.BAD_VALUE,
            _("This value does not fit the indicator's scoring rule: %(title)s") % {"title": indicator.title},
            "indicators",
        ) from None


def _clean_value(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return {key: item for key, item in dict(value).items() if item is not None}


def _total(indicators: Iterable[Indicator], attribute: str) -> Decimal:
    return book_score((rule_of(indicator), getattr(indicator, attribute)) for indicator in indicators)


# ------------------------------------------------------------------------------ events and notices


def _event(book: TaskBook, action: str, *, actor: Actor | None, label: str = "", reason: str = "") -> None:
    TaskBookEvent.objects.create(
        book=book, action=action, reason=reason, actor=stored_user(actor) if actor else None,
        actor_label=(label or (actor.name if actor else ""))[:100],
    )  # fmt: skip


def _unit_people(book: TaskBook) -> list[User]:
    """Who is told about the unit's book: those scoped exactly to its organization, its
    secretary, and for the top book the tenant admins."""
    people: dict[int, User] = {}
    for role in (TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER):
        for user in holders_scoped_to(role, [book.organization_id]).get(book.organization_id, []):
            people[user.pk] = user
    secretary = book.organization.secretary
    if secretary is not None:
        people[secretary.pk] = secretary
    if book.parent_id is None:
        for user in tenant_admins():
            people[user.pk] = user
    return list(people.values())


def _notify_unit(book: TaskBook, title: str, body: str = "") -> None:
    link = f"/console/task-books/{book.pk}"
    for user in _unit_people(book):
        do_notify(user, title, body, link)


# ------------------------------------------------------------------------------ receiving the group's template


@dataclass(frozen=True)
class TemplateCopy:
    """What the group delivers (plain data: this floor does not read the group's tables)."""

    template_id: int
    version: int
    year: int
    title: str
    indicator_limit: int
    indicators: list[dict[str, Any]] = field(default_factory=list)  # DEFINITION_FIELDS + "id"


def top_organization() -> Organization | None:
    """The tenant's top organization (its party committee): the first active root."""
    return Organization.objects.filter(parent__isnull=True, is_active=True).order_by("path", "id").first()


@transaction.atomic
def do_receive_template(copy: TemplateCopy) -> str:
    """Deliver the group's published template to this tenant (idempotent): a new book for the top
    organization ("delivered"), a book not yet submitted brought to the new version ("updated"),
    or nothing ("unchanged"; "no_organization" while the tenant has no organization yet)."""
    top = top_organization()
    if top is None:
        return "no_organization"
    book = TaskBook.objects.select_for_update().filter(organization=top, year=copy.year).first()
    if book is None:
        book = TaskBook.objects.create(
            year=copy.year, organization=top, title=copy.title, template_id=copy.template_id,
            template_version=copy.version, status=TaskBookStatus.ISSUED, indicator_limit=copy.indicator_limit,
            issued_at=timezone.now(),
        )  # fmt: skip
        Indicator.objects.bulk_create(
            Indicator(
                book=book,
                source_indicator_id=row["id"],
                origin=IndicatorOrigin.TEMPLATE,
                **{name: row[name] for name in DEFINITION_FIELDS},
            )
            for row in copy.indicators
        )
        _event(book, "issued", actor=None, label=group_label())
        _notify_unit(book, _("Task book received: %(title)s") % {"title": book.title})
        return "delivered"
    if book.template_id != copy.template_id or book.template_version >= copy.version:
        return "unchanged"
    if book.status not in (TaskBookStatus.ISSUED, TaskBookStatus.RETURNED):
        return "unchanged"
    _update_from_template(book, copy)
    return "updated"


def _update_from_template(book: TaskBook, copy: TemplateCopy) -> None:
    existing = {i.source_indicator_id: i for i in book.indicators.filter(origin=IndicatorOrigin.TEMPLATE)}
    wanted = {row["id"]: row for row in copy.indicators}
    Indicator.objects.filter(pk__in=[i.pk for sid, i in existing.items() if sid not in wanted]).delete()
    for source_id, row in wanted.items():
        indicator = existing.get(source_id) or Indicator(
            book=book, source_indicator_id=source_id, origin=IndicatorOrigin.TEMPLATE
        )
        for name in DEFINITION_FIELDS:
            setattr(indicator, name, row[name])
        try:
            indicator.self_score = indicator_score(rule_of(indicator), indicator.self_value)
        except ScoringError:
            indicator.self_value, indicator.self_score = None, None
        if indicator.self_value is None:
            indicator.self_score = None
        indicator.save()
    book.title, book.template_version, book.indicator_limit = copy.title, copy.version, copy.indicator_limit
    book.self_score = _total(book.indicators.all(), "self_value")
    book.save(update_fields=["title", "template_version", "indicator_limit", "self_score", "updated_at"])
    _event(book, "updated", actor=None, label=group_label(), reason=f"v{copy.version}")


def top_book(year: int, template_id: int | None = None) -> TaskBook | None:
    books = _with_counts(TaskBook.objects.filter(parent__isnull=True, year=year))
    if template_id is not None:
        books = books.filter(template_id=template_id)
    return books.order_by("organization__path", "id").first()


# ------------------------------------------------------------------------------ cascade


@transaction.atomic
def do_cascade(parent: TaskBook, *, actor: Actor, organization_id: int, title: str = "") -> TaskBook:
    _check_holder(actor, parent)
    check_step(_lock(parent).status, "cascade")
    child_organization = Organization.objects.filter(
        pk=organization_id, parent_id=parent.organization_id, is_active=True
    ).first()
    if child_organization is None:
        raise ServiceError(
            TaskBookCode.NOT_A_CHILD,
            _("Cascade to an organization directly under the book's organization."),
            "organization",
        )
    if TaskBook.objects.filter(organization=child_organization, year=parent.year).exists():
        raise Conflict(
            TaskBookCode.ALREADY_HAS_BOOK,
            _("This organization already has a task book for that year."),
            "organization",
        )
    child = TaskBook.objects.create(
        year=parent.year, organization=child_organization, title=(title or parent.title).strip()[:200],
        template_id=parent.template_id, template_version=parent.template_version, parent=parent,
        status=TaskBookStatus.DRAFT, indicator_limit=parent.indicator_limit,
    )  # fmt: skip
    Indicator.objects.bulk_create(
        Indicator(
            book=child,
            source_indicator_id=source.pk,
            origin=IndicatorOrigin.TEMPLATE,
            **{name: getattr(source, name) for name in DEFINITION_FIELDS},
        )
        for source in parent.indicators.all()
    )
    _event(child, "cascaded", actor=actor)
    return child


@transaction.atomic
def do_update_draft(book: TaskBook, *, actor: Actor, title: str | None = None) -> TaskBook:
    _check_preparer(actor, book)
    check_step(_lock(book).status, "edit")
    if title is not None and title.strip():
        book.title = title.strip()
        book.save(update_fields=["title", "updated_at"])
    return book


@transaction.atomic
def do_delete_draft(book: TaskBook, *, actor: Actor) -> None:
    _check_preparer(actor, book)
    check_step(_lock(book).status, "edit")
    book.delete()


@transaction.atomic
def do_add_indicator(book: TaskBook, *, actor: Actor, **fields: Any) -> Indicator:
    _check_preparer(actor, book)
    check_step(_lock(book).status, "edit")
    position = (book.indicators.aggregate(top=Max("position"))["top"] or 0) + 1
    indicator = Indicator(book=book, origin=IndicatorOrigin.LOCAL, position=position)
    _apply(indicator, fields)
    indicator.save()
    return indicator


def _apply(indicator: Indicator, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name == "levels":
            value = [{"label": level["label"], "fraction": str(level["fraction"])} for level in value]
        setattr(indicator, name, value)
    check_indicator_rule(indicator)


@transaction.atomic
def do_update_indicator(indicator: Indicator, *, actor: Actor, **fields: Any) -> Indicator:
    book = indicator.book
    _check_preparer(actor, book)
    check_step(_lock(book).status, "edit")
    if indicator.origin == IndicatorOrigin.TEMPLATE and set(fields) - ADAPTABLE_FIELDS:
        raise ServiceError(
            TaskBookCode.NOT_LOCAL,
            _("Only the unit's own indicators can be changed this way."),
            sorted(set(fields) - ADAPTABLE_FIELDS)[0],
        )
    _apply(indicator, fields)
    indicator.save()
    return indicator


@transaction.atomic
def do_delete_indicator(indicator: Indicator, *, actor: Actor) -> None:
    book = indicator.book
    _check_preparer(actor, book)
    check_step(_lock(book).status, "edit")
    if indicator.origin != IndicatorOrigin.LOCAL:
        raise ServiceError(TaskBookCode.NOT_LOCAL, _("Only the unit's own indicators can be changed this way."))
    indicator.delete()


@transaction.atomic
def do_issue(book: TaskBook, *, actor: Actor) -> TaskBook:
    _check_preparer(actor, book)
    book.status = check_step(_lock(book).status, "issue")
    check_indicators(list(book.indicators.all()))
    book.issued_at = timezone.now()
    book.save(update_fields=["status", "issued_at", "updated_at"])
    _event(book, "issued", actor=actor)
    _notify_unit(book, _("Task book issued: %(title)s") % {"title": book.title})
    return book


# ------------------------------------------------------------------------------ evidence and self-assessment


@transaction.atomic
def do_add_evidence(
    indicator: Indicator, *, actor: Actor, note: str = "", upload_id: UUID | str | None = None
) -> Evidence:
    book = indicator.book
    _check_holder(actor, book)
    check_step(_lock(book).status, "fill")
    note = (note or "").strip()
    if not note and not upload_id:
        raise ServiceError(TaskBookCode.EVIDENCE_EMPTY, _("Attach a file or write a note."), "note")
    found = Evidence(indicator=indicator, note=note, created_by=stored_user(actor))
    if upload_id:
        upload = claim_upload(upload_id, purpose=EVIDENCE_PURPOSE, user=actor.user)
        found.upload, found.key, found.filename = upload.pk, upload.key, upload.filename[:200]
        found.content_type, found.size = upload.detected_type, upload.size or 0
    found.save()
    return found


@transaction.atomic
def do_delete_evidence(found: Evidence, *, actor: Actor) -> None:
    book = found.indicator.book
    _check_holder(actor, book)
    check_step(_lock(book).status, "fill")
    if actor.user is None or found.created_by_id != actor.user.pk:
        raise NotAllowed(TaskBookCode.NOT_OWN_EVIDENCE, _("You can delete only evidence you added."))
    key = found.key
    found.delete()
    if key:
        transaction.on_commit(lambda: discard_object(DataClass.MEDIA, key))


def _items(
    book: TaskBook, items: Sequence[dict[str, Any]]
) -> tuple[list[Indicator], list[tuple[Indicator, dict[str, Any]]]]:
    indicators = list(book.indicators.all())
    by_id = {indicator.pk: indicator for indicator in indicators}
    chosen = []
    for item in items:
        indicator = by_id.get(item["id"])
        if indicator is None:
            raise ServiceError(
                TaskBookCode.INDICATOR_NOT_FOUND, _("No such indicator in this task book."), "indicators"
            )
        chosen.append((indicator, item))
    return indicators, chosen


@transaction.atomic
def do_self_assess(book: TaskBook, *, actor: Actor, items: Sequence[dict[str, Any]]) -> TaskBook:
    _check_holder(actor, book)
    check_step(_lock(book).status, "fill")
    indicators, chosen = _items(book, items)
    for indicator, item in chosen:
        indicator.self_value = _clean_value(item.get("value"))
        indicator.self_score = _score(indicator.self_value, indicator)
        indicator.self_note = item.get("note") or ""
        indicator.save(update_fields=["self_value", "self_score", "self_note"])
    book.self_score = _total(indicators, "self_value")
    book.save(update_fields=["self_score", "updated_at"])
    return book


@transaction.atomic
def do_submit(book: TaskBook, *, actor: Actor) -> TaskBook:
    """Submit for review: the platform figures of automatic indicators are frozen (``measured``)."""
    _check_holder(actor, book)
    book.status = check_step(_lock(book).status, "submit")
    indicators = list(book.indicators.all())
    now = timezone.now()
    found = platform_figures.figures(book.organization, book.year, {i.evidence_source for i in indicators})
    for indicator in indicators:
        if indicator.evidence_source != EvidenceSource.MANUAL and indicator.evidence_source in found:
            indicator.measured = {**found[indicator.evidence_source], "measured_at": now.isoformat()}
            indicator.save(update_fields=["measured"])
    book.self_score = _total(indicators, "self_value")
    book.submitted_at = now
    book.save(update_fields=["status", "self_score", "submitted_at", "updated_at"])
    _event(book, "submitted", actor=actor)
    return book


# ------------------------------------------------------------------------------ review (the tenant's and the group's)


@transaction.atomic
def do_review(
    book: TaskBook, *, reviewer: Reviewer, items: Sequence[dict[str, Any]], comment: str | None = None
) -> TaskBook:
    _check_reviewer(reviewer, book)
    book.status = check_step(_lock(book).status, "review")
    indicators, chosen = _items(book, items)
    for indicator, item in chosen:
        indicator.review_value = _clean_value(item.get("value"))
        indicator.review_score = _score(indicator.review_value, indicator)
        indicator.review_comment = item.get("comment") or ""
        indicator.save(update_fields=["review_value", "review_score", "review_comment"])
    if comment is not None:
        book.review_comment = comment
    book.review_score = _total(indicators, "review_value")
    book.reviewed_at = timezone.now()
    book.save(update_fields=["status", "review_score", "review_comment", "reviewed_at", "updated_at"])
    _event(book, "reviewed", actor=reviewer.actor, label=reviewer.label)
    return book


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(TaskBookCode.REASON_REQUIRED, _("Give a reason."), "reason")
    return reason


@transaction.atomic
def do_return(book: TaskBook, *, reviewer: Reviewer, reason: str) -> TaskBook:
    _check_reviewer(reviewer, book)
    book.status = check_step(_lock(book).status, "return")
    reason = _reason(reason)
    book.save(update_fields=["status", "updated_at"])
    _event(book, "returned", actor=reviewer.actor, label=reviewer.label, reason=reason)
    _notify_unit(book, _("Task book returned for changes: %(title)s") % {"title": book.title}, reason)
    return book


@transaction.atomic
def do_approve(book: TaskBook, *, reviewer: Reviewer, comment: str | None = None) -> TaskBook:
    """Approve and lock: the final score is the review score (every indicator scored)."""
    _check_reviewer(reviewer, book)
    book.status = check_step(_lock(book).status, "approve")
    indicators = list(book.indicators.all())
    if any(indicator.review_value is None for indicator in indicators):
        raise Conflict(TaskBookCode.NOT_REVIEWED, _("Score every indicator before approving."))
    if comment:
        book.review_comment = comment
    book.review_score = book.final_score = _total(indicators, "review_value")
    book.approved_at = timezone.now()
    book.save(update_fields=["status", "review_score", "final_score", "review_comment", "approved_at", "updated_at"])
    _event(book, "approved", actor=reviewer.actor, label=reviewer.label)
    _notify_unit(
        book,
        _("Task book approved: %(title)s") % {"title": book.title},
        _("Final score %(score)s") % {"score": book.final_score},
    )
    return book


@transaction.atomic
def do_reopen(book: TaskBook, *, reviewer: Reviewer, reason: str, audit_tenant_id: int | None = None) -> TaskBook:
    """Reopen an approved book (back to reviewed; the final score is cleared until approved
    again). The reason is required; the step is in the book's history and in the audit log."""
    _check_reviewer(reviewer, book)
    book.status = check_step(_lock(book).status, "reopen")
    reason = _reason(reason)
    previous = book.final_score
    book.final_score, book.approved_at = None, None
    book.save(update_fields=["status", "final_score", "approved_at", "updated_at"])
    _event(book, "reopened", actor=reviewer.actor, label=reviewer.label, reason=reason)
    do_record_audit(
        event="taskbooks.book.reopen", actor=reviewer.actor, target_type="assessment.taskbook", target_id=book.pk,
        target_label=f"{book.year} {book.organization.name}", tenant_id=audit_tenant_id,
        details={"reason": reason, "year": book.year, "final_score": str(previous) if previous is not None else ""},
    )  # fmt: skip
    return book


# ------------------------------------------------------------------------------ what the API shows


def _level_rows(levels: Any) -> list[dict[str, Any]]:
    return [{"label": level.get("label", ""), "fraction": str(level.get("fraction", "0"))} for level in levels or ()]


def evidence_row(found: Evidence, actor: Actor | None, *, fillable: bool = False) -> dict[str, Any]:
    creator = found.created_by
    return {
        "id": found.pk,
        "indicator_id": found.indicator_id,
        "note": found.note,
        "filename": found.filename,
        "content_type": found.content_type,
        "size": found.size,
        "url": download_url(DataClass.MEDIA, found.key, filename=found.filename, inline=False) if found.key else None,
        "created_by_name": creator.name if creator is not None else "",
        "created_at": found.created_at,
        "can_delete": bool(
            fillable and actor is not None and actor.user is not None and found.created_by_id == actor.user.pk
        ),
    }


def row_of(book: TaskBook) -> dict[str, Any]:
    return {
        "id": book.pk,
        "year": book.year,
        "title": book.title,
        "organization_id": book.organization_id,
        "organization_name": book.organization.name,
        "parent_id": book.parent_id,
        "template_id": book.template_id,
        "template_version": book.template_version,
        "status": book.status,
        "indicator_limit": book.indicator_limit,
        "indicator_count": getattr(book, "indicator_count", 0),
        "evidence_count": getattr(book, "evidence_count", 0),
        "self_score": book.self_score,
        "review_score": book.review_score,
        "final_score": book.final_score,
        "issued_at": book.issued_at,
        "submitted_at": book.submitted_at,
        "reviewed_at": book.reviewed_at,
        "approved_at": book.approved_at,
    }


def book_rows(books: Iterable[TaskBook]) -> list[dict[str, Any]]:
    return [row_of(book) for book in books]


def book_payload(
    book: TaskBook, actor: Actor | None, *, reviewer: Reviewer | None = None, today: date | None = None
) -> dict[str, Any]:
    """The book in full: indicators with values, scores, live and frozen figures and evidence;
    history; children; what the caller may do. ``reviewer`` (the group) decides ``review``."""
    book = _with_counts(TaskBook.objects.filter(pk=book.pk)).select_related("organization", "parent").get()
    indicators = list(book.indicators.prefetch_related("evidence__created_by"))
    fillable = can(book.status, "fill")
    live = platform_figures.figures(book.organization, book.year, {i.evidence_source for i in indicators}, today)
    holder = actor is not None and not (reviewer and reviewer.group) and is_holder(actor, book)
    reviewing = reviewer or (Reviewer.of(actor) if actor is not None else None)
    rows = []
    for indicator in indicators:
        rows.append(
            {
                "id": indicator.pk,
                "position": indicator.position,
                "origin": indicator.origin,
                "source_indicator_id": indicator.source_indicator_id,
                "area": indicator.area,
                "title": indicator.title,
                "description": indicator.description,
                "weight": indicator.weight,
                "scoring": indicator.scoring,
                "levels": _level_rows(indicator.levels),
                "target": indicator.target,
                "evidence_required": indicator.evidence_required,
                "evidence_source": indicator.evidence_source,
                "deadline": indicator.deadline,
                "self_value": indicator.self_value,
                "self_note": indicator.self_note,
                "self_score": indicator.self_score,
                "review_value": indicator.review_value,
                "review_score": indicator.review_score,
                "review_comment": indicator.review_comment,
                "measured": indicator.measured,
                "figure": live.get(indicator.evidence_source),
                "evidence": [
                    evidence_row(found, actor, fillable=fillable and holder) for found in indicator.evidence.all()
                ],
            }
        )
    weight_total = sum((indicator.weight for indicator in indicators), Decimal(0))
    events = [
        {"id": e.pk, "action": e.action, "reason": e.reason, "actor_name": e.actor_label, "at": e.at}
        for e in book.events.all()
    ]
    children = _with_counts(book.children.all()).order_by("organization__path", "id")
    preparer = actor is not None and not (reviewer and reviewer.group) and is_preparer(actor, book)
    may_review = reviewing is not None and is_reviewer(reviewing, book)
    return {
        **row_of(book),
        "review_comment": book.review_comment,
        "weight_total": weight_total,
        "warnings": warnings_for(
            len(indicators), book.indicator_limit, weight_total if book.status == TaskBookStatus.DRAFT else None
        ),
        "indicators": rows,
        "events": events,
        "children": book_rows(children),
        "permissions": {
            "edit": preparer and can(book.status, "edit"),
            "fill": holder and fillable,
            "review": may_review and can(book.status, "review"),
            "reopen": may_review and can(book.status, "reopen"),
            "cascade": holder and can(book.status, "cascade"),
        },
    }
