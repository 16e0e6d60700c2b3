"""The members' community (党员社区): boards per unit, tenant-wide and group-wide; threads with
replies, pinned and locked threads, review, mentions and reply notifications (docs/exchange.md,
"Community")."""

from __future__ import annotations

from typing import Any

from django.db import connection

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from tenants.exchange.models import Board, Thread
from tenants.notifications.models import Notification
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_tenant_isolated
from tests.test_exchange_interactions import BASE, Unit, comment, make_unit, unit  # noqa: F401 - the fixture

__all__ = ["unit"]


def make_board(client: Any, name: str, organization: int | None = None, **extra: Any) -> Any:
    return client.post(f"{BASE}/boards", {"name": name, "organization": organization, **extra}, format="json")


def post_thread(client: Any, board: int, title: str, body: str = "正文", scope: str = "tenant", **extra: Any) -> Any:
    payload = {"board": board, "title": title, "body": body, **extra}
    return client.post(f"{BASE}/threads?scope={scope}", payload, format="json")


def test_boards_are_managed_by_their_units_workers_and_read_by_their_subtree(unit: Unit) -> None:
    admin, worker = unit.client(unit.world.admin), unit.client(unit.worker)
    bob, carol = unit.client(unit.bob), unit.client(unit.carol)
    wide = make_board(admin, "全体交流")
    assert wide.status_code == 201, wide.json()
    assert (wide.json()["organization"], wide.json()["can_manage"]) == (None, True)
    assert make_board(worker, "全体?").status_code == 403  # tenant-wide: the admin only
    first = make_board(worker, "一支部园地", unit.first.pk)
    assert first.status_code == 201
    assert first.json()["organization_name"] == "第一党支部"
    assert make_board(worker, "二支部园地", unit.second.pk).status_code == 403
    assert make_board(bob, "成员建的", unit.first.pk).status_code == 403
    assert make_board(admin, "", unit.first.pk).json()["code"] == "community.name_required"
    second = make_board(admin, "二支部园地", unit.second.pk).json()
    assert {b["name"] for b in bob.get(f"{BASE}/boards").json()["results"]} == {"全体交流", "一支部园地"}
    assert {b["name"] for b in carol.get(f"{BASE}/boards").json()["results"]} == {"全体交流", "二支部园地"}
    assert bob.get(f"{BASE}/boards/{second['id']}").status_code == 404
    assert post_thread(bob, second["id"], "越界").status_code == 404
    managed = worker.get(f"{BASE}/boards?manage=true").json()["results"]
    assert [b["name"] for b in managed] == ["一支部园地"]
    changed = worker.patch(f"{BASE}/boards/{first.json()['id']}", {"posts_need_review": True}, format="json")
    assert changed.json()["posts_need_review"] is True
    assert bob.patch(f"{BASE}/boards/{first.json()['id']}", {"name": "改"}, format="json").status_code == 403
    assert worker.delete(f"{BASE}/boards/{first.json()['id']}").status_code == 204
    assert {b["name"] for b in bob.get(f"{BASE}/boards").json()["results"]} == {"全体交流"}
    assert post_thread(bob, first.json()["id"], "关了").json()["code"] == "community.board_inactive"
    assert AuditEvent.objects.filter(event="exchange.board.update", actor=unit.worker).exists()


def test_threads_replies_order_pins_locks_and_notifications(unit: Unit) -> None:
    admin, bob, alice = unit.client(unit.world.admin), unit.client(unit.bob), unit.client(unit.alice)
    board = make_board(admin, "全体交流").json()["id"]
    older = post_thread(alice, board, "较早的帖子").json()
    newer = post_thread(bob, board, "新帖 @王五", "请 @王五 看看", mentions=[unit.carol.pk])
    assert newer.status_code == 201, newer.json()
    assert newer.json()["mentions"] == [{"id": unit.carol.pk, "name": "王五"}]
    titles = [t["title"] for t in bob.get(f"{BASE}/threads?board={board}").json()["results"]]
    assert titles == ["新帖 @王五", "较早的帖子"]
    # A reply moves the older thread up and notifies its author.
    reply = comment(bob, older["id"], "回复一下", target_type="thread")
    assert reply.status_code == 201, reply.json()
    listing = bob.get(f"{BASE}/threads?board={board}").json()["results"]
    assert [(t["title"], t["reply_count"]) for t in listing] == [("较早的帖子", 1), ("新帖 @王五", 0)]
    with unit.world.tenant:
        assert Notification.objects.filter(user=unit.alice, kind="exchange.reply").count() == 1
        assert Notification.objects.filter(user=unit.carol, kind="exchange.reply").count() == 1
        assert Board.objects.get(pk=board).thread_count == 2
    # Pinned first; locked threads take no replies; members cannot pin.
    assert bob.post(f"{BASE}/threads/{newer.json()['id']}/pin", {"pinned": True}).status_code == 403
    assert admin.post(f"{BASE}/threads/{newer.json()['id']}/pin", {"pinned": True}).json()["pinned"] is True
    assert bob.get(f"{BASE}/threads?board={board}").json()["results"][0]["title"] == "新帖 @王五"
    locked = admin.post(f"{BASE}/threads/{older['id']}/lock", {"locked": True}).json()
    assert (locked["locked"], locked["can_reply"]) == (True, False)
    assert comment(bob, older["id"], "还能回吗", target_type="thread").json()["code"] == "interactions.comments_closed"
    assert bob.put(f"{BASE}/reactions/thread/{older['id']}/like").json()["like_count"] == 1
    # The author deletes their thread; the board counts one less.
    assert bob.delete(f"{BASE}/threads/{older['id']}").status_code == 403
    assert alice.delete(f"{BASE}/threads/{older['id']}").status_code == 204
    assert [t["title"] for t in bob.get(f"{BASE}/threads").json()["results"]] == ["新帖 @王五"]
    with unit.world.tenant:
        assert Board.objects.get(pk=board).thread_count == 1
    assert post_thread(bob, board, "", "x").json()["code"] == "community.title_required"
    assert post_thread(bob, board, "标题", "秘密★ 内容").json()["code"] == "interactions.comment_classified"


def test_boards_that_review_hold_threads_and_replies_until_approved(unit: Unit) -> None:
    worker, bob, carol = unit.client(unit.worker), unit.client(unit.bob), unit.client(unit.alice)
    board = make_board(worker, "审核园地", unit.first.pk, posts_need_review=True).json()["id"]
    held = post_thread(bob, board, "待审帖子").json()
    assert held["status"] == "pending"
    assert [t["title"] for t in bob.get(f"{BASE}/threads?board={board}").json()["results"]] == ["待审帖子"]
    assert carol.get(f"{BASE}/threads?board={board}").json()["count"] == 0
    queue = worker.get(f"{BASE}/moderation/threads?queue=pending").json()["results"]
    assert [t["title"] for t in queue] == ["待审帖子"]
    assert worker.get(f"{BASE}/moderation/summary").json()["pending_threads"] == 1
    assert bob.post(f"{BASE}/threads/{held['id']}/approve", {}).status_code == 403
    approved = worker.post(f"{BASE}/threads/{held['id']}/approve", {"note": "通过"}).json()
    assert approved["status"] == "visible"
    assert carol.get(f"{BASE}/threads?board={board}").json()["count"] == 1
    reply = comment(carol, held["id"], "跟帖", target_type="thread").json()
    assert reply["status"] == "pending"
    assert worker.get(f"{BASE}/moderation/comments?queue=pending&target_type=thread").json()["count"] == 1
    assert worker.post(f"{BASE}/comments/{reply['id']}/approve", {}).json()["status"] == "visible"
    hidden = worker.post(f"{BASE}/threads/{held['id']}/hide", {"note": "不当"}).json()
    assert (hidden["status"], hidden["moderation_note"]) == ("hidden", "不当")
    assert carol.get(f"{BASE}/threads/{held['id']}").status_code == 404
    assert AuditEvent.objects.filter(event="exchange.thread.hide", actor=unit.worker).exists()


def test_group_boards_are_read_and_posted_in_by_every_tenant(
    unit: Unit, tenant_b: TenantWorld, group_admin: User
) -> None:
    root = api(ROOT_HOST, group_admin)
    board = make_board(root, "集团话题")
    assert board.status_code == 201, board.json()
    assert board.json()["scope"] == "group"
    assert make_board_scope(unit.client(unit.world.admin), "集团?", "group").status_code == 403
    bob = unit.client(unit.bob)
    assert [b["name"] for b in bob.get(f"{BASE}/boards?scope=group").json()["results"]] == ["集团话题"]
    made = post_thread(bob, board.json()["id"], "来自甲公司", scope="group")
    assert made.status_code == 201, made.json()
    assert made.json()["author_unit"] == unit.world.tenant.short_name
    connection.set_schema_to_public()
    assert Thread.objects.get(pk=made.json()["id"]).tenant_schema == unit.world.tenant.schema_name
    other = api(tenant_b.host, tenant_b.member)
    seen = other.get(f"{BASE}/threads?scope=group").json()["results"]
    assert [t["title"] for t in seen] == ["来自甲公司"]
    assert comment(other, made.json()["id"], "乙公司回复", target_type="thread", scope="group").status_code == 201
    with unit.world.tenant:
        assert Notification.objects.filter(user=unit.bob, kind="exchange.reply").count() == 1
    # The tenant's own boards do not show the group's, and group admins moderate there.
    assert bob.get(f"{BASE}/threads").json()["count"] == 0
    assert (
        unit.client(unit.world.admin).post(f"{BASE}/threads/{made.json()['id']}/hide?scope=group", {}).status_code
        == 403
    )
    assert root.post(f"{BASE}/threads/{made.json()['id']}/pin", {"pinned": True}).json()["pinned"] is True


def make_board_scope(client: Any, name: str, scope: str) -> Any:
    return client.post(f"{BASE}/boards?scope={scope}", {"name": name}, format="json")


def test_community_endpoints_are_tenant_isolated(unit: Unit, tenant_b: TenantWorld) -> None:
    admin = unit.client(unit.world.admin)
    board = make_board(admin, "甲的园地").json()["id"]
    thread = post_thread(admin, board, "甲的帖子").json()["id"]
    hidden = post_thread(admin, board, "甲的隐藏帖子").json()["id"]
    admin.post(f"{BASE}/threads/{hidden}/hide", {"note": "隐藏"})
    endpoints = [
        Endpoint(f"{BASE}/boards", object_id=board, change={"name": "乙改"}, create={"name": "乙建"}),
        Endpoint(
            f"{BASE}/threads", object_id=thread, change=None, create={"board": board, "title": "乙", "body": "乙"}
        ),
        Endpoint(f"{BASE}/moderation/threads?queue=hidden", change=None, deletable=False),
    ]
    for endpoint in endpoints:
        assert_tenant_isolated(endpoint, owner=unit.world, outsider=tenant_b)
    for client, expect in (
        (api(unit.world.host, tenant_b.admin), {403, 404}),
        (api(unit.world.host, tenant_b.member), {403, 404}),
        (api(unit.world.host), {401}),
        (api(tenant_b.host, tenant_b.admin), {404}),
    ):
        for action, body in (("pin", {"pinned": True}), ("lock", {"locked": True}), ("hide", {}), ("approve", {})):
            assert client.post(f"{BASE}/threads/{thread}/{action}", body, format="json").status_code in expect
        assert client.put(f"{BASE}/reactions/thread/{thread}/like").status_code in expect
        reply = {"target_type": "thread", "target_id": thread, "body": "乙"}
        assert client.post(f"{BASE}/comments", reply, format="json").status_code in expect
    with unit.world.tenant:
        row = Thread.objects.get(pk=thread)
        assert (row.pinned, row.locked, row.status, row.like_count, row.reply_count) == (False, False, "visible", 0, 0)
