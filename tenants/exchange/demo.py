"""Demo posts of the exchange: in each tenant a few published news and showcase posts of the
branch the demo secretary runs (written by them, approved by the tenant admin, one proposed to and
accepted by the committee), a member's micro-video awaiting review (no video file: the demo has no
media pipeline to wait for), and the group's own news. Seeded once per schema."""

from __future__ import annotations

from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRole, GroupRoleKind, User
from tenants.exchange.community import do_create_board, do_create_thread, do_set_thread_flags
from tenants.exchange.interactions import do_comment, do_react, post_target, thread_target
from tenants.exchange.models import Board, Post, PostKind, PostStatus, ReactionKind
from tenants.exchange.posts import (
    PostDraft,
    do_approve_post,
    do_create_post,
    do_decide_promotion,
    do_propose_to_parent,
    in_group_schema,
)
from tenants.exchange.visibility import can_see_post
from tenants.organizations.models import Organization

TENANT_POSTS = [
    (
        PostKind.NEWS,
        "支部开展“学思想、强党性”主题党日活动",
        "<p>支部全体党员重温入党誓词，围绕岗位建功开展研讨交流。</p>",
    ),
    (PostKind.NEWS, "党员先锋岗助力迎峰度夏保供电", "<p>支部党员带头值守一线，完成设备巡检一百二十余次。</p>"),
    (PostKind.SHOWCASE, "“红色电力”党建品牌建设成果", "<p>以党建品牌带动安全生产，支部连续三年获评先进党组织。</p>"),
    (
        PostKind.SHOWCASE,
        "精品党课：新时代产业工人的使命担当",
        "<p>支部书记讲授专题党课，结合班组实际阐释责任担当。</p>",
    ),
]
GROUP_NEWS = ("集团党委召开年度党建工作会议", "<p>会议总结全年党建工作，部署下一年度重点任务。</p>")


def seed_posts(admin: User, secretary: User, branch: Organization, member: User | None) -> None:
    """The demo secretary's branch (``branch``): its posts; ``member`` uploads a micro-video."""
    if Post.objects.exists():
        return
    writer, reviewer = Actor.for_user(secretary), Actor.for_user(admin)
    published: list[Post] = []
    for kind, title, body in TENANT_POSTS:
        post = do_create_post(
            actor=writer,
            draft=PostDraft(kind=kind, title=title, body_html=body, organization_id=branch.pk, tags=["支部风采"]),
            submit=True,
        )
        published.append(do_approve_post(post, actor=reviewer, note="同意发布"))
    # The brand showcase climbs level by level to the subsidiary's committee: seen tenant-wide.
    proposer = writer
    while published[2].audience_id is not None and _parent(published[2].audience_id) is not None:
        promotion = do_propose_to_parent(published[2], actor=proposer, note="经验值得推广")
        do_decide_promotion(promotion, actor=reviewer, accept=True, note="同意在更大范围展示")
        published[2].refresh_from_db()
        proposer = reviewer
    if member is not None:
        Post.objects.create(
            kind=PostKind.MICRO_VIDEO,
            title="我身边的共产党员",
            summary="记录班组党员的一天（演示数据，未附视频）",
            organization_id=branch.pk,
            audience_id=branch.pk,
            status=PostStatus.PENDING,
            author=member,
            author_name=member.name,
            submitted_at=timezone.now(),
        )
    # The post the committee accepted is seen tenant-wide: the demo member, in another branch, likes it.
    _seed_community(admin, secretary, member, published[2])
    _seed_group_news()


def _seed_community(admin: User, secretary: User, member: User | None, post: Post | None) -> None:
    """A tenant-wide board with a pinned thread by the admin, a member's question answered by the
    secretary, and a like and a comment on one of the branch's posts."""
    if Board.objects.exists():
        return
    writer, helper = Actor.for_user(admin), Actor.for_user(secretary)
    board = do_create_board(writer, name="党员交流", description="学习心得、工作经验，大家一起交流。")
    pinned = do_create_thread(
        writer, board, title="欢迎来到党员社区", body="请围绕学习和工作交流，文明发言，涉密内容一律不得发布。"
    )
    do_set_thread_flags(writer, pinned, pinned=True)
    if member is None:
        return
    asker = Actor.for_user(member)
    question = do_create_thread(
        asker, board, title="主题党日活动有什么好的形式？", body="我们支部想把主题党日办得更有新意，大家有什么建议？"
    )
    do_comment(helper, thread_target(helper, question), body="可以结合岗位开展志愿服务，再组织一次现场教学。")
    if post is not None and can_see_post(asker, post):
        target = post_target(asker, post)
        do_react(asker, target, ReactionKind.LIKE)
        do_comment(asker, target, body="向先锋岗的同志们学习！")


def _parent(organization_id: int) -> int | None:
    return Organization.objects.filter(pk=organization_id).values_list("parent_id", flat=True).first()


def _seed_group_news() -> None:
    with in_group_schema():
        if Post.objects.exists():
            return
        role = GroupRole.objects.filter(role=GroupRoleKind.GROUP_ADMIN).select_related("user").first()
        if role is None:
            return
        title, body = GROUP_NEWS
        do_create_post(
            actor=Actor.for_user(role.user),
            draft=PostDraft(kind=PostKind.NEWS, title=title, body_html=body, pinned=True),
            submit=True,
        )
