"""Exchange posts (issue 17): the review flow (author ≠ reviewer), the confidentiality gate storing
nothing, visibility by audience and promotion to the level above, the group's showcase round
trip, micro-video limits, view counts under concurrency, search, points, the home feed and the
isolation of every endpoint."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.tenancy.context import use_public_schema
from partycloud.uploads.models import Upload
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.exchange.models import ExchangeSettings, Post, PostPromotion, PostStatus
from tenants.exchange.points import record_contributions
from tenants.members.models import Member
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.learning_support import (
    clean_search,  # noqa: F401 (autouse)
    eager_tasks,
    png_bytes,
    uploaded_id,
    video_bytes,
)

# No module-wide django_db mark: the concurrency test needs committed rows (the others use db fixtures).

BASE = "/api/v1/exchange"
NEWS = {
    "kind": "news",
    "title": "第一党支部开展主题党日活动",
    "summary": "",
    "body_html": "<p onclick='x()'>支部党员走进社区开展<strong>志愿服务</strong>。</p><script>alert(1)</script>",
    "tags": ["主题党日"],
    "marking": "internal",
}


def _member(org: Organization, user: User, name: str) -> Member:
    return Member.objects.create(
        user=user, organization=org, name=name, gender="male", birth_date="1985-06-12",
        id_card_encrypted="x", id_card_index=f"posts-{user.pk}", id_card_masked="x",
        joined_on="2010-07-01", membership="full", dues_category="employee",
    )  # fmt: skip


@dataclass
class Units:
    """Tenant A: a committee with two branches; a member and a scoped secretary in each."""

    world: TenantWorld
    committee: Organization
    first: Organization
    second: Organization
    member1: User
    member2: User
    secretary1: User  # secretary of the first branch only (and its member)
    committee_worker: User  # committee member scoped to the committee

    def client(self, user: User) -> Any:
        return api(self.world.host, user)


@pytest.fixture
def units(tenant_a: TenantWorld) -> Units:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="交流党委")
        first = do_create_organization(kind="branch", name="交流一支部", parent=committee)
        second = do_create_organization(kind="branch", name="交流二支部", parent=committee)
        member1, member2, secretary1, worker = (UserFactory(name=n) for n in ("张一", "李二", "王书记", "赵委员"))
        _member(first, member1, "张一")
        _member(second, member2, "李二")
        _member(first, secretary1, "王书记")
        _member(committee, worker, "赵委员")
        for user in (member1, member2):
            do_assign_role(user=user, role=TenantRole.MEMBER)
        do_assign_role(user=secretary1, role=TenantRole.SECRETARY, organization_id=first.pk)
        do_assign_role(user=worker, role=TenantRole.COMMITTEE_MEMBER, organization_id=committee.pk)
    connection.set_schema_to_public()
    return Units(tenant_a, committee, first, second, member1, member2, secretary1, worker)


def create(client: Any, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = client.post(f"{BASE}/posts", {**body, **extra}, format="json")
    assert response.status_code == 201, response.json()
    result: dict[str, Any] = response.json()
    return result


def step(client: Any, post_id: str, action: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"{BASE}/posts/{post_id}/{action}", body or {}, format="json")


def published_news(units: Units, **extra: Any) -> dict[str, Any]:
    """A news post of the first branch, written by its secretary, approved by the committee worker."""
    post = create(units.client(units.secretary1), NEWS, organization=units.first.pk, submit=True, **extra)
    approved = step(units.client(units.committee_worker), post["id"], "approve")
    assert approved.status_code == 200, approved.json()
    result: dict[str, Any] = approved.json()
    return result


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# ---------------------------------------------------------------------------------- review


def test_review_flow_sanitizes_notifies_audits_and_never_lets_the_author_review(units: Units) -> None:
    author = units.client(units.secretary1)
    post = create(author, NEWS, organization=units.first.pk)
    assert post["status"] == "draft"
    assert post["source"] == "tenant"
    assert "<script>" not in post["body_html"]
    assert "onclick" not in post["body_html"]
    assert "<strong>志愿服务</strong>" in post["body_html"]
    assert post["organization_name"] == "交流一支部"
    assert post["audience"] == units.first.pk

    submitted = step(author, post["id"], "submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "pending"
    with units.world.tenant:
        told = set(Notification.objects.filter(kind="exchange.review").values_list("user_id", flat=True))
    assert units.committee_worker.pk in told
    assert units.secretary1.pk not in told

    # The author is a worker of the unit, yet cannot review their own post.
    own = step(author, post["id"], "approve")
    assert own.status_code == 403
    assert own.json()["code"] == "exchange.own_post_review"
    # A member is no reviewer; returning needs a note.
    assert step(units.client(units.member1), post["id"], "approve").status_code in (403, 404)
    no_note = step(units.client(units.committee_worker), post["id"], "reject", {"note": " "})
    assert no_note.status_code == 400

    returned = step(units.client(units.committee_worker), post["id"], "reject", {"note": "请补充活动照片"})
    assert returned.status_code == 200
    assert returned.json()["status"] == "rejected"
    assert returned.json()["review_note"] == "请补充活动照片"
    # Invalid transitions are 409 with a code.
    again = step(units.client(units.committee_worker), post["id"], "approve")
    assert again.status_code == 409
    assert again.json()["code"] == "exchange.bad_transition"

    edited = author.patch(f"{BASE}/posts/{post['id']}", {"title": "主题党日活动（修改）"}, format="json")
    assert edited.status_code == 200
    assert edited.json()["title"] == "主题党日活动（修改）"
    assert step(author, post["id"], "submit").json()["status"] == "pending"
    approved = step(units.client(units.world.secretary), post["id"], "approve", {"note": "同意"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "published"
    assert approved.json()["published_at"]
    # A published post is not edited in place; withdrawing it makes it editable again.
    assert author.patch(f"{BASE}/posts/{post['id']}", {"title": "x"}, format="json").status_code == 409
    withdrawn = step(author, post["id"], "withdraw", {"note": "数据有误"})
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["can_edit"] is True
    with units.world.tenant:
        events = set(AuditEvent.objects.filter(target_id=post["id"]).values_list("event", flat=True))
        author_told = Notification.objects.filter(user=units.secretary1, kind="exchange.review").count()
    assert {"exchange.post.publish", "exchange.post.reject", "exchange.post.withdraw"} <= events
    assert author_told == 2  # returned, then published


def test_only_workers_covering_the_unit_write_its_news(units: Units) -> None:
    refused = units.client(units.member1).post(f"{BASE}/posts", {**NEWS, "organization": units.first.pk})
    assert refused.status_code == 403
    assert refused.json()["code"] == "exchange.not_a_worker"
    other_branch = units.client(units.secretary1).post(
        f"{BASE}/posts", {**NEWS, "organization": units.second.pk}, format="json"
    )
    assert other_branch.status_code == 403
    no_unit = units.client(units.secretary1).post(f"{BASE}/posts", NEWS, format="json")
    assert no_unit.status_code == 400
    assert no_unit.json()["code"] == "exchange.no_organization"
    # The committee's worker writes for a branch under the committee.
    assert create(units.client(units.committee_worker), NEWS, organization=units.second.pk)["status"] == "draft"


def test_the_gate_refuses_classified_content_and_stores_nothing(units: Units) -> None:
    author = units.client(units.secretary1)
    with units.world.tenant:
        before = Post.objects.count()
    cover = uploaded_id(author, "exchange.image", "cover.png", "image/png", png_bytes())
    refused = author.post(
        f"{BASE}/posts",
        {**NEWS, "organization": units.first.pk, "body_html": "<p>机密★1年 会议纪要</p>", "cover_upload": cover},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "confidentiality.classified"
    with units.world.tenant:
        assert Post.objects.count() == before
        assert AuditEvent.objects.filter(event="exchange.classified.refuse").exists()
    assert Upload.objects.get(pk=cover).status == "rejected"
    # An edit is gated too, and leaves the post as it was.
    post = create(author, NEWS, organization=units.first.pk)
    changed = author.patch(f"{BASE}/posts/{post['id']}", {"title": "【绝密】 标题"}, format="json")
    assert changed.status_code == 400
    assert author.get(f"{BASE}/posts/{post['id']}").json()["title"] == NEWS["title"]


# ---------------------------------------------------------------------------------- visibility


def test_a_branch_post_is_seen_by_its_branch_and_after_promotion_by_the_whole_committee(units: Units) -> None:
    post = published_news(units)
    one, two = units.client(units.member1), units.client(units.member2)
    assert post["id"] in ids(one.get(f"{BASE}/posts"))
    assert one.get(f"{BASE}/posts/{post['id']}").status_code == 200
    assert post["id"] not in ids(two.get(f"{BASE}/posts"))
    assert two.get(f"{BASE}/posts/{post['id']}").status_code == 404
    # Drafts are not seen by members, even of the unit.
    draft = create(units.client(units.secretary1), NEWS, organization=units.first.pk)
    assert draft["id"] not in ids(one.get(f"{BASE}/posts"))

    proposed = step(units.client(units.secretary1), post["id"], "propose", {"note": "经验值得推广"})
    assert proposed.status_code == 200, proposed.json()
    assert proposed.json()["promotion"]["to_organization"] == units.committee.pk
    assert step(units.client(units.secretary1), post["id"], "propose").status_code == 409
    # The branch's secretary cannot decide for the committee; the committee's worker can.
    incoming = units.client(units.committee_worker).get(f"{BASE}/post-promotions", {"incoming": "true"}).json()
    promotion = incoming["results"][0]
    assert units.client(units.member1).get(f"{BASE}/post-promotions").json()["count"] == 0  # workers' business
    assert promotion["can_decide"] is True
    assert promotion["post"] == post["id"]
    refused = units.client(units.secretary1).post(f"{BASE}/post-promotions/{promotion['id']}/accept", {})
    assert refused.status_code == 403
    accepted = units.client(units.committee_worker).post(f"{BASE}/post-promotions/{promotion['id']}/accept", {})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "approved"
    assert post["id"] in ids(two.get(f"{BASE}/posts"))
    assert two.get(f"{BASE}/posts/{post['id']}").json()["audience"] == units.committee.pk
    # The committee is the top: nothing above it to propose to.
    top = step(units.client(units.committee_worker), post["id"], "propose")
    assert top.status_code == 400
    assert top.json()["code"] == "exchange.no_parent_unit"


def test_a_member_posts_a_micro_video_for_their_own_branch_and_a_worker_reviews_it(
    units: Units, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    member = units.client(units.member1)
    video = uploaded_id(member, "exchange.video", "clip.mp4", "video/mp4", video_bytes(tmp_path, seconds=1))
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        post = create(member, {"kind": "micro_video", "title": "我的微党课", "video_upload": video}, submit=True)
    assert post["organization"] == units.first.pk
    assert post["status"] == "pending"
    detail = member.get(f"{BASE}/posts/{post['id']}").json()
    assert detail["video"]["status"] == "ready"
    assert detail["video"]["play_url"].startswith("/api/v1/learning/hls/")
    assert detail["is_mine"] is True
    assert detail["can_review"] is False
    # The branch's other member does not see it until it is published.
    assert post["id"] not in ids(units.client(units.member2).get(f"{BASE}/posts", {"kind": "micro_video"}))
    reviewer = units.client(units.secretary1)
    assert post["id"] in ids(reviewer.get(f"{BASE}/posts", {"reviewable": "true"}))
    assert step(reviewer, post["id"], "approve").json()["status"] == "published"
    # Points: one contribution for the member author.
    with units.world.tenant:
        recorded = list(record_contributions(None, [units.member1.pk]))
        pk = Post.objects.get(uuid=post["id"]).pk
    assert [(r.kind, r.source_key, r.user_id) for r in recorded] == [
        ("contribution_published", f"post:{pk}", units.member1.pk)
    ]


def test_micro_videos_over_the_limits_are_refused(
    units: Units, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    member = units.client(units.member1)
    with units.world.tenant:
        ExchangeSettings.objects.create(micro_video_max_seconds=1, micro_video_max_bytes=10 * 1024 * 1024)
    limits = member.get(f"{BASE}/post-limits").json()
    assert limits["micro_video_max_seconds"] == 1
    # Too long: found when the video is probed; the post is returned naming the rule, the file removed.
    video = uploaded_id(member, "exchange.video", "long.mp4", "video/mp4", video_bytes(tmp_path, seconds=3))
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        post = create(member, {"kind": "micro_video", "title": "太长的视频", "video_upload": video}, submit=True)
    detail = member.get(f"{BASE}/posts/{post['id']}").json()
    assert detail["status"] == "rejected"
    assert detail["video"]["error"] == "exchange.video_too_long"
    assert "3" in detail["review_note"]
    with units.world.tenant:
        assert Post.objects.get(uuid=post["id"]).file_key == ""
    # Too large: refused when the post claims the upload; nothing stored.
    with units.world.tenant:
        ExchangeSettings.objects.update(micro_video_max_bytes=1000)
        before = Post.objects.count()
    big = uploaded_id(member, "exchange.video", "big.mp4", "video/mp4", video_bytes(tmp_path, seconds=1))
    refused = member.post(f"{BASE}/posts", {"kind": "micro_video", "title": "太大", "video_upload": big}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "exchange.video_too_large"
    with units.world.tenant:
        assert Post.objects.count() == before
    assert Upload.objects.get(pk=big).status == "rejected"


# ---------------------------------------------------------------------------------- the group


def test_a_post_proposed_to_the_group_becomes_a_group_post_seen_in_every_tenant(
    units: Units, tenant_b: TenantWorld, group_admin: User
) -> None:
    post = published_news(units, title="甲公司党建品牌经验")
    proposed = step(units.client(units.secretary1), post["id"], "propose-to-group", {"note": "推荐"})
    assert proposed.status_code == 200
    assert proposed.json()["group_status"] == "proposed"
    assert step(units.client(units.secretary1), post["id"], "propose-to-group").status_code == 409
    group = api(ROOT_HOST, group_admin)
    queue = group.get("/api/v1/learning/showcase-proposals", {"source": "exchange.post"}).json()["results"]
    assert [(row["source"], row["resource_uuid"], row["kind"]) for row in queue] == [
        ("exchange.post", post["id"], "news")
    ]
    decided = group.post(f"/api/v1/learning/showcase-proposals/{queue[0]['id']}/approve", {})
    assert decided.status_code == 200, decided.json()
    copy_id = decided.json()["copy_uuid"]
    assert units.client(units.secretary1).get(f"{BASE}/posts/{post['id']}").json()["group_status"] == "approved"
    # Tenant B's member sees the group's copy, merged into their list as a group post.
    b_member = api(tenant_b.host, tenant_b.member)
    rows = {row["id"]: row for row in b_member.get(f"{BASE}/posts").json()["results"]}
    assert rows[copy_id]["source"] == "group"
    assert rows[copy_id]["origin_name"] == "甲公司"
    assert b_member.get(f"{BASE}/posts/{copy_id}").json()["title"] == "甲公司党建品牌经验"
    assert copy_id in ids(b_member.get(f"{BASE}/posts", {"source": "group"}))
    assert copy_id not in ids(b_member.get(f"{BASE}/posts", {"source": "tenant"}))
    # Learning's own showcase proposals still work alongside (listed with their source).
    assert all(row["source"] for row in group.get("/api/v1/learning/showcase-proposals").json()["results"])


def test_group_admins_publish_group_news_directly(tenant_a: TenantWorld, group_admin: User) -> None:
    group = api(ROOT_HOST, group_admin)
    post = create(group, {**NEWS, "title": "集团要闻"}, submit=True)
    assert post["status"] == "published"
    assert post["source"] == "group"
    assert post["organization"] is None
    use_public_schema()
    assert AuditEvent.objects.filter(event="exchange.post.publish", target_id=post["id"]).exists()
    member = api(tenant_a.host, tenant_a.member)
    assert post["id"] in ids(member.get(f"{BASE}/posts"))
    # Tenant users do not write group news; group viewers read it.
    assert api(ROOT_HOST, tenant_a.admin).post(f"{BASE}/posts", NEWS, format="json").status_code == 403


# ---------------------------------------------------------------------------------- counts and search


def test_views_are_counted_exactly_under_concurrency(django_db_blocker: Any, platform_world: dict[str, Any]) -> None:
    world: TenantWorld = platform_world["a"]
    with django_db_blocker.unblock():
        with world.tenant:
            post = Post.objects.create(kind="news", title="并发阅读", status=PostStatus.PUBLISHED, text="x")
        connection.set_schema_to_public()
        try:
            barrier = threading.Barrier(8)
            failures: list[str] = []

            def read() -> None:
                try:
                    client = api(world.host, world.admin)
                    barrier.wait(timeout=20)
                    for _ in range(5):
                        status = client.get(f"{BASE}/posts/{post.uuid}").status_code
                        if status != 200:
                            failures.append(str(status))
                except Exception as error:  # noqa: BLE001 - reported in the assertion
                    failures.append(repr(error))
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=read) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert failures == []
            with world.tenant:
                assert Post.objects.get(pk=post.pk).view_count == 40
        finally:
            with world.tenant:
                Post.objects.filter(pk=post.pk).delete()
            connection.set_schema_to_public()


def test_search_finds_a_published_post_and_not_a_draft(
    units: Units, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    committee_news = {**NEWS, "title": "党委召开廉政建设推进会", "body_html": "<p>部署廉政建设重点任务</p>"}
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        post = create(
            units.client(units.committee_worker), committee_news, organization=units.committee.pk, submit=True
        )
        step(units.client(units.world.secretary), post["id"], "approve")
        create(
            units.client(units.committee_worker),
            {**committee_news, "title": "廉政建设草稿"},
            organization=units.committee.pk,
        )
    found = api(units.world.host, units.member2).get("/api/v1/search", {"q": "廉政建设"}).json()
    titles = {row["title"]: row for row in found["results"]}
    assert "党委召开廉政建设推进会" in titles
    assert "廉政建设草稿" not in titles
    assert titles["党委召开廉政建设推进会"]["kind"] == "post"
    other = api(tenant_b.host, tenant_b.member).get("/api/v1/search", {"q": "廉政建设"}).json()
    assert "党委召开廉政建设推进会" not in {row["title"] for row in other["results"]}
    # The posts list's own text filter finds it too.
    assert post["id"] in ids(units.client(units.member2).get(f"{BASE}/posts", {"search": "廉政"}))


# ---------------------------------------------------------------------------------- feed


def test_the_home_feed_has_my_units_posts_lessons_meetings_and_todos(units: Units) -> None:
    post = published_news(units)
    pending = create(units.client(units.secretary1), NEWS, organization=units.first.pk, submit=True)
    feed = units.client(units.member1).get(f"{BASE}/feed")
    assert feed.status_code == 200, feed.json()
    body = feed.json()
    assert post["id"] in {row["id"] for row in body["news"]}
    assert pending["id"] not in {row["id"] for row in body["news"]}
    assert set(body) == {"news", "showcase", "micro_videos", "live_lessons", "meetings", "todos"}
    assert body["todos"]["workbench"] is None
    assert body["todos"]["reviews"] == 0
    worker = units.client(units.committee_worker).get(f"{BASE}/feed").json()
    assert worker["todos"]["reviews"] == 1
    assert worker["todos"]["workbench"] is not None
    assert post["id"] not in {row["id"] for row in units.client(units.member2).get(f"{BASE}/feed").json()["news"]}


def test_the_feeds_queries_do_not_grow_with_the_posts(units: Units, group_admin: User) -> None:
    def grow(n: int) -> None:
        with units.world.tenant:
            for index in range(n):
                for kind in ("news", "showcase", "micro_video"):
                    Post.objects.create(
                        kind=kind, title=f"{kind}{index}", status=PostStatus.PUBLISHED, organization_id=units.first.pk,
                        audience_id=units.first.pk, published_at=timezone.now(), text="x",
                    )  # fmt: skip
        use_public_schema()
        for index in range(n):
            Post.objects.create(
                kind="news", title=f"集团{index}", status=PostStatus.PUBLISHED, published_at=timezone.now()
            )

    def count(user: User) -> int:
        client = units.client(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{BASE}/feed").status_code == 200
        connection.set_schema_to_public()
        return len(captured.captured_queries)

    grow(1)
    for user in (units.member1, units.committee_worker):
        count(user)  # warm the per-process caches (the tenant's settings, content types)
    few = {user.pk: count(user) for user in (units.member1, units.committee_worker)}
    grow(8)
    assert {user.pk: count(user) for user in (units.member1, units.committee_worker)} == few


# ---------------------------------------------------------------------------------- isolation


def test_every_post_endpoint_is_isolated_between_tenants_and_from_anonymous(
    units: Units, tenant_b: TenantWorld
) -> None:
    post = published_news(units)
    step(units.client(units.secretary1), post["id"], "propose")
    with units.world.tenant:
        promotion = PostPromotion.objects.get(post__uuid=post["id"])
        ExchangeSettings.objects.create(micro_video_max_seconds=120)  # A's own limits, not B's defaults
    endpoints = [
        Endpoint(f"{BASE}/posts", object_id=post["id"], change={"pinned": True},
                 create={**NEWS, "organization": units.first.pk}, volatile=("view_count",)),
        Endpoint(f"{BASE}/post-promotions", change=None),
        Endpoint(f"{BASE}/feed", change=None),
        Endpoint(f"{BASE}/post-limits", change=None),
    ]  # fmt: skip
    for endpoint in endpoints:
        assert_tenant_isolated(endpoint, owner=units.world, outsider=tenant_b)
    before = units.client(units.world.admin).get(f"{BASE}/posts/{post['id']}").json()
    actions = [
        f"posts/{post['id']}/submit", f"posts/{post['id']}/approve", f"posts/{post['id']}/reject",
        f"posts/{post['id']}/withdraw", f"posts/{post['id']}/propose", f"posts/{post['id']}/propose-to-group",
        f"post-promotions/{promotion.pk}/accept", f"post-promotions/{promotion.pk}/decline",
    ]  # fmt: skip
    for client, expect in (
        (api(units.world.host, tenant_b.admin), {403, 404}),
        (api(units.world.host, tenant_b.member), {403, 404}),
        (api(units.world.host), {401}),
        (api(tenant_b.host, tenant_b.admin), {404}),
    ):
        for action in actions:
            response = client.post(f"{BASE}/{action}", {"note": "x"}, format="json")
            assert response.status_code in expect, f"{action}: {response.status_code}"
    after = units.client(units.world.admin).get(f"{BASE}/posts/{post['id']}").json()
    assert {k: v for k, v in after.items() if k != "view_count"} == {
        k: v for k, v in before.items() if k != "view_count"
    }
    with units.world.tenant:
        assert PostPromotion.objects.get(pk=promotion.pk).status == "proposed"
    # Members of another branch cannot act on it either (they do not see it).
    assert step(units.client(units.member2), post["id"], "withdraw").status_code == 404
