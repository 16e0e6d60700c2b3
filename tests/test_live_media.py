"""Live lessons, the media part (issue 13): playback names, signed playback, the SRS hooks, the
recording into the library, the sweep and the clean-up; end to end with the real nginx-rtmp and
ffmpeg (tests/test_live_ingest.py covers the ingest alone)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.audit.models import AuditEvent
from partycloud.tenancy.context import use_public_schema
from tenants.learning.models import MediaStatus, Resource, ResourceKind, ResourceStatus
from tenants.learning.tasks import process_resource_media
from tenants.live.audience import LessonRef, LessonScope
from tenants.live.hooks import PLAYBACK_NAME
from tenants.live.media_tasks import do_sweep_lessons
from tenants.live.models import Lesson, LessonStatus, StreamKey
from tenants.live.playback import hls_token, playback_for, replay_for
from tenants.live.recording import clean_stale_hls, do_take_recording
from tenants.live.services import do_issue_stream_key, do_schedule_lesson, hash_key
from tenants.live.signals import lesson_ended
from tenants.organizations.services import do_create_organization
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.learning_support import eager_tasks
from tests.test_live_ingest import NGINX, liveingest, needs_ffmpeg, needs_nginx_rtmp, push, wait_for

ON_PUBLISH = "/api/v1/live/hooks/on-publish"
ON_PUBLISH_DONE = "/api/v1/live/hooks/on-publish-done"
HLS_SECRET = "media-test-secret"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """The media server's folders and the playback settings, in a temporary var dir."""
    root = tmp_path / "live"
    (root / "recordings").mkdir(parents=True)
    (root / "hls").mkdir()
    settings.LIVE_RECORDINGS_DIR = str(root / "recordings")
    settings.LIVE_HLS_DIR = str(root / "hls")
    settings.LIVE_HLS_BASE_URL = "http://127.0.0.1:8935/shls"
    settings.LIVE_HLS_SECRET = HLS_SECRET
    settings.LIVE_PLAYBACK_TTL_SECONDS = 600
    settings.LIVE_RECORDING_DELAY_SECONDS = 0
    settings.LIVE_CONTROL_URL = ""
    return root


def schedule(world: TenantWorld, start_in: timedelta = timedelta(minutes=10)) -> Lesson:
    with world.tenant:
        start = timezone.now() + start_in
        return do_schedule_lesson(
            actor=Actor.for_user(world.admin), title="直播党课", description="学习贯彻", starts_at=start,
            planned_end_at=start + timedelta(hours=1),
        )  # fmt: skip


def issue(world: TenantWorld, lesson: Lesson) -> str:
    with world.tenant:
        return do_issue_stream_key(lesson, actor=Actor.for_user(world.admin)).key


def form_hook(url: str, key: str, app: str = "live", addr: str = "10.0.0.5") -> Any:
    form = {"call": "publish", "app": app, "name": key, "addr": addr, "clientid": "1"}
    return api(ROOT_HOST).post(url, urlencode(form), content_type="application/x-www-form-urlencoded")


def srs_hook(url: str, action: str, stream: str, app: str = "live") -> Any:
    payload = {"action": action, "client_id": "k3x", "ip": "10.0.0.9", "vhost": "__defaultVhost__", "app": app,
               "stream": stream, "param": "", "server_id": "vid-1", "tcUrl": f"rtmp://media/{app}"}  # fmt: skip
    return api(ROOT_HOST).post(url, json.dumps(payload), content_type="application/json")


def reload(world: TenantWorld, lesson: Lesson) -> Lesson:
    with world.tenant:
        return Lesson.objects.get(pk=lesson.pk)


def key_row(world: TenantWorld, key: str) -> StreamKey:
    with world.tenant:
        return StreamKey.objects.get(key_hash=hash_key(key))


def playback_url(world: TenantWorld, user: Any, lesson: Lesson, scope: str = "tenant") -> Any:
    return api(world.host, user).post(f"/api/v1/live/watch/{scope}/{lesson.pk}/playback")


# ------------------------------------------------------------------------- playback names


def test_on_publish_renames_the_stream_to_a_random_playback_name(tenant_a: TenantWorld, media: Path) -> None:
    lesson = schedule(tenant_a)
    key = issue(tenant_a, lesson)
    answer = form_hook(ON_PUBLISH, key)
    assert answer.status_code == 302
    name = answer["Location"]
    assert PLAYBACK_NAME.match(name)
    assert name.startswith(f"{tenant_a.tenant.schema_name}-{lesson.pk}-")
    assert key.split(".", 1)[1] not in name
    assert key_row(tenant_a, key).playback_name == name
    # The relay of the renamed stream into the HLS application: only while the key publishes.
    assert form_hook(ON_PUBLISH, name, app="hls").status_code == 200
    assert (
        form_hook(ON_PUBLISH, f"{tenant_a.tenant.schema_name}-{lesson.pk}-0123456789ab", app="hls").status_code == 403
    )
    assert form_hook(ON_PUBLISH, "t_nosuch-1-0123456789ab", app="hls").status_code == 403
    assert form_hook(ON_PUBLISH_DONE, name, app="hls").status_code == 200  # the relay's end changes nothing
    assert reload(tenant_a, lesson).status == LessonStatus.LIVE

    # on_publish_done with the original key (what nginx-rtmp sends) ends it; the relay is refused then.
    assert form_hook(ON_PUBLISH_DONE, key).status_code == 200
    assert reload(tenant_a, lesson).status == LessonStatus.ENDED
    assert form_hook(ON_PUBLISH, name, app="hls").status_code == 403
    # A reconnect with the same key keeps the name; a new key gets a new one.
    assert form_hook(ON_PUBLISH, key)["Location"] == name
    assert form_hook(ON_PUBLISH_DONE, key).status_code == 200
    new_key = issue(tenant_a, lesson)
    renamed = form_hook(ON_PUBLISH, new_key)["Location"]
    assert PLAYBACK_NAME.match(renamed)
    assert renamed != name
    # on_publish_done by the playback name (another media server's habit) ends it too.
    assert form_hook(ON_PUBLISH_DONE, renamed).status_code == 200
    assert reload(tenant_a, lesson).status == LessonStatus.ENDED
    # A refused key gets no name.
    assert form_hook(ON_PUBLISH, key).status_code == 403


def test_srs_json_hooks_allow_with_zero_refuse_and_forward_under_the_playback_name(
    tenant_a: TenantWorld, media: Path, settings: Any
) -> None:
    settings.LIVE_FORWARD_RTMP_URL = "rtmp://127.0.0.1:19350/hls"
    lesson = schedule(tenant_a)
    key = issue(tenant_a, lesson)
    refused = srs_hook(ON_PUBLISH, "on_publish", f"{tenant_a.tenant.schema_name}.wrong")
    assert refused.status_code != 200 or refused.content.strip() != b"0"
    allowed = srs_hook(ON_PUBLISH, "on_publish", key)
    assert (allowed.status_code, allowed.content.strip()) == (200, b"0")
    assert reload(tenant_a, lesson).status == LessonStatus.LIVE
    name = key_row(tenant_a, key).playback_name
    assert PLAYBACK_NAME.match(name)
    # SRS's dynamic forward asks where the stream goes: its playback name on the HLS vhost.
    forward = srs_hook(ON_PUBLISH, "on_forward", key)
    assert forward.status_code == 200
    assert forward.json() == {"code": 0, "data": {"urls": [f"rtmp://127.0.0.1:19350/hls/{name}"]}}
    # The forwarded stream publishes under the playback name (SRS calls on_publish for it too).
    relayed = srs_hook(ON_PUBLISH, "on_publish", name, app="hls")
    assert (relayed.status_code, relayed.content.strip()) == (200, b"0")
    # A second publisher with the same key is refused.
    assert srs_hook(ON_PUBLISH, "on_publish", key).content.strip() != b"0"
    done = srs_hook(ON_PUBLISH, "on_unpublish", key)
    assert (done.status_code, done.content.strip()) == (200, b"0")
    assert reload(tenant_a, lesson).status == LessonStatus.ENDED
    assert srs_hook(ON_PUBLISH, "on_forward", key).json() == {"code": 0, "data": {"urls": []}}
    # The chart's form: the name before SRS's vhost parameter.
    settings.LIVE_FORWARD_RTMP_URL = "rtmp://127.0.0.1:1935/hls/{name}?vhost=playback"
    assert srs_hook(ON_PUBLISH, "on_publish", key).content.strip() == b"0"
    assert srs_hook(ON_PUBLISH, "on_forward", key).json()["data"]["urls"] == [
        f"rtmp://127.0.0.1:1935/hls/{name}?vhost=playback"
    ]
    # Malformed JSON or an unknown action: refused.
    bad = api(ROOT_HOST).post(ON_PUBLISH, "{not json", content_type="application/json")
    assert bad.status_code == 403
    assert srs_hook(ON_PUBLISH, "on_dvr", key).status_code == 403


def test_srs_hooks_need_the_hook_secret_too(tenant_a: TenantWorld, media: Path, settings: Any) -> None:
    settings.LIVE_HOOK_SECRET = "s3cret"
    key = issue(tenant_a, schedule(tenant_a))
    assert srs_hook(ON_PUBLISH, "on_publish", key).status_code == 403
    assert srs_hook(ON_PUBLISH + "?secret=s3cret", "on_publish", key).content.strip() == b"0"


def test_group_lesson_keys_publish_in_the_public_schema(group_admin: Any, media: Path) -> None:
    lesson, key = group_lesson(group_admin)
    answer = form_hook(ON_PUBLISH, key)
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"public-{lesson.pk}-")
    use_public_schema()
    assert Lesson.objects.get(pk=lesson.pk).status == LessonStatus.LIVE
    assert form_hook(ON_PUBLISH, answer["Location"], app="hls").status_code == 200
    assert form_hook(ON_PUBLISH_DONE, key).status_code == 200
    use_public_schema()
    assert Lesson.objects.get(pk=lesson.pk).status == LessonStatus.ENDED


def group_lesson(organizer: Any, *, audience: list[int] | None = None) -> tuple[Lesson, str]:
    """A group lesson (public schema) starting now, with a stream key (``public.<secret>``)."""
    use_public_schema()
    start = timezone.now()
    lesson = Lesson.objects.create(
        title="集团直播党课", starts_at=start, planned_end_at=start + timedelta(hours=1), organizer=organizer,
        audience_tenants=audience or [],
    )  # fmt: skip
    clear = "public." + os.urandom(12).hex()
    StreamKey.objects.create(lesson=lesson, key_hash=hash_key(clear))
    return lesson, clear


# ------------------------------------------------------------------------- signed playback


def test_playback_is_signed_renewed_and_only_for_the_audience(
    tenant_a: TenantWorld, tenant_b: TenantWorld, media: Path
) -> None:
    lesson = schedule(tenant_a)
    key = issue(tenant_a, lesson)
    assert playback_url(tenant_a, tenant_a.member, lesson).status_code == 409
    refused = playback_url(tenant_a, tenant_a.member, lesson)
    assert refused.json()["code"] == "live.not_live"
    name = form_hook(ON_PUBLISH, key)["Location"]

    before = timezone.now()
    answer = playback_url(tenant_a, tenant_a.member, lesson)
    assert answer.status_code == 200, answer.content
    url, expires_at = answer.json()["url"], answer.json()["expires_at"]
    match = re.fullmatch(r"http://127\.0\.0\.1:8935/shls/([A-Za-z0-9_-]{22})/([0-9]+)/([^/]+)/index\.m3u8", url)
    assert match is not None, url
    token, expires, played = match.groups()
    assert played == name
    assert token == hls_token(name, int(expires), HLS_SECRET)
    assert 590 <= int(expires) - before.timestamp() <= 610
    assert datetime.fromisoformat(expires_at).timestamp() == int(expires)
    assert key.split(".", 1)[1] not in url

    # Isolation: anonymous 401, another tenant's user 404 (the lesson is not theirs), from
    # their own host too.
    assert api(tenant_a.host).post(f"/api/v1/live/watch/tenant/{lesson.pk}/playback").status_code == 401
    assert playback_url(tenant_a, tenant_b.admin, lesson).status_code == 404
    assert playback_url(tenant_b, tenant_b.admin, lesson).status_code == 404
    assert api(tenant_a.host, tenant_a.member).post(f"/api/v1/live/watch/nope/{lesson.pk}/playback").status_code == 404

    # Ended: no playback any more.
    form_hook(ON_PUBLISH_DONE, key)
    assert playback_url(tenant_a, tenant_a.member, lesson).json()["code"] == "live.not_live"


def test_no_playback_without_a_configured_hls_server(tenant_a: TenantWorld, media: Path, settings: Any) -> None:
    lesson = schedule(tenant_a)
    form_hook(ON_PUBLISH, issue(tenant_a, lesson))
    settings.LIVE_HLS_SECRET = ""
    ref = LessonRef(LessonScope.TENANT, lesson.pk, tenant_a.tenant.schema_name)
    with tenant_a.tenant:
        assert playback_for(ref, reload(tenant_a, lesson), timezone.now()) is None
    assert playback_url(tenant_a, tenant_a.member, lesson).status_code == 409


def test_group_lesson_playback_from_a_tenant_host(
    tenant_a: TenantWorld, tenant_b: TenantWorld, group_admin: Any, media: Path
) -> None:
    lesson, key = group_lesson(group_admin, audience=[tenant_a.tenant.pk])
    name = form_hook(ON_PUBLISH, key)["Location"]
    answer = playback_url(tenant_a, tenant_a.member, lesson, scope="group")
    assert answer.status_code == 200, answer.content
    assert f"/{name}/index.m3u8" in answer.json()["url"]
    assert playback_url(tenant_b, tenant_b.member, lesson, scope="group").status_code == 404


# ------------------------------------------------------------------------- rotation, sweep, clean-up


class ControlStub:
    """nginx-rtmp's control API: records the drop requests, answers how many were dropped."""

    def __init__(self) -> None:
        self.drops: list[dict[str, str]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                stub.drops.append({"path": parts.path, **dict(urllib.parse.parse_qsl(parts.query))})
                self.send_response(200)
                self.send_header("Content-Length", "1")
                self.end_headers()
                self.wfile.write(b"1")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/control"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_rotating_the_key_while_live_drops_its_publisher(
    tenant_a: TenantWorld, media: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    control = ControlStub()
    settings.LIVE_CONTROL_URL = control.url
    try:
        lesson = schedule(tenant_a)
        key = issue(tenant_a, lesson)
        name = form_hook(ON_PUBLISH, key)["Location"]
        with django_capture_on_commit_callbacks(execute=True):
            new_key = issue(tenant_a, lesson)
        assert control.drops == [{"path": "/control/drop/publisher", "app": "live", "name": name}]
        # The old publisher is gone for good; the new key streams under a new name.
        assert form_hook(ON_PUBLISH, key).status_code == 403
        assert form_hook(ON_PUBLISH, new_key)["Location"] != name
    finally:
        control.server.shutdown()
        control.server.server_close()


def test_sweep_ends_lessons_stuck_live_and_clears_stale_flags(
    tenant_a: TenantWorld, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    stuck = schedule(tenant_a)
    fine = schedule(tenant_a)
    stuck_key, fine_key = issue(tenant_a, stuck), issue(tenant_a, fine)
    form_hook(ON_PUBLISH, stuck_key)
    form_hook(ON_PUBLISH, fine_key)
    ended: list[int] = []

    def note(sender: Any, ref: LessonRef, lesson: Lesson, **kwargs: Any) -> None:
        ended.append(lesson.pk)

    lesson_ended.connect(note)
    try:
        with tenant_a.tenant:
            # The planned end of `stuck` was over an hour ago; a flag left on a cancelled lesson's key.
            Lesson.objects.filter(pk=stuck.pk).update(planned_end_at=timezone.now() - timedelta(minutes=61))
            cancelled = schedule(tenant_a)
            Lesson.objects.filter(pk=cancelled.pk).update(status=LessonStatus.CANCELLED)
            StreamKey.objects.create(lesson=cancelled, key_hash="x" * 64, publishing=True)
            with django_capture_on_commit_callbacks(execute=True):
                result = do_sweep_lessons()
        assert result == {"ended": 1, "stale_flags": 1}
        assert ended == [stuck.pk]
        assert reload(tenant_a, stuck).status == LessonStatus.ENDED
        assert reload(tenant_a, fine).status == LessonStatus.LIVE
        assert not key_row(tenant_a, stuck_key).publishing
        assert key_row(tenant_a, fine_key).publishing
        with tenant_a.tenant:
            assert AuditEvent.objects.filter(event="live.lesson.end", target_id=str(stuck.pk)).exists()
    finally:
        lesson_ended.disconnect(note)


def test_stale_hls_folders_are_removed(media: Path) -> None:
    old, fresh = media / "hls" / "t_x-1-000000000000", media / "hls" / "t_x-2-000000000000"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "index.m3u8").write_text("#EXTM3U\n")
        (folder / "0.ts").write_bytes(b"\0" * 188)
    hour_ago = time.time() - 3700
    for path in [old, *old.iterdir()]:
        os.utime(path, (hour_ago, hour_ago))
    assert clean_stale_hls() == 1
    assert not old.exists()
    assert fresh.exists()


# ------------------------------------------------------------------------- recording


def make_flv(path: Path, seconds: float = 2) -> Path:
    command = ["ffmpeg", "-nostdin", "-y", "-hide_banner", "-loglevel", "error"]
    command += ["-f", "lavfi", "-i", "testsrc=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440"]
    command += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "50"]
    command += ["-c:a", "aac", "-f", "flv", str(path)]
    subprocess.run(command, check=True, timeout=60)
    return path


@needs_ffmpeg
def test_a_group_lessons_recording_goes_to_the_groups_library(
    group_admin: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    lesson, key = group_lesson(group_admin)
    name = form_hook(ON_PUBLISH, key)["Location"]
    form_hook(ON_PUBLISH_DONE, key)
    # Two sessions (a reconnect) and another lesson's file.
    make_flv(media / "recordings" / f"{name}-1796650000.flv")
    make_flv(media / "recordings" / f"{name}-1796650100.flv")
    other = make_flv(media / "recordings" / "public-999-0123456789ab-1796650000.flv", seconds=1)
    (media / "hls" / name).mkdir()
    (media / "hls" / name / "index.m3u8").write_text("#EXTM3U\n")
    use_public_schema()
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        assert do_take_recording(lesson.pk) == "taken"
    use_public_schema()
    lesson = Lesson.objects.get(pk=lesson.pk)
    resource = Resource.objects.get(uuid=lesson.recording_resource_uuid)
    assert (resource.kind, resource.status, resource.title) == (
        ResourceKind.VIDEO,
        ResourceStatus.DRAFT,
        "集团直播党课",
    )
    assert resource.media_status == MediaStatus.READY, resource.media_error
    assert 3.5 <= (resource.duration_seconds or 0) <= 5, resource.duration_seconds  # both sessions
    assert resource.created_by_id == group_admin.pk
    ref = LessonRef(LessonScope.GROUP, lesson.pk, "public")
    assert replay_for(ref, lesson) == {"video_uuid": str(resource.uuid), "status": "draft"}
    assert sorted(path.name for path in (media / "recordings").iterdir()) == [other.name]
    assert not (media / "hls" / name).exists()
    assert AuditEvent.objects.filter(event="live.recording.take", target_id=str(lesson.pk)).exists()
    # Once is enough.
    assert do_take_recording(lesson.pk) == "already"


def test_no_recording_no_resource(tenant_a: TenantWorld, media: Path) -> None:
    lesson = schedule(tenant_a)
    key = issue(tenant_a, lesson)
    form_hook(ON_PUBLISH, key)
    with tenant_a.tenant:
        assert do_take_recording(lesson.pk) == "not_ended"
    form_hook(ON_PUBLISH_DONE, key)
    with tenant_a.tenant:
        assert do_take_recording(lesson.pk) == "no_recording"
        assert Lesson.objects.get(pk=lesson.pk).recording_resource_uuid is None
        ref = LessonRef(LessonScope.TENANT, lesson.pk, tenant_a.tenant.schema_name)
        assert replay_for(ref, Lesson.objects.get(pk=lesson.pk)) is None


# ------------------------------------------------------------------------- end to end


class PlatformBridge:
    """What nginx-rtmp calls, answered by the platform in this test's transaction: the handler
    thread uses the test's database connection (the test waits meanwhile)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str], int]] = []
        shared = connections["default"]
        shared.inc_thread_sharing()
        bridge = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                connections["default"] = shared
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                answer = Client(HTTP_HOST=ROOT_HOST).post(
                    self.path, raw, content_type="application/x-www-form-urlencoded"
                )
                bridge.calls.append(
                    (
                        urllib.parse.urlsplit(self.path).path,
                        dict(urllib.parse.parse_qsl(raw.decode())),
                        answer.status_code,
                    )
                )
                self.send_response(answer.status_code)
                if answer.has_header("Location"):
                    self.send_header("Location", answer["Location"])
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.shared = shared
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.shared.dec_thread_sharing()


@pytest.fixture
def bridged_ingest(tmp_path: Path, settings: Any) -> Iterator[Any]:
    bridge = PlatformBridge()
    server = liveingest.LiveIngest(
        tmp_path / "var",
        hook_base_url=f"http://127.0.0.1:{bridge.port}",
        rtmp_port=liveingest.free_port(),
        http_port=liveingest.free_port(),
        control_port=liveingest.free_port(),
        hls_secret=HLS_SECRET,
    )
    for name, value in server.env().items():
        setattr(settings, name, value)
    settings.LIVE_RECORDING_DELAY_SECONDS = 0
    server.start(NGINX)
    server.bridge = bridge
    try:
        yield server
    finally:
        server.stop()
        bridge.close()


@needs_nginx_rtmp
@needs_ffmpeg
def test_end_to_end_push_watch_signed_hls_end_and_draft_replay(
    tenant_a: TenantWorld, bridged_ingest: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ingest = bridged_ingest
    lesson = schedule(tenant_a)
    key = issue(tenant_a, lesson)
    with eager_tasks(), django_capture_on_commit_callbacks(execute=True):
        publisher = push(ingest.rtmp_url, key, seconds=7)
        try:
            hls = Path(ingest.hls_dir)
            assert wait_for(lambda: any(hls.glob("*/index.m3u8")), timeout=15), ingest.bridge.calls
            folder = next(hls.iterdir())
            assert wait_for(lambda: ".ts" in (folder / "index.m3u8").read_text(), timeout=10)
            name = folder.name
            assert PLAYBACK_NAME.match(name)
            assert key_row(tenant_a, key).playback_name == name
            assert [(path, fields["app"], status) for path, fields, status in ingest.bridge.calls] == [
                (ON_PUBLISH, "live", 302), (ON_PUBLISH, "hls", 200)
            ]  # fmt: skip

            # A member watches: the platform's signed URL plays through the real nginx.
            answer = playback_url(tenant_a, tenant_a.member, lesson)
            assert answer.status_code == 200, answer.content
            url = answer.json()["url"]
            playlist = httpx.get(url, timeout=5)
            assert playlist.status_code == 200
            segment = next(line for line in playlist.text.splitlines() if line.endswith(".ts"))
            assert httpx.get(url.rsplit("/", 1)[0] + "/" + segment, timeout=5).status_code == 200
            forged = re.sub(r"/shls/[^/]+/", "/shls/AAAAAAAAAAAAAAAAAAAAAA/", url)
            assert httpx.get(forged, timeout=5).status_code == 403
        finally:
            output = publisher.communicate(timeout=30)[0]
        assert publisher.returncode == 0, output
        assert wait_for(lambda: len(ingest.bridge.calls) >= 3, timeout=10), ingest.bridge.calls
        # nginx-rtmp reports the end with the original key, not the playback name.
        assert (ingest.bridge.calls[-1][0], ingest.bridge.calls[-1][1]["name"]) == (ON_PUBLISH_DONE, key)
    # After the commit callbacks: lesson_ended → the recording task (eager) → a draft video.
    ended = reload(tenant_a, lesson)
    assert ended.status == LessonStatus.ENDED
    assert ended.recording_resource_uuid is not None
    with tenant_a.tenant:
        resource = Resource.objects.get(uuid=ended.recording_resource_uuid)
        assert (resource.kind, resource.status) == (ResourceKind.VIDEO, ResourceStatus.DRAFT)
        # The library queued its transcoding after its commit; here that commit callback ran after
        # the tenant's block was left (the test's transaction defers it): run the pipeline here.
        if resource.media_status == MediaStatus.QUEUED:
            assert process_resource_media(resource.pk) == "ready"
            resource.refresh_from_db()
        assert resource.media_status == MediaStatus.READY, resource.media_error
        assert resource.hls_prefix
        assert 5 <= (resource.duration_seconds or 0) <= 9
    assert not list(Path(ingest.recordings_dir).iterdir())
    assert not (Path(ingest.hls_dir) / name).exists()


def test_playback_is_refused_outside_the_lessons_audience(tenant_a: TenantWorld, media: Path) -> None:
    with tenant_a.tenant:
        committee = do_create_organization(kind="committee", name="甲党委")
        branch = do_create_organization(kind="branch", name="第一党支部", parent=committee)
        start = timezone.now() + timedelta(minutes=10)
        lesson = do_schedule_lesson(
            actor=Actor.for_user(tenant_a.admin), title="支部党课", starts_at=start,
            planned_end_at=start + timedelta(hours=1), organization=branch,
        )  # fmt: skip
    form_hook(ON_PUBLISH, issue(tenant_a, lesson))
    # A member with no record in that branch: as if the lesson did not exist.
    refused = playback_url(tenant_a, tenant_a.member, lesson)
    assert (refused.status_code, refused.json()["code"]) == (404, "live.lesson_not_found")
    # The tenant admin oversees every audience.
    assert playback_url(tenant_a, tenant_a.admin, lesson).status_code == 200
