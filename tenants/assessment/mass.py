"""The masses' rating (群众测评, DOMAIN_RULES §5): non-member employees invited by card number
rate the branch's graded members, anonymously, once each (docs/assessment.md).

Invitations: the branch's worker picks employees of this party committee from the group's roster
(``partycloud.accounts.cards``, the hub's port); party members per HR and members of this tenant
are refused. Each invitee gets a one-time code (8 characters of an unambiguous alphabet, from
``secrets``) shown ONCE in the response that issues it; only its keyed hash (HMAC-SHA-256) is
stored. A lost code is replaced by a new one while not used.

The ballot (public, no login, throttled, POST bodies only): the code opens the ballot; the vote
flags the invitation ``voted`` and stores a ``MassBallot`` with its ``MassRating`` rows, in one
transaction under the round's lock (one vote per code). Unlinkable: the ballot has a random key
and no time, code, person or sequence; nothing is logged, audited or sent at vote time; and the
round's invitations, ballots and ratings are rewritten together by each vote, so that even the
rows' transaction ids (PostgreSQL's ``xmin``) are the same for all of them and pair no ballot
with its invitation.
"""

from __future__ import annotations

import base64
import io
import secrets
from collections import Counter
from typing import Any

import segno
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.cards import CardHolder, non_member_employees, normalize_card_number, resolve_card
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotFoundError, ServiceError
from partycloud.tenancy.context import active_tenant
from tenants.assessment.errors import EvaluationCode
from tenants.assessment.evaluation import can_manage, check_manage, grade_counts, graded_participants
from tenants.assessment.models import EvaluationRound, MassBallot, MassInvitation, MassRating, RoundStatus
from tenants.members.models import Member

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
INVITING = frozenset({RoundStatus.DRAFT, RoundStatus.OPEN})
_HASH_SALT = "partycloud.assessment.mass.code"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """A code as typed: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in raw.upper() if ch not in " -\t")


def code_hash(code: str) -> str:
    """The stored form of a code: keyed (SECRET_KEY) HMAC-SHA-256, hex."""
    return salted_hmac(_HASH_SALT, normalize_code(code), algorithm="sha256").hexdigest()


def ballot_url() -> str:
    """The ballot page on this tenant's host (the QR code on the slips; the code is typed there)."""
    return f"{active_tenant().url}/ballot"


def qr_data_url(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=8, border=2, dark="#000000", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


# ------------------------------------------------------------------------------ console


def summary(actor: Actor, round_: EvaluationRound) -> dict[str, Any]:
    invitations = MassInvitation.objects.filter(round=round_)
    branch = MassBallot.objects.filter(round=round_).exclude(branch_grade="").values_list("branch_grade", flat=True)
    tallied = round_.status not in INVITING
    url = ballot_url()
    return {
        "invited": invitations.count(),
        "voted": invitations.filter(voted=True).count(),
        "ballots": MassBallot.objects.filter(round=round_).count(),
        "branch": grade_counts(Counter(branch) if tallied else None),
        "ballot_url": url,
        "ballot_qr": qr_data_url(url),
        "can_invite": round_.status in INVITING and can_manage(actor, round_),
    }


def _member_cards() -> set[str]:
    return {
        normalize_card_number(card)
        for card in Member.objects.exclude(employee_card_number="").values_list("employee_card_number", flat=True)
    }


def candidates(round_: EvaluationRound, search: str) -> list[CardHolder]:
    """Non-member employees of this party committee on the roster, members here left out."""
    cards = _member_cards()
    return [
        holder
        for holder in non_member_employees(active_tenant().pk, search, 500)
        if normalize_card_number(holder.card_number) not in cards
    ]


def candidate_rows(round_: EvaluationRound, holders: list[CardHolder]) -> list[dict[str, Any]]:
    invited = set(
        MassInvitation.objects.filter(round=round_, card_number__in=[h.card_number for h in holders]).values_list(
            "card_number", flat=True
        )
    )
    return [
        {
            "card_number": h.card_number,
            "name": h.name,
            "department": h.department,
            "invited": h.card_number in invited,
        }
        for h in holders
    ]


def invitations_of(round_: EvaluationRound) -> QuerySet[MassInvitation]:
    return MassInvitation.objects.filter(round=round_).order_by("card_number")


def invitation_of(round_: EvaluationRound, invitation_id: int) -> MassInvitation:
    invitation = MassInvitation.objects.filter(round=round_, pk=invitation_id).select_related("round").first()
    if invitation is None:
        raise NotFoundError(EvaluationCode.INVITATION_UNKNOWN, _("No such invitation in this round."))
    return invitation


def _check_inviting(actor: Actor, round_: EvaluationRound) -> None:
    check_manage(actor, round_)
    if round_.status not in INVITING:
        raise Conflict(EvaluationCode.NOT_OPEN, _("The round is not open."))


def _refusal(card: str, code: EvaluationCode, message: str) -> dict[str, str]:
    return {"card_number": card, "code": str(code), "message": message}


def _issue(round_: EvaluationRound, holder: CardHolder) -> tuple[MassInvitation, str]:
    while True:  # a collision of 8 characters of 31 is ~1e-12 per pair; retry regardless
        code = new_code()
        try:
            with transaction.atomic():
                return (
                    MassInvitation.objects.create(
                        round=round_, card_number=holder.card_number, name=holder.name, code_hash=code_hash(code)
                    ),
                    code,
                )
        except IntegrityError:
            if MassInvitation.objects.filter(round=round_, card_number=holder.card_number).exists():
                raise


@transaction.atomic
def do_invite(round_: EvaluationRound, card_numbers: list[str], *, actor: Actor) -> dict[str, Any]:
    """Invite employees by card number: each gets a one-time code, returned here and never again."""
    _check_inviting(actor, round_)
    tenant_id = active_tenant().pk
    member_cards = _member_cards()
    invited = set(MassInvitation.objects.filter(round=round_).values_list("card_number", flat=True))
    issued: list[dict[str, Any]] = []
    refused: list[dict[str, str]] = []
    seen: set[str] = set()
    for raw in card_numbers:
        card = normalize_card_number(raw)
        if not card or card in seen:
            continue
        seen.add(card)
        holder = resolve_card(card)
        if holder is None:
            refused.append(
                _refusal(card, EvaluationCode.CARD_UNKNOWN, _("No employee is known with this card number."))
            )
        elif holder.employer_id != tenant_id:
            refused.append(
                _refusal(
                    card,
                    EvaluationCode.CARD_OTHER_EMPLOYER,
                    _("This employee does not work for this party committee."),
                )
            )
        elif holder.hr_party_member or normalize_card_number(holder.card_number) in member_cards:
            refused.append(
                _refusal(
                    card, EvaluationCode.CARD_PARTY_MEMBER, _("Party members do not take part in the masses' rating.")
                )
            )
        elif holder.card_number in invited:
            refused.append(_refusal(card, EvaluationCode.CARD_INVITED, _("This employee is already invited.")))
        else:
            invitation, code = _issue(round_, holder)
            invited.add(holder.card_number)
            issued.append(
                {
                    "id": invitation.pk,
                    "card_number": invitation.card_number,
                    "name": invitation.name,
                    "department": holder.department,
                    "code": code,
                }
            )
    if issued:
        do_record_audit(event="evaluation.mass.invite", actor=actor, target=round_, details={"count": len(issued)})
    url = ballot_url()
    return {"issued": issued, "refused": refused, "ballot_url": url, "ballot_qr": qr_data_url(url)}


@transaction.atomic
def do_reissue(invitation: MassInvitation, *, actor: Actor) -> dict[str, Any]:
    """A new code for a lost slip: the old one stops working. Refused once the code has voted."""
    invitation = MassInvitation.objects.select_for_update().select_related("round").get(pk=invitation.pk)
    _check_inviting(actor, invitation.round)
    if invitation.voted:
        raise Conflict(EvaluationCode.ALREADY_VOTED, _("This code has been used."))
    while True:
        code = new_code()
        if not MassInvitation.objects.filter(code_hash=code_hash(code)).exists():
            break
    invitation.code_hash = code_hash(code)
    invitation.save(update_fields=["code_hash"])
    do_record_audit(
        event="evaluation.mass.reissue", actor=actor, target=invitation.round, details={"name": invitation.name}
    )
    holder = resolve_card(invitation.card_number)
    return {
        "id": invitation.pk,
        "card_number": invitation.card_number,
        "name": invitation.name,
        "department": holder.department if holder else "",
        "code": code,
    }


@transaction.atomic
def do_withdraw(invitation: MassInvitation, *, actor: Actor) -> None:
    invitation = MassInvitation.objects.select_for_update().select_related("round").get(pk=invitation.pk)
    _check_inviting(actor, invitation.round)
    if invitation.voted:
        raise Conflict(EvaluationCode.ALREADY_VOTED, _("This code has been used."))
    do_record_audit(
        event="evaluation.mass.withdraw", actor=actor, target=invitation.round, details={"name": invitation.name}
    )
    invitation.delete()


# ------------------------------------------------------------------------------ the public ballot


def _invalid() -> ServiceError:
    return ServiceError(EvaluationCode.CODE_INVALID, _("This code is not valid, or the rating is not open."), "code")


def _used() -> Conflict:
    return Conflict(EvaluationCode.ALREADY_VOTED, _("This code has been used."), "code")


def _invitation_for(code: str, *, lock: bool = False) -> MassInvitation:
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        raise _invalid()
    invitations = MassInvitation.objects.filter(code_hash=code_hash(normalized))
    if lock:
        invitations = invitations.select_for_update()
    invitation = invitations.first()
    if invitation is None:
        raise _invalid()
    return invitation


def ballot_for(code: str) -> dict[str, Any]:
    """What the code opens: the round, the branch and the graded participants, by name."""
    invitation = _invitation_for(code)
    round_ = EvaluationRound.objects.select_related("organization").get(pk=invitation.round_id)
    if round_.status != RoundStatus.OPEN:
        raise _invalid()
    if invitation.voted:
        raise _used()
    return {
        "title": round_.title,
        "year": round_.year,
        "branch": round_.organization.name,
        "people": [{"id": p.pk, "name": p.member.name} for p in graded_participants(round_)],
    }


@transaction.atomic
def do_vote(code: str, *, branch_grade: str, ratings: list[dict[str, Any]]) -> None:
    """One vote per code: the flag and the anonymous ballot in one transaction. Nothing here is
    logged, audited or sent: no trace pairs the ballot with the code or the person."""
    invitation = _invitation_for(code)
    # The round's lock first (every vote of the round queues here), then the invitation's.
    round_ = EvaluationRound.objects.select_for_update().get(pk=invitation.round_id)
    if round_.status != RoundStatus.OPEN:
        raise _invalid()
    invitation = _invitation_for(code, lock=True)
    if invitation.voted:
        raise _used()
    people = set(graded_participants(round_).values_list("pk", flat=True))
    rated = [row["participant"] for row in ratings]
    if len(rated) != len(set(rated)) or set(rated) != people:
        raise ServiceError(
            EvaluationCode.BALLOT_INCOMPLETE, _("Rate every person on the ballot, once each."), "ratings"
        )
    MassInvitation.objects.filter(pk=invitation.pk).update(voted=True)
    ballot = MassBallot.objects.create(round=round_, branch_grade=branch_grade or "")
    MassRating.objects.bulk_create(
        [MassRating(ballot=ballot, participant_id=row["participant"], grade=row["grade"]) for row in ratings]
    )
    # Rewrite the round's invitations, ballots and ratings in this transaction: every row's
    # xmin becomes this transaction's, so no system column pairs this ballot with its invitation.
    MassInvitation.objects.filter(round=round_).update(voted=F("voted"))
    MassBallot.objects.filter(round=round_).update(branch_grade=F("branch_grade"))
    MassRating.objects.filter(ballot__round=round_).update(grade=F("grade"))
