"""Recording development steps. Run in the tenant's schema."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.crypto import blind_index, decrypt, encrypt
from partycloud.core.dates import add_months
from partycloud.core.errors import Conflict, NotFoundError, ServiceError
from tenants.access.services import check_covers, scope_filter
from tenants.development.errors import DevelopmentCode
from tenants.development.models import CaseStep, DevelopmentCase, DevelopmentRule, ProbationDiscussion, Stage
from tenants.development.steps import (
    BY_NUMBER,
    DEFAULT_VALUES,
    Block,
    ProbationQuarter,
    check_activist_period,
    check_age,
    check_confirmation_meeting,
    check_talk,
    check_training,
    check_vote,
    check_within,
    probation_quarters,
)
from tenants.members.idcard import birth_date_of, mask_id_card
from tenants.members.models import COUNTED_STATUSES, Member, Membership, MemberStatus
from tenants.members.services import check_id_card, do_create_member, do_update_member, voting_roll
from tenants.organizations.models import Organization

HANDLERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
READERS = HANDLERS | {TenantRole.DISCIPLINE_INSPECTOR}
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


def visible_cases(actor: Actor) -> QuerySet[DevelopmentCase]:
    """The cases ``actor`` may read: the whole tenant, or the subtrees their role covers."""
    cases = DevelopmentCase.objects.all()
    scope = scope_filter(actor.user, READERS)
    return cases if scope is None else cases.filter(scope)


def check_can_handle(actor: Actor, organization_id: int) -> None:
    """Refuse (403) unless ``actor`` handles development cases in the organization."""
    check_covers(
        actor.user, organization_id, HANDLERS, DevelopmentCode.OUT_OF_SCOPE, _("This case is outside your scope.")
    )


def rule_in_force(on: date, rules: Sequence[DevelopmentRule] | None = None) -> DevelopmentRule:
    """The version in force on ``on``; from ``rules`` (``all_rules()``) without a query when given."""
    if rules is None:
        rule = DevelopmentRule.objects.filter(effective_from__lte=on).first()
    else:
        rule = next((version for version in rules if version.effective_from <= on), None)
    if rule is None:
        raise ServiceError(DevelopmentCode.NO_RULE, _("No development rule is in force; ask the administrator."))
    # A tenant's own version written before a rule value existed takes the default for it.
    rule.values = {**DEFAULT_VALUES, **rule.values}
    return rule


def all_rules() -> list[DevelopmentRule]:
    """Every version, newest first (the model's order, as ``rule_in_force`` picks): one query for
    the deadlines of many cases, whose dates each ask for the version in force then."""
    return list(DevelopmentRule.objects.all())


def with_deadline_records(cases: QuerySet[DevelopmentCase]) -> QuerySet[DevelopmentCase]:
    """``cases`` with what ``deadlines`` reads of each (steps, quarterly discussions) loaded in two
    queries for all of them, instead of several per case."""
    return cases.prefetch_related("steps", "probation_discussions")


def blocked(block: Block, rule: DevelopmentRule) -> ServiceError:
    message = _("%(message)s (rule %(version)s)") % {"message": block.message, "version": rule.version}
    return ServiceError(block.code, message, block.field)


def step_date(case: DevelopmentCase, number: int, *, last: bool = False) -> date | None:
    if "steps" in getattr(case, "_prefetched_objects_cache", {}):
        # Loaded with the case (``with_deadline_records``); services recording a step re-read the
        # case under a lock, so they never see a prefetched, stale list here.
        dates = [step.done_on for step in case.steps.all() if step.number == number]
        return (max(dates) if last else min(dates)) if dates else None
    steps = case.steps.filter(number=number).order_by("-done_on" if last else "done_on")
    found = steps.first()
    return found.done_on if found else None


def next_steps(case: DevelopmentCase) -> list[int]:
    """What can be recorded now: the next step, or a repeat of a repeatable one."""
    if case.stage == Stage.REVOKED or case.last_step >= 25:
        return []
    if case.stage == Stage.FULL:
        return [25]  # only the archive is left
    options = [case.last_step + 1]
    if case.last_step in BY_NUMBER and BY_NUMBER[case.last_step].repeatable:
        options.insert(0, case.last_step)
    return options


@transaction.atomic
def do_open_case(
    *, name: str, gender: str, id_card_number: str, organization: Organization, applied_on: date,
    phone: str = "", actor: Actor | None = None,
) -> DevelopmentCase:  # fmt: skip
    """Step 1: the application (age ≥ 18 on the day it is handed in). Without an ``actor`` the
    platform itself acts (the demo data)."""
    actor = actor or Actor.system()
    number = check_id_card(id_card_number)
    if not name.strip():
        raise ServiceError(DevelopmentCode.NAME_REQUIRED, _("Enter the applicant's name."), "name")
    if DevelopmentCase.objects.filter(id_card_index=blind_index(number)).exclude(stage=Stage.REVOKED).exists():
        raise Conflict(
            DevelopmentCode.CASE_EXISTS, _("This person already has a development case here."), "id_card_number"
        )
    if Member.objects.filter(id_card_index=blind_index(number), status__in=COUNTED_STATUSES).exists():
        raise Conflict(
            DevelopmentCode.ALREADY_MEMBER, _("This person is already a party member here."), "id_card_number"
        )
    rule = rule_in_force(applied_on)
    block = check_age(birth_date_of(number), applied_on, rule.values)
    if block:
        raise blocked(block, rule)
    case = DevelopmentCase.objects.create(
        name=name.strip(), gender=gender, birth_date=birth_date_of(number), organization=organization, phone=phone,
        id_card_encrypted=encrypt(number), id_card_index=blind_index(number), id_card_masked=mask_id_card(number),
        last_step=1,
    )  # fmt: skip
    CaseStep.objects.create(
        case=case, number=1, done_on=applied_on, rule_version=rule.version, actor=stored_user(actor.user)
    )
    do_record_audit(event="development.case.create", actor=actor, target=case)
    return case


def check_step(
    case: DevelopmentCase, number: int, on: date, data: dict[str, Any], rule: DevelopmentRule
) -> Block | None:
    """The preconditions of step ``number`` on ``on``; None when it may be recorded."""
    values = rule.values
    if number not in next_steps(case):
        expected = "、".join(str(n) for n in next_steps(case)) or "—"
        return Block(
            DevelopmentCode.OUT_OF_ORDER,
            _("Step %(step)d cannot be recorded now; next: %(next)s.") % {"step": number, "next": expected},
            "step",
        )
    previous = case.steps.order_by("-done_on").first()
    if previous is not None and on < previous.done_on:
        return Block(
            DevelopmentCode.DATE_BEFORE_PREVIOUS,
            _("The date is before the previous step (%(date)s).") % {"date": previous.done_on},
            "done_on",
        )
    if on > timezone.localdate():
        return Block(DevelopmentCode.DATE_IN_FUTURE, _("A step cannot be recorded in advance."), "done_on")
    applied = step_date(case, 1)
    assert applied is not None
    if number == 2:
        return check_talk(applied, on, values, data)
    if number == 7:
        return check_activist_period(step_date(case, 3) or on, on, values)
    if number == 9:
        return check_introducers(data)
    if number == 11:
        return check_training(data, values)
    if number == 15:
        review = step_date(case, 10, last=True)
        if review is None or on > add_months(review, values["political_review_valid_months"]):
            return Block(
                DevelopmentCode.POLITICAL_REVIEW_EXPIRED,
                _("The political review is older than one year; review again."),
                "done_on",
            )
        return check_vote(data, data["roll"]["entitled"])
    if number == 17:
        meeting = step_date(case, 15, last=True)
        assert meeting is not None
        return check_within(
            meeting, on, values["approval_restart_months"], DevelopmentCode.RESTART_REQUIRED,
            _("More than 6 months since the branch meeting (%(days)d days over): the development procedure restarts."),
        ) or check_within(
            meeting, on, values["approval_within_months"], DevelopmentCode.RE_DELIBERATE,
            _("More than 3 months since the branch meeting (%(days)d days over): the branch meeting must deliberate again."),
        )  # fmt: skip
    if number == 23:
        assert case.probation_ends_on is not None
        too_early = check_confirmation_meeting(case.probation_ends_on, on)
        if too_early:
            return too_early
        outcome = data.get("outcome")
        if outcome not in {"confirm", "extend", "revoke"}:
            return Block(
                DevelopmentCode.OUTCOME_REQUIRED, _("Choose the outcome: confirm, extend or revoke."), "details.outcome"
            )
        if outcome == "extend":
            months = int(data.get("extension_months") or 0)
            if case.extended:
                return Block(
                    DevelopmentCode.EXTENDED_ONCE, _("Probation can be extended only once."), "details.outcome"
                )
            if not values["extension_min_months"] <= months <= values["extension_max_months"]:
                return Block(
                    DevelopmentCode.EXTENSION_LENGTH,
                    _("An extension lasts 6 to 12 months."),
                    "details.extension_months",
                )
        return check_vote(data, data["roll"]["entitled"])
    if number == 24:
        vote = step_date(case, 23, last=True)
        assert vote is not None
        assert case.probation_ends_on is not None
        if on < case.probation_ends_on:
            return Block(
                DevelopmentCode.PROBATION_NOT_OVER,
                _("Probation ends on %(date)s; approve confirmation from then.")
                % {"date": case.probation_ends_on, "earliest": case.probation_ends_on},
                "done_on",
            )
        return check_within(
            vote, on, values["confirmation_approval_within_months"], DevelopmentCode.CONFIRMATION_APPROVAL_LATE,
            _("The upper committee approves within 3 months of the branch meeting (%(days)d days over)."),
        )  # fmt: skip
    return None


VOTE_STEPS = frozenset({15, 23})  # the branch general meeting votes on admission and on confirmation


def with_voting_roll(case: DevelopmentCase, on: date, data: dict[str, Any]) -> dict[str, Any]:
    """The vote's facts with the roll from the records on the meeting date stored beside them: the
    step then shows the computed number, the figure used and, when they differ, the reason."""
    roll = voting_roll(case.organization, on).as_dict()
    data = {key: value for key, value in data.items() if key != "roll"}  # never the client's own
    if data.get("entitled") in (None, ""):
        data["entitled"] = roll["entitled"]
    if not str(data.get("entitled_reason", "")).strip() or int_or_none(data["entitled"]) == roll["entitled"]:
        data.pop("entitled_reason", None)
    return {**data, "roll": roll}


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def check_introducers(data: dict[str, Any]) -> Block | None:
    ids = {int(i) for i in data.get("introducers", []) if str(i).isdigit()}
    if len(ids) != 2:
        return Block(DevelopmentCode.TWO_INTRODUCERS, _("Choose exactly two introducers."), "details.introducers")
    full = Member.objects.filter(pk__in=ids, membership=Membership.FULL, status__in=COUNTED_STATUSES).count()
    if full != 2:
        return Block(
            DevelopmentCode.INTRODUCER_NOT_FULL, _("Introducers must be full party members."), "details.introducers"
        )
    return None


@transaction.atomic
def do_record_step(
    case: DevelopmentCase, number: int, *, done_on: date, data: dict[str, Any] | None = None, notes: str = "",
    actor: Actor | None = None,
) -> CaseStep:  # fmt: skip
    """Record a step, or refuse it with the rule that blocked it."""
    actor = actor or Actor.system()
    case = DevelopmentCase.objects.select_for_update().get(pk=case.pk)
    data = data or {}
    if number in VOTE_STEPS:
        data = with_voting_roll(case, done_on, data)
    rule = rule_in_force(done_on)
    block = check_step(case, number, done_on, data, rule)
    if block:
        raise blocked(block, rule)
    step = CaseStep.objects.create(
        case=case,
        number=number,
        done_on=done_on,
        data=data,
        notes=notes,
        rule_version=rule.version,
        actor=stored_user(actor.user),
    )
    case.last_step = number
    case.stage = BY_NUMBER[number].stage if number < 25 else case.stage
    if number == 17:
        _admit(case, rule, actor)
    if number == 23:
        _apply_outcome(case, data, rule, actor, done_on)
    if number == 24:
        _confirm(case, actor, done_on)
    case.save()
    do_record_audit(
        event="development.step.record",
        details={"step": number},
        actor=actor,
        target=case,
    )
    return step


def _admit(case: DevelopmentCase, rule: DevelopmentRule, actor: Actor) -> None:
    """Upper approval: the person becomes a probationary member from the branch meeting's date."""
    meeting = step_date(case, 15, last=True)
    assert meeting is not None
    case.probation_ends_on = add_months(meeting, rule.values["probation_months"])
    case.member = do_create_member(
        {"name": case.name, "gender": case.gender, "joined_on": meeting, "membership": Membership.PROBATIONARY,
         "dues_category": "employee", "organization": case.organization, "phone": case.phone},
        id_card_number=decrypt(case.id_card_encrypted), placed_on=meeting, actor=actor,
    )  # fmt: skip


def _apply_outcome(
    case: DevelopmentCase, data: dict[str, Any], rule: DevelopmentRule, actor: Actor, done_on: date
) -> None:
    outcome = data["outcome"]
    if outcome == "extend":
        assert case.probation_ends_on is not None
        case.probation_ends_on = add_months(case.probation_ends_on, int(data["extension_months"]))
        case.extended = True
        case.last_step = 21  # continued education until the new end, then apply again
        case.stage = Stage.PROBATION
    elif outcome == "revoke":
        case.stage = Stage.REVOKED
        if case.member is not None:
            # Effective on the step's date, not the day it was recorded (the annual report counts by date).
            do_update_member(case.member, {"status": MemberStatus.LEFT}, effective_on=done_on, actor=actor)


def _confirm(case: DevelopmentCase, actor: Actor, done_on: date) -> None:
    """Party age counts from confirmation: the day probation ended."""
    vote = case.steps.filter(number=23).order_by("-done_on").first()
    if vote is None or vote.data.get("outcome") != "confirm":
        raise ServiceError(DevelopmentCode.NOT_CONFIRMED, _("The branch meeting did not decide to confirm."), "step")
    assert case.member is not None
    assert case.probation_ends_on is not None
    do_update_member(
        case.member,
        {"membership": Membership.FULL, "confirmed_on": case.probation_ends_on},
        effective_on=done_on,
        actor=actor,
    )
    case.stage = Stage.FULL


def deadlines(
    case: DevelopmentCase, today: date | None = None, rules: Sequence[DevelopmentRule] | None = None
) -> list[dict[str, Any]]:
    """What is due next for the secretary's to-do list. For many cases, pass ``all_rules()`` and
    cases loaded ``with_deadline_records``: then no query is made per case."""
    today = today or timezone.localdate()
    rule = rule_in_force(today, rules).values
    items: list[dict[str, Any]] = []

    def add(code: str, label: str, due: date) -> None:
        items.append({"code": code, "label": label, "due_on": due, "days_left": (due - today).days})

    applied = step_date(case, 1)
    if case.last_step == 1 and applied:
        add("talk_due", "谈话", add_months(applied, rule["talk_within_months"]))
    if 3 <= case.last_step <= 6:
        last_review = step_date(case, 6, last=True) or step_date(case, 3)
        if last_review:
            add("review_due", "培养考察", add_months(last_review, rule["review_every_months"]))
    if 15 <= case.last_step < 17:
        meeting = step_date(case, 15, last=True)
        if meeting:
            add("approval_window", "上级党委审批期限", add_months(meeting, rule["approval_within_months"]))
    if case.stage == Stage.PROBATION and case.probation_ends_on and case.last_step < 23:
        add("probation_ends", "预备期满", case.probation_ends_on)
    for quarter in quarters_of(case, today, rules):
        if quarter["status"] == "due":
            add("probation_discussion_due", f"预备期第 {quarter['number']} 季度讨论", quarter["last_day"])
    return items


# ---------------------------------------------------------------- quarterly discussions in probation


def _probation_periods(case: DevelopmentCase, rules: Sequence[DevelopmentRule] | None = None) -> list[ProbationQuarter]:
    """Probation runs from the admitting branch meeting (step 15) to ``probation_ends_on``."""
    if case.probation_ends_on is None or case.stage == Stage.REVOKED:
        return []
    admitted = step_date(case, 15, last=True)
    if admitted is None:
        return []
    every = rule_in_force(admitted, rules).values["probation_discussion_every_months"]
    return probation_quarters(admitted, case.probation_ends_on, every)


def quarters_of(
    case: DevelopmentCase, today: date | None = None, rules: Sequence[DevelopmentRule] | None = None
) -> list[dict[str, Any]]:
    """Each quarter of probation: discussed (with the date), missing (ended undiscussed), due
    (the current one, undiscussed) or upcoming. Quarters after the case closed are not asked for."""
    today = today or timezone.localdate()
    held = sorted(discussion.held_on for discussion in case.probation_discussions.all())
    rows = []
    periods = _probation_periods(case, rules)
    for quarter in periods:
        # A discussion on the day probation ends still counts for the last quarter.
        end = quarter.ends_on + timedelta(days=1) if quarter is periods[-1] else quarter.ends_on
        inside = [day for day in held if quarter.starts_on <= day < end]
        if inside:
            status = "discussed"
        elif quarter.ends_on <= today:
            status = "missing"
        elif quarter.starts_on <= today and case.stage in {Stage.ADMISSION, Stage.PROBATION}:
            status = "due"
        else:
            status = "upcoming"
        rows.append(
            {"number": quarter.number, "starts_on": quarter.starts_on, "last_day": quarter.last_day,
             "status": status, "discussed_on": inside[0] if inside else None}
        )  # fmt: skip
    return rows


def missing_quarters(case: DevelopmentCase, today: date | None = None) -> list[int]:
    return [row["number"] for row in quarters_of(case, today) if row["status"] == "missing"]


@transaction.atomic
def do_record_probation_discussion(
    case: DevelopmentCase, *, held_on: date, notes: str = "", actor: Actor | None = None
) -> ProbationDiscussion:
    """Record that the branch discussed the probationary member on ``held_on``."""
    actor = actor or Actor.system()
    case = DevelopmentCase.objects.select_for_update().get(pk=case.pk)
    periods = _probation_periods(case)
    if not periods or case.stage not in {Stage.ADMISSION, Stage.PROBATION}:
        raise ServiceError(
            DevelopmentCode.NOT_IN_PROBATION, _("Only a probationary member's case has quarterly discussions."), "case"
        )
    if held_on > timezone.localdate():
        raise ServiceError(DevelopmentCode.DATE_IN_FUTURE, _("A discussion cannot be recorded in advance."), "held_on")
    if not periods[0].starts_on <= held_on <= periods[-1].ends_on:
        raise ServiceError(
            DevelopmentCode.DISCUSSION_OUTSIDE_PROBATION,
            _("The discussion must fall within probation (%(start)s to %(end)s).")
            % {"start": periods[0].starts_on, "end": periods[-1].ends_on},
            "held_on",
        )
    rule = rule_in_force(held_on)
    discussion = ProbationDiscussion.objects.create(
        case=case, held_on=held_on, notes=notes.strip(), rule_version=rule.version, actor=stored_user(actor.user)
    )
    do_record_audit(
        event="development.probation_discussion.record",
        details={"held_on": held_on.isoformat()},
        actor=actor,
        target=case,
    )
    return discussion


# ---------------------------------------------------------------- evidence files


def recorded_step(case: DevelopmentCase, step_id: int) -> CaseStep:
    step = case.steps.filter(pk=step_id).first()
    if step is None:
        raise NotFoundError(DevelopmentCode.NO_STEP, _("This step has not been recorded."))
    return step


def do_attach_evidence(step: CaseStep, upload: UploadedFile[bytes], *, actor: Actor) -> CaseStep:
    """Attach the evidence file of a recorded step (PDF or image, at most 20 MB), for a caller
    handling the case's organization."""
    check_can_handle(actor, step.case.organization_id)
    name = upload.name or ""
    if (upload.size or 0) > EVIDENCE_MAX_BYTES or not name.lower().endswith(EVIDENCE_SUFFIXES):
        raise ServiceError(DevelopmentCode.BAD_EVIDENCE, _("Upload a PDF or an image of at most 20 MB."), "file")
    step.evidence.save(name, upload, save=True)
    return step


def evidence_of(case: DevelopmentCase, step_id: int, *, actor: Actor) -> CaseStep:
    """A step's evidence, for a caller who may read the case; every download is audited."""
    step = case.steps.filter(pk=step_id).exclude(evidence="").first()
    if step is None:
        raise NotFoundError(DevelopmentCode.NO_EVIDENCE, _("This step has no evidence file."))
    do_record_audit(
        event="development.evidence.download",
        details={"step": step.number},
        actor=actor,
        target=step,
        target_label=case.name,
    )
    return step


# ---------------------------------------------------------------- figures for other apps (read-only)

OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.ADMISSION, Stage.PROBATION)


def cases_on_schedule(organization_ids: Collection[int], today: date) -> tuple[int, int]:
    """(on schedule, open cases) for the organizations on ``today``: a case is on schedule when
    none of its deadlines has passed and no quarter of probation went undiscussed."""
    cases = with_deadline_records(
        DevelopmentCase.objects.filter(organization_id__in=list(organization_ids), stage__in=OPEN_STAGES)
    )
    rules = all_rules()
    on_schedule = total = 0
    for case in cases:
        total += 1
        late = any(item["days_left"] < 0 for item in deadlines(case, today, rules))
        missing = any(row["status"] == "missing" for row in quarters_of(case, today, rules))
        if not late and not missing:
            on_schedule += 1
    return on_schedule, total
