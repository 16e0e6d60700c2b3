"""Anonymous votes (匿名投票, DOMAIN_RULES §7, docs/supervision.md "Anonymous votes"): eligible
voters in a scope, each votes at most once, and no ballot can be linked to its voter.

There are no ballots. Casting, in ONE transaction: the vote's row is locked (the casts of a vote
queue there), then the voter's row (``select_for_update``); a voter who has voted is refused;
``voted`` is set; and ONE statement rewrites EVERY option of the vote,
``count = count + (id = ANY(chosen))::int``, so all the vote's options carry the same row version
whatever was chosen. Nothing else is written: no row, no time, no audit entry, no notification,
no log line (the statement goes through the raw DB-API cursor, so even Django's debug cursor
never sees the chosen ids); the choice travels only in the POST body.

Turnout (voted / eligible) is live for voters and organizers; the tally only once the vote is
closed (by hand or by the beat at ``closes_at``). A cancelled vote never shows a tally.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.audit.services import do_record_audit
from partycloud.core.errors import Conflict, NotAllowed, NotFoundError, ServiceError
from tenants.access.services import user_covers, user_scope
from tenants.notifications.kinds import NotificationKind
from tenants.notifications.services import do_notify_many
from tenants.organizations.models import Organization
from tenants.supervision import audience
from tenants.supervision.anonymity import execute_unlogged
from tenants.supervision.errors import SupervisionCode
from tenants.supervision.models import CampaignStatus, Vote, VoteOption, VoteVoter
from tenants.supervision.surveys import (
    MANAGERS,
    READERS,
    TRANSITIONS,
    check_manage,
    check_texts,
    check_window,
    organization_names,
    share,
)

__all__ = ["MANAGERS", "READERS"]


# ------------------------------------------------------------------------------ reading votes


def visible_votes(actor: Actor) -> QuerySet[Vote]:
    """Votes of the organizations ``actor`` covers as a worker or inspector."""
    organizations = user_scope(actor.user, READERS).apply(Organization.objects.all(), "path")
    return Vote.objects.filter(organization_id__in=organizations.values("pk"))


def _not_found() -> NotFoundError:
    return NotFoundError(SupervisionCode.VOTE_NOT_FOUND, _("No such vote within your scope."))


def _with_turnout(votes: QuerySet[Vote]) -> QuerySet[Vote]:
    """Each vote with how many have voted (a subquery: the member's side joins the voters already)."""
    voted = (
        VoteVoter.objects.filter(vote=OuterRef("pk"), voted=True)
        .order_by()
        .values("vote")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return votes.annotate(voted_count=Coalesce(Subquery(voted, output_field=IntegerField()), Value(0)))


def vote_for(actor: Actor, vote_id: int) -> Vote:
    vote = _with_turnout(visible_votes(actor)).select_related("created_by").filter(pk=vote_id).first()
    if vote is None:
        raise _not_found()
    return vote


def filter_votes(votes: QuerySet[Vote], *, organization: Any = None, status: Any = None) -> QuerySet[Vote]:
    if organization:
        found = Organization.objects.filter(pk=organization).first() if str(organization).isdigit() else None
        votes = (
            votes.filter(organization_id__in=Organization.objects.filter(path__startswith=found.path).values("pk"))
            if found
            else votes.none()
        )
    if status:
        votes = votes.filter(status=status)
    return _with_turnout(votes).select_related("created_by").order_by("-opens_at", "-id")


def _voted_count(vote: Vote) -> int:
    counted = getattr(vote, "voted_count", None)
    if counted is None:
        counted = VoteVoter.objects.filter(vote_id=vote.pk, voted=True).count()
    return int(counted)


def turnout(vote: Vote) -> dict[str, Any]:
    """Voted / eligible now (read fresh: the live figure)."""
    voted = VoteVoter.objects.filter(vote_id=vote.pk, voted=True).count()
    eligible = Vote.objects.filter(pk=vote.pk).values_list("eligible_count", flat=True).first() or 0
    return {"eligible_count": eligible, "voted_count": voted, "turnout": share(voted, eligible)}


def _turnout_of(vote: Vote) -> dict[str, Any]:
    voted = _voted_count(vote)
    return {"eligible_count": vote.eligible_count, "voted_count": voted, "turnout": share(voted, vote.eligible_count)}


def vote_rows(page: Sequence[Vote]) -> list[dict[str, Any]]:
    names = organization_names(v.organization_id for v in page)
    return [
        {
            "id": v.pk,
            "title": v.title,
            "organization": {"id": v.organization_id, "name": names.get(v.organization_id, "")},
            "scope": v.scope,
            "max_choices": v.max_choices,
            "status": v.status,
            "opens_at": v.opens_at,
            "closes_at": v.closes_at,
            "closed_at": v.closed_at,
            "created_by": v.created_by.name if v.created_by else "",
            "created_at": v.created_at,
            **_turnout_of(v),
        }
        for v in page
    ]


def options_of(vote: Vote) -> list[dict[str, Any]]:
    return [
        {"id": o.pk, "position": o.position, "text": o.text}
        for o in VoteOption.objects.filter(vote_id=vote.pk).order_by("position", "id")
    ]


def can_manage(actor: Actor, vote: Vote) -> bool:
    return user_covers(actor.user, vote.organization_id, MANAGERS)


def vote_detail(actor: Actor, vote: Vote) -> dict[str, Any]:
    manage = can_manage(actor, vote)
    return {
        **vote_rows([vote])[0],
        "description": vote.description,
        "options": options_of(vote),
        "can_manage": manage,
        "can_edit": manage and vote.status == CampaignStatus.DRAFT,
        "tally_available": vote.status == CampaignStatus.CLOSED,
    }


def tally(vote: Vote) -> dict[str, Any]:
    """The counts per option, in the vote's order: only once the vote is closed."""
    if vote.status != CampaignStatus.CLOSED:
        raise Conflict(SupervisionCode.VOTE_TALLY_HIDDEN, _("The tally is shown once the vote is closed."))
    figures = turnout(vote)
    return {
        "id": vote.pk,
        "title": vote.title,
        "max_choices": vote.max_choices,
        "closed_at": vote.closed_at,
        **figures,
        "options": [
            {
                "id": o.pk,
                "position": o.position,
                "text": o.text,
                "count": o.count,
                "percent": share(o.count, figures["voted_count"]),
            }
            for o in VoteOption.objects.filter(vote_id=vote.pk).order_by("position", "id")
        ],
    }


# ------------------------------------------------------------------------------ writing drafts


def _clean_options(options: list[str], max_choices: int) -> list[str]:
    cleaned = [option.strip() for option in options]
    if len(cleaned) < 2 or any(not option for option in cleaned):
        raise ServiceError(
            SupervisionCode.BAD_OPTIONS, _("A vote needs at least two options, none of them empty."), "options"
        )
    if len(set(cleaned)) != len(cleaned):
        raise ServiceError(SupervisionCode.BAD_OPTIONS, _("Two options have the same text."), "options")
    if not 1 <= max_choices <= len(cleaned):
        raise ServiceError(
            SupervisionCode.BAD_MAX_CHOICES,
            _("Each voter picks between 1 and %(n)s options.") % {"n": len(cleaned)},
            "max_choices",
        )
    return cleaned


def _write_options(vote: Vote, options: list[str]) -> None:
    VoteOption.objects.filter(vote=vote).delete()
    VoteOption.objects.bulk_create([VoteOption(vote=vote, position=n, text=text) for n, text in enumerate(options)])


def do_create_vote(
    *,
    actor: Actor,
    organization: int,
    title: str,
    description: str = "",
    scope: str,
    max_choices: int = 1,
    opens_at: datetime,
    closes_at: datetime,
    options: list[str],
) -> Vote:
    unit = audience.check_scope(organization, scope)
    check_manage(actor, unit.pk)
    title = title.strip()
    if not title:
        raise ServiceError(SupervisionCode.TITLE_REQUIRED, _("Give the vote a title."), "title")
    check_window(opens_at, closes_at)
    cleaned = _clean_options(options, max_choices)
    check_texts(
        [("title", title), ("description", description), *(("option", o) for o in cleaned)],
        actor=actor,
        what=title,
        event="supervision.vote.classified.refuse",
    )
    with transaction.atomic():  # after the gate: the refusal's audit entry must outlive the refusal
        vote = Vote.objects.create(
            title=title,
            description=description.strip(),
            organization_id=unit.pk,
            scope=scope,
            max_choices=max_choices,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor.user,
        )
        _write_options(vote, cleaned)
        do_record_audit(event="supervision.vote.create", actor=actor, target=vote)
    return vote


def _locked(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().get(pk=vote.pk)


def _check_draft(vote: Vote) -> None:
    if vote.status != CampaignStatus.DRAFT:
        raise Conflict(SupervisionCode.VOTE_NOT_DRAFT, _("Only a draft vote can be changed or deleted."))


def do_update_vote(vote: Vote, *, actor: Actor, **changes: Any) -> Vote:
    """Change a draft (``options`` replaces them all)."""
    check_manage(actor, vote.organization_id)
    for name in ("title", "description"):
        if name in changes:
            changes[name] = changes[name].strip()
    if "title" in changes and not changes["title"]:
        raise ServiceError(SupervisionCode.TITLE_REQUIRED, _("Give the vote a title."), "title")
    options = changes.pop("options", None)
    if options is not None:
        options = _clean_options(options, changes.get("max_choices", vote.max_choices))
    # The gate before the transaction: the refusal's audit entry must outlive the refusal.
    check_texts(
        [
            ("title", changes.get("title")),
            ("description", changes.get("description")),
            *(("option", o) for o in options or []),
        ],
        actor=actor,
        target=vote,
        what=vote.title,
        event="supervision.vote.classified.refuse",
    )
    with transaction.atomic():
        vote = _locked(vote)
        _check_draft(vote)
        if "scope" in changes:
            audience.check_scope(vote.organization_id, changes["scope"])
        if options is None and "max_choices" in changes:
            _clean_options(
                list(VoteOption.objects.filter(vote=vote).values_list("text", flat=True)), changes["max_choices"]
            )
        if "opens_at" in changes or "closes_at" in changes:
            check_window(changes.get("opens_at", vote.opens_at), changes.get("closes_at", vote.closes_at))
        for name, value in changes.items():
            setattr(vote, name, value)
        vote.save()
        if options is not None:
            _write_options(vote, options)
        fields = sorted([*changes, *(["options"] if options is not None else [])])
        do_record_audit(
            event="supervision.vote.update", actor=actor, target=vote, details={"fields": ", ".join(fields)}
        )
    return vote


@transaction.atomic
def do_delete_vote(vote: Vote, *, actor: Actor) -> None:
    vote = _locked(vote)
    check_manage(actor, vote.organization_id)
    _check_draft(vote)
    do_record_audit(event="supervision.vote.delete", actor=actor, target=vote)
    vote.delete()


# ------------------------------------------------------------------------------ opening and closing


def _open(vote: Vote, *, actor: Actor) -> None:
    """Fix the eligible voters (the scope's members with an account, now; rows in member order)
    and tell them."""
    now = timezone.now()
    if vote.closes_at <= now:
        raise Conflict(SupervisionCode.WINDOW_OVER, _("The window's end has already passed."), "closes_at")
    found = audience.recipients(vote.organization_id, vote.scope)
    if not found:
        raise Conflict(SupervisionCode.NO_RECIPIENTS, _("Nobody with an account is in this scope."), "scope")
    VoteVoter.objects.bulk_create(
        [VoteVoter(vote=vote, user_id=r.user_id, organization_id=r.organization_id) for r in found], batch_size=2000
    )
    vote.status = CampaignStatus.OPEN
    vote.opens_at = min(vote.opens_at, now)
    vote.eligible_count = len(found)
    vote.save(update_fields=["status", "opens_at", "eligible_count"])
    users = list(User.objects.filter(pk__in=[r.user_id for r in found]))
    title = _("Anonymous vote: %(title)s") % {"title": vote.title}
    body = _("Please vote by %(time)s. Your vote is anonymous.") % {
        "time": timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M")
    }
    do_notify_many(users, title, body, f"/supervision/votes/{vote.pk}", kind=NotificationKind.SUPERVISION_NOTICE)
    do_record_audit(event="supervision.vote.open", actor=actor, target=vote, details={"count": vote.eligible_count})


def _close(vote: Vote, *, actor: Actor, target: str = CampaignStatus.CLOSED) -> None:
    vote.status = target
    vote.closed_at = timezone.now()
    vote.save(update_fields=["status", "closed_at"])
    event = "supervision.vote.close" if target == CampaignStatus.CLOSED else "supervision.vote.cancel"
    do_record_audit(
        event=event,
        actor=actor,
        target=vote,
        details={"count": VoteVoter.objects.filter(vote_id=vote.pk, voted=True).count()},
    )


@transaction.atomic
def do_transition(vote: Vote, target: str, *, actor: Actor) -> Vote:
    vote = _locked(vote)
    check_manage(actor, vote.organization_id)
    if vote.status not in TRANSITIONS.get(target, frozenset()):
        raise Conflict(
            SupervisionCode.VOTE_BAD_TRANSITION,
            _("The vote cannot go from %(status)s to %(target)s.") % {"status": vote.status, "target": target},
        )
    if target == CampaignStatus.OPEN:
        _open(vote, actor=actor)
    elif vote.status == CampaignStatus.DRAFT:  # a draft cancelled: nobody was asked
        vote.status = target
        vote.save(update_fields=["status"])
        do_record_audit(event="supervision.vote.cancel", actor=actor, target=vote, details={"count": 0})
    else:
        _close(vote, actor=actor, target=target)
    return vote


def do_open_due_votes() -> int:
    """The beat: open the drafts whose ``opens_at`` has passed (not those whose window is over)."""
    now = timezone.now()
    opened = 0
    for vote_id in Vote.objects.filter(status=CampaignStatus.DRAFT, opens_at__lte=now, closes_at__gt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            vote = _locked(Vote(pk=vote_id))
            if vote.status != CampaignStatus.DRAFT:
                continue
            try:
                with transaction.atomic():
                    _open(vote, actor=Actor.system())
            except ServiceError:  # nobody in the scope: it stays a draft for the organizer to fix
                continue
            opened += 1
    return opened


def do_close_due_votes() -> int:
    """The beat: close the open votes whose ``closes_at`` has passed (idempotent)."""
    closed = 0
    for vote_id in Vote.objects.filter(status=CampaignStatus.OPEN, closes_at__lte=timezone.now()).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            vote = _locked(Vote(pk=vote_id))
            if vote.status == CampaignStatus.OPEN:
                _close(vote, actor=Actor.system())
                closed += 1
    return closed


# ------------------------------------------------------------------------------ the voter's side


def my_votes(actor: Actor) -> QuerySet[Vote]:
    """Votes ``actor`` is eligible in (open or past; never drafts), open first."""
    return (
        _with_turnout(Vote.objects.filter(voters__user_id=actor.pk or 0).exclude(status=CampaignStatus.DRAFT))
        .annotate(
            _open_first=Case(
                When(status=CampaignStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("_open_first", "-opens_at", "-id")
    )


def my_vote(actor: Actor, vote_id: int) -> Vote:
    vote = my_votes(actor).filter(pk=vote_id).first()
    if vote is None:
        raise _not_found()
    return vote


def my_rows(actor: Actor, page: Sequence[Vote]) -> list[dict[str, Any]]:
    names = organization_names(v.organization_id for v in page)
    voted = set(
        VoteVoter.objects.filter(vote_id__in=[v.pk for v in page], user_id=actor.pk or 0, voted=True).values_list(
            "vote_id", flat=True
        )
    )
    now = timezone.now()
    return [
        {
            "id": v.pk,
            "title": v.title,
            "organization": {"id": v.organization_id, "name": names.get(v.organization_id, "")},
            "max_choices": v.max_choices,
            "status": v.status,
            "opens_at": v.opens_at,
            "closes_at": v.closes_at,
            "voted": v.pk in voted,
            "can_vote": v.status == CampaignStatus.OPEN and v.closes_at > now and v.pk not in voted,
            "tally_available": v.status == CampaignStatus.CLOSED,
            **_turnout_of(v),
        }
        for v in page
    ]


def my_detail(actor: Actor, vote: Vote) -> dict[str, Any]:
    return {**my_rows(actor, [vote])[0], "description": vote.description, "options": options_of(vote)}


def check_ballot(vote: Vote, chosen: list[int]) -> list[int]:
    """1..max_choices distinct options of this vote (the same refusal whatever is wrong with them,
    and without naming them)."""
    valid = set(VoteOption.objects.filter(vote_id=vote.pk).values_list("pk", flat=True))
    if not chosen or len(set(chosen)) != len(chosen) or not set(chosen) <= valid or len(chosen) > vote.max_choices:
        raise ServiceError(
            SupervisionCode.BAD_BALLOT,
            _("Choose between 1 and %(n)s different options of this vote.") % {"n": vote.max_choices},
            "options",
        )
    return sorted(chosen)


@transaction.atomic
def do_cast(vote: Vote, chosen: list[int], *, actor: Actor) -> Vote:
    """Vote once. Nothing is logged, audited, notified or stored beside the voter: see the module."""
    vote = _locked(vote)  # the vote's casts queue here: the options' UPDATE below never deadlocks
    if vote.status != CampaignStatus.OPEN or vote.closes_at <= timezone.now():
        raise Conflict(SupervisionCode.VOTE_NOT_OPEN, _("The vote is not open."))
    voter = VoteVoter.objects.select_for_update().filter(vote_id=vote.pk, user_id=actor.pk or 0).first()
    if voter is None:
        raise NotAllowed(SupervisionCode.NOT_ELIGIBLE, _("You are not among this vote's eligible voters."))
    if voter.voted:
        raise Conflict(SupervisionCode.ALREADY_VOTED, _("You have already voted."))
    chosen = check_ballot(vote, chosen)
    VoteVoter.objects.filter(pk=voter.pk).update(voted=True)
    # Every option of the vote, chosen or not, in one statement past Django's query logging.
    execute_unlogged(
        f"UPDATE {VoteOption._meta.db_table} SET count = count + (id = ANY(%s))::int WHERE vote_id = %s",
        [chosen, vote.pk],
    )
    return vote
