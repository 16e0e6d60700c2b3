"""The group's own live lessons on the root host: group admins schedule them for selected
subsidiaries (or all), group viewers read, tenant users and anonymous callers get nothing; the
stream key ``public.<secret>`` goes through the media server's hooks into the public schema."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone

from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from tenants.live.models import Lesson, LessonStatus
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.isolation import Endpoint, assert_root_only
from tests.live_support import schedule

URL = "/api/v1/group/live/lessons"


def body(**extra: Any) -> dict[str, Any]:
    start = timezone.now() + timedelta(hours=3)
    return {"title": "集团专题党课", "lecturer": "集团党委书记", "starts_at": start.isoformat(),
            "planned_end_at": (start + timedelta(hours=1)).isoformat(), **extra}  # fmt: skip


def test_group_admin_schedules_a_lesson_for_selected_subsidiaries(
    group_admin: User, tenant_a: TenantWorld, tenant_b: TenantWorld
) -> None:
    client = api(ROOT_HOST, group_admin)
    response = client.post(URL, body(audience_tenants=[tenant_a.tenant.pk]), format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["scope"] == "group"
    assert row["audience_tenants"] == [tenant_a.tenant.pk]
    assert row["audience_tenant_names"] == ["甲公司"]
    assert "organization" not in row
    assert Lesson.objects.filter(pk=row["id"], audience_tenants=[tenant_a.tenant.pk]).exists()  # public rows
    assert AuditEvent.objects.filter(event="live.lesson.schedule", target_id=str(row["id"])).exists()
    changed = client.patch(f"{URL}/{row['id']}", {"audience_tenants": []}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["audience_tenants"] == []
    assert AuditEvent.objects.filter(event="live.lesson.update", target_id=str(row["id"])).exists()
    listed = client.get(URL).json()
    assert [item["id"] for item in listed["results"]] == [row["id"]]
    cancelled = client.post(f"{URL}/{row['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"


def test_the_audience_must_be_active_subsidiaries(group_admin: User, tenant_a: TenantWorld) -> None:
    for audience in ([999999], [tenant_a.tenant.pk, 999999]):
        for language, text in (("zh-hans", "子公司"), ("en", "subsidiaries")):
            response = api(ROOT_HOST, group_admin, language=language).post(
                URL, body(audience_tenants=audience), format="json"
            )
            assert response.status_code == 400, response.content
            error = response.json()
            assert (error["code"], error["field"]) == ("live.bad_audience", "audience_tenants")
            assert text in error["message"]
    tenant_a.tenant.status = "suspended"
    tenant_a.tenant.save(update_fields=["status"])
    try:
        response = api(ROOT_HOST, group_admin).post(URL, body(audience_tenants=[tenant_a.tenant.pk]), format="json")
        assert response.json()["code"] == "live.bad_audience"
    finally:
        tenant_a.tenant.status = "active"
        tenant_a.tenant.save(update_fields=["status"])


def test_group_viewers_read_only_and_tenant_users_get_nothing(
    group_admin: User, group_viewer: User, tenant_a: TenantWorld
) -> None:
    lesson = schedule(None)
    assert api(ROOT_HOST, group_viewer).get(f"{URL}/{lesson.pk}").status_code == 200
    assert api(ROOT_HOST, group_viewer).post(URL, body(), format="json").status_code == 403
    assert api(ROOT_HOST, group_viewer).post(f"{URL}/{lesson.pk}/stream-key").status_code == 403
    assert api(ROOT_HOST, group_viewer).patch(f"{URL}/{lesson.pk}", {"title": "x"}, format="json").status_code == 403
    assert_root_only(
        Endpoint(URL, object_id=lesson.pk, change={"title": "改"}, create=body()),
        allowed=group_admin,
        tenant_users=[tenant_a.admin, tenant_a.member],
    )
    # The URL does not exist on a tenant host (a tenant's lessons are under /api/v1/live/lessons).
    assert api(tenant_a.host, tenant_a.admin).get(URL).status_code == 404


def test_a_group_stream_key_publishes_into_the_public_schema(group_admin: User) -> None:
    lesson = schedule(None, start_in=timedelta(minutes=5))
    response = api(ROOT_HOST, group_admin).post(f"{URL}/{lesson.pk}/stream-key")
    assert response.status_code == 201, response.content
    key = response.json()["key"]
    assert key.startswith("public.")
    form = urlencode({"call": "publish", "app": "live", "name": key, "addr": "10.0.0.9", "clientid": "1"})
    content_type = "application/x-www-form-urlencoded"
    started = api(ROOT_HOST).post("/api/v1/live/hooks/on-publish", form, content_type=content_type)
    assert started.status_code == 200
    assert Lesson.objects.get(pk=lesson.pk).status == LessonStatus.LIVE
    done = api(ROOT_HOST).post("/api/v1/live/hooks/on-publish-done", form, content_type=content_type)
    assert done.status_code == 200
    assert Lesson.objects.get(pk=lesson.pk).status == LessonStatus.ENDED
    wrong = urlencode({"call": "publish", "app": "live", "name": "public.nope", "addr": "10.0.0.9"})
    assert api(ROOT_HOST).post("/api/v1/live/hooks/on-publish", wrong, content_type=content_type).status_code == 403


def test_a_tenant_key_cannot_be_used_in_the_public_schema(tenant_a: TenantWorld, group_admin: User) -> None:
    lesson = schedule(tenant_a, start_in=timedelta(minutes=5))
    key = api(tenant_a.host, tenant_a.admin).post(f"/api/v1/live/lessons/{lesson.pk}/stream-key").json()["key"]
    forged = "public." + key.partition(".")[2]
    form = urlencode({"call": "publish", "app": "live", "name": forged, "addr": "10.0.0.9"})
    content_type = "application/x-www-form-urlencoded"
    assert api(ROOT_HOST).post("/api/v1/live/hooks/on-publish", form, content_type=content_type).status_code == 403


def test_a_group_lessons_cover_loads_on_a_subsidiarys_host(group_admin: User, tenant_a: TenantWorld) -> None:
    from tests.learning_support import fetch, uploaded_id

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    root = api(ROOT_HOST, group_admin)
    cover = uploaded_id(root, "live_cover", "cover.png", "image/png", png)
    created = root.post(URL, body(cover=cover), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["cover"] == cover
    viewer = api(tenant_a.host, tenant_a.member)
    page = viewer.get(f"/api/v1/live/watch/group/{created.json()['id']}").json()
    status, content = fetch(viewer, page["cover_url"])
    assert (status, content) == (200, png)
