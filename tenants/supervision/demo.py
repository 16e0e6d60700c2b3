"""Demo data of the supervision platform, seeded once per tenant schema (and the group's own
announcement once in the public schema): an announcement partly read, a cadre publicity in its
window, an anonymous survey and an anonymous vote open with a few answers, a report acknowledged
by the inspector who was routed to it, and a member's inquiry waiting for its reply."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.tenancy.models import PartyCommittee
from tenants.members.models import COUNTED_STATUSES, Member
from tenants.organizations.models import Organization
from tenants.supervision import announcements, inquiries, publicity, reports, surveys, votes
from tenants.supervision.models import Announcement, CampaignStatus, Report, Scope, Survey, Vote
from tenants.supervision.routing import route


def seed_supervision(admin: User, branches: list[Organization], member_user: User | None) -> None:
    if Announcement.objects.exists():
        return
    actor = Actor.for_user(admin)
    root = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return
    now = timezone.now()
    # 党务公开: to the whole subsidiary, to be confirmed as read; a few members have read it.
    notice = announcements.do_create(
        actor=actor,
        title="关于公开本年度党费收缴使用情况的公告",
        body_html="<p>现将本年度党费收缴、使用和管理情况予以公开，请全体党员阅知并签收。</p>",
        category="党费",
        organization=root.pk,
        scope=Scope.TENANT,
        requires_signature=True,
    )
    announcements.do_publish(notice, actor=actor)
    readers = [
        m.user
        for m in Member.objects.filter(status__in=COUNTED_STATUSES, user__isnull=False)
        .exclude(user=member_user)
        .select_related("user")[:5]
    ]
    for user in readers:
        announcements.do_open(announcements.my_announcement(Actor.for_user(user), notice.uuid))
    # 任前公示: opens today for the rule's working days.
    draft = publicity.do_create(
        actor=actor,
        title="干部任职前公示",
        organization=root.pk,
        scope=Scope.TENANT,
        candidates=[
            {
                "name": "王建华",
                "gender": "male",
                "born": "1980-05",
                "current_post": "第一党支部书记",
                "proposed_post": "党委办公室主任",
            }
        ],
        body_html="<p>公示期间，党员群众可通过来信、来电或当面等方式反映情况。</p>",
        contact="党委组织部 电话 010-12345678",
    )
    publicity.do_publish(draft, actor=actor, starts_on=timezone.localdate())
    # 问卷 and 投票: anonymous, open for two weeks to the whole subsidiary.
    survey = surveys.do_create_survey(
        actor=actor,
        organization=root.pk,
        title="党员教育培训需求调查",
        description="了解党员对教育培训内容和形式的需求，匿名填写。",
        scope=Scope.TENANT,
        anonymous=True,
        results_to_respondents=True,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=14),
        questions=[
            {"kind": "single", "text": "您最希望的学习形式", "options": ["集中授课", "线上学习", "现场教学"]},
            {
                "kind": "multiple",
                "text": "您关注的学习内容（可多选）",
                "options": ["理论学习", "党规党纪", "业务技能", "先进典型"],
            },
            {"kind": "rating", "text": "对本年度培训的满意度", "rating_max": 5},
            {"kind": "text", "text": "其他意见和建议", "required": False},
        ],
    )
    surveys.do_transition(survey, CampaignStatus.OPEN, actor=actor)
    vote = votes.do_create_vote(
        actor=actor,
        organization=root.pk,
        title="年度优秀党建品牌推荐投票",
        description="每人限选两项，投票匿名，投出后不能更改。",
        scope=Scope.TENANT,
        max_choices=2,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=7),
        options=["红色电力先锋", "党建+安全生产", "党员服务队", "青年突击队"],
    )
    votes.do_transition(vote, CampaignStatus.OPEN, actor=actor)
    survey = Survey.objects.get(pk=survey.pk)
    vote = Vote.objects.get(pk=vote.pk)
    questions = list(survey.questions.prefetch_related("options"))
    options = list(vote.options.all())
    for index, user in enumerate(readers[:4]):
        voter = Actor.for_user(user)
        votes.do_cast(vote, [options[index % 4].pk, options[(index + 1) % 4].pk], actor=voter)
        first, many = list(questions[0].options.all()), list(questions[1].options.all())
        surveys.do_respond(
            survey,
            [
                {"question": questions[0].pk, "options": [first[index % 3].pk]},
                {"question": questions[1].pk, "options": [many[0].pk, many[(index % 3) + 1].pk]},
                {"question": questions[2].pk, "rating": 3 + index % 3},
            ],
            actor=voter,
        )
    # 信访举报: an anonymous report about a branch, acknowledged by the inspector routed to it.
    for accused in branches:
        routing = route(accused)
        if routing.user_ids:
            filed = reports.do_file_report(
                actor=Actor.system(),  # an anonymous reporter: nobody signed in
                kind="report",
                anonymous=True,
                accused_organization=accused.pk,
                accused_name="",
                subject="反映支部党费收缴不规范问题",
                content="支部个别月份党费未按时收缴，收据登记不完整，请予核查。",
            )
            report = Report.objects.get(number=filed.number)
            inspector = User.objects.get(pk=routing.user_ids[0])
            reports.do_acknowledge(report, actor=Actor.for_user(inspector))
            break
    # 询问: the demo member asks their committee.
    if member_user is not None:
        inquiries.do_ask(
            Actor.for_user(member_user),
            organization=root.pk,
            is_challenge=False,
            subject="关于党员教育培训学时认定的询问",
            body="请问参加集团线上培训的学时如何计入年度教育培训学时？",
        )


def seed_group_announcement(admin: User, tenants: list[PartyCommittee]) -> None:
    """The group's own announcement to every subsidiary (public rows), delivered here at once (the
    publish also queues one idempotent delivery task per subsidiary), read by a few members."""
    if Announcement.objects.filter(organization_id__isnull=True).exists():
        return
    actor = Actor.for_user(admin)
    notice = announcements.do_create(
        actor=actor,
        title="关于开展年度党建工作述职评议考核的通知",
        body_html="<p>请各二级单位党委按照集团党委部署，于月底前完成党建工作述职评议考核准备工作。</p>",
        category="组织建设",
        requires_signature=True,
    )
    announcements.do_publish(notice, actor=actor)
    for tenant in tenants:
        with tenant:
            announcements.do_deliver_group_announcement(notice.pk)
            readers = Member.objects.filter(status__in=COUNTED_STATUSES, user__isnull=False).select_related("user")
            for member in readers[:2]:
                mine = announcements.my_announcement(Actor.for_user(member.user), notice.uuid)
                announcements.do_open(mine)
