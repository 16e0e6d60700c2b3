"""Exchange interactions: likes, favourites, shares, comments with replies and mentions, reports,
moderation, counts under concurrency (docs/exchange.md, "Interactions" and "Moderation")."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from tenants.access.services import do_assign_role
from tenants.exchange import counts
from tenants.exchange.interaction_points import record_interactions
from tenants.exchange.models import (
    Comment,
    CommentReport,
    ExchangeSettings,
    Post,
    Reaction,
    ShareLink,
)
from tenants.live.models import SensitiveWord
from tenants.live.moderation import forget_words
from tenants.members.services import do_create_member
from tenants.notifications.models import Notification
from tenants.organizations.models import Organization
from tenants.organizations.services import do_create_organization
from tenants.points.models import PointRule
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory, make_id_card
from tests.isolation import Endpoint, assert_tenant_isolated

BASE = "/api/v1/exchange"


@dataclass
class Unit:
    """A committee with two branches; a worker (secretary) of the first; members in each."""

    world: TenantWorld
    committee: Organization
    first: Organization
    second: Organization
    worker: User
    alice: User  # a member of the first branch (the post's author)
    bob: User  # another member of the first branch
    carol: User  # a member of the second branch

    def client(self, user: User | None) -> Any:
        return api(self.world.host, user)


def member_user(world: TenantWorld, organization: Organization, name: str) -> User:
    user = UserFactory(name=name)
    with world.tenant:
        do_assign_role(user=user, role="member")
        do_create_member(
            {"name": name, "gender": "female", "joined_on": date(2015, 7, 1), "confirmed_on": date(2016, 7, 1),
             "membership": "full", "dues_category": "employee", "organization": organization, "phone": user.phone},
            id_card_number=make_id_card(),
        )  # fmt: skip
    return user


def make_unit(world: TenantWorld) -> Unit:
    with world.tenant:
        committee = do_create_organization(kind="committee", name=f"{world.tenant.short_name}党委")
        first = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        second = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        worker = UserFactory(name="支部书记")
        do_assign_role(user=worker, role="secretary", organization_id=first.pk)
    return Unit(
        world, committee, first, second, worker,
        member_user(world, first, "张三"), member_user(world, first, "李四"), member_user(world, second, "王五"),
    )  # fmt: skip


def make_post(unit: Unit, **extra: Any) -> Post:
    with unit.world.tenant:
        return Post.objects.create(
            kind="news", title="支部新闻", summary="摘要", body_html="<p>正文</p>", text="正文",
            organization_id=unit.first.pk, audience_id=unit.first.pk, status="published",
            author=unit.alice, author_name=unit.alice.name, **extra,
        )  # fmt: skip


@pytest.fixture
def unit(tenant_a: TenantWorld) -> Unit:
    return make_unit(tenant_a)


def comment(
    client: Any, target_id: int, body: str, *, target_type: str = "post", scope: str = "tenant", **extra: Any
) -> Any:
    payload = {"target_type": target_type, "target_id": target_id, "body": body, **extra}
    return client.post(f"{BASE}/comments?scope={scope}", payload, format="json")


# ------------------------------------------------------------------------------ reactions


def test_likes_and_favourites_toggle_idempotently_and_count(unit: Unit) -> None:
    post = make_post(unit)
    bob = unit.client(unit.bob)
    url = f"{BASE}/reactions/post/{post.pk}"
    assert bob.put(f"{url}/like").json() == {
        "target_type": "post", "target_id": post.pk, "scope": "tenant", "liked": True, "favourited": False,
        "like_count": 1, "favourite_count": 0,
    }  # fmt: skip
    assert bob.put(f"{url}/like").json()["like_count"] == 1  # again: nothing changes
    assert unit.client(unit.alice).put(f"{url}/like").json()["like_count"] == 2
    assert bob.put(f"{url}/favourite").json()["favourite_count"] == 1
    favourites = bob.get(f"{BASE}/favourites").json()
    assert [(f["target_id"], f["title"], f["available"]) for f in favourites["results"]] == [
        (post.pk, "支部新闻", True)
    ]
    assert bob.delete(f"{url}/like").json()["like_count"] == 1
    assert bob.delete(f"{url}/like").json()["like_count"] == 1
    assert bob.get(url).json()["liked"] is False
    assert bob.put(f"{url}/wink").status_code == 404
    # A member of another branch does not see the post: no reactions.
    assert unit.client(unit.carol).put(f"{url}/like").status_code == 404
    # A draft takes no likes.
    with unit.world.tenant:
        Post.objects.filter(pk=post.pk).update(status="draft", author=unit.bob)
    assert bob.put(f"{url}/like").json()["code"] == "interactions.bad_target"


def test_twenty_people_liking_at_once_and_one_person_ten_times_give_exact_counts(
    django_db_blocker: Any, platform_world: Any
) -> None:
    """Real threads on their own connections (committed rows): the group's schema, cleaned up after."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        users = [UserFactory(name=f"并发{n}") for n in range(20)]
        post = Post.objects.create(kind="news", title="并发", status="published", author_name="集团")
        try:
            barrier = threading.Barrier(30)
            errors: list[str] = []

            def like(user_id: int) -> None:
                try:
                    with schema_context("public"):
                        barrier.wait(timeout=20)
                        counts.add_reaction(
                            user_id=user_id, target_type="post", target_id=post.pk, kind="like", tenant_schema=""
                        )
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(repr(error))
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=like, args=(user.pk,)) for user in users]
            threads += [threading.Thread(target=like, args=(users[0].pk,)) for _ in range(10)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert errors == []
            post.refresh_from_db()
            assert post.like_count == 20
            assert Reaction.objects.filter(target_id=post.pk, target_type="post").count() == 20
            # And twenty unlikes at once, the first user's ten times: back to exactly zero.
            barrier = threading.Barrier(30)

            def unlike(user_id: int) -> None:
                try:
                    with schema_context("public"):
                        barrier.wait(timeout=20)
                        counts.remove_reaction(user_id=user_id, target_type="post", target_id=post.pk, kind="like")
                except Exception as error:  # noqa: BLE001
                    errors.append(repr(error))
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=unlike, args=(user.pk,)) for user in users]
            threads += [threading.Thread(target=unlike, args=(users[0].pk,)) for _ in range(10)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert errors == []
            post.refresh_from_db()
            assert post.like_count == 0
        finally:
            connection.set_schema_to_public()
            Reaction.objects.filter(target_type="post", target_id=post.pk).delete()
            post.delete()  # the users stay: deleting one would cascade into tenant tables


def test_recount_fixes_and_logs_drift(unit: Unit, caplog: pytest.LogCaptureFixture) -> None:
    post = make_post(unit)
    unit.client(unit.bob).put(f"{BASE}/reactions/post/{post.pk}/like")
    assert comment(unit.client(unit.bob), post.pk, "很好").status_code == 201
    with unit.world.tenant:
        Post.objects.filter(pk=post.pk).update(like_count=7, comment_count=0)
        with caplog.at_level(logging.WARNING, logger="tenants.exchange.counts"):
            fixed = counts.recount(unit.world.tenant.schema_name)
        assert fixed == {"post.like_count": 1, "post.comment_count": 1}
        post.refresh_from_db()
        assert (post.like_count, post.comment_count) == (1, 1)
        assert counts.recount() == {}
    assert "post.like_count" in caplog.text


# ------------------------------------------------------------------------------ comments


def test_comments_replies_and_mentions_notify_and_count(unit: Unit) -> None:
    post = make_post(unit)
    bob, alice = unit.client(unit.bob), unit.client(unit.alice)
    first = comment(bob, post.pk, "学习了 @王五", mentions=[unit.carol.pk])
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["status"], body["author"]["name"], body["mentions"]) == (
        "visible", "李四", [{"id": unit.carol.pk, "name": "王五"}],
    )  # fmt: skip
    reply = comment(alice, post.pk, "谢谢", parent=body["id"])
    assert reply.status_code == 201
    # A reply to a reply hangs under the same top comment and answers its author.
    again = comment(bob, post.pk, "不客气", parent=reply.json()["id"])
    assert (again.json()["parent"], again.json()["reply_to"]["name"]) == (body["id"], "张三")
    listing = bob.get(f"{BASE}/comments?target_type=post&target_id={post.pk}").json()
    assert listing["count"] == 1
    assert [r["body"] for r in listing["results"][0]["replies"]] == ["谢谢", "不客气"]
    with unit.world.tenant:
        assert Post.objects.get(pk=post.pk).comment_count == 3
        titles = {(n.user_id, n.kind, n.title) for n in Notification.objects.filter(kind="exchange.reply")}
    assert {user for user, _kind, _title in titles} == {unit.alice.pk, unit.carol.pk, unit.bob.pk}
    with unit.world.tenant:
        link = Notification.objects.filter(user=unit.alice).order_by("pk").first().link  # type: ignore[union-attr]
    assert link == f"/exchange/posts/{post.uuid}#comment-{body['id']}"
    # A mention of someone of another party committee is refused.
    outsider = comment(bob, post.pk, "@某人", mentions=[UserFactory().pk])
    assert outsider.json()["code"] == "interactions.bad_mention"
    mentionable = bob.get(f"{BASE}/mentionable?search=王").json()["results"]
    assert {"id": unit.carol.pk, "name": "王五", "organization": "第二党支部"} in mentionable


def test_comment_text_is_checked_before_anything_is_stored(unit: Unit) -> None:
    post = make_post(unit)
    bob = unit.client(unit.bob)
    assert comment(bob, post.pk, "   ").json()["code"] == "interactions.comment_empty"
    assert comment(bob, post.pk, "长" * 1001).json()["code"] == "interactions.comment_too_long"
    refused = comment(bob, post.pk, "文件标注 机密★1年 请传阅")
    assert refused.status_code == 400
    assert refused.json()["code"] == "interactions.comment_classified"
    assert "机密★" in refused.json()["message"]
    assert AuditEvent.objects.filter(event="exchange.comment.classified_refuse", actor=unit.bob).exists()
    with unit.world.tenant:
        SensitiveWord.objects.create(word="赌博")
    forget_words(unit.world.tenant.schema_name)
    assert comment(bob, post.pk, "网络ＤＵ赌博").json()["code"] == "interactions.comment_sensitive"
    with unit.world.tenant:
        assert not Comment.objects.exists()
        assert Post.objects.get(pk=post.pk).comment_count == 0
    with unit.world.tenant:
        Post.objects.filter(pk=post.pk).update(comments_enabled=False)
    assert comment(bob, post.pk, "好").json()["code"] == "interactions.comments_closed"


def test_comments_held_for_review_show_to_their_author_and_moderators_until_approved(unit: Unit) -> None:
    post = make_post(unit, comments_need_review=True)
    bob, carol_like, worker = unit.client(unit.bob), unit.client(unit.alice), unit.client(unit.worker)
    held = comment(bob, post.pk, "待审评论")
    assert held.json()["status"] == "pending"
    cid = held.json()["id"]
    url = f"{BASE}/comments?target_type=post&target_id={post.pk}"
    assert bob.get(url).json()["count"] == 1
    assert unit.client(unit.world.admin).get(url).json()["count"] == 1
    other = UserFactory()
    with unit.world.tenant:
        do_assign_role(user=other, role="member")
        do_create_member(
            {"name": "赵六", "gender": "male", "joined_on": date(2015, 7, 1), "confirmed_on": date(2016, 7, 1),
             "membership": "full", "dues_category": "employee", "organization": unit.first, "phone": other.phone},
            id_card_number=make_id_card(),
        )  # fmt: skip
    assert unit.client(other).get(url).json()["count"] == 0
    assert worker.get(f"{BASE}/moderation/comments?queue=pending").json()["count"] == 1
    assert worker.get(f"{BASE}/moderation/summary").json()["pending_comments"] == 1
    # The post's author may hide but not approve.
    assert carol_like.post(f"{BASE}/comments/{cid}/approve", {}).status_code == 403
    approved = worker.post(f"{BASE}/comments/{cid}/approve", {"note": "可以"})
    assert approved.json()["status"] == "visible"
    assert unit.client(other).get(url).json()["count"] == 1
    with unit.world.tenant:
        assert Post.objects.get(pk=post.pk).comment_count == 1
        assert Notification.objects.filter(user=unit.alice, kind="exchange.reply").count() == 1
    assert AuditEvent.objects.filter(event="exchange.comment.approve", actor=unit.worker).exists()
    # The tenant-wide setting holds every comment for review (the moderators' own excepted).
    with unit.world.tenant:
        ExchangeSettings.objects.update_or_create(pk=1, defaults={"comments_need_review": True})
    plain = make_post(unit)
    assert comment(bob, plain.pk, "也要审").json()["status"] == "pending"
    assert comment(worker, plain.pk, "书记发言").json()["status"] == "visible"


def test_hiding_unhiding_and_deleting_comments(unit: Unit) -> None:
    post = make_post(unit)
    bob, alice, carol = unit.client(unit.bob), unit.client(unit.alice), unit.client(unit.carol)
    cid = comment(bob, post.pk, "一条评论").json()["id"]
    other = comment(alice, post.pk, "作者的评论").json()["id"]
    assert bob.post(f"{BASE}/comments/{other}/hide", {"note": "x"}).status_code == 403
    hidden = alice.post(f"{BASE}/comments/{cid}/hide", {"note": "离题"})  # the post's author
    assert (hidden.json()["status"], hidden.json()["moderation_note"]) == ("hidden", "离题")
    assert carol.get(f"{BASE}/comments/{cid}").status_code == 404
    assert bob.get(f"{BASE}/comments/{cid}").json()["status"] == "hidden"  # its author still sees it
    with unit.world.tenant:
        assert Post.objects.get(pk=post.pk).comment_count == 1
    assert alice.post(f"{BASE}/comments/{cid}/hide", {}).json()["code"] == "interactions.bad_status"
    assert (
        unit.client(unit.worker).post(f"{BASE}/comments/{cid}/unhide", {"note": "恢复"}).json()["status"] == "visible"
    )
    assert AuditEvent.objects.filter(event="exchange.comment.hide", actor=unit.alice).exists()
    assert alice.delete(f"{BASE}/comments/{cid}").status_code == 403
    assert bob.delete(f"{BASE}/comments/{cid}").status_code == 204
    with unit.world.tenant:
        assert Post.objects.get(pk=post.pk).comment_count == 1
        assert Comment.objects.get(pk=cid).status == "deleted"


def test_reports_hide_a_comment_at_the_threshold_and_moderators_decide(unit: Unit) -> None:
    post = make_post(unit)
    cid = comment(unit.client(unit.alice), post.pk, "争议评论").json()["id"]
    with unit.world.tenant:
        ExchangeSettings.objects.update_or_create(pk=1, defaults={"hide_after_reports": 2})
    bob = unit.client(unit.bob)
    assert unit.client(unit.alice).post(f"{BASE}/comments/{cid}/report", {"reason": "我"}).json()["code"] == (
        "interactions.own_comment"
    )
    assert bob.post(f"{BASE}/comments/{cid}/report", {"reason": ""}).json()["code"] == "interactions.reason_required"
    first = bob.post(f"{BASE}/comments/{cid}/report", {"reason": "不实信息"})
    assert first.status_code == 201
    assert first.json() == {"reported": True, "status": "visible"}
    assert bob.post(f"{BASE}/comments/{cid}/report", {"reason": "再报"}).status_code == 409
    second = unit.client(unit.worker).post(f"{BASE}/comments/{cid}/report", {"reason": "人身攻击"})
    assert second.json()["status"] == "hidden"
    worker = unit.client(unit.world.admin)
    queue = worker.get(f"{BASE}/moderation/comments?queue=reported").json()["results"]
    assert [r["reason"] for r in queue[0]["reports"]] == ["人身攻击", "不实信息"]
    assert queue[0]["target_title"] == "支部新闻"
    dismissed = worker.post(f"{BASE}/moderation/comments/{cid}/reports", {"decision": "dismiss", "note": "无问题"})
    assert dismissed.json()["status"] == "visible"
    assert worker.get(f"{BASE}/moderation/comments?queue=reported").json()["count"] == 0
    assert worker.post(f"{BASE}/moderation/comments/{cid}/reports", {"decision": "uphold"}).json()["code"] == (
        "interactions.no_open_reports"
    )
    carol_post = make_post(unit)
    cid2 = comment(bob, carol_post.pk, "另一条").json()["id"]
    unit.client(unit.alice).post(f"{BASE}/comments/{cid2}/report", {"reason": "违规"})
    upheld = worker.post(f"{BASE}/moderation/comments/{cid2}/reports", {"decision": "uphold", "note": "属实"})
    assert upheld.json()["status"] == "hidden"
    with unit.world.tenant:
        assert set(CommentReport.objects.filter(comment_id=cid2).values_list("status", flat=True)) == {"upheld"}
        assert Post.objects.get(pk=carol_post.pk).comment_count == 0
    assert unit.client(unit.bob).get(f"{BASE}/moderation/comments?queue=hidden").json()["count"] == 0
    assert AuditEvent.objects.filter(event="exchange.comment.reports_uphold").exists()


def test_settings_are_the_admins(unit: Unit) -> None:
    admin, bob = unit.client(unit.world.admin), unit.client(unit.bob)
    assert bob.get(f"{BASE}/moderation/settings").json()["can_change"] is False
    assert bob.patch(f"{BASE}/moderation/settings", {"comments_need_review": True}, format="json").status_code == 403
    changed = admin.patch(
        f"{BASE}/moderation/settings", {"hide_after_reports": 5, "allow_outside_shares": True}, format="json"
    )
    assert changed.json() == {
        "comments_need_review": False, "hide_after_reports": 5, "allow_outside_shares": True, "can_change": True,
    }  # fmt: skip


# ------------------------------------------------------------------------------ shares


def test_share_links_open_for_those_who_may_see_and_public_posts_outside(unit: Unit) -> None:
    post = make_post(unit)
    shared = unit.client(unit.bob).post(f"{BASE}/shares", {"post": post.pk}, format="json")
    assert shared.status_code == 201
    token = shared.json()["token"]
    assert len(token) == 32
    assert shared.json()["share_count"] == 1
    assert shared.json()["url"].endswith(token)
    opened = unit.client(unit.alice).get(f"{BASE}/shares/{token}")
    assert (opened.json()["title"], opened.json()["signed_in"]) == ("支部新闻", True)
    assert unit.client(unit.carol).get(f"{BASE}/shares/{token}").status_code == 404
    assert unit.client(None).get(f"{BASE}/shares/{token}").status_code == 401
    assert unit.client(None).get(f"{BASE}/shares/nonsense").status_code == 404
    with unit.world.tenant:
        Post.objects.filter(pk=post.pk).update(marking="public")
        ExchangeSettings.objects.update_or_create(pk=1, defaults={"allow_outside_shares": True})
    outside = unit.client(None).get(f"{BASE}/shares/{token}")
    assert (outside.status_code, outside.json()["signed_in"]) == (200, False)
    assert api(tenant_b_host(unit), None).get(f"{BASE}/shares/{token}").status_code == 404
    with unit.world.tenant:
        post.refresh_from_db()
        assert (post.share_count, post.view_count) == (1, 2)
        assert ShareLink.objects.get(token=token).opened_count == 2


def tenant_b_host(unit: Unit) -> str:
    return "beta.partycloud.test"


# ------------------------------------------------------------------------------ the group's posts


def test_members_comment_on_group_posts_with_both_word_lists_and_group_admins_moderate(
    unit: Unit, group_admin: User
) -> None:
    connection.set_schema_to_public()
    post = Post.objects.create(kind="news", title="集团要闻", status="published", author_name="集团")
    SensitiveWord.objects.create(word="集团禁词")
    forget_words("public")
    with unit.world.tenant:
        SensitiveWord.objects.create(word="甲方禁词")
    forget_words(unit.world.tenant.schema_name)
    bob = unit.client(unit.bob)
    assert comment(bob, post.pk, "含集团禁词", scope="group").json()["code"] == "interactions.comment_sensitive"
    assert comment(bob, post.pk, "含甲方禁词", scope="group").json()["code"] == "interactions.comment_sensitive"
    made = comment(bob, post.pk, "集团的好消息", scope="group")
    assert made.status_code == 201, made.json()
    assert made.json()["author_unit"] == unit.world.tenant.short_name
    connection.set_schema_to_public()
    row = Comment.objects.get(pk=made.json()["id"])
    assert row.tenant_schema == unit.world.tenant.schema_name
    assert bob.put(f"{BASE}/reactions/post/{post.pk}/like?scope=group").json()["like_count"] == 1
    connection.set_schema_to_public()
    assert Reaction.objects.get(target_id=post.pk).tenant_schema == unit.world.tenant.schema_name
    # The tenant's own schema has no such comment; the tenant admin does not moderate group rows.
    assert bob.get(f"{BASE}/comments/{row.pk}").status_code == 404
    admin = unit.client(unit.world.admin)
    assert admin.post(f"{BASE}/comments/{row.pk}/hide?scope=group", {}).status_code == 403
    root = api(ROOT_HOST, group_admin)
    assert root.get(f"{BASE}/comments?target_type=post&target_id={post.pk}").json()["count"] == 1
    assert root.post(f"{BASE}/comments/{row.pk}/hide", {"note": "不当"}).json()["status"] == "hidden"
    connection.set_schema_to_public()
    assert Post.objects.get(pk=post.pk).comment_count == 0


# ------------------------------------------------------------------------------ points


def test_points_record_shares_and_visible_comments(unit: Unit) -> None:
    post = make_post(unit, comments_need_review=True)
    unit.client(unit.bob).post(f"{BASE}/shares", {"post": post.pk}, format="json")
    held = comment(unit.client(unit.bob), post.pk, "待审").json()["id"]
    visible = comment(unit.client(unit.worker), post.pk, "可见").json()["id"]
    with unit.world.tenant:
        events = list(record_interactions(None, None))
    kinds = sorted((event.kind, event.user_id) for event in events)
    assert kinds == sorted([("share", unit.bob.pk), ("comment", unit.worker.pk)])
    assert f"comment:tenant:{held}" not in {event.source_key for event in events}
    assert any(event.source_key == f"comment:tenant:{visible}" for event in events)
    with unit.world.tenant:
        rules = dict(
            PointRule.objects.filter(rule_set__version="2019.1", kind__in=["share", "comment", "like"]).values_list(
                "kind", "daily_cap"
            )
        )
    assert rules == {"share": 3, "comment": 5}  # a like earns nothing


# ------------------------------------------------------------------------------ isolation


def test_interaction_endpoints_are_tenant_isolated(unit: Unit, tenant_b: TenantWorld) -> None:
    post = make_post(unit)
    admin = unit.client(unit.world.admin)
    cid = comment(admin, post.pk, "甲的评论").json()["id"]
    admin.put(f"{BASE}/reactions/post/{post.pk}/favourite")
    unit.client(unit.bob).post(f"{BASE}/comments/{cid}/report", {"reason": "测试"})
    endpoints = [
        Endpoint(f"{BASE}/comments?target_type=post&target_id={post.pk}", change=None, deletable=False),
        Endpoint(
            f"{BASE}/comments",
            object_id=cid,
            change=None,
            create={"target_type": "post", "target_id": post.pk, "body": "乙"},
        ),
        Endpoint(f"{BASE}/reactions/post/{post.pk}", change=None, deletable=False),
        Endpoint(f"{BASE}/favourites", change=None, deletable=False),
        Endpoint(f"{BASE}/moderation/comments?queue=reported", change=None, deletable=False),
        Endpoint(f"{BASE}/moderation/summary", change=None, deletable=False),
        Endpoint(f"{BASE}/mentionable", change=None, deletable=False),
    ]
    for endpoint in endpoints:
        assert_tenant_isolated(endpoint, owner=unit.world, outsider=tenant_b)
    for client, expect in (
        (api(unit.world.host, tenant_b.admin), {403, 404}),
        (api(unit.world.host, tenant_b.member), {403, 404}),
        (api(unit.world.host), {401}),
        (api(tenant_b.host, tenant_b.admin), {404}),
    ):
        assert client.put(f"{BASE}/reactions/post/{post.pk}/like").status_code in expect
        assert client.delete(f"{BASE}/reactions/post/{post.pk}/favourite").status_code in expect
        assert client.post(f"{BASE}/shares", {"post": post.pk}, format="json").status_code in expect
        for action in ("hide", "unhide", "approve", "report"):
            assert client.post(f"{BASE}/comments/{cid}/{action}", {"reason": "x"}).status_code in expect
        assert client.post(f"{BASE}/moderation/comments/{cid}/reports", {"decision": "uphold"}).status_code in expect
        assert client.delete(f"{BASE}/comments/{cid}").status_code in expect
        if client is not None:
            assert client.post(
                f"{BASE}/comments", {"target_type": "post", "target_id": post.pk, "body": "乙"}, format="json"
            ).status_code in expect | {400}
    with unit.world.tenant:
        post.refresh_from_db()
        assert (post.like_count, post.favourite_count, post.share_count, post.comment_count) == (0, 1, 0, 1)
        assert Comment.objects.get(pk=cid).status == "visible"
    assert api(unit.world.host, tenant_b.admin).patch(
        f"{BASE}/moderation/settings", {"comments_need_review": True}, format="json"
    ).status_code in {403, 404}
    assert api(unit.world.host).get(f"{BASE}/moderation/settings").status_code == 401
