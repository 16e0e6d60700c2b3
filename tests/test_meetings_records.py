"""Organizational-life records (issue 15): the rule table at its boundaries (a branch reaching 7
full members mid-year, a local version from a quarter's first day), the annual plan, meetings
with invitees, notices, leave, minutes, resolutions and quorum, holding with make-ups, the
live-lesson bridge, permissions and per-endpoint isolation."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from tenants.meetings.models import ActivityKind, ActivityRequirement, ActivityRule
from tenants.meetings.rules import full_members_on, requirements_for, rule_in_force, rule_on, rules_between
from tenants.members.models import Member
from tenants.members.services import do_create_member
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld
from tests.factories import make_id_card

_serials = itertools.count(7000)


def new_member(organization: Organization, placed_on: date | None = None, **fields: Any) -> Member:
    """An active member record (full unless ``membership`` says otherwise), counting from ``placed_on``."""
    serial = next(_serials)
    birth = date(1960 + serial % 40, 1 + serial % 12, 1 + serial % 28)
    data = {
        "name": f"党员{serial}", "gender": "male", "joined_on": date(2010, 7, 1), "confirmed_on": date(2011, 7, 1),
        "membership": "full", "dues_category": "employee", "organization": organization, "birth_date": birth,
    } | fields  # fmt: skip
    return do_create_member(
        data, id_card_number=make_id_card(birth.strftime("%Y%m%d")), placed_on=placed_on, audit=False
    )


def tree(world: TenantWorld) -> dict[str, Organization]:
    with world.tenant:
        committee = do_create_organization(kind="committee", name=f"{world.tenant.short_name}党委")
        first = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        group = do_create_organization(kind="party_group", name="第一党小组", parent=first)
    return {"committee": committee, "first": first, "second": second, "group": group}


def codes(requirements: list[ActivityRequirement]) -> set[str]:
    return {r.kind.code for r in requirements}


# ---------------------------------------------------------------------------------- rules


def test_the_2018_rule_binds_branches_groups_and_committees_by_kind(tenant_a: TenantWorld) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        rule = rule_in_force(date(2026, 3, 1))
        assert rule.version == "2018.1"
        day = date(2026, 3, 1)
        assert codes(requirements_for(orgs["first"], rule, day)) == {
            "general_meeting", "party_lecture", "theme_day", "life_meeting", "democratic_evaluation", "heart_talk",
        }  # fmt: skip
        assert codes(requirements_for(orgs["group"], rule, day)) == {"group_meeting"}
        assert codes(requirements_for(orgs["committee"], rule, day)) == set()


def test_a_branch_reaching_seven_full_members_mid_year_owes_committee_meetings_from_then_on(
    tenant_a: TenantWorld,
) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        for _ in range(4):
            new_member(orgs["first"], placed_on=date(2025, 1, 10))
        for _ in range(2):  # members of its party group count for the branch
            new_member(orgs["group"], placed_on=date(2025, 1, 10))
        new_member(orgs["first"], membership="probationary", confirmed_on=None, placed_on=date(2025, 1, 10))
        new_member(orgs["first"], placed_on=date(2026, 6, 15))  # the seventh full member
        rule = rule_in_force(date(2026, 1, 1))
        assert full_members_on(date(2026, 6, 14), [orgs["first"]])[orgs["first"].pk] == 6
        assert "committee_meeting" not in codes(requirements_for(orgs["first"], rule, date(2026, 6, 14)))
        assert "committee_meeting" in codes(requirements_for(orgs["first"], rule, date(2026, 6, 15)))
        # the month starting after it: bound; the month it happened in, judged on its first day: not
        assert "committee_meeting" not in codes(requirements_for(orgs["first"], rule, date(2026, 6, 1)))
        assert "committee_meeting" in codes(requirements_for(orgs["first"], rule, date(2026, 7, 1)))
        # bulk callers count many organizations in one query
        counts = full_members_on(date(2026, 7, 1), [orgs["first"], orgs["second"], orgs["group"]])
        assert counts == {orgs["first"].pk: 7, orgs["second"].pk: 0, orgs["group"].pk: 2}
        assert "committee_meeting" in codes(requirements_for(orgs["first"], rule, date(2026, 7, 1), full_members=7))
        assert "committee_meeting" not in codes(requirements_for(orgs["first"], rule, date(2026, 7, 1), full_members=6))


def local_rule(version: str, effective_from: date, **changes: Any) -> ActivityRule:
    """A local version copying 2018.1 with ``changes`` ({kind code: minimum})."""
    base = ActivityRule.objects.get(version="2018.1")
    rule = ActivityRule.objects.create(
        version=version, effective_from=effective_from, source="本单位规定", local=True, committee_threshold=7
    )
    for requirement in base.requirements.all():
        ActivityRequirement.objects.create(
            rule=rule, kind=requirement.kind, period=requirement.period, applies_to=requirement.applies_to,
            minimum=changes.pop(requirement.kind.code, requirement.minimum),
        )  # fmt: skip
    for code, minimum in changes.items():
        kind = ActivityKind.objects.get(code=code)
        ActivityRequirement.objects.create(rule=rule, kind=kind, period="month", applies_to="branch", minimum=minimum)
    return rule


def test_a_local_version_applies_from_its_quarters_first_day(tenant_a: TenantWorld) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        kind = ActivityKind.objects.create(code="branch_day", name="支部活动日", stats_category="branch_day")
        local_rule("2026.Q3", date(2026, 7, 1), theme_day=2, branch_day=1)
        assert rule_in_force(date(2026, 6, 30)).version == "2018.1"
        q3 = rule_in_force(date(2026, 7, 1))
        assert q3.version == "2026.Q3"
        required = {r.kind.code: r.minimum for r in requirements_for(orgs["first"], q3, date(2026, 7, 1))}
        assert required["theme_day"] == 2
        assert required["branch_day"] == 1
        # a year under two versions: both, oldest first, picked per day
        year = rules_between(date(2026, 1, 1), date(2026, 12, 31))
        assert [r.version for r in year] == ["2018.1", "2026.Q3"]
        picked = rule_on(year, date(2026, 9, 30))
        assert picked is not None
        assert picked.version == "2026.Q3"
        picked = rule_on(year, date(2026, 6, 30))
        assert picked is not None
        assert picked.version == "2018.1"
        # a retired tenant kind binds nobody any more
        kind.is_active = False
        kind.save()
        assert "branch_day" not in codes(
            requirements_for(orgs["first"], rule_in_force(date(2026, 8, 1)), date(2026, 8, 1))
        )


def test_an_inactive_organization_owes_nothing(tenant_a: TenantWorld) -> None:
    orgs = tree(tenant_a)
    with tenant_a.tenant:
        orgs["second"].is_active = False
        assert requirements_for(orgs["second"], rule_in_force(date(2026, 1, 1)), date(2026, 1, 1)) == []
