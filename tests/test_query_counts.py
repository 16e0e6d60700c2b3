"""Query-count guards on every list endpoint of both hosts (issue 12, item 5).

For each list endpoint we add a few rows of what it lists (2), count the queries of one GET,
add more rows (12 in all), count again: the two counts must be equal, so a serializer that
reads a relation per row (an N+1) fails here. Where building rows is too costly for a fast
suite, the endpoint at least has an absolute ceiling (``ceiling``), measured today plus a small
margin, with a comment saying why it is not a growth test.

The list of endpoints is taken from the OpenAPI schema (GET operations answering a paginated
list or an array); ``test_every_list_endpoint_is_guarded`` keeps this module and the schema in
step, so a new list endpoint fails until it is guarded here.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context
from drf_spectacular.generators import SchemaGenerator

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from partycloud.audit.models import AuditAction
from partycloud.audit.services import do_record_audit
from partycloud.core.crypto import encrypt
from partycloud.hub.models import PocketKind, PocketMemberCase, RosterEntry
from partycloud.hub.transfers import do_request_transfer
from partycloud.rollups.models import DriftReport
from partycloud.rollups.relay import relay_until_empty
from partycloud.search.models import ReindexJob, ReindexScope
from partycloud.taskbooks.models import TaskBookTemplate, TemplateIndicator
from partycloud.tenancy.models import PartyCommittee, TenantApplication
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.assessment.models import (
    EvaluationRound,
    EvaluationRule,
    Evidence,
    Indicator,
    MassInvitation,
    Participant,
    RoundStatus,
    TaskBook,
)
from tenants.development.services import do_open_case
from tenants.dues.assessments import do_assess_month, do_request_exemption, first_of_month
from tenants.dues.models import ArrearsLevel, ArrearsNotice, DuesBase, OnlinePayment, Remittance, VoluntaryPayment
from tenants.learning.models import (
    Category,
    Course,
    Question,
    QuestionBank,
    QuestionKind,
    Quiz,
    QuizAttempt,
    Regulation,
    RegulationArticle,
    Resource,
    ResourceKind,
    ResourceStatus,
    ShowcaseProposal,
    StudyDay,
)
from tenants.live.models import SensitiveWord
from tenants.live.services import do_issue_stream_key, do_schedule_lesson
from tenants.meetings.models import (
    ActivityKind,
    ActivityRequirement,
    ActivityRule,
    AppliesTo,
    Attendee,
    MakeUpTask,
    Meeting,
    MeetingStatus,
    Period,
)
from tenants.members.models import DisciplinaryProbation, ImportStatus, Member, MemberChange, MemberImport
from tenants.members.services import do_create_member
from tenants.notifications.kinds import Channel
from tenants.notifications.models import Delivery, Notification
from tenants.organizations.models import Organization, OrganizationEvent
from tenants.organizations.services import do_create_organization
from tenants.points.ledger import recompute as recompute_points
from tenants.points.models import PointEvent, PointKind, PointRule, PointRuleSet
from tenants.supervision.models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
    CadrePublicity,
    CampaignStatus,
    PublicityObjection,
    PublicityStatus,
    Scope,
    SupervisionRuleSet,
    Survey,
    SurveyQuestion,
    SurveyRespondent,
    SurveyResponse,
    SurveyTextAnswer,
    Vote,
    VoteVoter,
)
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory, make_id_card, next_unified_code
from tests.workbench_support import months_back

_serial = itertools.count(1)


@dataclass
class World:
    """What a builder may use: tenant A (its schema is active while a builder runs on it), the
    caller, and state the builder keeps between its two calls (e.g. the branch it fills)."""

    tenant: TenantWorld
    group_admin: User
    state: dict[str, Any]


Grow = Callable[[World, int], None]


@dataclass(frozen=True)
class Endpoint:
    id: str
    path: str  # may hold {tenant_id}, {organization_id}, {member_id}, {quiz_id}, {regulation}
    host: str  # "tenant" or "root"
    caller: str = "admin"  # "admin", "member" (tenant A) or "group_admin"
    grow: Grow | None = None  # adds n rows of what the endpoint lists
    ceiling: int | None = None  # absolute maximum where no growth test is built
    on_tenant: bool = True  # the builder runs on tenant A's schema


# ---------------------------------------------------------------------------------------------
# Builders (each adds ``n`` rows of what its endpoint lists)


def _branch(world: World) -> Organization:
    if "branch" not in world.state:
        committee = do_create_organization(kind="committee", name=f"计数党委{next(_serial)}")
        world.state["branch"] = do_create_organization(kind="branch", name="计数党支部", parent=committee)
    branch: Organization = world.state["branch"]
    return branch


def _new_member(world: World) -> Member:
    data = {"name": f"党员{next(_serial)}", "gender": "male", "joined_on": date(2012, 7, 1),
            "confirmed_on": date(2013, 7, 1), "membership": "full", "dues_category": "employee",
            "organization": _branch(world)}  # fmt: skip
    return do_create_member(data, id_card_number=make_id_card())


def grow_members(world: World, n: int) -> None:
    for _ in range(n):
        _new_member(world)


def grow_organizations(world: World, n: int) -> None:
    parent = _branch(world).parent
    for _ in range(n):
        do_create_organization(kind="branch", name=f"支部{next(_serial)}", parent=parent)


def grow_roles(world: World, n: int) -> None:
    for _ in range(n):
        do_assign_role(user=UserFactory(), role=TenantRole.MEMBER)


def grow_cases(world: World, n: int) -> None:
    for _ in range(n):
        do_open_case(
            name=f"申请人{next(_serial)}", gender="female", id_card_number=make_id_card("19980305"),
            organization=_branch(world), applied_on=timezone.localdate() - timedelta(days=20),
        )  # fmt: skip


def grow_lessons(world: World, n: int) -> None:
    start = timezone.now() + timedelta(days=1)
    for index in range(n):
        lesson = do_schedule_lesson(
            actor=Actor.for_user(world.tenant.admin), title=f"党课{next(_serial)}", starts_at=start,
            planned_end_at=start + timedelta(hours=1), organization=_branch(world) if index % 2 else None,
        )  # fmt: skip
        do_issue_stream_key(lesson, actor=Actor.for_user(world.tenant.admin))


def grow_sensitive_words(world: World, n: int) -> None:
    SensitiveWord.objects.bulk_create([SensitiveWord(word=f"禁词{next(_serial)}") for _ in range(n)])


def grow_transfers(world: World, n: int) -> None:
    if "target" not in world.state:
        world.state["target"] = do_create_organization(kind="branch", name="接收支部", parent=_branch(world).parent)
    for _ in range(n):
        do_request_transfer(_new_member(world), to_organization=world.state["target"])


def _paying_member(world: World) -> Member:
    member = _new_member(world)
    DuesBase.objects.create(member=member, amount=Decimal("6000.00"), effective_from=date(2020, 1, 1))
    return member


def grow_bases(world: World, n: int) -> None:
    for _ in range(n):
        _paying_member(world)


def grow_assessments(world: World, n: int) -> None:
    for _ in range(n):
        _paying_member(world)
    do_assess_month(timezone.localdate())


def grow_exemptions(world: World, n: int) -> None:
    month = first_of_month(timezone.localdate())
    for _ in range(n):
        do_request_exemption(
            _paying_member(world),
            first_month=month,
            last_month=month,
            reason="大病住院",
            reduced_amount=Decimal("1.00"),
        )


def grow_voluntary(world: World, n: int) -> None:
    for _ in range(n):
        VoluntaryPayment.objects.create(
            member=_new_member(world), amount=Decimal("1000.00"), paid_on=timezone.localdate()
        )


def grow_imports(world: World, n: int) -> None:
    for index in range(n):
        MemberImport.objects.create(
            filename=f"名册{index}.xlsx", content=b"", status=ImportStatus.FAILED, error_count=1
        )


def grow_audit(world: World, n: int) -> None:
    """Entries by different actors on the current schema (tenant A's, or the root's)."""
    for _ in range(n):
        do_record_audit(action=AuditAction.READ, actor=UserFactory(), target_type="members.member", target_id="1")


def grow_notifications(world: World, n: int) -> None:
    for index in range(n):
        Notification.objects.create(user=world.tenant.admin, title=f"通知{index}")


def _shared_resource() -> str:
    """A published resource of the group's library (public schema), as a lesson's material."""
    with PartyCommittee.objects.get(schema_name="public"):
        resource = Resource.objects.filter(title="计数共享资料").first() or Resource.objects.create(
            kind=ResourceKind.ARTICLE, title="计数共享资料", status=ResourceStatus.PUBLISHED
        )
        return str(resource.uuid)


def grow_group_lessons(world: World, n: int) -> None:
    start = timezone.now() + timedelta(days=1)
    material = _shared_resource()
    for index in range(n):
        lesson = do_schedule_lesson(
            actor=Actor.for_user(world.group_admin), title=f"集团党课{next(_serial)}", starts_at=start,
            planned_end_at=start + timedelta(hours=1), materials=[material],
            audience_tenants=[world.tenant.tenant.pk] if index % 2 else [],
        )  # fmt: skip
        do_issue_stream_key(lesson, actor=Actor.for_user(world.group_admin))


def grow_watchable(world: World, n: int) -> None:
    """Lessons tenant A's member watches: the tenant's own and the group's."""
    start = timezone.now() + timedelta(days=1)
    material = _shared_resource()
    for index in range(n):
        if index % 2:
            do_schedule_lesson(
                actor=Actor.for_user(world.tenant.admin), title=f"党课{next(_serial)}", starts_at=start,
                planned_end_at=start + timedelta(hours=1), materials=[material],
            )  # fmt: skip
            continue
        with PartyCommittee.objects.get(schema_name="public"):
            do_schedule_lesson(
                actor=Actor.for_user(world.group_admin), title=f"集团党课{next(_serial)}", starts_at=start,
                planned_end_at=start + timedelta(hours=1), audience_tenants=[world.tenant.tenant.pk],
            )  # fmt: skip


def grow_deliveries(world: World, n: int) -> None:
    for index in range(n):
        notification = Notification.objects.create(user=UserFactory(), title=f"通知{index}")
        Delivery.objects.create(notification=notification, channel=Channel.SMS)


def grow_categories(world: World, n: int) -> None:
    for _ in range(n):
        Category.objects.create(name=f"类别{next(_serial)}")


def grow_resources(world: World, n: int) -> None:
    category = Category.objects.create(name=f"类别{next(_serial)}")
    for index in range(n):
        Resource.objects.create(
            kind=ResourceKind.ARTICLE, title=f"资料{index}", category=category, status=ResourceStatus.PUBLISHED,
            body_html="<p>学习</p>", text="学习",
        )  # fmt: skip


def grow_banks(world: World, n: int) -> None:
    for index in range(n):
        QuestionBank.objects.create(title=f"题库{index}", category=Category.objects.create(name=f"类别{next(_serial)}"))


def grow_group_roles(world: World, n: int) -> None:
    for _ in range(n):
        GroupRole.objects.create(user=UserFactory(), role=GroupRoleKind.GROUP_VIEWER)


def grow_applications(world: World, n: int) -> None:
    for _ in range(n):
        serial = next(_serial)
        TenantApplication.objects.create(
            applicant=UserFactory(), name=f"申请{serial}党委", short_name=f"申请{serial}", slug=f"apply{serial}",
            unified_code=next_unified_code(),
        )  # fmt: skip


def grow_roster(world: World, n: int) -> None:
    for _ in range(n):
        serial = next(_serial)
        RosterEntry.objects.create(card_number=f"QC{serial:08d}", name=f"员工{serial}", employer=world.tenant.tenant)


def grow_pockets(world: World, n: int) -> None:
    for _ in range(n):
        serial = next(_serial)
        entry = RosterEntry.objects.create(
            card_number=f"QP{serial:08d}", name=f"员工{serial}", employer=world.tenant.tenant, hr_party_member=True
        )
        PocketMemberCase.objects.create(
            kind=PocketKind.UNREGISTERED, tenant=world.tenant.tenant, roster_entry=entry, name=entry.name,
            suggested_action="核实",
        )  # fmt: skip


def grow_arrears(world: World, n: int) -> None:
    for _ in range(n):
        ArrearsNotice.objects.create(
            member=_new_member(world), month=first_of_month(timezone.localdate()), level=ArrearsLevel.WARNING,
            unpaid_months=3,
        )  # fmt: skip


def grow_remittances(world: World, n: int) -> None:
    for index in range(n):
        Remittance.objects.create(month=date(2020, 1, 1) + timedelta(days=31 * index), amount=Decimal("100.00"))


def _own_member(world: World) -> Member:
    """The member record of tenant A's member user (the portal's caller)."""
    if "own" not in world.state:
        member = _paying_member(world)
        Member.objects.filter(pk=member.pk).update(user=world.tenant.member)
        world.state["own"] = member
    own: Member = world.state["own"]
    return own


def _evaluation_round(world: World, *, status: str = RoundStatus.OPEN) -> EvaluationRound:
    """A round of the counting branch (a new year each time), with one participant."""
    serial = next(_serial)
    round_ = EvaluationRound.objects.create(
        organization=_branch(world), year=1000 + serial, title=f"评议{serial}",
        rule=EvaluationRule.objects.get(version="2019.1"), status=status, opens_on=date(2026, 1, 5),
        closes_on=date(2026, 1, 25),
    )  # fmt: skip
    Participant.objects.create(round=round_, member=_new_member(world))
    return round_


def _round_id(world: World) -> int:
    if "round_id" not in world.state:
        world.state["round_id"] = _evaluation_round(world, status=RoundStatus.CLOSED).pk
    round_id: int = world.state["round_id"]
    return round_id


def grow_evaluation_rounds(world: World, n: int) -> None:
    for _ in range(n):
        _evaluation_round(world)


def grow_evaluation_rules(world: World, n: int) -> None:
    for _ in range(n):
        EvaluationRule.objects.create(version=f"计数{next(_serial)}", effective_from=date(2026, 1, 1), source="x")


def grow_evaluation_participants(world: World, n: int) -> None:
    round_id = _round_id(world)
    for _ in range(n):
        Participant.objects.create(round_id=round_id, member=_new_member(world))


def grow_my_evaluations(world: World, n: int) -> None:
    member = _own_member(world)
    for _ in range(n):
        Participant.objects.create(round=_evaluation_round(world), member=member)


def grow_mass_invitations(world: World, n: int) -> None:
    round_id = _round_id(world)
    for _ in range(n):
        serial = next(_serial)
        MassInvitation.objects.create(round_id=round_id, card_number=f"MI{serial:06d}", name=f"群众{serial}",
                                      code_hash=f"{serial:064d}")  # fmt: skip


def grow_mass_candidates(world: World, n: int) -> None:
    _round_id(world)
    grow_roster(world, n)


def grow_decision_meetings(world: World, n: int) -> None:
    _round_id(world)
    start = timezone.now() - timedelta(days=3)
    for _ in range(n):
        Meeting.objects.create(
            organization=_branch(world), kind=ActivityKind.objects.get(code="general_meeting"),
            title=f"党员大会{next(_serial)}", starts_at=start, ends_at=start + timedelta(hours=2),
            status=MeetingStatus.HELD,
        )  # fmt: skip


def grow_activity_kinds(world: World, n: int) -> None:
    for _ in range(n):
        serial = next(_serial)
        ActivityKind.objects.create(code=f"local-{serial}", name=f"本单位活动{serial}")


def grow_activity_rules(world: World, n: int) -> None:
    kinds = list(ActivityKind.objects.filter(builtin=True)[:3])
    for _ in range(n):
        rule = ActivityRule.objects.create(
            version=f"local-{next(_serial)}", effective_from=date(2026, 1, 1), source="计数", local=True
        )
        for kind in kinds:
            ActivityRequirement.objects.create(
                rule=rule, kind=kind, period=Period.MONTH, minimum=1, applies_to=AppliesTo.BRANCH
            )


def _meeting(world: World, *, status: str = MeetingStatus.NOTIFIED) -> Meeting:
    start = timezone.now() + timedelta(days=2)
    meeting = Meeting.objects.create(
        organization=_branch(world), kind=ActivityKind.objects.get(code="theme_day"), title=f"主题党日{next(_serial)}",
        starts_at=start, ends_at=start + timedelta(hours=2), status=status, host=world.tenant.secretary,
    )  # fmt: skip
    member = _own_member(world)
    Attendee.objects.create(meeting=meeting, user=world.tenant.member, member=member, name=member.name, has_vote=True)
    Attendee.objects.create(meeting=meeting, name=f"列席{next(_serial)}", is_guest=True)
    return meeting


def grow_meetings(world: World, n: int) -> None:
    for _ in range(n):
        _meeting(world)


def grow_makeups(world: World, n: int) -> None:
    for _ in range(n):
        MakeUpTask.objects.create(meeting=_meeting(world, status=MeetingStatus.HELD), user=world.tenant.member)


def _point_events(member: Member, n: int) -> None:
    start = timezone.now() - timedelta(hours=1)
    for _ in range(n):
        PointEvent.objects.create(
            kind=PointKind.MEETING_ATTENDED, source_key=f"count:{next(_serial)}", member_id=member.pk,
            occurred_at=start, day=timezone.localdate(start),
        )  # fmt: skip
    recompute_points(member_id=member.pk)


def grow_my_point_entries(world: World, n: int) -> None:
    _point_events(_own_member(world), n)


def grow_member_point_entries(world: World, n: int) -> None:
    member = _own_member(world)
    world.state["member_id"] = member.pk
    _point_events(member, n)


def grow_point_rule_sets(world: World, n: int) -> None:
    for _ in range(n):
        serial = next(_serial)
        rule_set = PointRuleSet.objects.create(
            version=f"计数{serial}",
            effective_from=date(2030, 1, 1) + timedelta(days=serial),
            source="计数",
            is_local=True,
        )
        PointRule.objects.create(rule_set=rule_set, kind=PointKind.ARTICLE_READ, points=1, unit=1, daily_cap=6)
        PointRule.objects.create(rule_set=rule_set, kind=PointKind.READING_TIME, points=1, unit=240, daily_cap=8)


def grow_point_anomalies(world: World, n: int) -> None:
    """Members who completed more quizzes in a minute than a person can."""
    minute = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    for _ in range(n):
        member = _new_member(world)
        for second in range(8):
            PointEvent.objects.create(
                kind=PointKind.QUIZ_COMPLETED, source_key=f"count:{next(_serial)}", member_id=member.pk,
                occurred_at=minute + timedelta(seconds=second), day=timezone.localdate(minute),
            )  # fmt: skip


def grow_online_payments(world: World, n: int) -> None:
    member = _own_member(world)
    for _ in range(n):
        OnlinePayment.objects.create(
            member=member,
            months=["2024-01"],
            amount=Decimal("10.00"),
            provider="test",
            provider_ref=f"P{next(_serial)}",
        )


def grow_my_assessments(world: World, n: int) -> None:
    _own_member(world)
    done = world.state.setdefault("months", 0)
    for back in range(done, done + n):
        do_assess_month(months_back(timezone.localdate(), back))
    world.state["months"] = done + n


def _member_id(world: World) -> int:
    member_id: int = world.state.setdefault("member_id", _new_member(world).pk)
    return member_id


def grow_member_history(world: World, n: int) -> None:
    for _ in range(n):
        MemberChange.objects.create(member_id=_member_id(world), kind="updated", actor=UserFactory())


def grow_probations(world: World, n: int) -> None:
    for index in range(n):
        DisciplinaryProbation.objects.create(
            member_id=_member_id(world), started_on=date(2000 + index, 1, 1), ends_on=date(2000 + index, 6, 30),
            decision=f"纪字{index}号", actor=UserFactory(),
        )  # fmt: skip


def grow_organization_history(world: World, n: int) -> None:
    world.state["organization_id"] = _branch(world).pk
    for _ in range(n):
        OrganizationEvent.objects.create(organization=_branch(world), kind="updated", actor=UserFactory())


def grow_courses(world: World, n: int) -> None:
    for index in range(n):
        Course.objects.create(
            title=f"课程{index}", category=Category.objects.create(name=f"类别{next(_serial)}"),
            status=ResourceStatus.PUBLISHED, created_by=UserFactory(),
        )  # fmt: skip


def _bank(world: World) -> QuestionBank:
    if "bank" not in world.state:
        world.state["bank"] = QuestionBank.objects.create(title="题库")
    bank: QuestionBank = world.state["bank"]
    return bank


def grow_questions(world: World, n: int) -> None:
    for index in range(n):
        Question.objects.create(
            bank=_bank(world), kind=QuestionKind.TRUE_FALSE, stem=f"判断{index}", options=["对", "错"], answer=[0]
        )


def grow_quizzes(world: World, n: int) -> None:
    for index in range(n):
        Quiz.objects.create(title=f"测验{index}", bank=QuestionBank.objects.create(title=f"题库{index}"))


def _quiz(world: World) -> Quiz:
    if "quiz" not in world.state:
        world.state["quiz"] = Quiz.objects.create(title="测验", bank=_bank(world), status=ResourceStatus.PUBLISHED)
        world.state["quiz_id"] = world.state["quiz"].pk
    quiz: Quiz = world.state["quiz"]
    return quiz


def _attempts(world: World, n: int, user: Callable[[], User]) -> None:
    for _ in range(n):
        QuizAttempt.objects.create(
            quiz=_quiz(world), user=user(), deadline_at=timezone.now() + timedelta(minutes=30),
            submitted_at=timezone.now(), score=Decimal("60"), max_score=Decimal("100"), passed=True,
        )  # fmt: skip


def grow_my_attempts(world: World, n: int) -> None:
    _attempts(world, n, lambda: world.tenant.admin)


def grow_quiz_results(world: World, n: int) -> None:
    _attempts(world, n, UserFactory)


def grow_regulations(world: World, n: int) -> None:
    for index in range(n):
        Regulation.objects.create(title=f"条例{index}", status=ResourceStatus.PUBLISHED, created_by=UserFactory())


def grow_articles(world: World, n: int) -> None:
    if "regulation" not in world.state:
        world.state["regulation"] = Regulation.objects.create(title="条例", status=ResourceStatus.PUBLISHED).uuid
    regulation = Regulation.objects.get(uuid=world.state["regulation"])
    start = regulation.articles.count()
    for position in range(start, start + n):
        RegulationArticle.objects.create(
            regulation=regulation, position=position, number=f"第{position}条", text="正文"
        )


def grow_study_days(world: World, n: int) -> None:
    for _ in range(n):
        StudyDay.objects.create(user=UserFactory(), day=timezone.localdate(), reading_seconds=600)


def grow_showcase(world: World, n: int) -> None:
    for index in range(n):
        ShowcaseProposal.objects.create(
            tenant_schema=world.tenant.tenant.schema_name, tenant_name=world.tenant.tenant.name,
            resource_uuid=uuid.uuid4(), title=f"推荐{index}", kind=ResourceKind.ARTICLE, proposed_by=UserFactory(),
        )  # fmt: skip


def grow_drift_reports(world: World, n: int) -> None:
    for _ in range(n):
        DriftReport.objects.create(finished_at=timezone.now(), tenants=2)


def grow_reindex_jobs(world: World, n: int) -> None:
    for _ in range(n):
        ReindexJob.objects.create(
            scope=ReindexScope.TENANT, owner_tenant=world.tenant.tenant.schema_name, requested_by=UserFactory()
        )


def grow_tenants(world: World, n: int) -> None:
    """Committee rows without their schemas: the list reads only the public table, and cloning a
    schema takes about a second apiece."""
    for _ in range(n):
        serial = next(_serial)
        committee = PartyCommittee(
            schema_name=f"t_count{serial}", name=f"计数{serial}党委", short_name=f"计数{serial}", slug=f"count{serial}",
            unified_code=next_unified_code(),
        )  # fmt: skip
        committee.auto_create_schema = False
        committee.save()


def grow_rolled_up_organizations(world: World, n: int) -> None:
    """Organizations of tenant A, relayed into the group's rollups."""
    with world.tenant.tenant:
        grow_organizations(world, n)
    relay_until_empty(world.tenant.tenant)


def grow_rolled_up_members(world: World, n: int) -> None:
    """Members of one branch of tenant A (the drill-down reads them in the tenant's schema)."""
    with world.tenant.tenant:
        grow_members(world, n)
        world.state["organization_id"] = _branch(world).pk
    relay_until_empty(world.tenant.tenant)


def grow_task_books(world: World, n: int) -> None:
    """Books of branches of one committee, each with indicators and evidence."""
    parent = _branch(world).parent
    for _ in range(n):
        branch = do_create_organization(kind="branch", name=f"任务书支部{next(_serial)}", parent=parent)
        book = TaskBook.objects.create(year=2026, organization=branch, title="任务书", status="issued")
        for position in (1, 2):
            indicator = Indicator.objects.create(book=book, position=position, area="组织建设", title="指标", weight=50)
            Evidence.objects.create(indicator=indicator, note="材料")


def grow_task_book_templates(world: World, n: int) -> None:
    first = 2000 + TaskBookTemplate.objects.count()
    for year in range(first, first + n):
        template = TaskBookTemplate.objects.create(year=year, title=f"{year}年度任务书")
        for position in (1, 2):
            TemplateIndicator.objects.create(
                template=template, position=position, area="组织建设", title="指标", weight=50
            )


def grow_announcements(world: World, n: int) -> None:
    """Published announcements of a branch (on the root host: the group's), each with a recipient."""
    branch_id = None if connection.schema_name == "public" else _branch(world).pk
    for index in range(n):
        announcement = Announcement.objects.create(
            title=f"公告{index}", organization_id=branch_id, scope=Scope.GROUP if branch_id is None else Scope.UNIT,
            status=AnnouncementStatus.PUBLISHED, published_at=timezone.now(), created_by=UserFactory(),
        )  # fmt: skip
        AnnouncementRecipient.objects.create(announcement=announcement, user=UserFactory(), name="收件人")


def grow_my_announcements(world: World, n: int) -> None:
    """This tenant's announcements to tenant A's member, and the group's (public rows)."""
    schema, name = world.tenant.tenant.schema_name, world.tenant.tenant.name
    for index in range(n):
        own = Announcement.objects.create(
            title=f"本单位公告{index}", organization_id=_branch(world).pk, status=AnnouncementStatus.PUBLISHED,
            published_at=timezone.now(),
        )  # fmt: skip
        AnnouncementRecipient.objects.create(announcement=own, user=world.tenant.member, name="党员")
    with schema_context("public"):
        for index in range(n):
            group = Announcement.objects.create(
                title=f"集团公告{index}", scope=Scope.GROUP, status=AnnouncementStatus.PUBLISHED,
                published_at=timezone.now(),
            )  # fmt: skip
            AnnouncementRecipient.objects.create(
                announcement=group, user=world.tenant.member, tenant_schema=schema, tenant_name=name, name="党员"
            )


def grow_announcement_receipts(world: World, n: int) -> None:
    if "announcement_id" not in world.state:
        world.state["announcement_id"] = Announcement.objects.create(
            title="公告", organization_id=_branch(world).pk, status=AnnouncementStatus.PUBLISHED
        ).pk
    for _ in range(n):
        AnnouncementRecipient.objects.create(
            announcement_id=world.state["announcement_id"], user=UserFactory(), name="收件人", organization_name="支部"
        )


def _publicity(world: World, **fields: Any) -> CadrePublicity:
    today = timezone.localdate()
    return CadrePublicity.objects.create(
        title=f"任前公示{next(_serial)}", organization_id=_branch(world).pk, candidates=[{"name": "张三"}],
        status=PublicityStatus.OPEN, starts_on=today, ends_on=today + timedelta(days=7), **fields,
    )  # fmt: skip


def grow_publicities(world: World, n: int) -> None:
    for _ in range(n):
        _publicity(world, created_by=UserFactory())


def grow_open_publicities(world: World, n: int) -> None:
    """Open publicities of the whole tenant, shown to tenant A's member (a member record of theirs)."""
    if "member_record" not in world.state:
        member = _new_member(world)
        Member.objects.filter(pk=member.pk).update(user=world.tenant.member)
        world.state["member_record"] = member.pk
    for _ in range(n):
        _publicity(world, scope=Scope.TENANT)


def grow_objections(world: World, n: int) -> None:
    if "publicity_id" not in world.state:
        world.state["publicity_id"] = _publicity(world).pk
    for _ in range(n):
        PublicityObjection.objects.create(
            publicity_id=world.state["publicity_id"], body_encrypted=encrypt("意见"), handled_by=UserFactory()
        )


def grow_supervision_rules(world: World, n: int) -> None:
    for _ in range(n):
        serial = next(_serial)
        SupervisionRuleSet.objects.create(version=f"本单位{serial}", effective_from=date(2020, 1, 1), source="测试")


# ---------------------------------------------------------------------------------------------
# The endpoints


# Measured (8 queries, half of them django-tenants' SET search_path), plus a margin of two.
def _survey(world: World, **fields: Any) -> Survey:
    now = timezone.now()
    serial = next(_serial)
    return Survey.objects.create(
        title=f"问卷{serial}", organization_id=_branch(world).pk, opens_at=now, closes_at=now + timedelta(days=1),
        created_by=world.tenant.admin, **fields,
    )  # fmt: skip


def grow_surveys(world: World, n: int) -> None:
    for _ in range(n):
        _survey(world)


def grow_my_surveys(world: World, n: int) -> None:
    for _ in range(n):
        survey = _survey(world, status=CampaignStatus.OPEN)
        SurveyQuestion.objects.create(survey=survey, kind="text", text="意见")
        SurveyRespondent.objects.create(survey=survey, user=world.tenant.member)


def _survey_question(world: World) -> SurveyQuestion:
    if "survey_id" not in world.state:
        survey = _survey(world, status=CampaignStatus.OPEN, anonymous=False)
        world.state["survey_id"] = survey.pk
        world.state["survey_question"] = SurveyQuestion.objects.create(survey=survey, kind="text", text="意见")
    question: SurveyQuestion = world.state["survey_question"]
    return question


def grow_survey_texts(world: World, n: int) -> None:
    question = _survey_question(world)
    SurveyTextAnswer.objects.bulk_create(
        [SurveyTextAnswer(question=question, text=f"意见{next(_serial)}") for _ in range(n)]
    )


def grow_survey_responses(world: World, n: int) -> None:
    question = _survey_question(world)
    for _ in range(n):
        SurveyResponse.objects.create(
            survey_id=question.survey_id, name=f"党员{next(_serial)}", answers={str(question.pk): {"text": "好"}}
        )


def _vote(world: World, **fields: Any) -> Vote:
    now = timezone.now()
    return Vote.objects.create(
        title=f"表决{next(_serial)}", organization_id=_branch(world).pk, opens_at=now,
        closes_at=now + timedelta(days=1), created_by=world.tenant.admin, **fields,
    )  # fmt: skip


def grow_votes(world: World, n: int) -> None:
    for _ in range(n):
        VoteVoter.objects.create(vote=_vote(world), user=world.tenant.member, voted=True)


def grow_my_votes(world: World, n: int) -> None:
    for _ in range(n):
        VoteVoter.objects.create(vote=_vote(world, status=CampaignStatus.OPEN), user=world.tenant.member)


CEILINGS = {"thresholds": 10}

ENDPOINTS: list[Endpoint] = [
    # Tenant host: the admin console and the portal.
    Endpoint("members", "/api/v1/members", "tenant", grow=grow_members),
    Endpoint("organizations", "/api/v1/organizations", "tenant", grow=grow_organizations),
    Endpoint("roles", "/api/v1/roles", "tenant", grow=grow_roles),
    Endpoint("development-cases", "/api/v1/development/cases", "tenant", grow=grow_cases),
    Endpoint("live-lessons", "/api/v1/live/lessons", "tenant", grow=grow_lessons),
    Endpoint("live-watch", "/api/v1/live/watch/", "tenant", "member", grow=grow_watchable),
    Endpoint("live-sensitive-words", "/api/v1/live/sensitive-words", "tenant", grow=grow_sensitive_words),
    Endpoint("transfers", "/api/v1/transfers", "tenant", grow=grow_transfers),
    Endpoint("dues-bases", "/api/v1/dues/bases", "tenant", grow=grow_bases),
    Endpoint("dues-assessments", "/api/v1/dues/assessments", "tenant", grow=grow_assessments),
    Endpoint("dues-exemptions", "/api/v1/dues/exemptions", "tenant", grow=grow_exemptions),
    Endpoint("dues-voluntary-payments", "/api/v1/dues/voluntary-payments", "tenant", grow=grow_voluntary),
    Endpoint("member-imports", "/api/v1/member-imports", "tenant", grow=grow_imports),
    Endpoint("audit-events-tenant", "/api/v1/audit-events", "tenant", grow=grow_audit),
    Endpoint("notifications", "/api/v1/notifications", "tenant", grow=grow_notifications),
    Endpoint("notification-deliveries", "/api/v1/notification-deliveries", "tenant", grow=grow_deliveries),
    Endpoint("roster-tenant", "/api/v1/roster", "tenant", grow=grow_roster, on_tenant=False),
    Endpoint("pocket-members-tenant", "/api/v1/pocket-members", "tenant", grow=grow_pockets, on_tenant=False),
    Endpoint("learning-categories", "/api/v1/learning/categories", "tenant", grow=grow_categories),
    Endpoint("learning-resources", "/api/v1/learning/resources", "tenant", grow=grow_resources),
    Endpoint("learning-library", "/api/v1/learning/library", "tenant", "member", grow=grow_resources),
    Endpoint("meeting-kinds", "/api/v1/meetings/kinds", "tenant", grow=grow_activity_kinds),
    Endpoint("meeting-rules", "/api/v1/meetings/rules", "tenant", grow=grow_activity_rules),
    Endpoint("meetings", "/api/v1/meetings/list", "tenant", grow=grow_meetings),
    Endpoint("meetings-mine", "/api/v1/meetings/mine", "tenant", "member", grow=grow_meetings),
    Endpoint("meeting-makeups", "/api/v1/meetings/makeups", "tenant", "member", grow=grow_makeups),
    Endpoint("evaluation-rounds", "/api/v1/assessment/evaluations", "tenant", grow=grow_evaluation_rounds),
    Endpoint("evaluation-rules", "/api/v1/assessment/evaluations/rules", "tenant", grow=grow_evaluation_rules),
    Endpoint("evaluation-mine", "/api/v1/assessment/evaluations/mine", "tenant", "member", grow=grow_my_evaluations),
    Endpoint("evaluation-participants", "/api/v1/assessment/evaluations/{round_id}/participants", "tenant", grow=grow_evaluation_participants),
    Endpoint("evaluation-meetings", "/api/v1/assessment/evaluations/{round_id}/meetings", "tenant", grow=grow_decision_meetings),
    Endpoint("evaluation-mass-invitations", "/api/v1/assessment/evaluations/{round_id}/mass/invitations", "tenant", grow=grow_mass_invitations),
    Endpoint("evaluation-mass-candidates", "/api/v1/assessment/evaluations/{round_id}/mass/candidates", "tenant", grow=grow_mass_candidates),
    Endpoint("points-my-ledger", "/api/v1/points/me/ledger", "tenant", "member", grow=grow_my_point_entries),
    Endpoint("points-members", "/api/v1/points/members", "tenant", grow=grow_members),
    Endpoint("points-member-ledger", "/api/v1/points/members/{member_id}/ledger", "tenant", grow=grow_member_point_entries),
    Endpoint("points-branches", "/api/v1/points/branches", "tenant", grow=grow_organizations),
    Endpoint("points-rules", "/api/v1/points/rules", "tenant", grow=grow_point_rule_sets),
    Endpoint("points-anomalies", "/api/v1/points/anomalies", "tenant", grow=grow_point_anomalies),
    Endpoint("learning-question-banks", "/api/v1/learning/question-banks", "tenant", grow=grow_banks),
    Endpoint("dues-arrears", "/api/v1/dues/arrears", "tenant", grow=grow_arrears),
    Endpoint("dues-remittances", "/api/v1/dues/remittances", "tenant", grow=grow_remittances),
    Endpoint("dues-online-payments", "/api/v1/dues/online-payments", "tenant", "member", grow_online_payments),
    Endpoint("dues-assessments-mine", "/api/v1/dues/assessments/mine", "tenant", "member", grow_my_assessments),
    Endpoint("member-history", "/api/v1/members/{member_id}/history", "tenant", grow=grow_member_history),
    Endpoint("member-disciplinary-probations", "/api/v1/members/{member_id}/disciplinary-probations", "tenant", grow=grow_probations),
    Endpoint("organization-history", "/api/v1/organizations/{organization_id}/history", "tenant", grow=grow_organization_history),
    Endpoint("learning-courses", "/api/v1/learning/courses", "tenant", grow=grow_courses),
    Endpoint("learning-questions", "/api/v1/learning/questions", "tenant", grow=grow_questions),
    Endpoint("learning-quizzes", "/api/v1/learning/quizzes", "tenant", grow=grow_quizzes),
    Endpoint("learning-attempts", "/api/v1/learning/attempts", "tenant", grow=grow_my_attempts),
    Endpoint("learning-quiz-results", "/api/v1/learning/quizzes/{quiz_id}/results", "tenant", grow=grow_quiz_results),
    Endpoint("learning-regulations", "/api/v1/learning/regulations", "tenant", grow=grow_regulations),
    Endpoint("learning-regulation-articles", "/api/v1/learning/regulations/{regulation}/articles", "tenant", grow=grow_articles),
    Endpoint("learning-library-regulations", "/api/v1/learning/library/regulations", "tenant", grow=grow_regulations),
    Endpoint("learning-study-report", "/api/v1/learning/study/report", "tenant", grow=grow_study_days),
    Endpoint("assessment-task-books", "/api/v1/assessment/task-books", "tenant", grow=grow_task_books),
    Endpoint("supervision-announcements", "/api/v1/supervision/announcements", "tenant", grow=grow_announcements),
    Endpoint("supervision-announcements-mine", "/api/v1/supervision/announcements/mine", "tenant", "member", grow=grow_my_announcements),
    Endpoint("supervision-announcement-receipts", "/api/v1/supervision/announcements/{announcement_id}/receipts", "tenant", grow=grow_announcement_receipts),
    Endpoint("supervision-publicities", "/api/v1/supervision/publicities", "tenant", grow=grow_publicities),
    Endpoint("supervision-publicities-open", "/api/v1/supervision/publicities/open", "tenant", "member", grow=grow_open_publicities),
    Endpoint("supervision-publicity-objections", "/api/v1/supervision/publicities/{publicity_id}/objections", "tenant", grow=grow_objections),
    Endpoint("supervision-rules", "/api/v1/supervision/rules", "tenant", grow=grow_supervision_rules),
    Endpoint("supervision-surveys", "/api/v1/supervision/surveys", "tenant", grow=grow_surveys),
    Endpoint("supervision-surveys-mine", "/api/v1/supervision/surveys/mine", "tenant", "member", grow=grow_my_surveys),
    Endpoint("supervision-survey-texts", "/api/v1/supervision/surveys/{survey_id}/text-answers", "tenant", grow=grow_survey_texts),
    Endpoint("supervision-survey-responses", "/api/v1/supervision/surveys/{survey_id}/responses", "tenant", grow=grow_survey_responses),
    Endpoint("supervision-votes", "/api/v1/supervision/votes", "tenant", grow=grow_votes),
    Endpoint("supervision-votes-mine", "/api/v1/supervision/votes/mine", "tenant", "member", grow=grow_my_votes),
    # Group root host.
    Endpoint("tenant-applications", "/api/v1/tenant-applications", "root", "group_admin", grow_applications, on_tenant=False),
    Endpoint("group-roles", "/api/v1/group-roles", "root", "group_admin", grow_group_roles, on_tenant=False),
    Endpoint("group-live-lessons", "/api/v1/group/live/lessons", "root", "group_admin", grow_group_lessons, on_tenant=False),
    Endpoint("group-live-sensitive-words", "/api/v1/group/live/sensitive-words", "root", "group_admin", grow_sensitive_words, on_tenant=False),
    Endpoint("audit-events-root", "/api/v1/audit-events", "root", "group_admin", grow_audit, on_tenant=False),
    Endpoint("roster-root", "/api/v1/roster", "root", "group_admin", grow_roster, on_tenant=False),
    Endpoint("pocket-members-root", "/api/v1/pocket-members", "root", "group_admin", grow_pockets, on_tenant=False),
    Endpoint("shared-library-categories", "/api/v1/learning/categories", "root", "group_admin", grow_categories, on_tenant=False),
    Endpoint("shared-library-resources", "/api/v1/learning/resources", "root", "group_admin", grow_resources, on_tenant=False),
    Endpoint("shared-library-regulations", "/api/v1/learning/regulations", "root", "group_admin", grow_regulations, on_tenant=False),
    Endpoint("showcase-proposals", "/api/v1/learning/showcase-proposals", "root", "group_admin", grow_showcase, on_tenant=False),
    Endpoint("dashboard-drift-reports", "/api/v1/group/dashboard/drift-reports", "root", "group_admin", grow_drift_reports, on_tenant=False),
    Endpoint("search-reindex-jobs", "/api/v1/search/reindex", "root", "group_admin", grow_reindex_jobs, on_tenant=False),
    Endpoint("dashboard-tenant-organizations", "/api/v1/group/dashboard/tenants/{tenant_id}/organizations", "root", "group_admin", grow_rolled_up_organizations, on_tenant=False),
    Endpoint("dashboard-organization-members", "/api/v1/group/dashboard/tenants/{tenant_id}/organizations/{organization_id}/members", "root", "group_admin", grow_rolled_up_members, on_tenant=False),
    Endpoint("tenants", "/api/v1/tenants", "root", "group_admin", grow_tenants, on_tenant=False),
    Endpoint("group-task-book-templates", "/api/v1/group/task-books/templates", "root", "group_admin", grow_task_book_templates, on_tenant=False),
    Endpoint("group-meetings-drilldown", "/api/v1/group/meetings/compliance/{tenant_id}/meetings", "root", "group_admin", grow_meetings),
    Endpoint("group-announcements", "/api/v1/supervision/announcements", "root", "group_admin", grow_announcements, on_tenant=False),
    # A ceiling only: one row per dashboard figure, a fixed set that cannot grow.
    Endpoint("dashboard-thresholds", "/api/v1/group/dashboard/thresholds", "root", "group_admin", ceiling=CEILINGS["thresholds"]),
]  # fmt: skip


def _caller(endpoint: Endpoint, tenant: TenantWorld, group_admin: User) -> User:
    return {"admin": tenant.admin, "member": tenant.member, "group_admin": group_admin}[endpoint.caller]


def _count(endpoint: Endpoint, tenant: TenantWorld, group_admin: User, path: str) -> tuple[int, Any]:
    host = tenant.host if endpoint.host == "tenant" else ROOT_HOST
    client = api(host, _caller(endpoint, tenant, group_admin))
    # One page holds every row the builders add (the default page has 20).
    path += ("&" if "?" in path else "?") + "page_size=100"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    connection.set_schema_to_public()
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries), response.json()


def _rows(body: Any) -> int:
    return len(body["results"] if isinstance(body, dict) else body)


def _grow(endpoint: Endpoint, world: World, n: int) -> None:
    assert endpoint.grow is not None
    if endpoint.on_tenant:
        with world.tenant.tenant:
            endpoint.grow(world, n)
    else:
        endpoint.grow(world, n)
    connection.set_schema_to_public()


GROWING = [pytest.param(e, id=e.id) for e in ENDPOINTS if e.grow is not None]


@pytest.mark.parametrize("endpoint", GROWING)
def test_list_queries_do_not_grow_with_the_rows(endpoint: Endpoint, tenant_a: TenantWorld, group_admin: User):
    world = World(tenant_a, group_admin, {})
    _grow(endpoint, world, 2)
    path = endpoint.path.format(tenant_id=tenant_a.tenant.pk, **world.state)
    few, body = _count(endpoint, tenant_a, group_admin, path)
    rows_few = _rows(body)
    _grow(endpoint, world, 10)
    many, body = _count(endpoint, tenant_a, group_admin, path)
    assert _rows(body) >= rows_few + 10, "the builder must add rows that the endpoint lists"
    assert many == few, f"{few} queries with {rows_few} rows, {many} with {_rows(body)}"


CAPPED = [pytest.param(e, id=e.id) for e in ENDPOINTS if e.ceiling is not None]


@pytest.mark.parametrize("endpoint", CAPPED)
def test_list_queries_stay_under_a_ceiling(
    endpoint: Endpoint,
    tenant_a: TenantWorld,
    tenant_b: TenantWorld,
    group_admin: User,
    django_assert_max_num_queries: Any,
):
    assert endpoint.ceiling is not None
    with django_assert_max_num_queries(endpoint.ceiling):
        _, body = _count(endpoint, tenant_a, group_admin, endpoint.path.format(tenant_id=tenant_a.tenant.pk))
    assert _rows(body) >= 2


def _schema_list_operations() -> set[str]:
    """GET operations of both hosts answering a paginated list or an array, as the typed client
    sees them (the OpenAPI schema), with their path parameters written as in ``ENDPOINTS``."""
    schema = SchemaGenerator(urlconf="partycloud.urls_schema").get_schema(request=None, public=True)
    found = set()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        answer = get["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        if answer.get("type") == "array" or "/Paginated" in answer.get("$ref", ""):
            found.add(path)
    return found


# Lists that look like "retrieve" in the schema but list rows all the same (guarded above too).
LIST_LIKE = {
    "/api/v1/group/dashboard/tenants/{tenant_id}/organizations/{organization_id}/members",
    "/api/v1/learning/library",  # pages of its own shape (facets, like the search)
}


def test_every_list_endpoint_is_guarded():
    """A new list endpoint fails here until it has a growth test or a ceiling above."""
    guarded = {endpoint.path.replace("{member_id}", "{id}").replace("{organization_id}/history", "{id}/history")
               .replace("{quiz_id}", "{id}").replace("{regulation}", "{uuid}") for endpoint in ENDPOINTS}  # fmt: skip
    assert _schema_list_operations() - guarded == set()
    assert guarded - _schema_list_operations() - LIST_LIKE == set(), "a guarded path is not in the schema"
