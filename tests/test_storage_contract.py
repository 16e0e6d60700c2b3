"""One contract, two backends: the same cases against the filesystem backend (Django serving the
browser protocol) and S3 (moto, or a real MinIO when S3_ENDPOINT is set at test time).

The "browser" is a plain httpx client: over loopback to S3, in-process (WSGI) to Django.
Cases that need the store to enforce POST policies, URL signatures or expiry (``enforcing``)
run against the filesystem backend and LocalStack's S3 (moto enforces none of them; see
``tests/s3_server.py``); ``test_s3_post_policy_binds_key_type_size_and_expiry`` checks the
policy documents S3 is asked to enforce.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from services.storage.base import (
    DataClass,
    InvalidKey,
    Storage,
    StorageError,
    bucket_name,
    check_key_path,
    get_storage,
    object_key,
)
from services.storage.filesystem import FilesystemStorage, sign
from services.storage.s3 import S3Storage
from tests import s3_server
from tests.conftest import ROOT_HOST

# Fixtures of tests/s3_server.py used here.
fs_storage = s3_server.fs_storage
s3_endpoint = s3_server.s3_endpoint
s3_storage = s3_server.s3_storage
enforcing_s3_endpoint = s3_server.enforcing_s3_endpoint
enforcing_s3_storage = s3_server.enforcing_s3_storage

MiB = 1024 * 1024


@dataclass
class Backend:
    name: str
    storage: Storage
    browser: httpx.Client


@pytest.fixture
def django_browser(platform_world: Any, db: None) -> Iterator[httpx.Client]:
    """httpx talking to Django in-process, on the root host. The request signals would close the
    test's database connection (in its transaction) after each request: off while it runs."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with httpx.Client(transport=httpx.WSGITransport(app=WSGIHandler()), base_url=f"http://{ROOT_HOST}") as client:
            yield client
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def filesystem_backend(request: pytest.FixtureRequest) -> Backend:
    return Backend("filesystem", request.getfixturevalue("fs_storage"), request.getfixturevalue("django_browser"))


@pytest.fixture(params=["filesystem", "s3"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "filesystem":
        yield filesystem_backend(request)
        return
    storage = request.getfixturevalue("s3_storage")
    with httpx.Client(timeout=30) as browser:
        yield Backend("s3", storage, browser)


@pytest.fixture(params=["filesystem", "s3-localstack"])
def enforcing(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """A backend that enforces POST policies, URL signatures and expiry: the filesystem one, or
    S3 on LocalStack (or on the environment's S3_ENDPOINT)."""
    if request.param == "filesystem":
        yield filesystem_backend(request)
        return
    storage = request.getfixturevalue("enforcing_s3_storage")
    endpoint = request.getfixturevalue("enforcing_s3_endpoint")
    assert endpoint.enforces_policies
    with httpx.Client(timeout=30) as browser:
        yield Backend("s3", storage, browser)


def payload(size: int, seed: int = 0) -> bytes:
    """Deterministic, incompressible-looking bytes."""
    block = hashlib.sha256(f"{seed}".encode()).digest() * 2048  # 64 KiB
    return (block * (size // len(block) + 1))[:size]


def post_form(backend: Backend, post: Any, content: bytes, *, fields: dict[str, str] | None = None) -> httpx.Response:
    form = {**post.fields, **(fields or {})}
    content_type = form.get("Content-Type", "application/octet-stream")
    return backend.browser.post(post.url, data=form, files={"file": ("upload.bin", content, content_type)})


def key(kind: str = "contract") -> str:
    return object_key(kind, schema="public")


# ---------------------------------------------------------------------------- presigned POST


def test_presigned_post_upload_by_a_plain_http_client(backend: Backend):
    target = key()
    content = payload(3000)
    post = backend.storage.presign_post(DataClass.MEDIA, target, content_type="text/plain", max_size=10_000)
    assert post.key == target
    assert post.expires_at > datetime.now(UTC)
    response = post_form(backend, post, content)
    assert response.status_code == 204, response.text
    info = backend.storage.stat(DataClass.MEDIA, target)
    assert info is not None
    assert (info.size, info.content_type) == (3000, "text/plain")
    assert info.etag == hashlib.md5(content, usedforsecurity=False).hexdigest()
    assert backend.storage.read_range(DataClass.MEDIA, target) == content


@pytest.mark.parametrize(
    ("case", "fields", "size"),
    [
        ("wrong content type", {"Content-Type": "text/html"}, 100),
        ("too large", {}, 2000),
        ("wrong key", {"key": "t/public/contract/someone-elses"}, 100),
        ("empty file", {}, 0),
    ],
)
def test_presigned_post_outside_the_policy_is_refused(enforcing: Backend, case: str, fields: dict[str, str], size: int):
    backend = enforcing
    target = key()
    post = backend.storage.presign_post(DataClass.MEDIA, target, content_type="text/plain", max_size=1000)
    response = post_form(backend, post, payload(size), fields=fields)
    assert response.status_code in {400, 403}, f"{case}: {response.status_code}"
    assert backend.storage.stat(DataClass.MEDIA, target) is None
    assert backend.storage.stat(DataClass.MEDIA, "t/public/contract/someone-elses") is None


def test_presigned_post_after_expiry_is_refused(enforcing: Backend):
    backend = enforcing
    target = key()
    post = backend.storage.presign_post(
        DataClass.MEDIA, target, content_type="text/plain", max_size=100, expires=timedelta(seconds=-5)
    )
    response = post_form(backend, post, b"late")
    assert response.status_code == 403
    if backend.name == "filesystem":
        assert response.json()["code"] == "storage.url_expired"
    else:
        assert "Policy expired" in response.text
    assert backend.storage.stat(DataClass.MEDIA, target) is None


def test_presigned_post_to_a_key_prefix(backend: Backend):
    prefix = key() + "/"
    post = backend.storage.presign_post(DataClass.MEDIA, prefix, content_type="text/plain", max_size=100)
    form = {**post.fields, "key": f"{prefix}notes.txt"}
    response = backend.browser.post(post.url, data=form, files={"file": ("notes.txt", b"hello", "text/plain")})
    assert response.status_code == 204, response.text
    assert backend.storage.read_range(DataClass.MEDIA, f"{prefix}notes.txt") == b"hello"


# ---------------------------------------------------------------------------- multipart


def put_part(backend: Backend, url: str, content: bytes) -> str:
    response = backend.browser.put(url, content=content)
    assert response.status_code == 200, response.text
    etag = response.headers["ETag"]
    assert etag == f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
    return etag


def test_multipart_upload_resumes_after_a_dropped_connection(backend: Backend):
    target = key("video")
    parts = [payload(5 * MiB, 1), payload(5 * MiB, 2), payload(123_457, 3)]
    upload_id = backend.storage.start_multipart(DataClass.MEDIA, target, content_type="video/mp4")
    # The first client sends parts 1 and 2, then its connection drops.
    for number in (1, 2):
        put_part(backend, backend.storage.presign_part(DataClass.MEDIA, target, upload_id, number), parts[number - 1])
    # A new client asks what is there, skips it, and sends the rest.
    stored = backend.storage.list_parts(DataClass.MEDIA, target, upload_id)
    assert [(p.part_number, p.size) for p in stored] == [(1, 5 * MiB), (2, 5 * MiB)]
    done = {p.part_number: p.etag for p in stored}
    for number in (1, 2, 3):
        if number not in done:
            url = backend.storage.presign_part(DataClass.MEDIA, target, upload_id, number)
            done[number] = put_part(backend, url, parts[number - 1])
    info = backend.storage.complete_multipart(DataClass.MEDIA, target, upload_id, sorted(done.items()))
    whole = b"".join(parts)
    assert info.size == len(whole)
    assert info.content_type == "video/mp4"
    assert info.etag.endswith("-3")
    assert backend.storage.read_range(DataClass.MEDIA, target) == whole
    assert backend.storage.read_range(DataClass.MEDIA, target, 5 * MiB - 2, 4) == whole[5 * MiB - 2 : 5 * MiB + 2]


def test_multipart_refuses_small_parts_and_wrong_etags(backend: Backend):
    target = key("video")
    upload_id = backend.storage.start_multipart(DataClass.MEDIA, target, content_type="video/mp4")
    small = [payload(1000, 1), payload(1000, 2)]
    etags = [
        put_part(backend, backend.storage.presign_part(DataClass.MEDIA, target, upload_id, n), small[n - 1])
        for n in (1, 2)
    ]
    with pytest.raises(StorageError):
        backend.storage.complete_multipart(DataClass.MEDIA, target, upload_id, [(1, etags[0]), (2, etags[1])])
    with pytest.raises(StorageError):
        backend.storage.complete_multipart(DataClass.MEDIA, target, upload_id, [(1, '"' + "0" * 32 + '"')])
    assert backend.storage.stat(DataClass.MEDIA, target) is None
    backend.storage.abort_multipart(DataClass.MEDIA, target, upload_id)


def test_abort_leaves_nothing(backend: Backend):
    target = key("video")
    upload_id = backend.storage.start_multipart(DataClass.MEDIA, target, content_type="video/mp4")
    put_part(backend, backend.storage.presign_part(DataClass.MEDIA, target, upload_id, 1), payload(5 * MiB))
    backend.storage.abort_multipart(DataClass.MEDIA, target, upload_id)
    with pytest.raises(StorageError):
        backend.storage.list_parts(DataClass.MEDIA, target, upload_id)
    assert backend.storage.stat(DataClass.MEDIA, target) is None
    backend.storage.abort_multipart(DataClass.MEDIA, target, upload_id)  # again: no error
    if isinstance(backend.storage, FilesystemStorage):
        assert not any((backend.storage.root / ".multipart").iterdir())


# ---------------------------------------------------------------------------- downloads


def test_presigned_get_downloads_with_filename_and_ranges(backend: Backend):
    target = key()
    content = payload(100_000)
    backend.storage.put(DataClass.MEDIA, target, content, content_type="application/pdf")
    url = backend.storage.presign_get(DataClass.MEDIA, target, filename="学习材料 第1期.pdf", inline=False)
    response = backend.browser.get(url)
    assert response.status_code == 200
    assert response.content == content
    assert response.headers["Content-Type"].startswith("application/pdf")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert unquote(disposition.split("filename*=utf-8''", 1)[1]) == "学习材料 第1期.pdf"
    ranged = backend.browser.get(url, headers={"Range": "bytes=1000-1999"})
    assert ranged.status_code == 206
    assert ranged.content == content[1000:2000]
    assert ranged.headers["Content-Range"] == f"bytes 1000-1999/{len(content)}"
    tail = backend.browser.get(url, headers={"Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, content[-10:])


def test_range_requests_on_the_filesystem_backend_like_a_video_player(fs_storage: FilesystemStorage, django_browser):
    target = key("video")
    content = payload(50_000)
    fs_storage.put(DataClass.MEDIA, target, content, content_type="video/mp4")
    url = fs_storage.presign_get(DataClass.MEDIA, target)
    probe = django_browser.get(url, headers={"Range": "bytes=0-"})
    assert probe.status_code == 206
    assert probe.headers["Accept-Ranges"] == "bytes"
    assert probe.headers["Content-Length"] == str(len(content))
    assert probe.headers["Content-Type"] == "video/mp4"
    assert "Content-Disposition" not in probe.headers  # inline, no name given
    beyond = django_browser.get(url, headers={"Range": "bytes=60000-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(content)}"
    several = django_browser.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert (several.status_code, several.content) == (200, content)  # several ranges: the whole file
    assert django_browser.head(url).status_code == 200


def test_expired_download_url_is_refused(enforcing: Backend):
    backend = enforcing
    target = key()
    backend.storage.put(DataClass.MEDIA, target, b"old news", content_type="text/plain")
    if isinstance(backend.storage, S3Storage):
        url = backend.storage.signer.get_presigned_url(
            "GET",
            bucket_name(DataClass.MEDIA),
            target,
            expires=timedelta(seconds=60),
            request_date=datetime.now(UTC) - timedelta(hours=1),
        )
    else:
        url = backend.storage.presign_get(DataClass.MEDIA, target, expires=timedelta(seconds=-1))
    response = backend.browser.get(url)
    assert response.status_code == 403
    if backend.name == "filesystem":
        assert response.json() == {
            "code": "storage.url_expired",
            "message": response.json()["message"],
            "field": "token",
        }


def test_tampered_download_url_is_refused(enforcing: Backend):
    backend = enforcing
    target = key()
    backend.storage.put(DataClass.MEDIA, target, b"secret-ish", content_type="text/plain")
    url = backend.storage.presign_get(DataClass.MEDIA, target)
    other = key()
    backend.storage.put(DataClass.MEDIA, other, b"other", content_type="text/plain")
    forged = (
        url.replace(target, other) if backend.name == "s3" else url[:-6] + ("A" if url[-6] != "A" else "B") + url[-5:]
    )
    response = backend.browser.get(forged)
    assert response.status_code == 403
    if backend.name == "filesystem":
        assert response.json()["code"] == "storage.signature_invalid"


# ---------------------------------------------------------------------------- server side


def test_put_stat_read_download_and_delete(backend: Backend, tmp_path: Path):
    storage = backend.storage
    source = tmp_path / "source.bin"
    source.write_bytes(payload(70_000, 7))
    keys = {name: key() for name in ("bytes", "path", "stream")}
    storage.put(DataClass.EXPORTS, keys["bytes"], b"abc", content_type="text/csv")
    storage.put(DataClass.EXPORTS, keys["path"], source, content_type="application/octet-stream")
    info = storage.put(DataClass.EXPORTS, keys["stream"], io.BytesIO(payload(20 * MiB, 9)), content_type="video/mp2t")
    assert info.size == 20 * MiB
    assert storage.stat(DataClass.EXPORTS, keys["bytes"]).size == 3  # type: ignore[union-attr]
    assert storage.read_range(DataClass.EXPORTS, keys["path"], 10, 5) == source.read_bytes()[10:15]
    assert storage.read_range(DataClass.EXPORTS, keys["path"], 69_998) == source.read_bytes()[-2:]
    target = tmp_path / "copy.bin"
    storage.download_to(DataClass.EXPORTS, keys["path"], target)
    assert target.read_bytes() == source.read_bytes()
    # Buckets are separate: the same key in another data class is another object.
    assert storage.stat(DataClass.RECORDS, keys["bytes"]) is None
    storage.delete(DataClass.EXPORTS, keys["bytes"])
    storage.delete(DataClass.EXPORTS, keys["bytes"])  # missing: no error
    assert storage.stat(DataClass.EXPORTS, keys["bytes"]) is None


def test_stat_of_a_missing_object_is_none(backend: Backend):
    assert backend.storage.stat(DataClass.MEDIA, key()) is None
    assert backend.storage.stat(DataClass.RECORDS, "t/public/never/there") is None


def test_list_and_delete_prefix_see_exactly_the_prefix(backend: Backend):
    root = key("video")
    inside = [f"{root}/hls/720p/index.m3u8", f"{root}/hls/720p/seg_0001.ts", f"{root}/poster.jpg"]
    outside = [f"{root}x/poster.jpg", key("video")]
    for name in inside + outside:
        backend.storage.put(DataClass.MEDIA, name, b"x", content_type="application/octet-stream")
    assert sorted(backend.storage.list_keys(DataClass.MEDIA, f"{root}/")) == sorted(inside)
    assert sorted(backend.storage.list_keys(DataClass.MEDIA, root)) == sorted([*inside, f"{root}x/poster.jpg"])
    assert list(backend.storage.list_keys(DataClass.EXPORTS, f"{root}/")) == []
    assert backend.storage.delete_prefix(DataClass.MEDIA, f"{root}/") == 3
    assert all(backend.storage.stat(DataClass.MEDIA, name) is None for name in inside)
    assert all(backend.storage.stat(DataClass.MEDIA, name) is not None for name in outside)
    assert backend.storage.delete_prefix(DataClass.MEDIA, f"{root}/") == 0
    with pytest.raises(InvalidKey):
        backend.storage.delete_prefix(DataClass.MEDIA, "")


# ---------------------------------------------------------------------------- keys, signatures, policies


def test_object_keys_carry_the_schema_and_refuse_traversal(db):
    generated = object_key("document", schema="public")
    assert generated.startswith("t/public/document/")
    assert len(generated.rsplit("/", 1)[1]) == 32
    derived = object_key("video", schema="t_alpha", name="hls/720p/index.m3u8")
    assert derived.startswith("t/t_alpha/video/")
    assert derived.endswith("/hls/720p/index.m3u8")
    for kind, name, schema in [
        ("../x", None, "public"),
        ("a/b", None, "public"),
        ("video", "../../etc/passwd", "public"),
        ("video", "/abs", "public"),
        ("video", "a//b", "public"),
        ("video", "a/./b", "public"),
        ("video", None, "../public"),
        ("", None, "public"),
    ]:
        with pytest.raises(InvalidKey):
            object_key(kind, schema=schema, name=name)
    for bad in ["../x", "/etc/passwd", "t/a/../../x", "t\\a", "t/a/.hidden", "t/a\x00b"]:
        with pytest.raises(InvalidKey):
            check_key_path(bad)


def test_filesystem_never_leaves_its_bucket(fs_storage: FilesystemStorage):
    for bad in ["../records/t/x", "t/../../escape", "/etc/passwd"]:
        with pytest.raises(InvalidKey):
            fs_storage.path(DataClass.MEDIA, bad)
        with pytest.raises(InvalidKey):
            fs_storage.put(DataClass.MEDIA, bad, b"x", content_type="text/plain")
    assert not (fs_storage.root.parent / "escape").exists()


def test_filesystem_signed_requests_check_signature_salt_and_fields(fs_storage: FilesystemStorage, django_browser):
    target = key()
    post = fs_storage.presign_post(DataClass.MEDIA, target, content_type="text/plain", max_size=100)
    # A tampered policy.
    policy = post.fields["policy"]
    tampered = policy[:-3] + ("xyz" if not policy.endswith("xyz") else "abc")
    response = django_browser.post(
        post.url, data={**post.fields, "policy": tampered}, files={"file": ("a.txt", b"hi", "text/plain")}
    )
    assert (response.status_code, response.json()["code"]) == (403, "storage.signature_invalid")
    # A download token is no upload policy (salted per use), and vice versa.
    get_token = parse_qs(urlsplit(fs_storage.presign_get(DataClass.MEDIA, target)).query)["token"][0]
    response = django_browser.post(
        post.url, data={**post.fields, "policy": get_token}, files={"file": ("a.txt", b"hi", "text/plain")}
    )
    assert response.json()["code"] == "storage.signature_invalid"
    assert django_browser.get(f"/api/v1/storage/object?token={policy}").json()["code"] == "storage.signature_invalid"
    # A policy naming a path outside the bucket, even correctly signed, writes nothing.
    evil = sign(
        {"b": "media", "k": "../../evil", "ct": "text/plain", "max": 100},
        salt="services.storage.post",
        expires_at=datetime.now(UTC) + timedelta(minutes=1),
    )
    response = django_browser.post(
        post.url,
        data={"key": "../../evil", "Content-Type": "text/plain", "policy": evil},
        files={"file": ("a.txt", b"hi", "text/plain")},
    )
    assert response.status_code == 403
    assert not (fs_storage.root / "evil").exists()
    # The file must come last, after the policy fields (as with S3).
    response = django_browser.post(post.url, files={"file": ("a.txt", b"hi", "text/plain")}, data={})
    assert response.status_code == 403
    # Nothing was stored by any of these; no temporary files remain.
    assert fs_storage.stat(DataClass.MEDIA, target) is None
    assert [p for p in fs_storage.root.rglob("*") if p.is_file() and ".tmp" in p.name] == []


def test_filesystem_part_urls_are_signed(fs_storage: FilesystemStorage, django_browser):
    target = key("video")
    upload_id = fs_storage.start_multipart(DataClass.MEDIA, target, content_type="video/mp4")
    url = fs_storage.presign_part(DataClass.MEDIA, target, upload_id, 1)
    response = django_browser.put(url.replace("token=", "token=x"), content=b"abc")
    assert (response.status_code, response.json()["code"]) == (403, "storage.signature_invalid")
    expired = fs_storage.presign_part(DataClass.MEDIA, target, upload_id, 1, expires=timedelta(seconds=-1))
    assert django_browser.put(expired, content=b"abc").json()["code"] == "storage.url_expired"
    assert fs_storage.list_parts(DataClass.MEDIA, target, upload_id) == []
    with pytest.raises(StorageError):
        fs_storage.presign_part(DataClass.MEDIA, key("video"), upload_id, 1)  # another key's upload id
    with pytest.raises(StorageError):
        fs_storage.list_parts(DataClass.MEDIA, target, "../../etc")


def test_filesystem_downloads_of_active_content_are_attachments_in_a_sandbox(fs_storage, django_browser):
    target = key()
    fs_storage.put(DataClass.MEDIA, target, b"<script>alert(1)</script>", content_type="text/html")
    response = django_browser.get(fs_storage.presign_get(DataClass.MEDIA, target, inline=True))
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Security-Policy"].startswith("sandbox")


def test_filesystem_views_answer_404_when_s3_is_configured(s3_storage, django_browser):
    response = django_browser.get("/api/v1/storage/object?token=x")
    assert (response.status_code, response.json()["code"]) == (404, "storage.not_served")


def test_s3_post_policy_binds_key_type_size_and_expiry(s3_endpoint):
    """What S3 is asked to enforce (moto does not; MinIO and AWS do)."""
    storage = S3Storage(
        "http://127.0.0.1:9",  # never contacted: signing needs no network
        access_key="AK",
        secret_key="SK",
        region="cn-north-1",
        public_endpoint="https://s3.dangjian.example.com",
    )
    post = storage.presign_post(
        DataClass.RECORDS, "t/t_alpha/evidence/abc", content_type="application/pdf", max_size=20 * MiB
    )
    assert post.url == f"https://s3.dangjian.example.com/{bucket_name(DataClass.RECORDS)}"
    assert post.fields["key"] == "t/t_alpha/evidence/abc"
    assert post.fields["Content-Type"] == "application/pdf"
    policy = json.loads(base64.b64decode(post.fields["policy"]))
    assert ["eq", "$key", "t/t_alpha/evidence/abc"] in policy["conditions"]
    assert ["eq", "$Content-Type", "application/pdf"] in policy["conditions"]
    assert ["content-length-range", 1, 20 * MiB] in policy["conditions"]
    assert ["eq", "$bucket", bucket_name(DataClass.RECORDS)] in policy["conditions"]
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert timedelta(0) < expiration - datetime.now(UTC) <= timedelta(seconds=900)
    assert "/cn-north-1/s3/aws4_request" in post.fields["x-amz-credential"]
    part = storage.presign_part(DataClass.MEDIA, "t/public/video/x", "upload-1", 7)
    assert part.startswith(f"https://s3.dangjian.example.com/{bucket_name(DataClass.MEDIA)}/t/public/video/x?")
    assert {"partNumber": ["7"], "uploadId": ["upload-1"]}.items() <= parse_qs(urlsplit(part).query).items()
    download = storage.presign_get(DataClass.MEDIA, "t/public/video/x", filename="党课.mp4", inline=False)
    query = parse_qs(urlsplit(download).query)
    assert query["response-content-disposition"][0].startswith("attachment; filename*=utf-8''")
    assert query["X-Amz-Expires"] == ["900"]


def test_get_storage_follows_the_settings(settings, tmp_path):
    settings.S3_ENDPOINT = ""
    settings.STORAGE_ROOT = tmp_path
    get_storage.cache_clear()
    try:
        assert get_storage().name == "filesystem"
        assert get_storage() is get_storage()
        settings.S3_ENDPOINT = "https://minio.storage.svc:9000"
        get_storage.cache_clear()
        s3 = get_storage()
        assert s3.name == "s3"
        assert isinstance(s3, S3Storage)
        assert s3.endpoint == "https://minio.storage.svc:9000"
    finally:
        get_storage.cache_clear()


def test_s3_url_signed_with_another_secret_is_refused(enforcing_s3_storage: S3Storage, enforcing_s3_endpoint):
    target = key()
    enforcing_s3_storage.put(DataClass.MEDIA, target, b"mine", content_type="text/plain")
    forger = S3Storage(
        enforcing_s3_endpoint.url,
        access_key=enforcing_s3_endpoint.access_key,
        secret_key=enforcing_s3_endpoint.secret_key + "-guessed",
        region=enforcing_s3_endpoint.region,
    )
    assert httpx.get(forger.presign_get(DataClass.MEDIA, target)).status_code == 403
    assert httpx.get(enforcing_s3_storage.presign_get(DataClass.MEDIA, target)).content == b"mine"


def test_ensure_buckets_command(s3_storage: S3Storage):
    out = io.StringIO()
    call_command("ensure_buckets", stdout=out)
    assert f"s3: {bucket_name(DataClass.EXPORTS)} ready" in out.getvalue()
    assert s3_storage.client.bucket_exists(bucket_name(DataClass.RECORDS))
