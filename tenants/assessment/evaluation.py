"""Use cases of the democratic evaluation (民主评议党员, DOMAIN_RULES §5, docs/assessment.md).

A branch's round for a year goes draft → open → closed → decided → confirmed:

- created by the branch's workers (secretary / committee members covering it) or the tenant
  admin, with the rule version in force on its opening day; participants are the branch's
  counted members (its party groups' too): full members graded, probationary members taking part
  but not graded (``graded`` False);
- open: each participant writes and submits a self-review and rates every other graded
  participant (优秀/合格/基本合格/不合格, optional comment, changeable until closed); the masses
  vote by one-time code (``tenants.assessment.mass``);
- closed: the tallies (peer and mass ratings per grade, never who rated what) are shown for the
  branch general meeting, whose decision the branch's worker enters: a grade for every graded,
  non-excused participant; excellent at most floor(graded × numerator / denominator) of the
  round's rule; unqualified with reasons and a follow-up (限期改正 with a deadline / 劝退 / 除名);
- confirmed by the upper committee (workers covering the branch's parent, or the tenant admin):
  locked; members see their grade.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from tenants.access.services import check_covers, user_covers, user_has_role, user_scope
from tenants.assessment.errors import EvaluationCode
from tenants.assessment.models import (
    EvaluationRound,
    EvaluationRule,
    FollowUp,
    Grade,
    MassBallot,
    MassInvitation,
    MassRating,
    Participant,
    PeerRating,
    RoundStatus,
)
from tenants.meetings.records import held_meetings_of
from tenants.members.models import COUNTED_STATUSES, Member, Membership
from tenants.notifications.services import do_notify_many
from tenants.organizations.models import Organization, OrganizationKind

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
READERS = MANAGERS | {TenantRole.DISCIPLINE_INSPECTOR}
UPPER = frozenset({TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
GENERAL_MEETING = "general_meeting"  # 支部党员大会, the activity kind that decides

GRADES = tuple(Grade.values)
# The statuses after which the tallies are shown (to the branch's workers and to each member).
TALLIED = frozenset({RoundStatus.CLOSED, RoundStatus.DECIDED, RoundStatus.CONFIRMED})
# Ratings, self-reviews and the masses' votes only while open.
TRANSITIONS: dict[str, str] = {
    RoundStatus.OPEN: RoundStatus.DRAFT,
    RoundStatus.CLOSED: RoundStatus.OPEN,
    RoundStatus.CONFIRMED: RoundStatus.DECIDED,
}


def grade_counts(counter: Counter[str] | None = None) -> dict[str, int]:
    counter = counter or Counter()
    counts = {grade: counter.get(grade, 0) for grade in GRADES}
    counts["total"] = sum(counts.values())
    return counts


def excellent_cap(graded: int, rule: EvaluationRule) -> int:
    """The most excellent grades ``rule`` allows among ``graded`` full members (rounded down)."""
    return graded * rule.excellent_numerator // rule.excellent_denominator


# ------------------------------------------------------------------------------ rules


def rules() -> QuerySet[EvaluationRule]:
    return EvaluationRule.objects.order_by("-effective_from", "-id")


def rule_in_force(day: date) -> EvaluationRule | None:
    return EvaluationRule.objects.filter(effective_from__lte=day).order_by("-effective_from", "-id").first()


@transaction.atomic
def do_create_local_rule(
    *,
    actor: Actor,
    version: str,
    effective_from: date,
    source: str,
    excellent_numerator: int,
    excellent_denominator: int,
) -> EvaluationRule:
    """A tenant's own rule version (*local*), effective on or after this year's first day."""
    if not user_has_role(actor.user, TenantRole.TENANT_ADMIN):
        raise NotAllowed(EvaluationCode.ADMIN_ONLY, _("Only the tenant administrator may add a rule version."))
    if effective_from < timezone.localdate().replace(month=1, day=1):
        raise ServiceError(
            EvaluationCode.RULE_EFFECTIVE_FROM,
            _("A local rule version takes effect on or after the first day of this year."),
            "effective_from",
        )
    if excellent_denominator < 1 or not 0 <= excellent_numerator <= excellent_denominator:
        raise ServiceError(
            EvaluationCode.RULE_SHARE,
            _("The share of excellent grades is a fraction between 0 and 1."),
            "excellent_numerator",
        )
    version = version.strip()
    if not version or EvaluationRule.objects.filter(version=version).exists():
        raise Conflict(EvaluationCode.RULE_VERSION_TAKEN, _("A rule version with this name already exists."), "version")
    rule = EvaluationRule.objects.create(
        version=version,
        effective_from=effective_from,
        source=source.strip() or _("local rule"),
        is_local=True,
        excellent_numerator=excellent_numerator,
        excellent_denominator=excellent_denominator,
    )
    do_record_audit(event="evaluation.rule.create", actor=actor, target=rule, details={"version": version})
    return rule


# ------------------------------------------------------------------------------ reading rounds


def visible_rounds(actor: Actor) -> QuerySet[EvaluationRound]:
    """Rounds of the organizations ``actor`` covers as a manager or inspector."""
    return user_scope(actor.user, READERS).apply(EvaluationRound.objects.all())


def _not_found() -> NotFoundError:
    return NotFoundError(EvaluationCode.ROUND_UNKNOWN, _("No such evaluation round here, or not for you."))


def round_for(actor: Actor, round_id: int) -> EvaluationRound:
    round_ = visible_rounds(actor).select_related("organization", "rule", "confirmed_by").filter(pk=round_id).first()
    if round_ is None:
        raise _not_found()
    return round_


def filter_rounds(
    rounds: QuerySet[EvaluationRound], *, organization: Any = None, year: Any = None, status: Any = None
) -> QuerySet[EvaluationRound]:
    if organization:
        found = Organization.objects.filter(pk=organization).first() if str(organization).isdigit() else None
        rounds = rounds.filter(organization__path__startswith=found.path) if found else rounds.none()
    if year:
        rounds = rounds.filter(year=int(year)) if str(year).isdigit() else rounds.none()
    if status:
        rounds = rounds.filter(status=status)
    return rounds


def _count(queryset: QuerySet[Any], field: str = "round") -> Any:
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(rounds: QuerySet[EvaluationRound]) -> QuerySet[EvaluationRound]:
    """Rounds with their participants', self-reviews' and the masses' counts (one statement)."""
    return (
        rounds.select_related("organization", "rule")
        .annotate(
            participant_count=_count(Participant.objects.all()),
            graded_count=_count(Participant.objects.filter(graded=True, excused=False)),
            self_submitted_count=_count(Participant.objects.filter(self_submitted_at__isnull=False)),
            invited_count=_count(MassInvitation.objects.all()),
            voted_count=_count(MassInvitation.objects.filter(voted=True)),
        )
        .order_by("-year", "organization__path", "-id")
    )


def round_row(round_: EvaluationRound) -> dict[str, Any]:
    rule = round_.rule
    return {
        "id": round_.pk,
        "title": round_.title,
        "year": round_.year,
        "organization": {"id": round_.organization_id, "name": round_.organization.name},
        "status": round_.status,
        "opens_on": round_.opens_on,
        "closes_on": round_.closes_on,
        "rule": {
            "id": rule.pk,
            "version": rule.version,
            "excellent_numerator": rule.excellent_numerator,
            "excellent_denominator": rule.excellent_denominator,
        },
        "participant_count": round_.participant_count,  # type: ignore[attr-defined]
        "graded_count": round_.graded_count,  # type: ignore[attr-defined]
        "self_submitted_count": round_.self_submitted_count,  # type: ignore[attr-defined]
        "invited_count": round_.invited_count,  # type: ignore[attr-defined]
        "voted_count": round_.voted_count,  # type: ignore[attr-defined]
    }


def can_manage(actor: Actor, round_: EvaluationRound) -> bool:
    return user_covers(actor.user, round_.organization_id, MANAGERS)


def is_upper(actor: Actor, round_: EvaluationRound) -> bool:
    """The upper committee: the tenant admin, or a secretary / committee member covering the
    branch's parent organization."""
    if user_has_role(actor.user, TenantRole.TENANT_ADMIN):
        return True
    parent_id = round_.organization.parent_id
    return parent_id is not None and user_covers(actor.user, parent_id, UPPER)


def round_detail(actor: Actor, round_: EvaluationRound) -> dict[str, Any]:
    counted = with_counts(EvaluationRound.objects.filter(pk=round_.pk)).select_related("confirmed_by").get()
    row = round_row(counted)
    meeting = None
    if counted.decision_meeting_id:
        meeting = next(
            (
                m
                for m in held_meetings_of(counted.organization_id, GENERAL_MEETING)
                if m.id == counted.decision_meeting_id
            ),
            None,
        )
    branch = Counter(
        MassBallot.objects.filter(round=counted).exclude(branch_grade="").values_list("branch_grade", flat=True)
    )
    graded = row["graded_count"]
    confirmed_by = counted.confirmed_by
    return {
        **row,
        "excellent_cap": excellent_cap(graded, counted.rule),
        "full_graded_count": graded,
        "decision_meeting": (
            {"id": meeting.id, "title": meeting.title, "held_on": meeting.held_on} if meeting is not None else None
        ),
        "decided_at": counted.decided_at,
        "confirmed_at": counted.confirmed_at,
        "confirmed_by": confirmed_by.name if confirmed_by else "",
        "mass_branch": grade_counts(branch) if counted.status in TALLIED else grade_counts(),
        "can_manage": can_manage(actor, counted),
        "can_confirm": counted.status == RoundStatus.DECIDED and is_upper(actor, counted),
    }


# ------------------------------------------------------------------------------ creating and moving rounds


def check_manage(actor: Actor, round_or_organization: EvaluationRound | Organization) -> None:
    organization_id = (
        round_or_organization.organization_id
        if isinstance(round_or_organization, EvaluationRound)
        else round_or_organization.pk
    )
    check_covers(
        actor.user,
        organization_id,
        MANAGERS,
        EvaluationCode.OUT_OF_SCOPE,
        _("This organization is outside your scope."),
    )


def counted_members(organization: Organization) -> QuerySet[Member]:
    """The members a round of ``organization`` evaluates: counted ones of its subtree."""
    return Member.objects.filter(organization__path__startswith=organization.path, status__in=COUNTED_STATUSES)


def _check_dates(opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise ServiceError(EvaluationCode.BAD_DATES, _("The round closes on or after the day it opens."), "closes_on")


def _sync_participants(round_: EvaluationRound, organization: Organization) -> None:
    """Participants = the branch's counted members now: new members added, departed ones (with
    nothing recorded) removed, membership changes reflected in ``graded``."""
    members = {m.pk: m for m in counted_members(organization).only("id", "membership")}
    existing = {p.member_id: p for p in round_.participants.all()}
    Participant.objects.bulk_create(
        [
            Participant(round=round_, member_id=member_id, graded=member.membership == Membership.FULL)
            for member_id, member in members.items()
            if member_id not in existing
        ]
    )
    gone = [p.pk for member_id, p in existing.items() if member_id not in members]
    if gone:
        Participant.objects.filter(pk__in=gone, ratings_given__isnull=True, ratings_received__isnull=True).delete()
    for member_id, participant in existing.items():
        member = members.get(member_id)
        if member is not None and participant.graded != (member.membership == Membership.FULL):
            participant.graded = member.membership == Membership.FULL
            participant.save(update_fields=["graded"])


@transaction.atomic
def do_create_round(
    *, actor: Actor, organization: int, title: str, opens_on: date, closes_on: date, year: int | None = None
) -> EvaluationRound:
    branch = Organization.objects.filter(pk=organization).first()
    if branch is None:
        raise ServiceError(
            EvaluationCode.NOT_A_BRANCH, _("Evaluation rounds are run by a party branch."), "organization"
        )
    check_manage(actor, branch)
    if branch.kind != OrganizationKind.BRANCH or not branch.is_active:
        raise ServiceError(
            EvaluationCode.NOT_A_BRANCH, _("Evaluation rounds are run by a party branch."), "organization"
        )
    year = year or opens_on.year
    if not 2000 <= year <= 2100:
        raise ServiceError(EvaluationCode.BAD_YEAR, _("Choose a year between 2000 and 2100."), "year")
    _check_dates(opens_on, closes_on)
    rule = rule_in_force(opens_on)
    if rule is None:
        raise ServiceError(EvaluationCode.NO_RULE, _("No evaluation rule is in force on the opening day."), "opens_on")
    if not counted_members(branch).exists():
        raise ServiceError(
            EvaluationCode.NO_PARTICIPANTS, _("The branch has no active members to evaluate."), "organization"
        )
    if EvaluationRound.objects.filter(organization=branch, year=year).exists():
        raise Conflict(EvaluationCode.ROUND_EXISTS, _("This branch already has an evaluation round for that year."))
    try:
        with transaction.atomic():
            round_ = EvaluationRound.objects.create(
                organization=branch,
                year=year,
                title=title.strip() or _("Democratic evaluation of members"),
                rule=rule,
                opens_on=opens_on,
                closes_on=closes_on,
            )
    except IntegrityError:
        raise Conflict(
            EvaluationCode.ROUND_EXISTS, _("This branch already has an evaluation round for that year.")
        ) from None
    _sync_participants(round_, branch)
    do_record_audit(event="evaluation.round.create", actor=actor, target=round_, details={"year": year})
    return round_


@transaction.atomic
def do_update_round(round_: EvaluationRound, *, actor: Actor, **changes: Any) -> EvaluationRound:
    check_manage(actor, round_)
    if round_.status != RoundStatus.DRAFT:
        raise Conflict(EvaluationCode.NOT_DRAFT, _("Only a draft round can be changed this way."))
    if "title" in changes:
        round_.title = changes["title"].strip() or round_.title
    round_.opens_on = changes.get("opens_on", round_.opens_on)
    round_.closes_on = changes.get("closes_on", round_.closes_on)
    _check_dates(round_.opens_on, round_.closes_on)
    if "opens_on" in changes:
        rule = rule_in_force(round_.opens_on)
        if rule is None:
            raise ServiceError(
                EvaluationCode.NO_RULE, _("No evaluation rule is in force on the opening day."), "opens_on"
            )
        round_.rule = rule
    round_.save()
    return round_


def _status_label(status: str) -> str:
    return str(dict(RoundStatus.choices).get(status, status))


@transaction.atomic
def do_transition(round_: EvaluationRound, target: str, *, actor: Actor) -> EvaluationRound:
    """open (from draft), close (from open) by the branch's workers; confirm (from decided) by
    the upper committee. Any other step is refused with ``evaluation.bad_transition``."""
    round_ = EvaluationRound.objects.select_for_update().select_related("organization", "rule").get(pk=round_.pk)
    if target == RoundStatus.CONFIRMED:
        if not is_upper(actor, round_):
            raise NotAllowed(
                EvaluationCode.NOT_UPPER,
                _("The upper committee (the workers of the parent organization or the tenant administrator) confirms."),
            )
    else:
        check_manage(actor, round_)
    if TRANSITIONS.get(target) != round_.status:
        raise Conflict(
            EvaluationCode.BAD_TRANSITION,
            _("The round cannot go from %(status)s to %(target)s.")
            % {"status": _status_label(round_.status), "target": _status_label(target)},
        )
    now = timezone.now()
    fields = ["status"]
    if target == RoundStatus.OPEN:
        _sync_participants(round_, round_.organization)
    if target == RoundStatus.CONFIRMED:
        round_.confirmed_at, round_.confirmed_by = now, actor.user
        fields += ["confirmed_at", "confirmed_by"]
    round_.status = target
    round_.save(update_fields=fields)
    do_record_audit(event=f"evaluation.round.{_VERBS[target]}", actor=actor, target=round_)
    if target == RoundStatus.OPEN:
        _notify_opened(round_)
    return round_


_VERBS: dict[str, str] = {RoundStatus.OPEN: "open", RoundStatus.CLOSED: "close", RoundStatus.CONFIRMED: "confirm"}


def _notify_opened(round_: EvaluationRound) -> None:
    users = [
        p.member.user
        for p in round_.participants.select_related("member__user").filter(member__user__isnull=False)
        if p.member.user is not None
    ]
    title = _("Democratic evaluation open: %(title)s") % {"title": round_.title}
    body = _("Write your self-review and rate the other members by %(day)s.") % {"day": round_.closes_on.isoformat()}
    do_notify_many(users, title, body, f"/evaluation/{round_.pk}")


# ------------------------------------------------------------------------------ participants and tallies


def participants_of(round_: EvaluationRound) -> QuerySet[Participant]:
    return round_.participants.select_related("member").order_by("-graded", "member__name", "id")


def participant_of(round_: EvaluationRound, participant_id: int) -> Participant:
    participant = round_.participants.select_related("member").filter(pk=participant_id).first()
    if participant is None:
        raise NotFoundError(EvaluationCode.NOT_RATEABLE, _("This person is not rated in this round."))
    return participant


def peer_tallies(round_: EvaluationRound) -> dict[int, Counter[str]]:
    tallies: dict[int, Counter[str]] = defaultdict(Counter)
    for ratee_id, grade, n in (
        PeerRating.objects.filter(round=round_).values_list("ratee_id", "grade").annotate(n=Count("id")).order_by()
    ):
        tallies[ratee_id][grade] += n
    return tallies


def mass_tallies(round_: EvaluationRound) -> dict[int, Counter[str]]:
    tallies: dict[int, Counter[str]] = defaultdict(Counter)
    for participant_id, grade, n in (
        MassRating.objects.filter(ballot__round=round_)
        .values_list("participant_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    ):
        tallies[participant_id][grade] += n
    return tallies


def participant_rows(round_: EvaluationRound, participants: Iterable[Participant]) -> list[dict[str, Any]]:
    """Rows for the branch's workers: the tallies and unattributed comments once closed."""
    participants = list(participants)
    tallied = round_.status in TALLIED
    ids = [p.pk for p in participants]
    peer = peer_tallies(round_) if tallied else {}
    mass = mass_tallies(round_) if tallied else {}
    comments: dict[int, list[str]] = defaultdict(list)
    if tallied:
        for ratee_id, comment in (
            PeerRating.objects.filter(ratee_id__in=ids).exclude(comment="").values_list("ratee_id", "comment")
        ):
            comments[ratee_id].append(comment)
    given = dict(
        PeerRating.objects.filter(rater_id__in=ids)
        .values("rater_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("rater_id", "n")
    )
    rateable = round_.participants.filter(graded=True).count()
    return [
        {
            "id": p.pk,
            "member": {"id": p.member_id, "name": p.member.name},
            "membership": p.member.membership,
            "graded": p.graded,
            "excused": p.excused,
            "self_review": p.self_review,
            "self_submitted_at": p.self_submitted_at,
            "ratings_given": given.get(p.pk, 0),
            "ratings_expected": rateable - (1 if p.graded else 0),
            "peer": grade_counts(peer.get(p.pk)) if tallied and p.graded else None,
            "mass": grade_counts(mass.get(p.pk)) if tallied and p.graded else None,
            "peer_comments": sorted(comments.get(p.pk, [])),
            "grade": p.grade,
            "unqualified_reasons": p.unqualified_reasons,
            "follow_up": p.follow_up,
            "follow_up_deadline": p.follow_up_deadline,
        }
        for p in participants
    ]


@transaction.atomic
def do_set_excused(participant: Participant, excused: bool, *, actor: Actor) -> Participant:
    """Absent with leave (not graded), or back; only before the decision."""
    round_ = participant.round
    check_manage(actor, round_)
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED):
        raise Conflict(EvaluationCode.ALREADY_DECIDED, _("The decision has been taken; this can no longer be changed."))
    participant.excused = excused
    participant.save(update_fields=["excused"])
    do_record_audit(
        event="evaluation.participant.excuse",
        actor=actor,
        target=round_,
        details={"name": participant.member.name, "excused": excused},
    )
    return participant


def decision_meetings(round_: EvaluationRound) -> list[dict[str, Any]]:
    return [
        {"id": m.id, "title": m.title, "held_on": m.held_on}
        for m in held_meetings_of(round_.organization_id, GENERAL_MEETING)
    ]


# ------------------------------------------------------------------------------ the decision


def _grade_error(code: EvaluationCode, message: str, index: int, field: str = "grade") -> ServiceError:
    return ServiceError(code, message, f"grades[{index}].{field}")


@transaction.atomic
def do_decide(
    round_: EvaluationRound, grades: list[dict[str, Any]], *, decision_meeting_id: int | None, actor: Actor
) -> EvaluationRound:
    """The general meeting's decision: every graded, non-excused participant's grade."""
    round_ = EvaluationRound.objects.select_for_update().select_related("organization", "rule").get(pk=round_.pk)
    check_manage(actor, round_)
    if round_.status == RoundStatus.CONFIRMED:
        raise Conflict(EvaluationCode.ALREADY_DECIDED, _("The decision has been taken; this can no longer be changed."))
    if round_.status not in (RoundStatus.CLOSED, RoundStatus.DECIDED):
        raise Conflict(
            EvaluationCode.BAD_TRANSITION,
            _("The round cannot go from %(status)s to %(target)s.")
            % {"status": _status_label(round_.status), "target": _status_label(RoundStatus.DECIDED)},
        )
    participants = {p.pk: p for p in round_.participants.select_related("member")}
    to_grade = {pk for pk, p in participants.items() if p.graded and not p.excused}
    seen: set[int] = set()
    for index, row in enumerate(grades):
        participant = participants.get(row["participant"])
        if participant is None or participant.pk not in to_grade:
            raise _grade_error(
                EvaluationCode.GRADE_NOT_ALLOWED,
                _("Probationary and excused participants are not graded."),
                index,
                "participant",
            )
        if participant.pk in seen:
            raise _grade_error(
                EvaluationCode.GRADE_MISSING,
                _("Give a grade to every graded participant who is not excused."),
                index,
                "participant",
            )
        seen.add(participant.pk)
        if row["grade"] == Grade.UNQUALIFIED:
            if not (row.get("unqualified_reasons") or "").strip() or not row.get("follow_up"):
                raise _grade_error(
                    EvaluationCode.UNQUALIFIED_REASONS,
                    _("An unqualified grade needs the reasons and the follow-up measure."),
                    index,
                    "unqualified_reasons",
                )
            if row["follow_up"] == FollowUp.RECTIFY and not row.get("follow_up_deadline"):
                raise _grade_error(
                    EvaluationCode.FOLLOW_UP_DEADLINE,
                    _("Correction within a deadline needs the deadline."),
                    index,
                    "follow_up_deadline",
                )
    if seen != to_grade:
        raise ServiceError(
            EvaluationCode.GRADE_MISSING, _("Give a grade to every graded participant who is not excused."), "grades"
        )
    cap = excellent_cap(len(to_grade), round_.rule)
    excellent = sum(1 for row in grades if row["grade"] == Grade.EXCELLENT)
    if excellent > cap:
        raise ServiceError(
            EvaluationCode.EXCELLENT_CAP,
            _("At most %(cap)s excellent grades: %(share)s of %(members)s full members graded.")
            % {
                "cap": cap,
                "share": f"{round_.rule.excellent_numerator}/{round_.rule.excellent_denominator}",
                "members": len(to_grade),
            },
            "grades",
        )
    if decision_meeting_id is not None and decision_meeting_id not in {
        m.id for m in held_meetings_of(round_.organization_id, GENERAL_MEETING)
    }:
        raise ServiceError(
            EvaluationCode.BAD_MEETING,
            _("Link a general meeting of this branch that has been held."),
            "decision_meeting_id",
        )
    changed = []
    for row in grades:
        participant = participants[row["participant"]]
        unqualified = row["grade"] == Grade.UNQUALIFIED
        participant.grade = row["grade"]
        participant.unqualified_reasons = (row.get("unqualified_reasons") or "").strip() if unqualified else ""
        participant.follow_up = row.get("follow_up") or "" if unqualified else ""
        participant.follow_up_deadline = (
            row.get("follow_up_deadline") if unqualified and participant.follow_up == FollowUp.RECTIFY else None
        )
        changed.append(participant)
    # Those no longer to grade (excused since a previous decision) lose any grade.
    for pk, participant in participants.items():
        if pk not in to_grade and participant.grade:
            participant.grade, participant.unqualified_reasons, participant.follow_up = "", "", ""
            participant.follow_up_deadline = None
            changed.append(participant)
    Participant.objects.bulk_update(
        changed, ["grade", "unqualified_reasons", "follow_up", "follow_up_deadline"], batch_size=500
    )
    round_.status = RoundStatus.DECIDED
    round_.decided_at = timezone.now()
    round_.decision_meeting_id = decision_meeting_id
    round_.save(update_fields=["status", "decided_at", "decision_meeting_id"])
    counts = Counter(row["grade"] for row in grades)
    do_record_audit(
        event="evaluation.round.decide",
        actor=actor,
        target=round_,
        details={"count": len(grades), "excellent": counts[Grade.EXCELLENT], "unqualified": counts[Grade.UNQUALIFIED]},
    )
    return round_


# ------------------------------------------------------------------------------ the member's side


def my_participations(actor: Actor) -> QuerySet[Participant]:
    """Your participations in rounds that have opened, newest first."""
    if actor.user is None:
        return Participant.objects.none()
    return (
        Participant.objects.filter(member__user=actor.user)
        .exclude(round__status=RoundStatus.DRAFT)
        .select_related("round__organization", "member")
        .order_by("-round__year", "-round_id")
    )


def my_participation(actor: Actor, round_id: int) -> Participant:
    participant = my_participations(actor).filter(round_id=round_id).first()
    if participant is None:
        raise NotFoundError(EvaluationCode.NOT_PARTICIPANT, _("You are not a participant of this round."))
    return participant


def my_rows(participants: Iterable[Participant]) -> list[dict[str, Any]]:
    """What a member sees of their participations: aggregates only, their grade once confirmed."""
    participants = list(participants)
    ids = [p.pk for p in participants]
    rounds = {p.round_id for p in participants}
    peer: dict[int, Counter[str]] = defaultdict(Counter)
    for ratee_id, grade, n in (
        PeerRating.objects.filter(ratee_id__in=ids, round__status__in=TALLIED)
        .values_list("ratee_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    ):
        peer[ratee_id][grade] += n
    mass: dict[int, Counter[str]] = defaultdict(Counter)
    for participant_id, grade, n in (
        MassRating.objects.filter(participant_id__in=ids, ballot__round__status__in=TALLIED)
        .values_list("participant_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    ):
        mass[participant_id][grade] += n
    given = dict(
        PeerRating.objects.filter(rater_id__in=ids)
        .values("rater_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("rater_id", "n")
    )
    rateable = dict(
        Participant.objects.filter(round_id__in=rounds, graded=True)
        .values("round_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("round_id", "n")
    )
    rows = []
    for p in participants:
        round_ = p.round
        confirmed = round_.status == RoundStatus.CONFIRMED
        tallied = round_.status in TALLIED and p.graded
        rows.append(
            {
                "round": round_.pk,
                "participant": p.pk,
                "title": round_.title,
                "year": round_.year,
                "organization": {"id": round_.organization_id, "name": round_.organization.name},
                "status": round_.status,
                "opens_on": round_.opens_on,
                "closes_on": round_.closes_on,
                "graded": p.graded,
                "excused": p.excused,
                "self_review": p.self_review,
                "self_submitted_at": p.self_submitted_at,
                "ratings_given": given.get(p.pk, 0),
                "ratings_expected": rateable.get(round_.pk, 0) - (1 if p.graded else 0),
                "grade": p.grade if confirmed else "",
                "follow_up": p.follow_up if confirmed else "",
                "follow_up_deadline": p.follow_up_deadline if confirmed else None,
                "peer": grade_counts(peer.get(p.pk)) if tallied else None,
                "mass": grade_counts(mass.get(p.pk)) if tallied else None,
            }
        )
    return rows


def my_detail(participant: Participant) -> dict[str, Any]:
    """Your participation with the people you rate (the graded participants but you) and your ratings."""
    row = my_rows([participant])[0]
    mine = {r.ratee_id: r for r in PeerRating.objects.filter(rater=participant)}
    others = (
        Participant.objects.filter(round_id=participant.round_id, graded=True)
        .exclude(pk=participant.pk)
        .select_related("member")
        .order_by("member__name", "id")
    )
    row["ratings"] = [
        {
            "participant": other.pk,
            "name": other.member.name,
            "grade": mine[other.pk].grade if other.pk in mine else "",
            "comment": mine[other.pk].comment if other.pk in mine else "",
        }
        for other in others
    ]
    return row


def _check_open(round_: EvaluationRound) -> None:
    if round_.status != RoundStatus.OPEN:
        raise Conflict(EvaluationCode.NOT_OPEN, _("The round is not open."))


@transaction.atomic
def do_save_self_review(participant: Participant, text: str, *, submit: bool, actor: Actor) -> Participant:
    """Save your self-review while open; ``submit`` submits it (it stays editable while open)."""
    participant = Participant.objects.select_for_update().select_related("round__organization").get(pk=participant.pk)
    _check_open(participant.round)
    text = text.strip()
    if submit and not text:
        raise ServiceError(
            EvaluationCode.SELF_REVIEW_REQUIRED, _("Write your self-review before submitting it."), "text"
        )
    participant.self_review = text
    if submit:
        participant.self_submitted_at = timezone.now()
    participant.save(update_fields=["self_review", "self_submitted_at"])
    return participant


@transaction.atomic
def do_rate(participant: Participant, ratings: list[dict[str, Any]], *, actor: Actor) -> Participant:
    """Rate other graded participants (add or change) while the round is open; never yourself."""
    _check_open(EvaluationRound.objects.select_for_update().get(pk=participant.round_id))
    rateable = set(Participant.objects.filter(round_id=participant.round_id, graded=True).values_list("pk", flat=True))
    for index, row in enumerate(ratings):
        if row["participant"] == participant.pk:
            raise ServiceError(
                EvaluationCode.SELF_RATING, _("You cannot rate yourself."), f"ratings[{index}].participant"
            )
        if row["participant"] not in rateable:
            raise ServiceError(
                EvaluationCode.NOT_RATEABLE,
                _("This person is not rated in this round."),
                f"ratings[{index}].participant",
            )
    latest = {row["participant"]: row for row in ratings}
    PeerRating.objects.bulk_create(
        [
            PeerRating(
                round_id=participant.round_id,
                rater=participant,
                ratee_id=ratee_id,
                grade=row["grade"],
                comment=(row.get("comment") or "").strip(),
            )
            for ratee_id, row in latest.items()
        ],
        update_conflicts=True,
        unique_fields=["rater", "ratee"],
        update_fields=["grade", "comment", "updated_at"],
    )
    return participant


def participant_user_ids(round_: EvaluationRound) -> set[int]:
    return set(round_.participants.filter(member__user__isnull=False).values_list("member__user_id", flat=True))


def graded_participants(round_: EvaluationRound) -> QuerySet[Participant]:
    return round_.participants.filter(graded=True).select_related("member").order_by("member__name", "id")
