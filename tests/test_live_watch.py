"""The viewer's side of live lessons on a tenant host: who sees which lesson (audience subtree,
the group's lessons by audience tenant), the list by when, a lesson's page, the calendar entry,
cover and materials, and the audience's notifications (scheduled, 15 minutes before, live)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from services.realtime.groups import user_group
from tenants.learning.models import Resource, ResourceKind, ResourceStatus
from tenants.live.calendar import fold
from tenants.live.models import Lesson, LessonStatus
from tenants.live.services import do_cancel_lesson, do_issue_stream_key, do_start_publishing
from tenants.live.tasks import remind_starting_lessons
from tenants.members.models import Member
from tenants.notifications.models import Notification
from tests.conftest import TenantWorld, api
from tests.factories import UserFactory
from tests.learning_support import eager_tasks
from tests.live_support import Tree, add_member, make_tree, schedule, set_status

WATCH = "/api/v1/live/watch"


@pytest.fixture
def tree(tenant_a: TenantWorld) -> Tree:
    return make_tree(tenant_a)


def ids(world: TenantWorld, user: User, when: str = "upcoming") -> list[tuple[str, int]]:
    response = api(world.host, user).get(WATCH, {"when": when})
    assert response.status_code == 200, response.content
    return [(row["scope"], row["id"]) for row in response.json()["results"]]


def detail(world: TenantWorld, user: User | None, scope: str, lesson: Lesson) -> Any:
    return api(world.host, user).get(f"{WATCH}/{scope}/{lesson.pk}")


# ------------------------------------------------------------------------------- the audience


def test_members_of_the_audience_subtree_see_a_branch_lesson_and_a_sibling_branch_does_not(
    tenant_a: TenantWorld, tree: Tree
) -> None:
    for_branch = schedule(tenant_a, organization=tree.branch)
    for_committee = schedule(tenant_a, start_in=timedelta(hours=3), organization=tree.committee)
    whole = schedule(tenant_a, start_in=timedelta(hours=4))
    assert ids(tenant_a, tree.branch_member) == [("tenant", for_branch.pk), ("tenant", for_committee.pk),
                                                 ("tenant", whole.pk)]  # fmt: skip
    assert ids(tenant_a, tree.sibling_member) == [("tenant", for_committee.pk), ("tenant", whole.pk)]
    assert detail(tenant_a, tree.branch_member, "tenant", for_branch).status_code == 200
    missing = detail(tenant_a, tree.sibling_member, "tenant", for_branch)
    assert missing.status_code == 404
    assert missing.json()["code"] == "live.lesson_not_found"
    # The admin (and a whole-tenant secretary) oversee every lesson of the tenant.
    for overseer in (tenant_a.admin, tenant_a.secretary):
        assert len(ids(tenant_a, overseer)) == 3
        assert detail(tenant_a, overseer, "tenant", for_branch).status_code == 200


def test_outsiders_and_anonymous_callers_get_nothing(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    assert detail(tenant_a, None, "tenant", lesson).status_code == 401
    assert api(tenant_a.host).get(WATCH).status_code == 401
    assert api(tenant_a.host).get(f"{WATCH}/tenant/{lesson.pk}/calendar.ics").status_code == 401
    for outsider in (tenant_b.admin, tenant_b.member):
        assert detail(tenant_a, outsider, "tenant", lesson).status_code == 404
        refused = api(tenant_a.host, outsider).get(WATCH)
        assert (refused.status_code, refused.json()["code"]) == (403, "live.not_a_viewer")
        assert api(tenant_a.host, outsider).get(f"{WATCH}/tenant/{lesson.pk}/calendar.ics").status_code == 404
    # On B's own host the id names B's lessons (none): A's lesson is not served there.
    assert detail(tenant_b, tenant_b.admin, "tenant", lesson).status_code == 404
    assert ids(tenant_b, tenant_b.admin) == []
    # The group root has no viewer API.
    assert api("partycloud.test", tenant_a.admin).get(WATCH).status_code == 404


def test_a_group_lesson_is_seen_in_its_audience_tenants_only_and_in_all_when_none_is_named(
    tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    selected = schedule(None, audience_tenants=[tenant_a.tenant.pk])
    everyone = schedule(None, start_in=timedelta(hours=5))
    assert ids(tenant_a, tenant_a.member) == [("group", selected.pk), ("group", everyone.pk)]
    assert ids(tenant_b, tenant_b.member) == [("group", everyone.pk)]
    assert detail(tenant_b, tenant_b.member, "group", selected).status_code == 404
    page = detail(tenant_a, tenant_a.member, "group", selected).json()
    assert page["scope"] == "group"
    assert page["organizer_unit"] == "测试集团党委"
    assert page["audience_label"] == "甲公司"
    assert page["can_host"] is False  # group lessons are hosted by group admins on the root host
    assert page["chat_url"] == f"/ws/live/group/{selected.pk}"
    everyone_page = detail(tenant_b, tenant_b.admin, "group", everyone).json()
    assert everyone_page["audience_label"] == "集团全体子公司"


def test_cancelled_lessons_are_not_listed_nor_shown(tenant_a: TenantWorld, group_admin: User) -> None:
    lesson = schedule(tenant_a)
    group_lesson = schedule(None)
    with tenant_a.tenant:
        do_cancel_lesson(lesson, actor=Actor.for_user(tenant_a.admin))
    do_cancel_lesson(group_lesson, actor=Actor.for_user(group_admin))
    assert ids(tenant_a, tenant_a.admin) == []
    assert detail(tenant_a, tenant_a.admin, "tenant", lesson).status_code == 404
    assert detail(tenant_a, tenant_a.admin, "group", group_lesson).status_code == 404


def test_when_picks_upcoming_live_or_past_in_their_order(tenant_a: TenantWorld) -> None:
    later = schedule(tenant_a, start_in=timedelta(hours=5))
    sooner = schedule(tenant_a, start_in=timedelta(hours=1))
    live = schedule(tenant_a, start_in=timedelta(hours=2))
    old, older = schedule(tenant_a, start_in=timedelta(hours=3)), schedule(tenant_a, start_in=timedelta(hours=4))
    now = timezone.now()
    set_status(tenant_a, live, LessonStatus.LIVE, went_live_at=now)
    set_status(tenant_a, old, LessonStatus.ENDED, ended_at=now - timedelta(days=1))
    set_status(tenant_a, older, LessonStatus.ENDED, ended_at=now - timedelta(days=2))
    assert ids(tenant_a, tenant_a.member) == [("tenant", sooner.pk), ("tenant", later.pk)]
    assert ids(tenant_a, tenant_a.member, "live") == [("tenant", live.pk)]
    assert ids(tenant_a, tenant_a.member, "past") == [("tenant", old.pk), ("tenant", older.pk)]
    assert api(tenant_a.host, tenant_a.member).get(WATCH, {"when": "soon"}).status_code == 400
    card = api(tenant_a.host, tenant_a.member).get(WATCH, {"when": "live"}).json()["results"][0]
    assert set(card) == {
        "scope", "id", "title", "lecturer", "description", "cover_url", "starts_at", "planned_end_at", "status",
        "went_live_at", "ended_at", "organizer_unit", "audience_label", "counts_as_party_lesson", "has_replay",
    }  # fmt: skip
    assert card["audience_label"] == "甲公司全体"


def test_the_list_costs_the_same_queries_for_3_and_15_lessons(tenant_a: TenantWorld, tree: Tree) -> None:
    def count() -> int:
        client = api(tenant_a.host, tree.branch_member)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(WATCH).status_code == 200
        return len(queries)

    for index in range(3):
        schedule(tenant_a, start_in=timedelta(hours=index + 1), organization=tree.branch)
    schedule(None)
    few = count()
    for index in range(12):
        schedule(tenant_a, start_in=timedelta(hours=index + 1), organization=tree.branch if index % 2 else None)
        schedule(None, start_in=timedelta(hours=index + 1))
    assert count() == few
    assert few <= 20


# ------------------------------------------------------------------------------- a lesson's page


def test_the_page_says_who_hosts_and_where_the_chat_and_calendar_are(tenant_a: TenantWorld, tree: Tree) -> None:
    lesson = schedule(tenant_a, organization=tree.branch)
    page = detail(tenant_a, tree.branch_member, "tenant", lesson).json()
    assert page["can_host"] is False
    assert page["chat_url"] == f"/ws/live/tenant/{lesson.pk}"
    assert page["calendar_url"] == f"{WATCH}/tenant/{lesson.pk}/calendar.ics"
    assert page["playback"] is None
    assert page["replay"] is None
    assert page["materials"] == []
    assert page["organizer_unit"] == "第一党支部"
    for host in (tenant_a.admin, tenant_a.secretary):
        assert detail(tenant_a, host, "tenant", lesson).json()["can_host"] is True
    branch_secretary = UserFactory()
    sibling_secretary = UserFactory()
    with tenant_a.tenant:
        from tenants.access.models import TenantRole
        from tenants.access.services import do_assign_role

        do_assign_role(user=branch_secretary, role=TenantRole.SECRETARY, organization_id=tree.branch.pk)
        do_assign_role(user=sibling_secretary, role=TenantRole.SECRETARY, organization_id=tree.sibling.pk)
    assert detail(tenant_a, branch_secretary, "tenant", lesson).json()["can_host"] is True
    assert detail(tenant_a, sibling_secretary, "tenant", lesson).status_code == 404


def test_the_calendar_entry_follows_rfc_5545(tenant_a: TenantWorld) -> None:
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    with tenant_a.tenant:
        from tenants.live.services import do_schedule_lesson

        lesson = do_schedule_lesson(
            actor=Actor.for_user(tenant_a.admin), title="党课; 学习, 讨论", lecturer="王书记",
            description="第一部分：理论学习。" * 8, starts_at=start, planned_end_at=start + timedelta(minutes=90),
        )  # fmt: skip
    response = api(tenant_a.host, tenant_a.member).get(f"{WATCH}/tenant/{lesson.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    text = raw.decode()
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:党课\\; 学习\\, 讨论\r\n" in unfolded
    assert f"UID:live-{tenant_a.tenant.schema_name}-{lesson.pk}@" in unfolded
    assert f"DTSTART:{start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in unfolded
    assert f"DTEND:{(start + timedelta(minutes=90)).astimezone(UTC):%Y%m%dT%H%M%SZ}" in unfolded
    assert f"URL:{tenant_a.tenant.url}/live/tenant/{lesson.pk}\r\n" in unfolded
    assert unfolded.startswith("BEGIN:VCALENDAR\r\n")
    assert "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\n" in unfolded
    assert "END:VEVENT\r\n" in unfolded
    again = api(tenant_a.host, tenant_a.member).get(f"{WATCH}/tenant/{lesson.pk}/calendar.ics").content.decode()
    assert [line for line in again.split("\r\n") if line.startswith("UID")] == [
        line for line in text.split("\r\n") if line.startswith("UID")
    ]


def test_folding_never_splits_a_character() -> None:
    line = "DESCRIPTION:" + "党" * 60
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode()) <= 75
        part.encode().decode()  # whole characters only
    assert folded.replace("\r\n ", "") == line


# ------------------------------------------------------------------------------- cover and materials


def test_materials_are_published_resources_of_this_library_or_the_groups(tenant_a: TenantWorld) -> None:
    with tenant_a.tenant:
        own = Resource.objects.create(kind=ResourceKind.ARTICLE, title="本单位资料", status=ResourceStatus.PUBLISHED)
        draft = Resource.objects.create(kind=ResourceKind.ARTICLE, title="草稿", status=ResourceStatus.DRAFT)
    shared = Resource.objects.create(kind=ResourceKind.VIDEO, title="集团资料", status=ResourceStatus.PUBLISHED)
    client = api(tenant_a.host, tenant_a.admin)
    start = timezone.now() + timedelta(hours=2)
    payload = {"title": "党课", "starts_at": start.isoformat(), "planned_end_at": (start + timedelta(hours=1)).isoformat(),
               "materials": [str(own.uuid), str(shared.uuid)]}  # fmt: skip
    created = client.post("/api/v1/live/lessons", payload, format="json")
    assert created.status_code == 201, created.content
    row = created.json()
    assert row["scope"] == "tenant"
    assert row["cover"] is None
    assert row["cover_url"] is None
    assert row["materials"] == [
        {"uuid": str(own.uuid), "title": "本单位资料", "kind": "article", "shared": False},
        {"uuid": str(shared.uuid), "title": "集团资料", "kind": "video", "shared": True},
    ]
    page = detail(tenant_a, tenant_a.member, "tenant", Lesson(pk=row["id"])).json()
    assert page["materials"] == row["materials"]
    refused = client.patch(f"/api/v1/live/lessons/{row['id']}", {"materials": [str(draft.uuid)]}, format="json")
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (
        400, "live.bad_material", "materials",
    )  # fmt: skip
    cleared = client.patch(f"/api/v1/live/lessons/{row['id']}", {"materials": []}, format="json")
    assert cleared.json()["materials"] == []


def test_a_cover_is_a_verified_live_cover_upload(
    tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.learning_support import fetch, uploaded_id

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    client = api(tenant_a.host, tenant_a.admin)
    done = {"id": uploaded_id(client, "live_cover", "cover.png", "image/png", png)}
    lesson = schedule(tenant_a)
    response = client.patch(f"/api/v1/live/lessons/{lesson.pk}", {"cover": done["id"]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["cover"] == done["id"]
    assert response.json()["cover_url"]
    page = detail(tenant_a, tenant_a.member, "tenant", lesson).json()
    assert fetch(client, page["cover_url"]) == (200, png)
    again = client.patch(f"/api/v1/live/lessons/{lesson.pk}", {"cover": done["id"]}, format="json")
    assert again.status_code == 200  # the same cover again: nothing to claim
    with django_capture_on_commit_callbacks(execute=True):
        removed = client.patch(f"/api/v1/live/lessons/{lesson.pk}", {"cover": None}, format="json")
    assert removed.json()["cover_url"] is None
    assert fetch(client, response.json()["cover_url"])[0] == 404  # the replaced cover's object is gone


# ------------------------------------------------------------------------------- notifications


def notified(world: TenantWorld, user: User) -> list[str]:
    with world.tenant:
        return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def test_the_audience_is_told_when_a_lesson_is_scheduled_15_minutes_before_and_when_live(
    tenant_a: TenantWorld, tree: Tree, django_capture_on_commit_callbacks: Any
) -> None:
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        lesson = schedule(tenant_a, start_in=timedelta(minutes=10), organization=tree.branch)
    assert notified(tenant_a, tree.branch_member) == ["新的直播党课：学习党的二十大精神"]
    assert notified(tenant_a, tree.sibling_member) == []
    with tenant_a.tenant, eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert remind_starting_lessons() == 1
        assert remind_starting_lessons() == 0  # once
        assert Lesson.objects.get(pk=lesson.pk).reminded_at is not None
    assert notified(tenant_a, tree.branch_member)[-1] == "直播党课 15 分钟后开始：学习党的二十大精神"
    with tenant_a.tenant:
        issued = do_issue_stream_key(lesson, actor=Actor.for_user(tenant_a.admin))
    for _attempt in range(2):  # a reconnect goes live again: nobody is told twice
        with tenant_a.tenant, eager_tasks(), django_capture_on_commit_callbacks(execute=True):
            do_start_publishing(issued.key, "10.0.0.1")
            Lesson.objects.filter(pk=lesson.pk).update(status=LessonStatus.ENDED)
            lesson.stream_keys.update(publishing=False)
    titles = notified(tenant_a, tree.branch_member)
    assert titles.count("正在直播：学习党的二十大精神") == 1
    assert len(titles) == 3
    with tenant_a.tenant:
        link = Notification.objects.filter(user=tree.branch_member).values_list("link", flat=True).first()
    assert link == f"/live/tenant/{lesson.pk}"


def test_a_group_lesson_is_announced_in_each_audience_tenant(
    tenant_a: TenantWorld, tenant_b: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    with tenant_a.tenant:
        in_a = add_member(make_branch())
    with tenant_b.tenant:
        in_b = add_member(make_branch())
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        selected = schedule(None, audience_tenants=[tenant_a.tenant.pk])
    assert notified(tenant_a, in_a) == ["新的直播党课：学习党的二十大精神"]
    assert notified(tenant_b, in_b) == []
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        schedule(None, title="全集团党课")
    assert notified(tenant_b, in_b) == ["新的直播党课：全集团党课"]
    with tenant_a.tenant:
        assert Notification.objects.get(user=in_a, title__contains="全集团").link.startswith("/live/group/")
    # The reminder of a group lesson runs in the public schema and reaches every audience tenant.
    Lesson.objects.filter(pk=selected.pk).update(starts_at=timezone.now() + timedelta(minutes=5))
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert remind_starting_lessons() == 1
    assert notified(tenant_a, in_a)[-1].startswith("直播党课 15 分钟后开始")


def test_a_cancelled_lesson_is_told_to_its_audience_and_its_chat_room(
    tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any
) -> None:
    import json

    from tenants.live.audience import LessonRef, LessonScope
    from tenants.live.chat import Keys, sredis

    with tenant_a.tenant:
        member = add_member(make_branch())
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        lesson = schedule(tenant_a, title="季度党课")
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True), tenant_a.tenant:
        do_cancel_lesson(Lesson.objects.get(pk=lesson.pk), actor=Actor.for_user(tenant_a.admin))
    assert notified(tenant_a, member) == ["新的直播党课：季度党课", "直播已取消：季度党课"]
    with tenant_a.tenant:
        room = Keys(LessonRef.of(LessonScope.TENANT, lesson.pk))
    events = [json.loads(event) for event in sredis()[0].zrange(room.events, 0, -1)]
    assert [(event["kind"], event["status"]) for event in events] == [("status", "cancelled")]
    # Cancelled stays cancelled: no reminder, no second notice.
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        remind_starting_lessons()
    assert len(notified(tenant_a, member)) == 2


def make_branch() -> Any:
    from tenants.organizations.services import do_create_organization

    committee = do_create_organization(kind="committee", name="通知党委")
    return do_create_organization(kind="branch", name="通知党支部", parent=committee)


def test_two_thousand_members_are_notified_in_bulk(
    tenant_a: TenantWorld, django_capture_on_commit_callbacks: Any, capsys: Any
) -> None:
    with tenant_a.tenant:
        branch = make_branch()
        users = User.objects.bulk_create(
            [User(phone=f"171{index:08d}", name=f"党员{index}") for index in range(2000)], batch_size=1000
        )
        Member.objects.bulk_create(
            [
                Member(user=user, organization=branch, name=user.name, gender="male", birth_date=date(1990, 1, 1),
                       id_card_encrypted="x", id_card_index=f"bulk-{index}", id_card_masked="x",
                       joined_on=date(2015, 7, 1), membership="full", dues_category="employee")
                for index, user in enumerate(users)
            ],
            batch_size=1000,
        )  # fmt: skip
    lesson = schedule(tenant_a, organization=branch)
    from tenants.live.notify import LessonNews, do_notify_audience, ref_of

    def notify() -> tuple[int, float, int]:
        with tenant_a.tenant:
            started = time.monotonic()
            with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
                sent = do_notify_audience(ref_of(lesson), LessonNews.STARTING)
            # the notifications, their deliveries and the push to 2,000 people's sockets
            return sent, time.monotonic() - started, len(queries)

    async def listen_while_notifying() -> tuple[tuple[int, float, int], dict[str, Any]]:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(user_group(tenant_a.tenant.schema_name, users[-1].pk), channel)
        outcome = await sync_to_async(notify)()
        pushed: dict[str, Any] = await asyncio.wait_for(layer.receive(channel), timeout=10)
        return outcome, pushed

    (sent, elapsed, queries), pushed = async_to_sync(listen_while_notifying)()
    assert sent == 2000
    with tenant_a.tenant:
        assert Notification.objects.filter(link=f"/live/tenant/{lesson.pk}").count() == 2000
    assert pushed["notification"]["title"].startswith("直播党课 15 分钟后开始")
    assert pushed["unread"] == 1
    with capsys.disabled():
        print(f"\n2,000 members notified in {elapsed:.2f} s with {queries} queries")
    assert queries < 30
