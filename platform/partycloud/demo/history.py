"""The demo's year of history, so that every screen means something on first start.

``seed_demo`` creates the tenants, their users and a tree; the steps here give one tenant (its
schema active) what a tenant that has used the platform for a year would have: organizations
with establishment dates and terms, members with the date they joined their branch (tenures
going back), admissions and a death during the year, dues bases with three months assessed
and paid (a few in arrears), development cases at several stages (one blocked by a rule),
transfers waiting and overdue, study time month by month and notifications. Everything goes
through the services (``do_*``) so the rules hold; where a service dates a record today, the
step moves it back and says so.

A later module adds its demo data with a function ``(demo: DemoTenant) -> None`` appended to
``TENANT_STEPS`` (or to ``GROUP_STEPS`` when it needs every tenant to exist).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.core.dates import add_months
from partycloud.core.errors import ServiceError
from partycloud.hub.transfers import do_request_transfer
from partycloud.tenancy.models import PartyCommittee
from tenants.assessment.demo import seed_evaluation
from tenants.development.models import DevelopmentCase
from tenants.development.services import do_open_case, do_record_step
from tenants.dues.assessments import do_assess_month, do_process_arrears, do_record_payment, first_of_month
from tenants.dues.models import DuesAssessment, DuesBase
from tenants.exchange.demo import seed_posts
from tenants.learning.models import StudyDay
from tenants.learning.rules import STUDY_RULE
from tenants.meetings.demo import seed_meetings
from tenants.members.idcard import id_card_check_character
from tenants.members.models import COUNTED_STATUSES, Member, Membership, MemberStatus
from tenants.members.services import do_create_member, do_update_member
from tenants.notifications.services import do_notify
from tenants.organizations.models import Organization, OrganizationKind
from tenants.organizations.services import do_create_organization, do_update_organization
from tenants.transfers.models import Transfer

JOBS = ["工程师", "技术员", "会计", "运行值班员", "行政主管"]


@dataclass
class DemoTenant:
    """What the steps share about one tenant (its schema is active while they run)."""

    tenant: PartyCommittee
    index: int  # 1, 2, 3: varies the data between tenants
    admin: User
    secretary: User  # of branches[0] only: their role is scoped to it
    today: date
    rng: random.Random
    branches: list[Organization] = field(default_factory=list)
    new_branch: Organization | None = None

    def id_card(self, birth: date, serial: int) -> str:
        first17 = f"11010{self.index}{birth:%Y%m%d}{serial % 1000:03d}"
        return first17 + id_card_check_character(first17)

    def members(self) -> list[Member]:
        return list(Member.objects.filter(status__in=COUNTED_STATUSES).order_by("id"))

    def actor_for(self, organization_id: int) -> User:
        """Who records something about a member of this organization: the branch secretary in
        their own branch, the tenant admin elsewhere (the secretary's role does not cover it)."""
        return self.secretary if organization_id == self.branches[0].pk else self.admin


def months_ago(today: date, months: int, day: int = 1) -> date:
    """A day ``months`` months before ``today`` (clamped to the month's length)."""
    return add_months(today.replace(day=1), -months) + timedelta(days=day - 1)


# --------------------------------------------------------------------------- organizations


def organization_tree(short_name: str, index: int, today: date) -> list[Organization]:
    """党委 → 机关党总支 → two branches; a production branch with a party group, all established
    years ago with their terms of office (one re-election due soon; tenant 2 has one overdue)."""
    committee = do_create_organization(
        kind=OrganizationKind.COMMITTEE, name=short_name,
        established_on=date(2008 + index, 7, 1), term_started_on=months_ago(today, 26), term_years=5,
    )  # fmt: skip
    general = do_create_organization(
        kind=OrganizationKind.GENERAL_BRANCH, name="机关党总支", parent=committee,
        established_on=date(2012, 3, 15), term_started_on=months_ago(today, 20),
    )  # fmt: skip
    branches = [
        do_create_organization(
            kind=OrganizationKind.BRANCH, name="机关第一党支部", parent=general,
            established_on=date(2013, 4, 20), term_started_on=months_ago(today, 34, 20),  # due within 90 days
        ),
        do_create_organization(
            kind=OrganizationKind.BRANCH, name="机关第二党支部", parent=general,
            established_on=date(2014, 6, 1), term_started_on=months_ago(today, 37 if index == 2 else 12, 15),
        ),
        do_create_organization(
            kind=OrganizationKind.BRANCH, name="生产运行党支部", parent=committee,
            established_on=date(2016, 9, 1), term_started_on=months_ago(today, 18),
        ),
    ]  # fmt: skip
    do_create_organization(
        kind=OrganizationKind.PARTY_GROUP, name="运行一班党小组", parent=branches[2], established_on=date(2017, 3, 1)
    )
    return branches


def open_new_branch(demo: DemoTenant) -> None:
    """A branch established seven months ago; members of the production branch moved into it
    that day (a move inside the tenant: their tenure continues, the totals do not change)."""
    committee = Organization.objects.get(kind=OrganizationKind.COMMITTEE, parent__isnull=True)
    founded = months_ago(demo.today, 7, 10)
    demo.new_branch = do_create_organization(
        kind=OrganizationKind.BRANCH, name="新能源项目党支部", parent=committee,
        established_on=founded, term_started_on=founded,
    )  # fmt: skip
    production = demo.branches[2]
    movers = [m for m in Member.objects.filter(organization=production).order_by("id") if m.user_id is None][:2]
    for member in movers:
        do_update_member(
            member, {"organization": demo.new_branch}, effective_on=founded, actor=Actor.for_user(demo.admin)
        )
    # The demo secretary is recorded secretary of the first branch, the one their role covers.
    do_update_organization(demo.branches[0], secretary=demo.secretary)


# --------------------------------------------------------------------------- members


def member_record(
    demo: DemoTenant,
    user: User | None,
    name: str,
    branch: Organization,
    serial: int,
    *,
    probationary: bool,
    admitted_on: date | None = None,
) -> Member:
    """A member who joined their branch years ago (full), or was admitted during the last
    eleven months or on ``admitted_on`` (probationary: the tenure starts on the day of joining)."""
    rng = demo.rng
    birth = date(1965 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
    if probationary:
        birth = max(birth, date(1985, 1, 1))
        joined = admitted_on or months_ago(demo.today, 1 + rng.randrange(11), 1 + rng.randrange(27))
        placed, confirmed = joined, None
    else:
        joined = date(min(max(birth.year + 22, 1995) + rng.randrange(8), 2021), 1 + rng.randrange(12), 1)
        confirmed = date(joined.year + 1, joined.month, 1)
        # Joined this branch before the last annual report's start: a stable, explained history.
        latest = date(demo.today.year - 2, 12, 1)
        earliest = max(confirmed, branch.established_on or confirmed)
        placed = earliest + timedelta(days=rng.randrange(max(1, (latest - earliest).days)))
    return do_create_member(
        {
            "name": name, "gender": rng.choice(["male", "female"]), "joined_on": joined, "confirmed_on": confirmed,
            "membership": Membership.PROBATIONARY if probationary else Membership.FULL, "dues_category": "employee",
            "organization": branch, "phone": user.phone if user else "",
            "employee_card_number": (user.employee_card_number or "") if user else "",
            "education": rng.choice(["bachelor", "postgraduate", "college"]), "job": rng.choice(JOBS),
        },
        id_card_number=demo.id_card(birth, serial),
        placed_on=placed,
        audit=False,
    )  # fmt: skip


def members_without_login(demo: DemoTenant, names: list[str]) -> None:
    """Members who never signed in (most of a branch): four full members in each branch, one
    admitted in the last months, and one who died four months ago (a decrease in the trend).
    Last year (the annual report's) has its own admission, confirmed a year later, and a death."""
    serial = 500
    for branch in demo.branches:
        for position in range(5):
            member_record(demo, None, names[serial % len(names)], branch, serial, probationary=position == 4)
            serial += 1
    last_year = demo.today.year - 1
    admitted = member_record(
        demo, None, names[serial % len(names)], demo.branches[0], serial,
        probationary=True, admitted_on=date(last_year, 9, 15),
    )  # fmt: skip
    confirmed_on = date(last_year + 1, 9, 15)
    if confirmed_on <= demo.today:
        changes = {"membership": Membership.FULL, "confirmed_on": confirmed_on}
        do_update_member(admitted, changes, effective_on=confirmed_on, actor=Actor.for_user(demo.admin))
    full = Member.objects.filter(user__isnull=True, membership=Membership.FULL, joined_on__lt=date(last_year, 1, 1))
    deaths = [
        (full.order_by("-id").first(), months_ago(demo.today, 4, 12)),
        (full.order_by("id").first(), date(last_year, 5, 20)),
    ]
    for member, day in deaths:
        if member is not None:
            do_update_member(
                member, {"status": MemberStatus.DECEASED}, effective_on=day, actor=Actor.for_user(demo.admin)
            )


# --------------------------------------------------------------------------- dues


def dues(demo: DemoTenant) -> None:
    """Bases since a year ago; the last three months assessed; almost all paid, a few in arrears
    (one member has paid nothing for three months: a warning to them and their secretary)."""
    if DuesAssessment.objects.exists():
        return
    members = demo.members()
    since = first_of_month(months_ago(demo.today, 12))
    DuesBase.objects.bulk_create(
        DuesBase(
            member=member,
            amount=Decimal(4000 + demo.rng.randrange(16) * 1000),
            effective_from=since,
            recorded_by=demo.admin,
        )
        for member in members
    )
    months = [first_of_month(months_ago(demo.today, back)) for back in (2, 1, 0)]
    unpaid = {months[0]: {0}, months[1]: {0, 3}, months[2]: {0, 3, 5, 7}}  # member 0: three months
    for month in months:
        do_assess_month(month)
        assessed = DuesAssessment.objects.filter(month=month).select_related("member").order_by("member_id")
        for position, assessment in enumerate(assessed):
            if position in unpaid[month]:
                continue
            paid_on = min(month + timedelta(days=9 + position % 10), demo.today)
            actor = demo.actor_for(assessment.member.organization_id)
            do_record_payment(assessment.member, [month], paid_on=paid_on, actor=Actor.for_user(actor))
        do_process_arrears(month)


# --------------------------------------------------------------------------- development


def development(demo: DemoTenant) -> None:
    """Cases at each stage before admission, and one the activist-period rule blocks (the
    reason recorded on its last step, as the console shows it when the step is tried)."""
    if DevelopmentCase.objects.exists():
        return
    today, branch = demo.today, demo.branches[0]
    full = Member.objects.filter(membership=Membership.FULL, organization=branch, status__in=COUNTED_STATUSES)
    introducers = [member.pk for member in full[:2]]

    def case(name: str, serial: int, applied: date) -> DevelopmentCase:
        birth = date(1996 + serial % 5, 1 + serial % 12, 10)
        return do_open_case(
            name=name, gender="female" if serial % 2 else "male", id_card_number=demo.id_card(birth, serial),
            organization=branch, applied_on=applied, actor=Actor.for_user(demo.secretary),
        )  # fmt: skip

    def steps(target: DevelopmentCase, dated: list[tuple[int, date, dict[str, object]]]) -> None:
        for number, done_on, data in dated:
            do_record_step(target, number, done_on=done_on, data=data, actor=Actor.for_user(demo.secretary))

    case("赵晓雨", 801, today - timedelta(days=12))
    talked = case("钱思远", 802, today - timedelta(days=50))
    steps(talked, [(2, today - timedelta(days=40), {})])
    blocked = case("孙浩然", 803, months_ago(today, 10))
    activist_since = months_ago(today, 7)
    steps(blocked, [
        (2, months_ago(today, 10, 20), {}), (3, activist_since, {}), (4, activist_since + timedelta(days=7), {}),
        (5, activist_since + timedelta(days=10), {}), (6, months_ago(today, 3), {}),
    ])  # fmt: skip
    try:
        do_record_step(blocked, 7, done_on=today, actor=Actor.for_user(demo.secretary))
    except ServiceError as refusal:
        last = blocked.steps.order_by("-number").first()
        if last is not None:
            last.notes = f"确定发展对象受阻：{refusal.message}"
            last.save(update_fields=["notes"])
    candidate = case("李子涵", 804, months_ago(today, 30))
    steps(candidate, [
        (2, months_ago(today, 30, 15), {}), (3, months_ago(today, 26), {}), (4, months_ago(today, 26, 8), {}),
        (5, months_ago(today, 26, 12), {}), (6, months_ago(today, 20), {}), (7, months_ago(today, 13), {}),
        (8, months_ago(today, 13, 10), {}), (9, months_ago(today, 12), {"introducers": introducers}),
        (10, months_ago(today, 3), {}), (11, months_ago(today, 2), {"days": 3, "hours": 24}),
    ])  # fmt: skip


# --------------------------------------------------------------------------- transfers


def transfers(demo: DemoTenant) -> None:
    """Two transfers into the demo secretary's branch waiting to be received, one overdue (on
    their workbench, and their notification says so)."""
    if Transfer.objects.exists():
        return
    receiving = demo.branches[0]
    movers = [m for m in demo.members() if m.user_id is None and m.organization_id != receiving.pk][-3:-1]
    for position, member in enumerate(movers):
        transfer = do_request_transfer(
            member, to_organization=receiving, reason="工作调动", actor=Actor.for_user(demo.admin)
        )
        if position == 1:
            # The service dates a request today; this one was made six weeks ago and has lapsed.
            asked = timezone.make_aware(datetime.combine(demo.today - timedelta(days=42), time(9)))
            Transfer.objects.filter(pk=transfer.pk).update(
                created_at=asked, valid_until=demo.today - timedelta(days=12)
            )


def transfer_between_tenants(demo: DemoTenant, to_tenant: PartyCommittee) -> None:
    """A member moving to another subsidiary: waits for that tenant to accept it."""
    member = next((m for m in demo.members() if m.user_id is None and not pending(m)), None)
    if member is not None:
        do_request_transfer(member, to_tenant=to_tenant, reason="调往兄弟单位工作", actor=Actor.for_user(demo.admin))


def pending(member: Member) -> bool:
    return Transfer.objects.filter(member=member, status="pending").exists()


# --------------------------------------------------------------------------- learning, notifications


def study_history(demo: DemoTenant, learners: list[User]) -> None:
    """Study time in each of the last twelve months: a few evenings of reading per learner and
    month. Written as the days' totals that heartbeats would have left (``StudyDay``, credited
    within the daily cap): replaying thousands of heartbeats took a minute of the first start."""
    if StudyDay.objects.exists():
        return
    days = []
    for back in range(12, -1, -1):
        for position, learner in enumerate(learners[: 2 + (12 - back) % 4]):
            day = months_ago(demo.today, back, 3 + position * 2)
            if day > demo.today:
                continue
            seconds = 60 * (8 + demo.rng.randrange(25))
            days.append(
                StudyDay(
                    user=learner,
                    day=day,
                    reading_seconds=seconds,
                    credited_reading_seconds=min(seconds, STUDY_RULE.reading_cap_seconds),
                )
            )
    StudyDay.objects.bulk_create(days)


def notifications(demo: DemoTenant, member_user: User) -> None:
    """What a member and a secretary find in their notification list."""
    do_notify(member_user, "组织生活会通知", "本月主题党日活动定于周五下午在三楼会议室举行。", "/")
    do_notify(member_user, "学习提醒", "新党员入门课程已上线，欢迎学习。", "/learning")
    do_notify(demo.secretary, "组织关系转接待接收", "有党员的组织关系转入本支部，请及时接收。", "/console/transfers")
    do_notify(
        demo.secretary,
        "发展党员提醒",
        "孙浩然的入党积极分子培养期未满一年，暂不能确定为发展对象。",
        "/console/development",
    )


TenantStep = Callable[[DemoTenant], None]


def meetings(demo: DemoTenant) -> None:
    """Organizational life: tenant kinds, plans, meetings held this year and one next week."""
    seed_meetings(Actor.for_user(demo.admin), demo.branches, demo.today)


def evaluation(demo: DemoTenant) -> None:
    """Democratic evaluation: the secretary's branch confirmed this year's round (table 6 has
    figures); the demo member's branch has one open (the portal has something to do)."""
    login = Member.objects.filter(user__phone=str(13900000010 + demo.index * 100)).select_related("organization")
    member = login.first()
    seed_evaluation(demo.admin, demo.branches, demo.today, member.organization if member else None)


def exchange_posts(demo: DemoTenant) -> None:
    """The exchange: published news and showcase of the secretary's branch (one accepted by the
    level above), the demo member's micro-video awaiting review, the group's own news."""
    member = Member.objects.filter(user__phone=str(13900000010 + demo.index * 100)).select_related("user").first()
    seed_posts(demo.admin, demo.secretary, demo.branches[0], member.user if member else None)


TENANT_STEPS: list[TenantStep] = [dues, development, transfers, meetings, evaluation, exchange_posts]
