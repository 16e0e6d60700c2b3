"""Surveys (问卷, DOMAIN_RULES §7, docs/supervision.md "Surveys"): the workers of a unit ask the
members of a scope single-choice, multiple-choice, rating and text questions, anonymously or by
name, within a window.

- draft: edited freely by the unit's workers (tenant admin, secretaries and committee members
  covering it); the confidentiality gate on every text.
- open (by hand, or by the beat when ``opens_at`` passes): the respondents are fixed
  (``SurveyRespondent``, from ``audience.recipients``) with ``eligible_count``, and notified.
- a respondent answers once: in ONE transaction, under the survey's lock, the respondent is
  marked, ``response_count`` goes up, every option of the survey is rewritten by one UPDATE
  (``count + chosen``) and every rating question's histogram by another. A named survey keeps the
  response (``SurveyResponse``); an anonymous one keeps nothing but the tallies and the text
  answers, which wait in a pool (rewritten, shuffled, by every response) and are released into
  ``SurveyTextAnswer`` in random order by batches (``anonymity``), the rest when it closes.
- closed (by hand, or by the beat at ``closes_at``); cancelled from draft or open.

Results (``survey_results``) for the unit's workers; for the respondents after closing when
``results_to_respondents``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.confidentiality import check_unclassified
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from tenants.access.services import check_covers, user_covers, user_scope
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify_many
from tenants.organizations.models import Organization
from tenants.supervision import audience
from tenants.supervision.anonymity import pool_texts, release_text_pool, tally_options, tally_ratings
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import (
    CampaignStatus,
    QuestionKind,
    Survey,
    SurveyOption,
    SurveyQuestion,
    SurveyRespondent,
    SurveyResponse,
    SurveyTextAnswer,
)

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
READERS = MANAGERS | {TenantRole.DISCIPLINE_INSPECTOR}
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.OPEN: frozenset({CampaignStatus.DRAFT}),
    CampaignStatus.CLOSED: frozenset({CampaignStatus.OPEN}),
    CampaignStatus.CANCELLED: frozenset({CampaignStatus.DRAFT, CampaignStatus.OPEN}),
}


def share(part: int, whole: int) -> float:
    """``part`` of ``whole`` in percent, one decimal (0 when there is no whole)."""
    return round(part * 100 / whole, 1) if whole else 0.0


# ------------------------------------------------------------------------------ reading surveys


def _organizations_in(actor: Actor, roles: frozenset[str]) -> QuerySet[Organization]:
    return user_scope(actor.user, roles).apply(Organization.objects.all(), "path")


def visible_surveys(actor: Actor) -> QuerySet[Survey]:
    """Surveys of the organizations ``actor`` covers as a worker or inspector."""
    return Survey.objects.filter(organization_id__in=_organizations_in(actor, READERS).values("pk"))


def _not_found() -> NotFoundError:
    return NotFoundError(SupervisionCode.SURVEY_NOT_FOUND, _("No such survey within your scope."))


def survey_for(actor: Actor, survey_id: int) -> Survey:
    survey = visible_surveys(actor).select_related("created_by").filter(pk=survey_id).first()
    if survey is None:
        raise _not_found()
    return survey


def filter_surveys(surveys: QuerySet[Survey], *, organization: Any = None, status: Any = None) -> QuerySet[Survey]:
    if organization:
        found = Organization.objects.filter(pk=organization).first() if str(organization).isdigit() else None
        surveys = (
            surveys.filter(organization_id__in=Organization.objects.filter(path__startswith=found.path).values("pk"))
            if found
            else surveys.none()
        )
    if status:
        surveys = surveys.filter(status=status)
    return surveys.select_related("created_by").order_by("-opens_at", "-id")


def organization_names(organization_ids: Iterable[int]) -> dict[int, str]:
    return dict(Organization.objects.filter(pk__in=set(organization_ids)).values_list("pk", "name"))


def _organization_ref(survey: Survey | Any, names: dict[int, str]) -> dict[str, Any]:
    return {"id": survey.organization_id, "name": names.get(survey.organization_id, "")}


def survey_rows(page: Sequence[Survey]) -> list[dict[str, Any]]:
    names = organization_names(s.organization_id for s in page)
    return [
        {
            "id": s.pk,
            "title": s.title,
            "organization": _organization_ref(s, names),
            "scope": s.scope,
            "anonymous": s.anonymous,
            "status": s.status,
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "results_to_respondents": s.results_to_respondents,
            "eligible_count": s.eligible_count,
            "response_count": s.response_count,
            "created_by": s.created_by.name if s.created_by else "",
            "created_at": s.created_at,
        }
        for s in page
    ]


def questions_of(survey: Survey) -> list[dict[str, Any]]:
    questions = SurveyQuestion.objects.filter(survey=survey).prefetch_related("options").order_by("position", "id")
    return [
        {
            "id": q.pk,
            "position": q.position,
            "kind": q.kind,
            "text": q.text,
            "required": q.required,
            "max_choices": q.max_choices,
            "rating_max": q.rating_max,
            "options": [{"id": o.pk, "position": o.position, "text": o.text} for o in q.options.all()],
        }
        for q in questions
    ]


def can_manage(actor: Actor, survey: Survey) -> bool:
    return user_covers(actor.user, survey.organization_id, MANAGERS)


def survey_detail(actor: Actor, survey: Survey) -> dict[str, Any]:
    manage = can_manage(actor, survey)
    return {
        **survey_rows([survey])[0],
        "description": survey.description,
        "questions": questions_of(survey),
        "can_manage": manage,
        "can_edit": manage and survey.status == CampaignStatus.DRAFT,
    }


# ------------------------------------------------------------------------------ writing drafts


def check_manage(actor: Actor, organization_id: int) -> None:
    check_covers(
        actor.user,
        organization_id,
        MANAGERS,
        SupervisionCode.OUT_OF_SCOPE,
        _("This organization is outside your scope."),
    )


def check_window(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise ServiceError(SupervisionCode.BAD_WINDOW, _("The window closes after it opens."), "closes_at")
    if closes_at <= timezone.now():
        raise ServiceError(SupervisionCode.WINDOW_OVER, _("The window's end has already passed."), "closes_at")


def check_texts(
    texts: list[tuple[str, str | None]],
    *,
    actor: Actor,
    target: Any = None,
    what: str,
    event: str = "supervision.survey.classified.refuse",
) -> None:
    """The confidentiality gate (DOMAIN_RULES §8): refused, nothing stored, the refusal audited
    (the marking found and where, never the text)."""
    try:
        check_unclassified(texts)
    except ServiceError as refusal:
        do_record_audit(
            event=event,
            actor=actor,
            target=target,
            target_type="" if target is not None else "supervision.refused",
            target_id="" if target is not None else what[:64],
            target_label="" if target is not None else what,
            details={"marking": refusal.extra.get("marking", ""), "field": refusal.field or ""},
        )
        raise


def _bad_question(position: int, message: str) -> ServiceError:
    return ServiceError(SupervisionCode.BAD_QUESTION, message, f"questions[{position}]", extra={"question": position})


def clean_questions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions as they will be stored: texts trimmed, each kind's settings checked."""
    if not questions:
        raise ServiceError(SupervisionCode.NO_QUESTIONS, _("Add at least one question."), "questions")
    cleaned: list[dict[str, Any]] = []
    for position, raw in enumerate(questions):
        kind, text = raw["kind"], raw["text"].strip()
        options = [option.strip() for option in raw.get("options") or []]
        if not text:
            raise _bad_question(position, _("Write the question."))
        max_choices = None
        if kind in CHOICE_KINDS:
            if len(options) < 2 or any(not option for option in options):
                raise _bad_question(position, _("A choice question needs at least two options, none of them empty."))
            if len(set(options)) != len(options):
                raise _bad_question(position, _("Two options of a question have the same text."))
            if kind == QuestionKind.MULTIPLE:
                max_choices = raw.get("max_choices") or len(options)
                if not 1 <= max_choices <= len(options):
                    raise _bad_question(
                        position,
                        _("At most as many choices as the question has options (%(n)s).") % {"n": len(options)},
                    )
        elif options:
            raise _bad_question(position, _("Only choice questions have options."))
        rating_max = int(raw.get("rating_max") or 5)
        if kind == QuestionKind.RATING and not 2 <= rating_max <= 10:
            raise _bad_question(position, _("A rating goes from 1 to between 2 and 10."))
        cleaned.append(
            {
                "kind": kind,
                "text": text,
                "required": bool(raw.get("required", True)),
                "max_choices": max_choices,
                "rating_max": rating_max if kind == QuestionKind.RATING else 5,
                "options": options,
            }
        )
    return cleaned


def _question_texts(questions: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    texts: list[tuple[str, str | None]] = []
    for q in questions:
        texts.append(("question", q["text"]))
        texts.extend(("option", option) for option in q["options"])
    return texts


def _write_questions(survey: Survey, questions: list[dict[str, Any]]) -> None:
    SurveyQuestion.objects.filter(survey=survey).delete()
    for position, q in enumerate(questions):
        question = SurveyQuestion.objects.create(
            survey=survey,
            position=position,
            kind=q["kind"],
            text=q["text"],
            required=q["required"],
            max_choices=q["max_choices"],
            rating_max=q["rating_max"],
            rating_counts=[0] * q["rating_max"] if q["kind"] == QuestionKind.RATING else [],
        )
        SurveyOption.objects.bulk_create(
            [SurveyOption(question=question, position=n, text=text) for n, text in enumerate(q["options"])]
        )


def do_create_survey(
    *,
    actor: Actor,
    organization: int,
    title: str,
    description: str = "",
    scope: str,
    anonymous: bool = True,
    results_to_respondents: bool = False,
    opens_at: datetime,
    closes_at: datetime,
    questions: list[dict[str, Any]],
) -> Survey:
    unit = audience.check_scope(organization, scope)
    check_manage(actor, unit.pk)
    title = title.strip()
    if not title:
        raise ServiceError(SupervisionCode.TITLE_REQUIRED, _("Give the survey a title."), "title")
    check_window(opens_at, closes_at)
    cleaned = clean_questions(questions)
    # The gate before the transaction: the refusal's audit entry must outlive the refusal.
    check_texts([("title", title), ("description", description), *_question_texts(cleaned)], actor=actor, what=title)
    with transaction.atomic():
        survey = Survey.objects.create(
            title=title,
            description=description.strip(),
            organization_id=unit.pk,
            scope=scope,
            anonymous=anonymous,
            results_to_respondents=results_to_respondents,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor.user,
        )
        _write_questions(survey, cleaned)
        do_record_audit(event="supervision.survey.create", actor=actor, target=survey)
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _check_draft(survey: Survey) -> None:
    if survey.status != CampaignStatus.DRAFT:
        raise Conflict(SupervisionCode.SURVEY_NOT_DRAFT, _("Only a draft survey can be changed or deleted."))


def do_update_survey(survey: Survey, *, actor: Actor, **changes: Any) -> Survey:
    """Change a draft (``questions`` replaces them all)."""
    check_manage(actor, survey.organization_id)
    for name in ("title", "description"):
        if name in changes:
            changes[name] = changes[name].strip()
    if "title" in changes and not changes["title"]:
        raise ServiceError(SupervisionCode.TITLE_REQUIRED, _("Give the survey a title."), "title")
    questions = clean_questions(changes.pop("questions")) if "questions" in changes else None
    # The gate before the transaction: the refusal's audit entry must outlive the refusal.
    check_texts(
        [
            ("title", changes.get("title")),
            ("description", changes.get("description")),
            *_question_texts(questions or []),
        ],
        actor=actor,
        target=survey,
        what=survey.title,
    )
    with transaction.atomic():
        survey = _locked(survey)
        _check_draft(survey)
        if "scope" in changes:
            audience.check_scope(survey.organization_id, changes["scope"])
        if "opens_at" in changes or "closes_at" in changes:
            check_window(changes.get("opens_at", survey.opens_at), changes.get("closes_at", survey.closes_at))
        for name, value in changes.items():
            setattr(survey, name, value)
        survey.save()
        if questions is not None:
            _write_questions(survey, questions)
        fields = sorted([*changes, *(["questions"] if questions is not None else [])])
        do_record_audit(
            event="supervision.survey.update", actor=actor, target=survey, details={"fields": ", ".join(fields)}
        )
    return survey


@transaction.atomic
def do_delete_survey(survey: Survey, *, actor: Actor) -> None:
    survey = _locked(survey)
    check_manage(actor, survey.organization_id)
    _check_draft(survey)
    do_record_audit(event="supervision.survey.delete", actor=actor, target=survey)
    survey.delete()


# ------------------------------------------------------------------------------ opening and closing


def _open(survey: Survey, *, actor: Actor) -> None:
    """Fix the respondents (the scope's members with an account, now) and tell them."""
    now = timezone.now()
    if survey.closes_at <= now:
        raise Conflict(SupervisionCode.WINDOW_OVER, _("The window's end has already passed."), "closes_at")
    found = audience.recipients(survey.organization_id, survey.scope)
    if not found:
        raise Conflict(SupervisionCode.NO_RECIPIENTS, _("Nobody with an account is in this scope."), "scope")
    SurveyRespondent.objects.bulk_create(
        [SurveyRespondent(survey=survey, user_id=r.user_id, organization_id=r.organization_id) for r in found],
        batch_size=2000,
    )
    survey.status = CampaignStatus.OPEN
    survey.opens_at = min(survey.opens_at, now)
    survey.eligible_count = len(found)
    survey.save(update_fields=["status", "opens_at", "eligible_count"])
    users = list(User.objects.filter(pk__in=[r.user_id for r in found]))
    title = _("Survey: %(title)s") % {"title": survey.title}
    body = _("Please answer by %(time)s.") % {"time": timezone.localtime(survey.closes_at).strftime("%Y-%m-%d %H:%M")}
    do_notify_many(users, title, body, f"/supervision/surveys/{survey.pk}", kind=NotificationKind.SUPERVISION_NOTICE)
    do_record_audit(
        event="supervision.survey.open", actor=actor, target=survey, details={"count": survey.eligible_count}
    )


def _close(survey: Survey, *, actor: Actor, target: str = CampaignStatus.CLOSED) -> None:
    now = timezone.now()
    survey.status = target
    if survey.closes_at > now and survey.opens_at < now:
        survey.closes_at = now  # the actual end, for the record
    survey.save(update_fields=["status", "closes_at"])
    release_text_pool(survey, everything=True)
    event = "supervision.survey.close" if target == CampaignStatus.CLOSED else "supervision.survey.cancel"
    do_record_audit(event=event, actor=actor, target=survey, details={"count": survey.response_count})


@transaction.atomic
def do_transition(survey: Survey, target: str, *, actor: Actor) -> Survey:
    survey = _locked(survey)
    check_manage(actor, survey.organization_id)
    if survey.status not in TRANSITIONS.get(target, frozenset()):
        raise Conflict(
            SupervisionCode.SURVEY_BAD_TRANSITION,
            _("The survey cannot go from %(status)s to %(target)s.") % {"status": survey.status, "target": target},
        )
    if target == CampaignStatus.OPEN:
        _open(survey, actor=actor)
    elif survey.status == CampaignStatus.DRAFT:  # a draft cancelled: nobody was asked
        survey.status = target
        survey.save(update_fields=["status"])
        do_record_audit(event="supervision.survey.cancel", actor=actor, target=survey, details={"count": 0})
    else:
        _close(survey, actor=actor, target=target)
    return survey


def do_open_due_surveys() -> int:
    """The beat: open the drafts whose ``opens_at`` has passed (those whose window is over too
    stay drafts: the organizer sets a new window). Each in its own transaction."""
    now = timezone.now()
    opened = 0
    for survey_id in Survey.objects.filter(
        status=CampaignStatus.DRAFT, opens_at__lte=now, closes_at__gt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            survey = Survey.objects.select_for_update().get(pk=survey_id)
            if survey.status != CampaignStatus.DRAFT:
                continue
            try:
                with transaction.atomic():
                    _open(survey, actor=Actor.system())
            except ServiceError:  # nobody in the scope: it stays a draft for the organizer to fix
                continue
            opened += 1
    return opened


def do_close_due_surveys() -> int:
    """The beat: close the open surveys whose ``closes_at`` has passed (idempotent)."""
    closed = 0
    for survey_id in Survey.objects.filter(status=CampaignStatus.OPEN, closes_at__lte=timezone.now()).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            survey = Survey.objects.select_for_update().get(pk=survey_id)
            if survey.status == CampaignStatus.OPEN:
                _close(survey, actor=Actor.system())
                closed += 1
    return closed


# ------------------------------------------------------------------------------ the member's side


def my_surveys(actor: Actor) -> QuerySet[Survey]:
    """Surveys ``actor`` is a respondent of (open or past; never drafts), open first."""
    return (
        Survey.objects.filter(respondents__user_id=actor.pk or 0)
        .exclude(status=CampaignStatus.DRAFT)
        .annotate(
            _open_first=Case(
                When(status=CampaignStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("_open_first", "-opens_at", "-id")
    )


def my_survey(actor: Actor, survey_id: int) -> Survey:
    survey = my_surveys(actor).filter(pk=survey_id).first()
    if survey is None:
        raise _not_found()
    return survey


def _results_available(survey: Survey) -> bool:
    return survey.status == CampaignStatus.CLOSED and survey.results_to_respondents


def my_rows(actor: Actor, page: Sequence[Survey]) -> list[dict[str, Any]]:
    ids = [s.pk for s in page]
    names = organization_names(s.organization_id for s in page)
    responded = set(
        SurveyRespondent.objects.filter(survey_id__in=ids, user_id=actor.pk or 0, responded=True).values_list(
            "survey_id", flat=True
        )
    )
    questions = dict(
        SurveyQuestion.objects.filter(survey_id__in=ids)
        .values("survey_id")
        .annotate(n=Count("id"))
        .values_list("survey_id", "n")
    )
    now = timezone.now()
    return [
        {
            "id": s.pk,
            "title": s.title,
            "organization": _organization_ref(s, names),
            "anonymous": s.anonymous,
            "status": s.status,
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "question_count": questions.get(s.pk, 0),
            "responded": s.pk in responded,
            "can_respond": s.status == CampaignStatus.OPEN and s.closes_at > now and s.pk not in responded,
            "results_available": _results_available(s),
        }
        for s in page
    ]


def my_detail(actor: Actor, survey: Survey) -> dict[str, Any]:
    return {**my_rows(actor, [survey])[0], "description": survey.description, "questions": questions_of(survey)}


def check_results_for_respondent(actor: Actor, survey: Survey) -> Survey:
    if not _results_available(survey):
        raise NotAllowed(
            SupervisionCode.RESULTS_NOT_SHARED,
            _("The results are shown to respondents only after closing, when the organizer shares them."),
        )
    return survey


def _answer_error(question: SurveyQuestion, message: str) -> ServiceError:
    return ServiceError(SupervisionCode.BAD_ANSWER, message, "answers", extra={"question": question.pk})


def _check_answers(questions: list[SurveyQuestion], answers: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Each answer against its question's kind; every required question answered. Returns the
    answers by question id (only the answered ones)."""
    by_id = {q.pk: q for q in questions}
    given: dict[int, dict[str, Any]] = {}
    for answer in answers:
        question = by_id.get(answer["question"])
        if question is None:
            raise ServiceError(SupervisionCode.BAD_ANSWER, _("This question is not in the survey."), "answers")
        if question.pk in given:
            raise _answer_error(question, _("Answer each question once."))
        options = answer.get("options") or []
        rating = answer.get("rating")
        text = (answer.get("text") or "").strip()
        if question.kind in CHOICE_KINDS:
            if rating is not None or text:
                raise _answer_error(question, _("Choose among the options of this question."))
            if not options:
                continue
            valid = {o.pk for o in question.options.all()}
            if len(set(options)) != len(options) or not set(options) <= valid:
                raise _answer_error(question, _("Choose distinct options of this question."))
            limit = 1 if question.kind == QuestionKind.SINGLE else question.max_choices or len(valid)
            if len(options) > limit:
                raise _answer_error(question, _("Choose at most %(n)s options.") % {"n": limit})
            given[question.pk] = {"options": sorted(options)}
        elif question.kind == QuestionKind.RATING:
            if options or text:
                raise _answer_error(question, _("Give a rating."))
            if rating is None:
                continue
            if not 1 <= rating <= question.rating_max:
                raise _answer_error(question, _("Rate from 1 to %(n)s.") % {"n": question.rating_max})
            given[question.pk] = {"rating": rating}
        else:
            if options or rating is not None:
                raise _answer_error(question, _("Write your answer."))
            if not text:
                continue
            given[question.pk] = {"text": text}
    for question in questions:
        if question.required and question.pk not in given:
            raise _answer_error(question, _("Answer every required question: “%(q)s”.") % {"q": question.text})
    return given


def do_respond(survey: Survey, answers: list[dict[str, Any]], *, actor: Actor) -> Survey:
    """Answer once. All in one transaction under the survey's lock (the survey's responses queue
    here): the respondent marked, the count, the tallies, the pool or the named response.
    Nothing is logged or audited, except a refusal by the confidentiality gate (before anything
    is written; the marking, never the text)."""
    check_texts(
        [("text", str(answer.get("text") or "")) for answer in answers], actor=actor, target=survey, what=survey.title
    )
    return _respond(survey, answers, actor=actor)


@transaction.atomic
def _respond(survey: Survey, answers: list[dict[str, Any]], *, actor: Actor) -> Survey:
    survey = _locked(survey)
    if survey.status != CampaignStatus.OPEN or survey.closes_at <= timezone.now():
        raise Conflict(SupervisionCode.SURVEY_NOT_OPEN, _("The survey is not open."))
    respondent = SurveyRespondent.objects.select_for_update().filter(survey=survey, user_id=actor.pk or 0).first()
    if respondent is None:
        raise NotAllowed(SupervisionCode.NOT_RESPONDENT, _("You are not asked to answer this survey."))
    if respondent.responded:
        raise Conflict(SupervisionCode.ALREADY_RESPONDED, _("You have already answered this survey."))
    questions = list(SurveyQuestion.objects.filter(survey=survey).prefetch_related("options").order_by("position"))
    given = _check_answers(questions, answers)
    texts = [(question_id, answer["text"]) for question_id, answer in given.items() if "text" in answer]

    SurveyRespondent.objects.filter(pk=respondent.pk).update(responded=True)
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    chosen = [option for answer in given.values() for option in answer.get("options", [])]
    tally_options(survey, chosen)
    tally_ratings(
        [q for q in questions if q.kind == QuestionKind.RATING],
        {question_id: answer["rating"] for question_id, answer in given.items() if "rating" in answer},
    )
    if survey.anonymous:
        pool_texts(survey, texts)
        release_text_pool(survey)
    else:
        SurveyTextAnswer.objects.bulk_create(
            [SurveyTextAnswer(id=uuid.uuid4(), question_id=question_id, text=text) for question_id, text in texts]
        )
        member = actor.user
        SurveyResponse.objects.create(
            survey=survey,
            user=member,
            name=member.name if member else "",
            organization_name=organization_names([respondent.organization_id or 0]).get(
                respondent.organization_id or 0, ""
            ),
            answers={str(question_id): answer for question_id, answer in given.items()},
        )
    survey.refresh_from_db()
    return survey
