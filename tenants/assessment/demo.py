"""Demo democratic evaluation: rounds at three stages (confirmed last year, awaiting the decision,
open), gone through the services so every rule holds (the one-third cap, the probationary
members not graded)."""

from __future__ import annotations

from datetime import date, timedelta

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from tenants.assessment.evaluation import do_create_round, do_decide, do_rate, do_save_self_review, do_transition
from tenants.assessment.models import EvaluationRound, Grade, Participant, RoundStatus
from tenants.organizations.models import Organization

SELF_REVIEW = (
    "本年度认真学习党的理论，按时参加组织生活、足额交纳党费，立足岗位发挥先锋模范作用；不足是联系群众还不够经常。"
)


def _run(actor: Actor, branch: Organization, year: int, opens_on: date, closes_on: date) -> EvaluationRound:
    """A round opened, with every participant's self-review and peer ratings, then closed."""
    round_ = do_create_round(
        actor=actor, organization=branch.pk, title=f"{year}年度民主评议党员",
        opens_on=opens_on, closes_on=closes_on, year=year,
    )  # fmt: skip
    do_transition(round_, RoundStatus.OPEN, actor=actor)
    participants = list(Participant.objects.filter(round=round_).order_by("id"))
    graded = [p for p in participants if p.graded]
    for participant in participants:
        do_save_self_review(participant, SELF_REVIEW, submit=True, actor=actor)
        ratings = [
            {"participant": other.pk, "grade": Grade.EXCELLENT if n == 0 else Grade.QUALIFIED, "comment": ""}
            for n, other in enumerate(graded)
            if other.pk != participant.pk
        ]
        do_rate(participant, ratings, actor=actor)
    do_transition(round_, RoundStatus.CLOSED, actor=actor)
    return round_


def seed_evaluation(admin: User, branches: list[Organization], today: date, running_in: Organization | None) -> None:
    """The secretary's branch (``branches[0]``): last year's round confirmed (table 6 of the
    default annual report has figures), this year's closed and awaiting the general meeting's
    decision. The demo member's branch (``running_in``): this year's round open. Seeded once."""
    if EvaluationRound.objects.exists():
        return
    actor = Actor.for_user(admin)
    last = today.year - 1
    finished = _run(actor, branches[0], last, date(last, 11, 20), date(last, 12, 10))
    graded = list(Participant.objects.filter(round=finished, graded=True).order_by("id"))
    cap = len(graded) // 3  # the built-in rule: at most one third excellent
    grades = [
        {
            "participant": participant.pk,
            "grade": Grade.EXCELLENT
            if n < cap
            else Grade.BASICALLY_QUALIFIED
            if n == len(graded) - 1
            else Grade.QUALIFIED,
        }
        for n, participant in enumerate(graded)
    ]
    do_decide(finished, grades, decision_meeting_id=None, actor=actor)
    do_transition(finished, RoundStatus.CONFIRMED, actor=actor)
    _run(actor, branches[0], today.year, today - timedelta(days=21), today - timedelta(days=2))
    if running_in is not None and running_in.pk != branches[0].pk:
        running = do_create_round(
            actor=actor, organization=running_in.pk, title=f"{today.year}年度民主评议党员",
            opens_on=today - timedelta(days=3), closes_on=today + timedelta(days=14), year=today.year,
        )  # fmt: skip
        do_transition(running, RoundStatus.OPEN, actor=actor)
        for participant in Participant.objects.filter(round=running).order_by("id")[:2]:
            do_save_self_review(participant, SELF_REVIEW, submit=True, actor=actor)
