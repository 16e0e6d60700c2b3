"""The live chat over a real WebSocket against a real uvicorn, PostgreSQL and Redis.

The server is another process: it sees committed rows only, so this module commits its
lessons, members and words once (``chat_world``) and deletes them afterwards.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.tenancy.context import use_public_schema
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.live.chat import sredis
from tenants.live.models import ChatEvent, Lesson, SensitiveWord
from tenants.members.models import Member
from tenants.organizations.models import Organization, OrganizationEvent
from tenants.organizations.services import do_create_organization
from tests.conftest import TenantWorld
from tests.factories import UserFactory
from tests.live import LiveServer

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
        "a": a, "b": b, "whole": whole, "branch": branch, "group_all": group_all, "group_b": group_b,
        "people": people, "pool": pool, "b_member": b_member, "orgs": [committee, first, second],
    }  # fmt: skip
    yield world
    with django_db_blocker.unblock():
        with a.tenant:
            ChatEvent.objects.all().delete()
            Lesson.objects.filter(pk__in=[whole.pk, branch.pk]).delete()
            Member.objects.filter(id_card_index__startswith="chat-").delete()
            OrganizationEvent.objects.filter(organization__in=[committee, first, second]).delete()
            Organization.objects.filter(pk__in=[second.pk, first.pk]).delete()
            Organization.objects.filter(pk=committee.pk).delete()
            SensitiveWord.objects.all().delete()
            AuditEvent.objects.filter(event__startswith="live.chat.").delete()
        with b.tenant:
            SensitiveWord.objects.all().delete()
        use_public_schema()
        ChatEvent.objects.all().delete()
        Lesson.objects.filter(pk__in=[group_all.pk, group_b.pk]).delete()
        SensitiveWord.objects.all().delete()
        AuditEvent.objects.filter(event__startswith="live.").delete()
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
    return Chat(open_chat(server, host, path, user, query, language))


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
