"""Use cases of the democratic evaluation (民主评议党员, DOMAIN_RULES §5). CONTRACT STUB."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from partycloud.accounts.actor import Actor
from partycloud.accounts.roles import TenantRole
from tenants.assessment.models import EvaluationRound, EvaluationRule, Participant

MANAGERS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
READERS = MANAGERS | {TenantRole.DISCIPLINE_INSPECTOR}


def rules() -> QuerySet[EvaluationRule]:
    return EvaluationRule.objects.all()


def do_create_local_rule(*, actor: Actor, **data: Any) -> EvaluationRule:
    raise NotImplementedError


def visible_rounds(actor: Actor) -> QuerySet[EvaluationRound]:
    return EvaluationRound.objects.none()


def filter_rounds(rounds: QuerySet[EvaluationRound], **params: Any) -> QuerySet[EvaluationRound]:
    return rounds


def with_counts(rounds: QuerySet[EvaluationRound]) -> QuerySet[EvaluationRound]:
    return rounds


def round_row(round_: EvaluationRound) -> dict[str, Any]:
    raise NotImplementedError


def round_detail(actor: Actor, round_: EvaluationRound) -> dict[str, Any]:
    raise NotImplementedError


def round_for(actor: Actor, round_id: int) -> EvaluationRound:
    raise NotImplementedError


def do_create_round(*, actor: Actor, **data: Any) -> EvaluationRound:
    raise NotImplementedError


def do_update_round(round_: EvaluationRound, *, actor: Actor, **changes: Any) -> EvaluationRound:
    raise NotImplementedError


def do_transition(round_: EvaluationRound, target: str, *, actor: Actor) -> EvaluationRound:
    raise NotImplementedError


def participants_of(round_: EvaluationRound) -> QuerySet[Participant]:
    return Participant.objects.none()


def participant_of(round_: EvaluationRound, participant_id: int) -> Participant:
    raise NotImplementedError


def participant_rows(round_: EvaluationRound, participants: Iterable[Participant]) -> list[dict[str, Any]]:
    return []


def do_set_excused(participant: Participant, excused: bool, *, actor: Actor) -> Participant:
    raise NotImplementedError


def decision_meetings(round_: EvaluationRound) -> list[dict[str, Any]]:
    return []


def do_decide(
    round_: EvaluationRound, grades: list[dict[str, Any]], *, decision_meeting_id: int | None, actor: Actor
) -> EvaluationRound:
    raise NotImplementedError


def my_participations(actor: Actor) -> QuerySet[Participant]:
    return Participant.objects.none()


def my_rows(participants: Iterable[Participant]) -> list[dict[str, Any]]:
    return []


def my_participation(actor: Actor, round_id: int) -> Participant:
    raise NotImplementedError


def my_detail(participant: Participant) -> dict[str, Any]:
    raise NotImplementedError


def do_save_self_review(participant: Participant, text: str, *, submit: bool, actor: Actor) -> Participant:
    raise NotImplementedError


def do_rate(participant: Participant, ratings: list[dict[str, Any]], *, actor: Actor) -> Participant:
    raise NotImplementedError
