"""Helpers for the learning tests: uploads through the real API, tasks run eagerly, sample files."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from rest_framework.test import APIClient

from partycloud.celery import app as celery_app


@contextmanager
def eager_tasks() -> Iterator[None]:
    """Celery tasks sent inside run at once, in this process (errors propagate)."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


def upload(client: APIClient, purpose: str, filename: str, content_type: str, data: bytes) -> Any:
    """Upload through /api/v1/uploads the way a browser does; returns the ``complete`` response."""
    started = client.post(
        "/api/v1/uploads", {"purpose": purpose, "filename": filename, "content_type": content_type, "size": len(data)}
    )
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["method"] == "post"
    target = urlsplit(body["post"]["url"])
    if target.netloc:  # an S3 store (S3_ENDPOINT): the browser posts there, not to us
        sent_status = httpx.post(
            body["post"]["url"], data=body["post"]["fields"], files={"file": (filename, data, content_type)}
        ).status_code
    else:
        form = {**body["post"]["fields"], "file": _named(data, filename)}
        sent_status = client.post(target.path, form, format="multipart").status_code
    assert sent_status in (200, 201, 204), sent_status
    return client.post(f"/api/v1/uploads/{body['id']}/complete", {})


def uploaded_id(client: APIClient, purpose: str, filename: str, content_type: str, data: bytes) -> str:
    response = upload(client, purpose, filename, content_type, data)
    assert response.status_code == 200, response.json()
    return str(response.json()["id"])


def fetch(client: APIClient, url: str) -> tuple[int, bytes]:
    """GET a URL handed out by the API: ours through the test client, the store's over HTTP."""
    parts = urlsplit(url)
    if parts.netloc:
        response = httpx.get(url)
        return response.status_code, response.content
    ours = client.get(f"{parts.path}?{parts.query}")
    body = b"".join(ours.streaming_content) if ours.streaming else ours.content  # type: ignore[attr-defined]
    return ours.status_code, body


def _named(data: bytes, filename: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = filename
    return stream


def pdf_bytes(*lines: str) -> bytes:
    """A small PDF with Chinese text (one line per argument)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFont("STSong-Light", 12)
    y = 800
    for line in lines:
        page.drawString(60, y, line)
        y -= 20
    page.showPage()
    page.save()
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (320, 200), color: str = "red") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def video_bytes(tmp: Path, seconds: int = 3) -> bytes:
    """A few seconds of 640×360 test video with a tone, made by ffmpeg."""
    path = tmp / "sample.mp4"
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-y", "-hide_banner", "-loglevel", "error",
            "-f", "lavfi", "-i", f"testsrc=size=640x360:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


REGULATION_TEXT = """中国共产党党员教育管理工作条例（节选）

第一章 总则

第一条 为了深入贯彻习近平新时代中国特色社会主义思想，加强和改进党员教育管理工作，制定本条例。

第二条 党员教育管理工作必须坚持以马克思列宁主义、毛泽东思想为指导。

第二章 党员教育

第三条 党员教育的基本任务是组织党员认真学习党的理论和路线方针政策。

第四条 党支部应当按照有关规定组织党员参加集中学习培训，每名党员每年集中学习培训时间一般不少于32学时。

第三章 党员管理

第五条 党员应当按照规定交纳党费，保守党的秘密。
"""


@pytest.fixture(autouse=True)
def clean_search(platform_world: dict[str, Any], settings: Any) -> Iterator[None]:
    """With S3_ENDPOINT set, the buckets exist. PostgreSQL search rolls back with each test; an
    Elasticsearch index does not: empty it of the test tenants' documents and read writes at once."""
    from services.search import get_backend, reset_backend
    from services.storage import get_storage

    if settings.S3_ENDPOINT:
        get_storage.cache_clear()
        get_storage().ensure_buckets()
    if not settings.ELASTICSEARCH_URL:
        yield
        return
    settings.SEARCH_REFRESH_ON_WRITE = True
    reset_backend()
    backend = get_backend()
    backend.ensure_ready()
    for owner in ("public", platform_world["a"].tenant.schema_name, platform_world["b"].tenant.schema_name):
        backend.delete_owner(owner)
    yield
    reset_backend()
