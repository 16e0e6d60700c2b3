"""The masses' rating (群众测评). CONTRACT STUB."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from partycloud.accounts.actor import Actor
from partycloud.accounts.cards import CardHolder
from tenants.assessment.models import EvaluationRound, MassInvitation


def summary(actor: Actor, round_: EvaluationRound) -> dict[str, Any]:
    raise NotImplementedError


def candidates(round_: EvaluationRound, search: str) -> list[CardHolder]:
    return []


def candidate_rows(round_: EvaluationRound, holders: list[CardHolder]) -> list[dict[str, Any]]:
    return []


def invitations_of(round_: EvaluationRound) -> QuerySet[MassInvitation]:
    return MassInvitation.objects.none()


def invitation_of(round_: EvaluationRound, invitation_id: int) -> MassInvitation:
    raise NotImplementedError


def do_invite(round_: EvaluationRound, card_numbers: list[str], *, actor: Actor) -> dict[str, Any]:
    raise NotImplementedError


def do_reissue(invitation: MassInvitation, *, actor: Actor) -> dict[str, Any]:
    raise NotImplementedError


def do_withdraw(invitation: MassInvitation, *, actor: Actor) -> None:
    raise NotImplementedError


def ballot_for(code: str) -> dict[str, Any]:
    raise NotImplementedError


def do_vote(code: str, *, branch_grade: str, ratings: list[dict[str, Any]]) -> None:
    raise NotImplementedError
