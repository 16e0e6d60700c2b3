"""The organizational-life rules (DOMAIN_RULES §2), read in one place: which rule version is in
force on a day, and which of its requirements bind an organization on that day.

The frequencies are rows of ``ActivityRule``/``ActivityRequirement`` in the tenant's schema (the
2018 regulations seeded as version 2018.1, a tenant's *local* versions beside them); the newest
version with ``effective_from`` on or before the day applies. Applicability follows the
organization's kind, and for committee meetings the branch's full members on that day (by their
tenures, the branch's party groups included) against the version's ``committee_threshold``:
a branch that reaches 7 full members mid-year owes committee meetings from then on.

Used by the annual plan (records), the compliance engine and its reminders; bulk callers pass
``full_members`` from ``full_members_on`` (one query for many organizations).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.core.errors import ServiceError
from tenants.meetings.errors import MeetingsCode
from tenants.meetings.models import ActivityRequirement, ActivityRule, AppliesTo
from tenants.members.models import Membership
from tenants.members.services import tenures_on
from tenants.organizations.models import Organization, OrganizationKind

# Which organization kinds each ``applies_to`` names (the committee meeting adds the threshold).
KINDS_FOR: dict[str, frozenset[str]] = {
    AppliesTo.BRANCH: frozenset({OrganizationKind.BRANCH}),
    AppliesTo.BRANCH_WITH_COMMITTEE: frozenset({OrganizationKind.BRANCH}),
    AppliesTo.BRANCH_PAIRS: frozenset({OrganizationKind.BRANCH}),
    AppliesTo.PARTY_GROUP: frozenset({OrganizationKind.PARTY_GROUP}),
    AppliesTo.COMMITTEE: frozenset({OrganizationKind.COMMITTEE, OrganizationKind.GENERAL_BRANCH}),
}


def _with_requirements() -> Prefetch:  # type: ignore[type-arg]
    active = ActivityRequirement.objects.filter(kind__is_active=True).select_related("kind")
    return Prefetch("requirements", queryset=active)


def rule_in_force(day: date | None = None) -> ActivityRule:
    """The version in force on ``day`` (default today) in the active schema, with its
    requirements (of active kinds) and their kinds loaded: ``rule.requirements.all()`` is free."""
    rule = (
        ActivityRule.objects.filter(effective_from__lte=day or timezone.localdate())
        .order_by("-effective_from", "-id")
        .prefetch_related(_with_requirements())
        .first()
    )
    if rule is None:  # never after the seed migration, unless someone deleted the 2018 version
        raise ServiceError(MeetingsCode.NO_RULE, _("No organizational-life rule is in force on that day."))
    return rule


def rules_between(start: date, end: date) -> list[ActivityRule]:
    """Every version in force on some day of [start, end], oldest first (one query): a year's
    periods may fall under two versions. Pick per day with ``rule_on``."""
    rules = list(
        ActivityRule.objects.filter(effective_from__lte=end)
        .order_by("-effective_from", "-id")
        .prefetch_related(_with_requirements())
    )
    in_force: list[ActivityRule] = []
    for rule in rules:
        in_force.append(rule)
        if rule.effective_from <= start:
            break
    return list(reversed(in_force))


def rule_on(rules: list[ActivityRule], day: date) -> ActivityRule | None:
    """From ``rules_between``'s list (oldest first), the version in force on ``day``."""
    chosen = None
    for rule in rules:
        if rule.effective_from <= day:
            chosen = rule
    return chosen


def full_members_on(day: date, organizations: Iterable[Organization]) -> dict[int, int]:
    """Full members on ``day`` of each organization's subtree (a branch counts its party groups'),
    by tenure; one query whatever the number of organizations."""
    organizations = list(organizations)
    if not organizations:
        return {}
    per_path = (
        tenures_on(day)
        .filter(membership=Membership.FULL)
        .values("organization__path")
        .annotate(members=Count("member_id", distinct=True))
    )
    counts = {organization.pk: 0 for organization in organizations}
    rows = [(row["organization__path"], row["members"]) for row in per_path]
    for organization in organizations:
        counts[organization.pk] = sum(members for path, members in rows if path.startswith(organization.path))
    return counts


def applies(
    requirement: ActivityRequirement, organization: Organization, rule: ActivityRule, full_members: int | None
) -> bool:
    """Whether ``requirement`` binds ``organization`` (``full_members``: its full members that day,
    needed only for a committee meeting)."""
    if organization.kind not in KINDS_FOR.get(requirement.applies_to, frozenset()):
        return False
    if requirement.applies_to == AppliesTo.BRANCH_WITH_COMMITTEE:
        return full_members is not None and full_members >= rule.committee_threshold
    return True


def requirements_for(
    organization: Organization, rule: ActivityRule, day: date, *, full_members: int | None = None
) -> list[ActivityRequirement]:
    """The requirements of ``rule`` that bind ``organization`` on ``day`` (an inactive organization
    owes nothing). ``full_members`` may be given by a bulk caller; otherwise it is counted when a
    committee-meeting requirement needs it."""
    if not organization.is_active:
        return []
    requirements = list(rule.requirements.all())
    needs_count = any(r.applies_to == AppliesTo.BRANCH_WITH_COMMITTEE for r in requirements)
    if full_members is None and needs_count and organization.kind == OrganizationKind.BRANCH:
        full_members = full_members_on(day, [organization])[organization.pk]
    return [r for r in requirements if applies(r, organization, rule, full_members)]


def has_committee(organization: Organization, rule: ActivityRule, day: date) -> bool:
    """A branch with a committee on ``day`` (≥ the version's threshold of full members)."""
    if organization.kind != OrganizationKind.BRANCH:
        return False
    return full_members_on(day, [organization])[organization.pk] >= rule.committee_threshold
