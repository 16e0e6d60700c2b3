"""The live chat over a real WebSocket against a real uvicorn, PostgreSQL and Redis.

The server is another process: it sees committed rows only, so this module commits its
lessons, members and words once (``chat_world``) and deletes them afterwards.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.tenancy.context import use_public_schema
from tenants.access.models import RoleAssignment, TenantRole
from tenants.access.services import do_assign_role
from tenants.live.audience import LessonRef, LessonScope
from tenants.live.chat import (
    Keys,
    RoomStore,
    ensure_sequence_sync,
    fixed_rate,
    flush_persistence,
    join_room,
    leave_room,
    persist_pending,
    request_persist,
    sredis,
)
from tenants.live.consumers import JOIN_CACHE_SECONDS
from tenants.live.models import ChatEvent, Lesson, LessonStatus, SensitiveWord
from tenants.live.signals import lesson_went_live
from tenants.members.models import Member
from tenants.organizations.models import Organization, OrganizationEvent
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_root_only, assert_tenant_isolated
from tests.live import LiveServer, start_server, stop_server

pytestmark = [pytest.mark.live, pytest.mark.django_db]


def token(user: User) -> str:
    return str(RefreshToken.for_user(user).access_token)


def _clear_redis_rooms() -> None:
    client, _scripts = sredis()
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "pc")
    for key in client.scan_iter(match=f"{prefix}:live:*"):
        client.delete(key)


def _member(org: Organization, user: User, name: str) -> Member:
    return Member.objects.create(
        user=user, organization=org, name=name, gender="male", birth_date="1985-06-12",
        id_card_encrypted="x", id_card_index=f"chat-{user.pk}", id_card_masked="x",
        joined_on="2010-07-01", membership="full", dues_category="employee",
    )  # fmt: skip


@pytest.fixture(scope="module")
def chat_world(platform_world: dict[str, Any], django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    a: TenantWorld = platform_world["a"]
    b: TenantWorld = platform_world["b"]
    with django_db_blocker.unblock():
        _clear_redis_rooms()
        # Audit rows written from here on (role grants, moderation, exports) are removed afterwards.
        audit_marks = {}
        for world in (a, b):
            with world.tenant:
                audit_marks[world.tenant.schema_name] = (
                    AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
                )
        use_public_schema()
        audit_marks["public"] = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        start = timezone.now() + timedelta(minutes=10)
        times = {"starts_at": start, "planned_end_at": start + timedelta(hours=1)}
        with a.tenant:
            committee = do_create_organization(kind="committee", name="聊天党委")
            first = do_create_organization(kind="branch", name="聊天一支部", parent=committee)
            second = do_create_organization(kind="branch", name="聊天二支部", parent=committee)
            people = {name: UserFactory(name=name) for name in ["张三", "李四", "王五", "赵六", "孙七", "周八"]}
            _member(first, people["张三"], "张三")
            _member(second, people["李四"], "李四")
            for name in ["王五", "赵六", "孙七", "周八"]:
                _member(first, people[name], name)
            pool = [UserFactory(name=f"听众{i}") for i in range(8)]
            for user in pool:
                do_assign_role(user=user, role=TenantRole.MEMBER)
            whole = Lesson.objects.create(title="全体党课", organizer=a.admin, **times)
            branch = Lesson.objects.create(title="一支部党课", organizer=a.admin, organization=first, **times)
            ended = Lesson.objects.create(
                title="已结束党课", organizer=a.admin, status=LessonStatus.ENDED,
                ended_at=timezone.now() - timedelta(hours=2), **times,
            )  # fmt: skip
            SensitiveWord.objects.create(word="敏感词")
        with b.tenant:
            b_member = UserFactory(name="钱九")
            do_assign_role(user=b_member, role=TenantRole.MEMBER)
            SensitiveWord.objects.create(word="乙方禁语")
        use_public_schema()
        group_all = Lesson.objects.create(title="集团党课", audience_tenants=[a.tenant.pk, b.tenant.pk], **times)
        group_b = Lesson.objects.create(title="乙公司专场", audience_tenants=[b.tenant.pk], **times)
        SensitiveWord.objects.create(word="集团禁语")
    world = {
        "a": a, "b": b, "whole": whole, "branch": branch, "ended": ended, "group_all": group_all, "group_b": group_b,
        "people": people, "pool": pool, "group_admin": platform_world["group_admin"],
        "group_viewer": platform_world["group_viewer"], "b_member": b_member, "orgs": [committee, first, second],
    }  # fmt: skip
    yield world
    with django_db_blocker.unblock():
        with a.tenant:
            ChatEvent.objects.all().delete()
            Lesson.objects.filter(pk__in=[whole.pk, branch.pk, ended.pk]).delete()
            Member.objects.filter(id_card_index__startswith="chat-").delete()
            OrganizationEvent.objects.filter(organization__in=[committee, first, second]).delete()
            Organization.objects.filter(pk__in=[second.pk, first.pk]).delete()
            Organization.objects.filter(pk=committee.pk).delete()
            SensitiveWord.objects.all().delete()
            mine = [user.pk for user in [*people.values(), *pool]]
            RoleAssignment.objects.filter(user_id__in=mine).delete()
            AuditEvent.objects.filter(id__gt=audit_marks[a.tenant.schema_name]).delete()
        with b.tenant:
            SensitiveWord.objects.all().delete()
            RoleAssignment.objects.filter(user_id=b_member.pk).delete()
            AuditEvent.objects.filter(id__gt=audit_marks[b.tenant.schema_name]).delete()
        use_public_schema()
        ChatEvent.objects.all().delete()
        Lesson.objects.filter(pk__in=[group_all.pk, group_b.pk]).delete()
        SensitiveWord.objects.all().delete()
        AuditEvent.objects.filter(id__gt=audit_marks["public"]).delete()
        _clear_redis_rooms()


class Chat:
    """A test client: the socket, the welcome, and every event seen (by id)."""

    def __init__(self, socket: ClientConnection):
        self.socket = socket
        self.welcome = self.next()
        assert self.welcome["type"] == "welcome", self.welcome
        self.events: dict[int, dict[str, Any]] = {event["id"]: event for event in self.welcome["events"]}
        self.order: list[int] = [event["id"] for event in self.welcome["events"]]
        self.replies: list[dict[str, Any]] = []
        self.viewers = self.welcome["viewers"]
        self.likes = self.welcome["likes"]

    def next(self, timeout: float = 15) -> dict[str, Any]:
        return dict(json.loads(self.socket.recv(timeout=timeout)))

    def send(self, **message: Any) -> None:
        self.socket.send(json.dumps(message))

    def pump(self, until: Callable[[Chat], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not until(self):
            left = deadline - time.monotonic()
            assert left > 0, f"timed out; replies {self.replies[-3:]}, events {list(self.events.values())[-3:]}"
            try:
                message = self.next(timeout=left)
            except TimeoutError:
                continue
            if message["type"] == "batch":
                for event in message["events"]:
                    assert event["id"] not in self.events, f"duplicate event {event['id']}"
                    self.events[event["id"]] = event
                    self.order.append(event["id"])
                self.viewers, self.likes = message["viewers"], message["likes"]
            else:
                self.replies.append(message)

    def reply_to(self, client_id: str) -> dict[str, Any]:
        self.pump(lambda chat: any(reply.get("client_id") == client_id for reply in chat.replies))
        return next(reply for reply in self.replies if reply.get("client_id") == client_id)

    def say(self, text: str, client_id: str, kind: str = "say") -> dict[str, Any]:
        self.send(type=kind, text=text, client_id=client_id)
        return self.reply_to(client_id)

    def texts(self) -> list[str]:
        return [self.events[i].get("text", "") for i in self.order if self.events[i]["kind"] in {"message", "question"}]

    def has(self, predicate: Callable[[dict[str, Any]], bool]) -> bool:
        return any(predicate(event) for event in self.events.values())

    def close(self) -> None:
        self.socket.close()


def open_chat(
    server: LiveServer, host: str, path: str, user: User | None = None, query: str = "", language: str = "zh-hans"
) -> ClientConnection:
    params = [part for part in [f"token={token(user)}" if user else "", query] if part]
    url = server.url(host, f"/ws/live/{path}" + ("?" + "&".join(params) if params else ""), scheme="ws")
    return connect(url, sock=server.connect(), open_timeout=20, additional_headers={"Accept-Language": language})


def join(server: LiveServer, host: str, path: str, user: User, query: str = "", language: str = "zh-hans") -> Chat:
    socket = open_chat(server, host, path, user, query, language)
    return Chat(socket.__enter__())  # kept open across the test; Chat.close() closes it


def assert_closed_with(socket: ClientConnection, code: int) -> None:
    with pytest.raises(ConnectionClosed) as closed:
        socket.recv(timeout=15)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == code


def path_of(lesson: Lesson, scope: str = "tenant") -> str:
    return f"{scope}/{lesson.pk}"


# ---------------------------------------------------------------------------------- tests


def test_say_reaches_everyone_in_one_batch_with_the_sender_unit(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a = chat_world["a"]
    room = path_of(chat_world["whole"])
    zhang = join(uvicorn_server, a.host, room, chat_world["people"]["张三"])
    admin = join(uvicorn_server, a.host, room, a.admin)
    assert zhang.welcome["me"]["display"] == "甲公司·张三"
    assert zhang.welcome["me"]["is_host"] is False
    assert admin.welcome["me"]["is_host"] is True
    assert zhang.welcome["lesson"] == {"scope": "tenant", "id": chat_world["whole"].pk, "title": "全体党课",
                                       "status": "scheduled"}  # fmt: skip
    ack = zhang.say("大家好", "c1")
    assert ack["type"] == "ack"
    assert ack["event_id"] > 0
    admin.pump(lambda chat: ack["event_id"] in chat.events)
    event = admin.events[ack["event_id"]]
    assert event["kind"] == "message"
    assert event["text"] == "大家好"
    assert event["sender"]["display"] == "甲公司·张三"
    assert event["sender"]["unit"] == "甲公司"
    admin.pump(lambda chat: chat.viewers == 2)
    zhang.close()
    admin.close()


def test_audience_rules_on_connect(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a, b = chat_world["a"], chat_world["b"]
    whole, branch = path_of(chat_world["whole"]), path_of(chat_world["branch"])
    with open_chat(uvicorn_server, a.host, whole) as socket:  # anonymous
        assert_closed_with(socket, 4401)
    with open_chat(uvicorn_server, "ghost.partycloud.test", whole, a.admin) as socket:
        assert_closed_with(socket, 4404)
    with open_chat(uvicorn_server, a.host, whole, chat_world["b_member"]) as socket:  # another tenant's user
        assert_closed_with(socket, 4404)
    with open_chat(uvicorn_server, b.host, whole, chat_world["b_member"]) as socket:  # A's lesson id on B's host
        assert_closed_with(socket, 4404)
    with open_chat(uvicorn_server, a.host, branch, chat_world["people"]["李四"]) as socket:  # sibling branch
        assert_closed_with(socket, 4404)
    with open_chat(uvicorn_server, a.host, f"elsewhere/{chat_world['whole'].pk}", a.admin) as socket:
        assert_closed_with(socket, 4404)
    with open_chat(uvicorn_server, a.host, path_of(chat_world["group_b"], "group"), a.admin) as socket:
        assert_closed_with(socket, 4404)  # a group lesson for B only
    with open_chat(uvicorn_server, ROOT_HOST, path_of(chat_world["group_all"], "group"), a.admin) as socket:
        assert_closed_with(socket, 4404)  # no group role on the root host
    zhang = join(uvicorn_server, a.host, branch, chat_world["people"]["张三"])
    assert zhang.welcome["lesson"]["title"] == "一支部党课"
    zhang.close()


def test_a_group_lesson_is_one_room_across_tenants(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a, b = chat_world["a"], chat_world["b"]
    room = path_of(chat_world["group_all"], "group")
    zhang = join(uvicorn_server, a.host, room, chat_world["people"]["王五"])
    qian = join(uvicorn_server, b.host, room, chat_world["b_member"])
    host = join(uvicorn_server, ROOT_HOST, room, chat_world["group_admin"])
    assert host.welcome["me"]["is_host"] is True
    assert zhang.welcome["me"]["is_host"] is False
    viewer = join(uvicorn_server, ROOT_HOST, room, chat_world["group_viewer"])
    assert viewer.welcome["me"]["is_host"] is False
    viewer.close()
    assert qian.welcome["me"]["display"] == "乙公司·钱九"
    first = zhang.say("甲公司报到", "z1")["event_id"]
    second = qian.say("乙公司报到", "q1")["event_id"]
    for chat in (zhang, qian, host):
        chat.pump(lambda c: first in c.events and second in c.events)
        assert chat.events[first]["sender"]["display"] == "甲公司·王五"
        assert chat.events[second]["sender"]["display"] == "乙公司·钱九"
    # The group's list applies to everyone, B's list to B's members only.
    assert zhang.say("这是集团禁语", "z2")["code"] == "live.chat_sensitive"
    assert qian.say("这是乙方禁语", "q2")["code"] == "live.chat_sensitive"
    assert zhang.say("这是乙方禁语", "z3")["type"] == "ack"
    # The group admin moderates from the root host.
    host.send(type="remove", event_id=second, client_id="h1")
    removed = host.reply_to("h1")["event_id"]
    qian.pump(lambda c: removed in c.events)
    assert qian.events[removed] == {**qian.events[removed], "kind": "removed", "event_id": second}
    for chat in (zhang, qian, host):
        chat.close()


def test_moderation_before_broadcast(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a = chat_world["a"]
    room = path_of(chat_world["whole"])
    sender = join(uvicorn_server, a.host, room, chat_world["people"]["赵六"])
    english = join(uvicorn_server, a.host, room, chat_world["people"]["孙七"], language="en")
    assert sender.say("   ", "e")["code"] == "live.chat_empty"
    assert sender.say("长" * 501, "l")["code"] == "live.chat_too_long"
    refused = sender.say("这里有敏感词", "s")
    assert refused == {"type": "refused", "client_id": "s", "code": "live.chat_sensitive",
                       "message": "消息中含有本聊天室不允许的词语，未发送。"}  # fmt: skip
    assert english.say("敏 感 词 here", "s2")["message"] == (
        "The message contains a word that is not allowed in this chat."
    )
    assert sender.say("机密★1年 的文件内容", "c")["code"] == "live.chat_classified"
    assert sender.say("每个党员都要保守党的秘密", "ok")["type"] == "ack"  # no marking: passes
    sender.socket.send("not json")  # ignored; the socket stays open
    sender.send(type="pin", text="请大家遵守纪律", client_id="p")
    assert sender.reply_to("p")["code"] == "live.chat_not_host"
    # Nothing refused was broadcast.
    english.pump(lambda c: c.has(lambda e: e.get("text") == "每个党员都要保守党的秘密"))
    assert not english.has(lambda e: "敏感词" in e.get("text", "") or "机密" in e.get("text", ""))
    sender.close()
    english.close()


def test_rate_limit_and_slow_mode(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a = chat_world["a"]
    room = path_of(chat_world["branch"])
    zhou = join(uvicorn_server, a.host, room, chat_world["people"]["周八"])
    host = join(uvicorn_server, a.host, room, a.admin)
    codes = [zhou.say(f"第{i}条", f"r{i}").get("code", "ok") for i in range(6)]
    assert codes == ["ok"] * 5 + ["live.chat_rate_limited"]
    wang = join(uvicorn_server, a.host, room, chat_world["people"]["张三"])
    host.send(type="slow_mode", seconds=2, client_id="sm")
    slow_id = host.reply_to("sm")["event_id"]
    wang.pump(lambda c: slow_id in c.events)
    assert wang.events[slow_id]["seconds"] == 2
    assert wang.say("慢速一", "w1")["type"] == "ack"
    assert wang.say("慢速二", "w2")["code"] == "live.chat_slow_mode"
    assert host.say("主持人不受限一", "h1")["type"] == "ack"
    assert host.say("主持人不受限二", "h2")["type"] == "ack"
    time.sleep(2.1)
    assert wang.say("慢速三", "w3")["type"] == "ack"
    host.send(type="slow_mode", seconds=0, client_id="sm0")
    host.reply_to("sm0")
    assert join(uvicorn_server, a.host, room, a.secretary).welcome["slow_mode_seconds"] == 0
    for chat in (zhou, host, wang):
        chat.close()


def test_mute_unmute_remove_pin(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a = chat_world["a"]
    room = path_of(chat_world["whole"])
    viewer = chat_world["pool"][7]
    member = join(uvicorn_server, a.host, room, viewer)
    host = join(uvicorn_server, a.host, room, a.secretary)  # a tenant-wide secretary hosts
    assert host.welcome["me"]["is_host"] is True
    said = member.say("一条将被删除的消息", "m1")["event_id"]
    target = {"tenant": member.welcome["me"]["tenant"], "user_id": member.welcome["me"]["user_id"]}
    host.send(type="mute", user=target, client_id="mute")
    muted = host.reply_to("mute")["event_id"]
    member.pump(lambda c: muted in c.events)
    assert member.events[muted]["user"] == {**target, "display": "甲公司·听众7"}
    assert member.say("禁言后发言", "m2")["code"] == "live.chat_muted"
    assert join(uvicorn_server, a.host, room, viewer).welcome["me"]["muted"] is True
    host.send(type="unmute", user=target, client_id="unmute")
    unmuted = host.reply_to("unmute")["event_id"]
    member.pump(lambda c: unmuted in c.events)
    assert member.events[unmuted]["kind"] == "unmuted"
    assert member.say("解除后发言", "m3")["type"] == "ack"
    host.send(type="remove", event_id=said, client_id="rm")
    removed = host.reply_to("rm")["event_id"]
    member.pump(lambda c: removed in c.events)
    host.send(type="pin", text="今晚八点开始", client_id="pin")
    pinned = host.reply_to("pin")["event_id"]
    member.pump(lambda c: pinned in c.events)
    assert member.events[pinned]["text"] == "今晚八点开始"
    late = join(uvicorn_server, a.host, room, chat_world["pool"][6])
    assert late.welcome["pinned"]["text"] == "今晚八点开始"
    assert said not in late.events  # removed: not sent to later joiners
    assert late.has(lambda e: e["kind"] == "removed" and e["event_id"] == said)
    host.send(type="unpin", client_id="unpin")
    unpinned = host.reply_to("unpin")["event_id"]
    late.pump(lambda c: unpinned in c.events)
    with a.tenant:
        events = set(AuditEvent.objects.filter(event__startswith="live.chat.").values_list("event", flat=True))
        deadline = time.monotonic() + 5  # stored in the background after the broadcast
        while not ChatEvent.objects.filter(lesson=chat_world["whole"], event_id=said, removed=True).exists():
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert {"live.chat.mute", "live.chat.unmute", "live.chat.remove", "live.chat.pin", "live.chat.unpin"} <= events
    for chat in (member, host, late):
        chat.close()


def test_questions_upvote_once_and_likes_are_aggregated(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a = chat_world["a"]
    room = path_of(chat_world["whole"])
    one = join(uvicorn_server, a.host, room, chat_world["pool"][4])
    two = join(uvicorn_server, a.host, room, chat_world["pool"][5])
    host = join(uvicorn_server, a.host, room, a.admin)
    likes_before = one.likes
    question = one.say("入党积极分子怎么培养？", "q", kind="ask")["event_id"]
    two.pump(lambda c: question in c.events)
    assert two.events[question]["kind"] == "question"
    assert two.events[question]["upvotes"] == 0
    assert two.events[question]["answered"] is False
    for _ in range(3):
        two.send(type="upvote", question_id=question)
    one.send(type="upvote", question_id=question)
    one.pump(lambda c: c.has(lambda e: e["kind"] == "upvotes" and e["upvotes"] == 2))
    time.sleep(0.6)
    one.pump(lambda c: True)
    counts = [e["upvotes"] for e in one.events.values() if e["kind"] == "upvotes" and e["question_id"] == question]
    assert counts == [1, 2]
    host.send(type="answer", question_id=question, client_id="ans")
    answered = host.reply_to("ans")["event_id"]
    one.pump(lambda c: answered in c.events)
    assert one.events[answered]["question_id"] == question
    one.send(type="like", count=3)
    two.send(type="like", count=4)
    two.send(type="like", count=500)  # out of range: ignored
    host.pump(lambda c: c.likes == likes_before + 7)
    for chat in (one, two, host):
        chat.close()


def test_resume_after_reconnect_has_no_loss_and_no_duplicates(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a = chat_world["a"]
    room = path_of(chat_world["group_all"], "group")
    watcher = join(uvicorn_server, a.host, room, chat_world["people"]["张三"])
    last = watcher.welcome["last_event_id"] or 0
    watcher.close()
    senders = [join(uvicorn_server, a.host, room, user) for user in chat_world["pool"][:6]]
    sent = []
    for round_ in range(5):
        for index, sender in enumerate(senders):
            sent.append(sender.say(f"断线期间{round_}-{index}", f"{round_}-{index}")["event_id"])
    back = join(uvicorn_server, a.host, room, chat_world["people"]["张三"], query=f"after={last}")
    assert back.welcome["resumed"] is True
    texts = [e["text"] for e in back.welcome["events"] if e["kind"] == "message"]
    assert texts == [f"断线期间{r}-{i}" for r in range(5) for i in range(6)]
    assert [e["id"] for e in back.welcome["events"]] == list(range(last + 1, max(sent) + 1))
    # Batches of those 30 arrive too: all dropped as already sent; the next one once.
    latest = back.say("重连之后", "after")["event_id"]  # (the senders used up their 5 per 10 s)
    back.pump(lambda c: latest in c.events)  # pump asserts no id arrives twice
    time.sleep(0.5)
    back.pump(lambda c: True)
    assert back.order == sorted(back.order)
    # A fresh join gets the last 50 events; a resume from an id Redis no longer has reads PostgreSQL.
    host = join(uvicorn_server, ROOT_HOST, room, chat_world["group_admin"])
    for i in range(60):
        host.send(type="slow_mode", seconds=0, client_id=f"s{i}")
    final = host.reply_to("s59")["event_id"]
    fresh = join(uvicorn_server, a.host, room, chat_world["people"]["王五"])
    assert [e["id"] for e in fresh.welcome["events"]] == list(range(final - 49, final + 1))
    assert fresh.welcome["resumed"] is False
    assert fresh.welcome["last_event_id"] == final
    client, _scripts = sredis()
    time.sleep(0.5)  # stored by the tick
    client.zremrangebyscore(
        f"{settings.CACHES['default']['KEY_PREFIX']}:live:{{public:{chat_world['group_all'].pk}}}:events", 0, final - 5
    )
    old = join(uvicorn_server, a.host, room, chat_world["people"]["王五"], query=f"after={last}")
    assert [e["id"] for e in old.welcome["events"]] == list(range(last + 1, final + 1))
    for chat in (*senders, back, host, fresh, old):
        chat.close()


def test_status_events_from_the_lesson_signals(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a = chat_world["a"]
    lesson = chat_world["branch"]
    watcher = join(uvicorn_server, a.host, path_of(lesson), chat_world["people"]["王五"])
    with a.tenant:  # the receiver the app connects (sent after commit by the media server's hook)
        lesson_went_live.send(
            sender=Lesson, ref=LessonRef(LessonScope.TENANT, lesson.pk, a.tenant.schema_name), lesson=lesson
        )
    watcher.pump(lambda c: c.has(lambda e: e["kind"] == "status" and e["status"] == "live"))
    watcher.close()
    # An hour after the end the chat closes (the lesson stays watchable for its replay).
    late = join(uvicorn_server, a.host, path_of(chat_world["ended"]), chat_world["people"]["王五"])
    assert late.welcome["lesson"]["status"] == "ended"
    assert late.say("还能发言吗", "late")["code"] == "live.chat_closed"
    late.close()


def test_chat_history_and_export(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    a, b = chat_world["a"], chat_world["b"]
    lesson = chat_world["whole"]
    chat = join(uvicorn_server, a.host, path_of(lesson), chat_world["pool"][3])
    said = chat.say("导出测试消息", "x")["event_id"]
    time.sleep(0.6)
    chat.close()
    page = api(a.host, chat_world["pool"][3]).get(f"/api/v1/live/watch/tenant/{lesson.pk}/chat?before={said + 1}")
    assert page.status_code == 200, page.content
    assert page.json()["events"][-1]["text"] == "导出测试消息"
    assert all(event["kind"] in {"message", "question"} for event in page.json()["events"])
    assert api(a.host).get(f"/api/v1/live/watch/tenant/{lesson.pk}/chat").status_code == 401
    assert_tenant_isolated(Endpoint(f"/api/v1/live/watch/tenant/{lesson.pk}/chat", change=None), owner=a, outsider=b)
    for user in (b.admin, b.member):
        assert api(a.host, user).get(f"/api/v1/live/lessons/{lesson.pk}/chat.xlsx").status_code in {403, 404}
    assert api(a.host).get(f"/api/v1/live/lessons/{lesson.pk}/chat.xlsx").status_code == 401
    assert api(a.host, chat_world["people"]["李四"]).get(
        f"/api/v1/live/watch/tenant/{chat_world['branch'].pk}/chat"
    ).status_code == 404  # fmt: skip
    response = api(a.host, a.admin).get(f"/api/v1/live/lessons/{lesson.pk}/chat.xlsx")
    assert response.status_code == 200, response.content
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "时间", "单位", "姓名", "类型", "内容", "已删除", "已回答", "点赞数")
    mine = next(row for row in rows if row[0] == said)
    assert mine[2:6] == ("甲公司", "听众3", "消息", "导出测试消息")
    assert api(a.host, chat_world["pool"][3]).get(f"/api/v1/live/lessons/{lesson.pk}/chat.xlsx").status_code == 403
    with a.tenant:
        assert AuditEvent.objects.filter(event="live.chat.export").exists()
    group = api(ROOT_HOST, chat_world["group_admin"]).get(
        f"/api/v1/group/live/lessons/{chat_world['group_all'].pk}/chat.xlsx"
    )
    assert group.status_code == 200
    assert (
        api(ROOT_HOST, a.admin).get(f"/api/v1/group/live/lessons/{chat_world['group_all'].pk}/chat.xlsx").status_code
        == 403
    )


def test_sensitive_words_are_edited_by_admins_and_isolated(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: User
):
    client = api(tenant_a.host, tenant_a.admin)
    created = client.post("/api/v1/live/sensitive-words", {"word": "测试禁词"}, format="json")
    assert created.status_code == 201, created.content
    assert client.post("/api/v1/live/sensitive-words", {"word": "测试禁词"}, format="json").json()["code"] == (
        "live.word_exists"
    )
    assert (
        client.post("/api/v1/live/sensitive-words", {"word": " "}, format="json").json()["code"] == "live.word_required"
    )
    assert "测试禁词" in [row["word"] for row in client.get("/api/v1/live/sensitive-words").json()["results"]]
    assert api(tenant_a.host, tenant_a.member).get("/api/v1/live/sensitive-words").status_code == 403
    assert_tenant_isolated(
        Endpoint("/api/v1/live/sensitive-words", object_id=created.json()["id"], change=None),
        owner=tenant_a,
        outsider=tenant_b,
    )
    assert client.delete(f"/api/v1/live/sensitive-words/{created.json()['id']}").status_code == 204
    group = api(ROOT_HOST, group_admin)
    assert group.post("/api/v1/group/live/sensitive-words", {"word": "集团测试词"}, format="json").status_code == 201
    assert_root_only(
        Endpoint("/api/v1/group/live/sensitive-words", change=None),
        allowed=group_admin,
        tenant_users=[tenant_a.admin, tenant_b.member],
    )


@pytest.fixture(scope="module")
def second_server(platform_world: dict[str, Any]) -> Iterator[LiveServer]:
    """Another uvicorn process on the same database and Redis (a second pod)."""
    process, port = start_server()
    try:
        yield LiveServer(port)
    finally:
        stop_server(process)


def test_two_processes_share_one_room_in_one_order(
    uvicorn_server: LiveServer, second_server: LiveServer, chat_world: dict[str, Any]
):
    a, b = chat_world["a"], chat_world["b"]
    room = path_of(chat_world["group_all"], "group")
    users = [chat_world["people"][name] for name in ["赵六", "孙七", "周八"]]
    on_one = [join(uvicorn_server, a.host, room, user) for user in users[:2]]
    on_two = [join(second_server, a.host, room, users[2]), join(second_server, b.host, room, chat_world["b_member"])]
    start = max(chat.welcome["last_event_id"] or 0 for chat in on_one + on_two)
    sent: list[int] = []
    took: list[float] = []
    for i in range(4):
        for chat in (on_one[0], on_two[0], on_one[1], on_two[1]):
            begun = time.monotonic()
            event_id = chat.say(f"双进程{i}", f"two-{i}")["event_id"]
            sent.append(event_id)
            other = on_two[1] if chat is on_one[0] else on_one[0]
            other.pump(lambda c, event_id=event_id: event_id in c.events)
            took.append(time.monotonic() - begun)
    last = max(sent)
    for chat in on_one + on_two:
        chat.pump(lambda c: last in c.events)
        seen = [event_id for event_id in chat.order if event_id > start]
        assert seen == list(range(start + 1, last + 1)), "every process delivers every event once, in id order"
    took.sort()
    print(f"say → seen on the other process: median {took[len(took) // 2] * 1000:.0f} ms, max {took[-1] * 1000:.0f} ms")
    for chat in on_one + on_two:
        chat.close()


# ------------------------------------------------------------------ performance mechanics


def test_the_tick_is_fixed_rate():
    """A tick that takes 150 ms of a 200 ms period does not stretch the period; one that
    overruns it is followed at once, without a burst to catch up."""

    async def ticks(body: float, count: int) -> list[float]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        stamps: list[float] = []
        async for _ in fixed_rate(0.2):
            stamps.append(loop.time() - started)
            if len(stamps) == count:
                return stamps
            await asyncio.sleep(body)  # the tick's own work (Redis, PUBLISH)
        return stamps

    stamps = asyncio.run(ticks(0.15, 6))
    assert stamps[-1] < 1.2 + 0.1, stamps  # 0.2, 0.4 … 1.2 (sleeping after the work: 1.95)
    assert all(later - earlier > 0.15 for earlier, later in itertools.pairwise(stamps)), stamps
    stamps = asyncio.run(ticks(0.45, 4))
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    assert all(0.44 < gap < 0.6 for gap in gaps), gaps  # back to back, never faster than the work


def test_three_hundred_sockets_closing_at_once_leave_no_presence(chat_world: dict[str, Any]):
    """More simultaneous Redis calls than the pool has connections wait for one (redis-py's
    default asyncio pool raised MaxConnectionsError past 100)."""
    ref = LessonRef(LessonScope.GROUP, chat_world["group_b"].pk, "public")

    async def crowd() -> tuple[int, int]:
        store = RoomStore(ref)
        channels = [f"crowd.{i}" for i in range(300)]
        await asyncio.gather(*(join_room(ref, None, channel) for channel in channels))
        before = await store.client.zcard(store.keys.presence)
        await asyncio.gather(*(leave_room(ref, channel) for channel in channels))
        return before, await store.client.zcard(store.keys.presence)

    assert asyncio.run(crowd()) == (300, 0)


def _append(ref: LessonRef, body: dict[str, Any]) -> int:
    _client, scripts = sredis()
    keys = Keys(ref)
    return int(scripts["append"](keys=[keys.seq, keys.events], args=[json.dumps(body), 5000]))


def test_events_are_stored_once_in_order_off_the_tick(chat_world: dict[str, Any]):
    """Whichever process published a batch, its rows are written by one persister at a time,
    from the ``persisted`` watermark, in id order: a removal stored after its message."""
    lesson = chat_world["group_b"]
    ref = LessonRef(LessonScope.GROUP, lesson.pk, "public")
    client, _scripts = sredis()
    keys = Keys(ref)
    ensure_sequence_sync(ref)
    sender = {"tenant": "b", "user_id": 1, "name": "x", "unit": "乙", "display": "乙·x"}
    ids = [_append(ref, {"kind": "message", "at": timezone.now().isoformat(), "sender": sender, "text": f"存{i}"}) for i in range(3)]  # fmt: skip
    removal = _append(ref, {"kind": "removed", "at": timezone.now().isoformat(), "event_id": ids[0]})
    client.set(keys.published, removal)

    async def two_processes() -> list[int | None]:
        return list(await asyncio.gather(persist_pending(ref, None), persist_pending(ref, None)))

    results = asyncio.run(two_processes())
    assert sorted(results, key=str) == [removal, None], results  # the other one found the lock taken
    rows = list(ChatEvent.objects.filter(lesson=lesson, event_id__gte=ids[0]).order_by("event_id"))
    assert [row.event_id for row in rows] == [*ids, removal]
    assert [row.removed for row in rows[:3]] == [True, False, False]
    assert int(client.get(keys.persisted)) == removal
    # The tick asks for it in the background; flush_persistence waits for it.
    more = _append(ref, {"kind": "message", "at": timezone.now().isoformat(), "sender": sender, "text": "再存"})
    client.set(keys.published, more)

    async def background() -> None:
        request_persist(ref, None, more)
        await flush_persistence()

    asyncio.run(background())
    assert ChatEvent.objects.filter(lesson=lesson, event_id=more).exists()


def _committed(function: Callable[[], Any]) -> None:
    """``function`` on another thread's connection (committed at once: the server sees it)."""

    def run() -> None:
        try:
            function()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_a_cancelled_lesson_refuses_joins_within_seconds(uvicorn_server: LiveServer, chat_world: dict[str, Any]):
    """Joins reuse the lesson row and the viewer for JOIN_CACHE_SECONDS: a change applies after."""
    b = chat_world["b"]
    lesson = chat_world["group_b"]
    room = path_of(lesson, "group")
    join(uvicorn_server, b.host, room, chat_world["b_member"]).close()
    _committed(lambda: Lesson.objects.filter(pk=lesson.pk).update(status=LessonStatus.CANCELLED))
    try:
        time.sleep(JOIN_CACHE_SECONDS + 0.5)
        with open_chat(uvicorn_server, b.host, room, chat_world["b_member"]) as socket:
            assert_closed_with(socket, 4404)
    finally:
        _committed(lambda: Lesson.objects.filter(pk=lesson.pk).update(status=lesson.status))
