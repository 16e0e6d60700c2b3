"""Use cases of member records. Run in the tenant's schema."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import PHONE_PATTERN, User, stored_user
from partycloud.accounts.roles import TenantRole
from partycloud.audit.services import do_record_audit
from partycloud.core.crypto import blind_index, decrypt, encrypt
from partycloud.core.dates import add_years
from partycloud.core.errors import Conflict, ServiceError
from partycloud.tenancy.context import active_tenant
from tenants.access.services import check_covers, do_sync_tenant_access, scope_filter
from tenants.members.errors import MembersCode
from tenants.members.idcard import birth_date_of, id_card_problem, mask_id_card, normalize_id_card
from tenants.members.models import (
    COUNTED_STATUSES,
    DisciplinaryProbation,
    DuesCategory,
    Education,
    Gender,
    Member,
    MemberChange,
    Membership,
    MemberStatus,
    MemberTenure,
)
from tenants.organizations.models import Organization, OrganizationKind

# A record in one of these states may be received again (a returning member): the person left
# this tenant or the party; a deceased member's record is closed for good.
RETURNABLE_STATUSES = frozenset({MemberStatus.TRANSFERRED_OUT, MemberStatus.LEFT})

FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "education", "job", "phone", "employee_card_number",
    "joined_on", "confirmed_on", "membership", "dues_category", "status", "organization",
)  # fmt: skip
ADULT_AGE = 18

EDITORS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY, TenantRole.COMMITTEE_MEMBER})
READERS = EDITORS | {TenantRole.DISCIPLINE_INSPECTOR}
# Who may read a clear ID-card number and record a 留党察看 decision.
DISCIPLINARIANS = frozenset({TenantRole.TENANT_ADMIN, TenantRole.SECRETARY})

_ID_CARD_MESSAGES = {
    "format": gettext_noop("The ID-card number must be 17 digits followed by a digit or X."),
    "checksum": gettext_noop("The ID-card number's check character is wrong; please check the number."),
    "birth_date": gettext_noop("The ID-card number contains an impossible birth date."),
}


def visible_members(actor: Actor) -> QuerySet[Member]:
    """The records ``actor`` may read: the whole tenant, or the subtrees their role covers."""
    members = Member.objects.all()
    scope = scope_filter(actor.user, READERS)
    return members if scope is None else members.filter(scope)


def check_member_in_scope(actor: Actor, organization_id: int, roles: frozenset[str] = EDITORS) -> None:
    """Refuse (403) unless ``actor`` holds one of ``roles`` over the organization holding the record."""
    check_covers(actor.user, organization_id, roles, MembersCode.OUT_OF_SCOPE, _("This member is outside your scope."))


def _choice(value: Any, choices: Any, field: str, label: str) -> None:
    if value not in choices.values:
        raise ServiceError(
            MembersCode(f"members.bad_{field}"), _("Choose a valid %(label)s.") % {"label": label}, field
        )


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_id_card(raw: str) -> str:
    number = normalize_id_card(raw)
    problem = id_card_problem(number)
    if problem is not None:
        raise ServiceError(MembersCode(f"members.id_card_{problem}"), _(_ID_CARD_MESSAGES[problem]), "id_card_number")
    return number


def check_member(data: dict[str, Any]) -> None:
    """Validate a complete member record; raise ServiceError naming the field at fault."""
    today = timezone.localdate()
    if not str(data.get("name", "")).strip():
        raise ServiceError(MembersCode.NAME_REQUIRED, _("Enter the member's name."), "name")
    _choice(data.get("gender"), Gender, "gender", _("gender"))
    _choice(data.get("membership"), Membership, "membership", _("membership"))
    _choice(data.get("dues_category"), DuesCategory, "dues_category", _("dues category"))
    _choice(data.get("status", MemberStatus.ACTIVE), MemberStatus, "status", _("status"))
    if data.get("education"):
        _choice(data["education"], Education, "education", _("education"))
    organization = data.get("organization")
    if not isinstance(organization, Organization) or not organization.is_active:
        raise ServiceError(
            MembersCode.ORGANIZATION_REQUIRED, _("Choose the organization that holds this member."), "organization"
        )
    if organization.kind == OrganizationKind.COMMITTEE:
        raise ServiceError(
            MembersCode.ORGANIZATION_KIND,
            _("Members are held by a branch, general branch or party group."),
            "organization",
        )
    joined, confirmed, birth = data.get("joined_on"), data.get("confirmed_on"), data.get("birth_date")
    if not isinstance(birth, date):
        raise ServiceError(MembersCode.BIRTH_DATE_REQUIRED, _("Enter the birth date."), "birth_date")
    if not isinstance(joined, date):
        raise ServiceError(MembersCode.JOINED_ON_REQUIRED, _("Enter the date of joining the party."), "joined_on")
    if joined > today:
        raise ServiceError(MembersCode.JOINED_ON_FUTURE, _("The joining date is in the future."), "joined_on")
    if age_on(birth, joined) < ADULT_AGE:
        raise ServiceError(
            MembersCode.TOO_YOUNG_AT_JOINING, _("A member must be at least 18 when joining the party."), "joined_on"
        )
    if data["membership"] == Membership.FULL and not isinstance(confirmed, date):
        raise ServiceError(
            MembersCode.CONFIRMED_ON_REQUIRED, _("A full member needs a confirmation date."), "confirmed_on"
        )
    if isinstance(confirmed, date):
        if data["membership"] == Membership.PROBATIONARY:
            raise ServiceError(
                MembersCode.PROBATIONARY_CONFIRMED,
                _("A probationary member has no confirmation date yet."),
                "confirmed_on",
            )
        if confirmed < joined or confirmed > today:
            raise ServiceError(
                MembersCode.CONFIRMED_ON_ORDER,
                _("The confirmation date must be after joining and not in the future."),
                "confirmed_on",
            )
    phone = str(data.get("phone") or "")
    if phone and not PHONE_PATTERN.match(phone):
        raise ServiceError(
            MembersCode.BAD_PHONE, _("Enter a valid mainland mobile number (11 digits starting with 1)."), "phone"
        )


def _open_tenure(member: Member, on: date) -> None:
    MemberTenure.objects.create(
        member=member, organization=member.organization, membership=member.membership, started_on=on
    )


def _close_tenure(member: Member, on: date) -> None:
    MemberTenure.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)


@transaction.atomic
def do_create_member(
    data: dict[str, Any],
    *,
    id_card_number: str,
    placed_on: date | None = None,
    actor: Actor | None = None,
    audit: bool = True,
) -> Member:
    """Record a member. The birth date comes from the ID card when not given. Without an
    ``actor`` the platform itself acts (a rebuild, the demo data)."""
    actor = actor or Actor.system()
    number = check_id_card(id_card_number)
    data = {key: value for key, value in data.items() if key in FIELDS}
    data.setdefault("birth_date", birth_date_of(number))
    if data["birth_date"] != birth_date_of(number):
        raise ServiceError(
            MembersCode.BIRTH_DATE_MISMATCH, _("The birth date does not match the ID-card number."), "birth_date"
        )
    data.setdefault("status", MemberStatus.ACTIVE)
    check_member(data)
    index = blind_index(number)
    phone = str(data.get("phone") or "")
    user = User.objects.filter(phone=phone).first() if phone else None
    earlier = Member.objects.filter(id_card_index=index).first()
    if earlier is not None and earlier.status not in RETURNABLE_STATUSES:
        raise Conflict(
            MembersCode.ID_CARD_TAKEN, _("A member with this ID-card number is already recorded."), "id_card_number"
        )
    if earlier is not None:
        # The form describes the whole record: what it leaves out is blank, not the archived value.
        columns = {column.name: column for column in Member._meta.concrete_fields}
        blank = {field: columns[field].get_default() for field in FIELDS}
        member = do_receive_returning_member(
            earlier, {**blank, **data, "user": user or earlier.user}, placed_on=placed_on, actor=actor
        )
        if audit:
            do_record_audit(event="member.return", actor=actor, target=member)
        return member
    member = Member.objects.create(
        **data,
        user=user,
        id_card_encrypted=encrypt(number),
        id_card_index=index,
        id_card_masked=mask_id_card(number),
    )
    on = placed_on or timezone.localdate()
    if member.status in COUNTED_STATUSES:
        _open_tenure(member, on)
    MemberChange.objects.create(member=member, kind="created", effective_on=on, actor=stored_user(actor.user))
    do_sync_member_record(member.user_id)
    if audit:
        do_record_audit(event="member.create", actor=actor, target=member)
    return member


def _plain(value: Any) -> Any:
    if isinstance(value, Organization):
        return value.pk
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def do_update_member(
    member: Member,
    changes: dict[str, Any],
    *,
    effective_on: date | None = None,
    actor: Actor | None = None,
) -> Member:
    """Change a record; organization, membership and status changes close and open tenures."""
    actor = actor or Actor.system()
    member = Member.objects.select_for_update().get(pk=member.pk)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ServiceError(MembersCode.UNKNOWN_FIELD, _("Unknown field."), sorted(unknown)[0])
    current = {field: getattr(member, field) for field in FIELDS}
    merged = {**current, **changes}
    check_member(merged)
    diff = {
        field: [_plain(current[field]), _plain(value)] for field, value in changes.items() if current[field] != value
    }
    if not diff:
        return member
    on = effective_on or timezone.localdate()
    for field, value in changes.items():
        setattr(member, field, value)
    member.save()
    counted_before = current["status"] in COUNTED_STATUSES
    counted_after = member.status in COUNTED_STATUSES
    placement_changed = {"organization", "membership"} & set(diff)
    if counted_before and (not counted_after or placement_changed):
        _close_tenure(member, on)
    if counted_after and (not counted_before or placement_changed):
        _open_tenure(member, on)
    kind = "moved" if "organization" in diff else "status" if "status" in diff else "updated"
    MemberChange.objects.create(member=member, kind=kind, changes=diff, effective_on=on, actor=stored_user(actor.user))
    do_sync_member_record(member.user_id)
    do_record_audit(
        event="member.update",
        details={"fields": sorted(diff)},
        actor=actor,
        target=member,
    )
    return member


@transaction.atomic
def do_receive_returning_member(
    member: Member,
    fields: dict[str, Any],
    *,
    placed_on: date | None = None,
    note: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> Member:
    """Receive again a person whose record here was archived (transferred out, or left the party).

    The archived record is reactivated rather than a second one created (ADR 0004): its id, its
    tenures and its change history stay, so what happened before the person left is still told
    by the same record, and the ID-card number stays unique per tenant. ``fields`` are the
    person's current facts (from the sending tenant or the form); the "returned" change lists
    what differed from the archived record."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in RETURNABLE_STATUSES:
        raise Conflict(MembersCode.ID_CARD_TAKEN, _("A member with this ID-card number is already recorded."), "member")
    fields = {**fields, "status": MemberStatus.ACTIVE}
    check_member(
        {**{field: getattr(member, field) for field in FIELDS}, **{k: v for k, v in fields.items() if k in FIELDS}}
    )
    diff = {
        field: [_plain(getattr(member, field)), _plain(value)]
        for field, value in fields.items()
        if field in FIELDS and getattr(member, field) != value
    }
    for field, value in fields.items():
        setattr(member, field, value)
    member.save()
    on = placed_on or timezone.localdate()
    _close_tenure(member, on)  # an archived record has none open; kept for safety against a stale one
    _open_tenure(member, on)
    MemberChange.objects.create(
        member=member,
        kind="returned",
        changes={**diff, **(note or {})},
        effective_on=on,
        actor=stored_user(actor.user if actor else None),
    )
    do_sync_member_record(member.user_id)
    return member


def reveal_id_card(member: Member, *, actor: Actor) -> str:
    """The clear ID-card number, for a tenant admin or a secretary covering the member; always audited."""
    check_member_in_scope(actor, member.organization_id, DISCIPLINARIANS)
    do_record_audit(event="member.idcard.read", actor=actor, target=member)
    return decrypt(member.id_card_encrypted)


def do_record_members_export(members: QuerySet[Member], *, filters: dict[str, str], actor: Actor) -> None:
    """Audit an export of the member list (``filters`` as the log shows them)."""
    do_record_audit(
        event="members.export",
        details={"count": members.count(), "filters": filters},
        actor=actor,
        target_type="members.member",
    )


def find_by_id_card(raw: str) -> Member | None:
    return Member.objects.filter(id_card_index=blind_index(normalize_id_card(raw))).first()


def tenures_on(day: date) -> QuerySet[MemberTenure]:
    """The tenures counting on ``day``: started by then and not ended by then."""
    return MemberTenure.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)


def counts_on(day: date, under: Organization | None = None) -> dict[int, dict[str, int]]:
    """Members per organization on ``day`` (by tenure), split by membership."""
    tenures = tenures_on(day)
    if under is not None:
        tenures = tenures.filter(organization__path__startswith=under.path)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"full": 0, "probationary": 0, "total": 0})
    for organization_id, membership in tenures.values_list("organization_id", "membership"):
        counts[organization_id][membership] += 1
        counts[organization_id]["total"] += 1
    return dict(counts)


# ---------------------------------------------------------------- voting rights (留党察看)


DISCIPLINARY_PROBATION_MAX_YEARS = 2  # Party Constitution Art. 40: one or two years


@transaction.atomic
def do_record_disciplinary_probation(
    member: Member,
    *,
    started_on: date,
    ends_on: date,
    decision: str,
    actor: Actor,
) -> DisciplinaryProbation:
    """Record a 留党察看 decision (a tenant admin, or a secretary covering the member): the member
    keeps the record but loses the right to vote until it ends."""
    check_member_in_scope(actor, member.organization_id, DISCIPLINARIANS)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status not in COUNTED_STATUSES:
        raise ServiceError(
            MembersCode.NOT_ACTIVE, _("Only an active member can be placed under disciplinary probation."), "member"
        )
    if not decision.strip():
        raise ServiceError(
            MembersCode.DECISION_REQUIRED, _("Enter the deciding body and the decision's number."), "decision"
        )
    if started_on > timezone.localdate():
        raise ServiceError(MembersCode.STARTED_ON_FUTURE, _("The start date is in the future."), "started_on")
    if not started_on < ends_on <= add_years(started_on, DISCIPLINARY_PROBATION_MAX_YEARS):
        raise ServiceError(
            MembersCode.DISCIPLINARY_PROBATION_LENGTH,
            _(
                "Disciplinary probation lasts one or two years: the end date must be after the start and at most two years later."
            ),
            "ends_on",
        )
    if member.disciplinary_probations.filter(started_on__lt=ends_on, ends_on__gt=started_on).exists():
        raise Conflict(
            MembersCode.DISCIPLINARY_PROBATION_OVERLAPS,
            _("This member is already under disciplinary probation in that period."),
            "started_on",
        )
    record = DisciplinaryProbation.objects.create(
        member=member,
        started_on=started_on,
        ends_on=ends_on,
        decision=decision.strip(),
        actor=stored_user(actor.user),
    )
    MemberChange.objects.create(
        member=member,
        kind="discipline",  # 留党察看 (kind is at most 20 characters)
        changes={"started_on": started_on.isoformat(), "ends_on": ends_on.isoformat(), "decision": record.decision},
        effective_on=started_on,
        actor=stored_user(actor.user),
    )
    do_record_audit(
        event="member.discipline.record",
        details={"started_on": started_on.isoformat(), "ends_on": ends_on.isoformat()},
        actor=actor,
        target=member,
    )
    return record


@dataclass(frozen=True)
class VotingRoll:
    """Who may vote in a branch's general meeting on a day, from the records."""

    organization_id: int
    on: date
    full: int  # full members of the branch that day (by tenure)
    probationary: int  # counted members without the right to vote
    suspended: int  # full members under 留党察看 that day

    @property
    def entitled(self) -> int:
        return self.full - self.suspended

    def as_dict(self) -> dict[str, Any]:
        return {
            "organization": self.organization_id,
            "date": self.on.isoformat(),
            "full": self.full,
            "probationary": self.probationary,
            "suspended": self.suspended,
            "entitled": self.entitled,
        }


def meeting_branch(organization: Organization) -> Organization:
    """The organization whose general meeting decides: a party group's members meet in its branch."""
    if organization.kind == OrganizationKind.PARTY_GROUP and organization.parent is not None:
        return organization.parent
    return organization


def voting_roll(organization: Organization, on: date) -> VotingRoll:
    """Members with voting rights on ``on``: full members of the branch (its party groups included)
    by their tenures that day, less those under 留党察看 that day; probationary members have none."""
    branch = meeting_branch(organization)
    tenures = MemberTenure.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on, organization__path__startswith=branch.path
    )
    full = set(tenures.filter(membership=Membership.FULL).values_list("member_id", flat=True))
    probationary = set(tenures.filter(membership=Membership.PROBATIONARY).values_list("member_id", flat=True))
    suspended = set(
        DisciplinaryProbation.objects.filter(member_id__in=full, started_on__lte=on, ends_on__gt=on).values_list(
            "member_id", flat=True
        )
    )
    return VotingRoll(branch.pk, on, len(full), len(probationary - full), len(suspended))


# ---------------------------------------------------------------- the group's index of member records


def has_counted_record(user_id: int) -> bool:
    """Whether the user has a record here that counts (registered with ``tenants.access``)."""
    return Member.objects.filter(user_id=user_id, status__in=COUNTED_STATUSES).exists()


def do_sync_member_record(user_id: int | None) -> None:
    """After a member record of ``user_id`` was created, archived or changed status: bring the group's
    index of where the user has a record (``TenantAccess``) up to date, in this transaction. The index
    is written only by ``tenants.access``; records without an account have nothing to index."""
    if user_id is not None:
        do_sync_tenant_access(user_id)


# ---------------------------------------------------------------- a record moving to another tenant
# The hub moves a member between two tenants of the group (``partycloud.hub.transfers``): it exports
# the record in the sending tenant, releases it there and has the receiving tenant receive it, all in
# one transaction across the two schemas. These are the only ways a record leaves or enters a tenant.

RECORD_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_card_encrypted", "id_card_index", "id_card_masked", "education",
    "job", "phone", "employee_card_number", "joined_on", "confirmed_on", "membership", "dues_category", "user_id",
)  # fmt: skip


@dataclass(frozen=True)
class MemberHistoryEntry:
    """One ``MemberChange`` of an exported record; ``changes["tenant"]`` names the tenant it happened in."""

    kind: str
    changes: dict[str, Any]
    effective_on: date
    created_at: datetime


@dataclass(frozen=True)
class MemberRecord:
    """A member's record as it travels between tenants: the person's facts (the ID card stays
    encrypted) and the history, each entry tagged with the tenant it happened in."""

    name: str
    gender: str
    ethnicity: str
    birth_date: date
    id_card_encrypted: str
    id_card_index: str
    id_card_masked: str
    education: str
    job: str
    phone: str
    employee_card_number: str
    joined_on: date
    confirmed_on: date | None
    membership: str
    dues_category: str
    user_id: int | None
    history: tuple[MemberHistoryEntry, ...]

    def fields(self) -> dict[str, Any]:
        """The record's facts, as ``Member`` fields."""
        return {field: getattr(self, field) for field in RECORD_FIELDS}


def export_member_record(member: Member) -> MemberRecord:
    """The record's facts and history, each history entry tagged with the tenant it happened in
    (entries copied in earlier keep their tag), so a tenant the member returns to can tell its own."""
    here = active_tenant().slug
    history = member.changes.order_by("created_at", "id").values("kind", "changes", "effective_on", "created_at")
    return MemberRecord(
        **{field: getattr(member, field) for field in RECORD_FIELDS},
        history=tuple(
            MemberHistoryEntry(
                kind=entry["kind"],
                changes={**entry["changes"], "tenant": entry["changes"].get("tenant", here)},
                effective_on=entry["effective_on"],
                created_at=entry["created_at"],
            )
            for entry in history
        ),
    )


@transaction.atomic
def do_release_member(member: Member, *, actor: Actor) -> Member:
    """The record leaves this tenant for another of the group: archived here as transferred out."""
    return do_update_member(member, {"status": MemberStatus.TRANSFERRED_OUT}, actor=actor)


@transaction.atomic
def do_record_arrival(member: Member, note: dict[str, Any], *, actor: Actor) -> MemberChange:
    """The member's relationship was transferred in (from another tenant, or with a letter from
    outside the group): a ``transferred_in`` change saying from where."""
    return MemberChange.objects.create(
        member=member,
        kind="transferred_in",
        changes=note,
        effective_on=timezone.localdate(),
        actor=stored_user(actor.user),
    )


@transaction.atomic
def do_receive_member_record(
    record: MemberRecord, organization: Organization, *, transfer_number: str, actor: Actor
) -> Member:
    """Create the record in the receiving tenant (the current schema) with its history; a member
    returning to a tenant that holds their archived record gets that record back (ADR 0004)."""
    fields = record.fields()
    here = active_tenant().slug
    today = timezone.localdate()
    earlier = Member.objects.filter(id_card_index=record.id_card_index).first()
    if earlier is not None and earlier.status not in RETURNABLE_STATUSES:
        raise Conflict(
            MembersCode.TRANSFERS_ALREADY_MEMBER_HERE, _("This person is already an active member here."), "member"
        )
    if earlier is not None:
        member = do_receive_returning_member(
            earlier, {**fields, "organization": organization}, placed_on=today,
            note={"transfer": transfer_number}, actor=actor,
        )  # fmt: skip
    else:
        member = Member.objects.create(**fields, organization=organization, status=MemberStatus.ACTIVE)
        _open_tenure(member, today)
    # What happened elsewhere; entries that happened here are already on a returning member's record.
    MemberChange.objects.bulk_create(
        [
            MemberChange(
                member=member,
                kind=entry.kind,
                changes={**entry.changes, "earlier_tenant": True},
                effective_on=entry.effective_on,
                created_at=entry.created_at,
            )
            for entry in record.history
            if entry.changes["tenant"] != here
        ]
    )
    do_record_arrival(member, {"transfer": transfer_number}, actor=actor)
    do_sync_member_record(member.user_id)
    return member


# ---------------------------------------------------------------- figures for other apps (read-only)


def counted_member_users(organization_ids: Collection[int]) -> list[int | None]:
    """The user (None: no account) of every member counted now (active or mobile) held by the
    organizations, one entry per member."""
    return list(
        Member.objects.filter(organization_id__in=list(organization_ids), status__in=COUNTED_STATUSES).values_list(
            "user_id", flat=True
        )
    )
