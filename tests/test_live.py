"""Live lessons (issue 13, first slice): scheduling, permissions, isolation, stream keys and the
media server's publish callbacks on the root host."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import override_settings
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.audit.models import AuditEvent
from tenants.access.models import TenantRole
from tenants.access.services import do_assign_role
from tenants.live.models import Lesson, LessonStatus, StreamKey
from tenants.live.services import do_issue_stream_key, do_schedule_lesson
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.factories import UserFactory
from tests.isolation import Endpoint, assert_tenant_isolated

URL = "/api/v1/live/lessons"
ON_PUBLISH = "/api/v1/live/hooks/on-publish"
ON_PUBLISH_DONE = "/api/v1/live/hooks/on-publish-done"


@pytest.fixture
def tree(tenant_a: TenantWorld) -> dict[str, Any]:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲党委")
        branch = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        other = do_create_organization(kind="branch", name="第二党支部", parent=committee)
        branch_secretary = UserFactory()
        do_assign_role(user=branch_secretary, role=TenantRole.SECRETARY, organization_id=branch.pk)
    return {"branch": branch, "other": other, "branch_secretary": branch_secretary}


def body(
    start_in: timedelta = timedelta(hours=1), length: timedelta = timedelta(hours=1), **extra: Any
) -> dict[str, Any]:
    start = timezone.now() + start_in
    return {"title": "学习二十大精神", "lecturer": "王书记", "starts_at": start.isoformat(),
            "planned_end_at": (start + length).isoformat(), **extra}  # fmt: skip


def schedule(world: TenantWorld, start_in: timedelta = timedelta(minutes=10), **extra: Any) -> Lesson:
    with world.tenant:
        start = timezone.now() + start_in
        return do_schedule_lesson(
            actor=Actor.for_user(world.admin), title="党课", starts_at=start, planned_end_at=start + timedelta(hours=1),
            **extra,
        )  # fmt: skip


def issue_key(world: TenantWorld, lesson: Lesson) -> str:
    response = api(world.host, world.admin).post(f"{URL}/{lesson.pk}/stream-key")
    assert response.status_code == 201, response.content
    key: str = response.json()["key"]
    return key


def hook(url: str, key: str, addr: str = "10.0.0.5", query: str = "") -> int:
    form = {"call": "publish", "app": "live", "name": key, "addr": addr, "clientid": "1"}
    # nginx-rtmp posts a url-encoded form.
    content_type = "application/x-www-form-urlencoded"
    status: int = api(ROOT_HOST).post(url + query, urlencode(form), content_type=content_type).status_code
    # on_publish lets the encoder in with a 302 to the lesson's playback name (tests/test_live_media.py).
    return 200 if status == 302 else status


def lesson_of(world: TenantWorld, lesson: Lesson) -> Lesson:
    with world.tenant:
        return Lesson.objects.get(pk=lesson.pk)


# ---------------------------------------------------------------------------------- scheduling


def test_admin_schedules_a_lesson(tenant_a: TenantWorld) -> None:
    response = api(tenant_a.host, tenant_a.admin).post(URL, body(counts_as_party_lesson=True), format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["status"] == "scheduled"
    assert row["organization"] is None
    assert row["counts_as_party_lesson"]
    assert row["organizer"] == tenant_a.admin.pk
    assert row["has_stream_key"] is False
    listed = api(tenant_a.host, tenant_a.admin).get(URL).json()
    assert [item["id"] for item in listed["results"]] == [row["id"]]
    with tenant_a.tenant:
        assert AuditEvent.objects.filter(event="live.lesson.schedule", target_id=str(row["id"])).exists()


@pytest.mark.parametrize(
    ("payload", "code", "field", "zh", "en"),
    [
        (body(title="  "), "live.title_required", "title", "请输入", "Enter the lesson's title."),
        (body(length=-timedelta(minutes=5)), "live.end_before_start", "planned_end_at", "结束", "must come after"),
        (body(start_in=-timedelta(minutes=5)), "live.start_in_past", "starts_at", "过去", "in the past"),
    ],
)
def test_scheduling_is_validated(
    tenant_a: TenantWorld, payload: dict[str, Any], code: str, field: str, zh: str, en: str
) -> None:
    for language, text in (("zh-hans", zh), ("en", en)):
        response = api(tenant_a.host, tenant_a.admin, language=language).post(URL, payload, format="json")
        assert response.status_code == 400, response.content
        error = response.json()
        assert (error["code"], error["field"]) == (code, field)
        assert text in error["message"]


def test_moving_a_lesson_into_the_past_is_refused_but_other_changes_are_not(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    client = api(tenant_a.host, tenant_a.admin)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    assert client.patch(f"{URL}/{lesson.pk}", {"starts_at": past}, format="json").json()["code"] == "live.start_in_past"
    changed = client.patch(f"{URL}/{lesson.pk}", {"title": "新题目", "lecturer": "李老师"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["title"] == "新题目"
    assert client.put(f"{URL}/{lesson.pk}", body(), format="json").status_code == 405


def test_cancel_stops_changes_and_keys(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    key = issue_key(tenant_a, lesson)
    client = api(tenant_a.host, tenant_a.admin)
    cancelled = client.post(f"{URL}/{lesson.pk}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert client.post(f"{URL}/{lesson.pk}/cancel").json()["code"] == "live.not_editable"
    assert client.patch(f"{URL}/{lesson.pk}", {"title": "x"}, format="json").status_code == 409
    assert client.post(f"{URL}/{lesson.pk}/stream-key").status_code == 409
    assert hook(ON_PUBLISH, key) == 403


# -------------------------------------------------------------------------------- permissions


def test_only_organizers_reach_lessons(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    for user in (tenant_a.member, tenant_a.inspector, None):
        assert api(tenant_a.host, user).get(URL).status_code in (401, 403)
        assert api(tenant_a.host, user).post(f"{URL}/{lesson.pk}/stream-key").status_code in (401, 403)
    # A tenant-wide secretary organizes lessons for the whole tenant.
    assert api(tenant_a.host, tenant_a.secretary).post(URL, body(), format="json").status_code == 201


def test_a_branch_secretary_organizes_for_their_subtree_only(tenant_a: TenantWorld, tree: dict[str, Any]) -> None:
    client = api(tenant_a.host, tree["branch_secretary"])
    mine = client.post(URL, body(organization=tree["branch"].pk), format="json")
    assert mine.status_code == 201, mine.content
    for audience in (None, tree["other"].pk):
        refused = client.post(URL, body(organization=audience), format="json")
        assert (refused.status_code, refused.json()["code"]) == (403, "live.out_of_scope")
    whole = schedule(tenant_a)
    other = schedule(tenant_a, organization=tree["other"])
    # They see their subtree's lessons and the whole tenant's, and change only their own audience's.
    assert {row["id"] for row in client.get(URL).json()["results"]} == {mine.json()["id"], whole.pk}
    assert client.get(f"{URL}/{other.pk}").status_code == 404
    assert client.patch(f"{URL}/{whole.pk}", {"title": "x"}, format="json").status_code == 403
    assert client.post(f"{URL}/{whole.pk}/stream-key").status_code == 403
    moved = client.patch(f"{URL}/{mine.json()['id']}", {"organization": tree["other"].pk}, format="json")
    assert (moved.status_code, moved.json()["code"]) == (403, "live.out_of_scope")
    assert client.post(f"{URL}/{mine.json()['id']}/stream-key").status_code == 201


def test_lessons_are_isolated(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    assert_tenant_isolated(
        Endpoint(URL, object_id=lesson.pk, change={"title": "x"}, create=body(), deletable=False),
        owner=tenant_a,
        outsider=tenant_b,
    )
    for user in (tenant_b.admin, None):
        assert api(tenant_a.host, user).post(f"{URL}/{lesson.pk}/stream-key").status_code in (401, 403, 404)
        assert api(tenant_a.host, user).post(f"{URL}/{lesson.pk}/cancel").status_code in (401, 403, 404)
    assert lesson_of(tenant_a, lesson).status == LessonStatus.SCHEDULED


# -------------------------------------------------------------------------------- stream keys


@override_settings(LIVE_RTMP_URL="rtmp://127.0.0.1:1935/live")
def test_stream_key_is_shown_once_and_stored_hashed(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    response = api(tenant_a.host, tenant_a.admin).post(f"{URL}/{lesson.pk}/stream-key")
    assert response.status_code == 201
    issued = response.json()
    schema, _, secret = issued["key"].partition(".")
    assert schema == tenant_a.tenant.schema_name
    assert len(secret) >= 32
    assert issued["rtmp_url"] == "rtmp://127.0.0.1:1935/live"
    assert issued["media_server_configured"] is True
    assert any(hint["value"] == "rtmp://127.0.0.1:1935/live" for hint in issued["obs"])
    with tenant_a.tenant:
        stored = StreamKey.objects.get(lesson=lesson)
        assert secret not in stored.key_hash
        assert issued["key"] != stored.key_hash
        assert AuditEvent.objects.filter(event="live.stream_key.issue").exists()
    detail = api(tenant_a.host, tenant_a.admin).get(f"{URL}/{lesson.pk}").json()
    assert detail["has_stream_key"] is True
    assert issued["key"] not in str(detail)


def test_stream_key_without_media_server(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    issued = api(tenant_a.host, tenant_a.admin).post(f"{URL}/{lesson.pk}/stream-key").json()
    assert issued["rtmp_url"] == ""
    assert issued["media_server_configured"] is False


# ---------------------------------------------------------------------------------- callbacks


def test_publish_goes_live_and_publish_done_ends_the_lesson(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    key = issue_key(tenant_a, lesson)
    assert hook(ON_PUBLISH, key, addr="10.1.2.3") == 200
    live = lesson_of(tenant_a, lesson)
    assert live.status == LessonStatus.LIVE
    assert live.went_live_at is not None
    assert live.ended_at is None
    with tenant_a.tenant:
        stream_key = StreamKey.objects.get(lesson=lesson)
        assert stream_key.publishing
        assert stream_key.last_addr == "10.1.2.3"
    assert hook(ON_PUBLISH_DONE, key) == 200
    ended = lesson_of(tenant_a, lesson)
    assert ended.status == LessonStatus.ENDED
    assert ended.ended_at is not None
    with tenant_a.tenant:
        assert not StreamKey.objects.get(lesson=lesson).publishing
        events = set(AuditEvent.objects.filter(target_id=str(lesson.pk)).values_list("event", flat=True))
    assert {"live.lesson.start", "live.lesson.end"} <= events
    # The encoder reconnects within the window: live again, with its first start kept.
    assert hook(ON_PUBLISH, key) == 200
    again = lesson_of(tenant_a, lesson)
    assert again.status == LessonStatus.LIVE
    assert again.went_live_at == live.went_live_at


def test_unknown_and_malformed_keys_are_refused(tenant_a: TenantWorld, tenant_b: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    key = issue_key(tenant_a, lesson)
    secret = key.partition(".")[2]
    for wrong in ("", "nodot", f"{tenant_a.tenant.schema_name}.wrong", f"t_nosuch.{secret}",
                  f"{tenant_b.tenant.schema_name}.{secret}", f"public.{secret}", f".{secret}"):  # fmt: skip
        assert hook(ON_PUBLISH, wrong) == 403, wrong
    assert lesson_of(tenant_a, lesson).status == LessonStatus.SCHEDULED
    assert api(ROOT_HOST).get(ON_PUBLISH).status_code == 405


def test_a_rotated_key_is_refused(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    old = issue_key(tenant_a, lesson)
    new = issue_key(tenant_a, lesson)
    assert old != new
    assert hook(ON_PUBLISH, old) == 403
    assert hook(ON_PUBLISH, new) == 200


def test_publishing_outside_the_window_is_refused(tenant_a: TenantWorld) -> None:
    early = schedule(tenant_a, start_in=timedelta(minutes=45))
    assert hook(ON_PUBLISH, issue_key(tenant_a, early)) == 403
    opens = schedule(tenant_a, start_in=timedelta(minutes=29))
    assert hook(ON_PUBLISH, issue_key(tenant_a, opens)) == 200
    late = schedule(tenant_a)
    key = issue_key(tenant_a, late)
    now = timezone.now()
    with tenant_a.tenant:
        Lesson.objects.filter(pk=late.pk).update(
            starts_at=now - timedelta(hours=3), planned_end_at=now - timedelta(minutes=61)
        )
    assert hook(ON_PUBLISH, key) == 403
    with tenant_a.tenant:
        Lesson.objects.filter(pk=late.pk).update(planned_end_at=now - timedelta(minutes=59))
    assert hook(ON_PUBLISH, key) == 200


def test_a_second_publisher_is_refused(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    key = issue_key(tenant_a, lesson)
    assert hook(ON_PUBLISH, key, addr="10.0.0.1") == 200
    assert hook(ON_PUBLISH, key, addr="10.0.0.2") == 403
    with tenant_a.tenant:
        assert StreamKey.objects.get(lesson=lesson).last_addr == "10.0.0.1"
    # Rotating the key clears a publisher flag a lost on_publish_done left behind.
    assert hook(ON_PUBLISH, issue_key(tenant_a, lesson), addr="10.0.0.2") == 200


def test_publish_done_for_an_idle_or_unknown_key_changes_nothing(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    key = issue_key(tenant_a, lesson)
    assert hook(ON_PUBLISH_DONE, key) == 200
    assert hook(ON_PUBLISH_DONE, "t_nosuch.x") == 403
    assert lesson_of(tenant_a, lesson).status == LessonStatus.SCHEDULED


def test_a_suspended_tenants_keys_are_refused(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    key = issue_key(tenant_a, lesson)
    type(tenant_a.tenant).objects.filter(pk=tenant_a.tenant.pk).update(status="suspended")
    assert hook(ON_PUBLISH, key) == 403


@override_settings(LIVE_HOOK_SECRET="s3cret")
def test_the_hook_secret_is_enforced(tenant_a: TenantWorld) -> None:
    lesson = schedule(tenant_a)
    with tenant_a.tenant:
        key = do_issue_stream_key(lesson, actor=Actor.for_user(tenant_a.admin)).key
    assert hook(ON_PUBLISH, key) == 403
    assert hook(ON_PUBLISH, key, query="?secret=wrong") == 403
    assert lesson_of(tenant_a, lesson).status == LessonStatus.SCHEDULED
    assert hook(ON_PUBLISH, key, query="?secret=s3cret") == 200
    assert hook(ON_PUBLISH_DONE, key, query="?secret=wrong") == 403
    assert lesson_of(tenant_a, lesson).status == LessonStatus.LIVE
    assert hook(ON_PUBLISH_DONE, key, query="?secret=s3cret") == 200
    assert lesson_of(tenant_a, lesson).status == LessonStatus.ENDED
