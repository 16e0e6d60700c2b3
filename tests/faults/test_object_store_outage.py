"""The object store down: starting an upload is refused with ``storage.unavailable`` (503) and
nothing is recorded, finishing one leaves it pending (to be finished later), video playback
answers 503 with the code; the app recovers by itself when the store is back.

The app runs on the S3 backend against moto's server in a process of its own (``moto_server``).
Live lessons play from the HLS server (nginx), not the store: their playback URLs do not depend
on it; a lesson's replay is a library video, the case tested here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core import signing
from rest_framework_simplejwt.tokens import RefreshToken

from partycloud.uploads.models import Upload
from services.storage.s3 import S3Storage
from tenants.learning.api.library import HLS_SALT
from tests.conftest import TenantWorld
from tests.faults.conftest import App, MotoServer, start_app
from tests.live import database_url_of_test_db

# django_db: the test database must exist for the server; the server commits, not us.
pytestmark = [pytest.mark.live, pytest.mark.django_db]

CREDENTIALS = {"access_key": "moto-access", "secret_key": "moto-secret", "region": "us-east-1"}
IMAGE = {"purpose": "learning.image", "filename": "合影.png", "content_type": "image/png", "size": 2048}


def ensure_buckets(moto: MotoServer) -> None:
    """A (re)started moto is empty; the deployment creates its buckets once (``ensure_buckets``)."""
    S3Storage(moto.url, **CREDENTIALS).ensure_buckets()


@pytest.fixture(scope="module")
def app(moto_server: MotoServer, platform_world: dict[str, Any]) -> Iterator[App]:
    ensure_buckets(moto_server)
    env = {
        "S3_ENDPOINT": moto_server.url,
        "S3_ACCESS_KEY": CREDENTIALS["access_key"],
        "S3_SECRET_KEY": CREDENTIALS["secret_key"],
        "STORAGE_PROBE_SECONDS": "0",  # every upload start asks the store (the default trusts 5 s)
    }
    with start_app(env) as running:
        yield running


def uploads_of(world: TenantWorld) -> dict[str, str]:
    with psycopg.connect(database_url_of_test_db()) as own:
        table = f'"{world.tenant.schema_name}".{Upload._meta.db_table}'
        rows = own.execute(f"SELECT id::text, status FROM {table}").fetchall()
    return dict(rows)


def test_uploads_and_playback_fail_cleanly_while_the_store_is_down_and_work_again_after(
    app: App, moto_server: MotoServer, platform_world: dict[str, Any]
) -> None:
    world: TenantWorld = platform_world["a"]
    client = app.http(world.host)
    member = {"Authorization": f"Bearer {RefreshToken.for_user(world.member).access_token}"}
    video = signing.dumps({"p": f"t/{world.tenant.schema_name}/video/drill", "t": 3600}, salt=HLS_SALT, compress=True)
    playlist = f"/api/v1/learning/hls/{video}/master.m3u8"
    existing = uploads_of(world)
    created: list[str] = []
    try:
        started = client.post("/api/v1/uploads", json=IMAGE, headers=member)
        assert started.status_code == 201, started.text
        pending = started.json()["id"]
        created.append(pending)
        assert client.get(playlist).status_code == 404  # the store answers: no such video

        moto_server.stop()
        refused = client.post("/api/v1/uploads", json=IMAGE, headers=member)
        assert refused.status_code == 503, refused.text
        assert refused.json() == {"code": "storage.unavailable", "message": refused.json()["message"], "field": None}
        assert refused.headers["Retry-After"]
        # Nothing half-saved: no new upload row; the one started before stays pending (not rejected).
        assert uploads_of(world).keys() == existing.keys() | {pending}
        finishing = client.post(f"/api/v1/uploads/{pending}/complete", json={}, headers=member)
        assert (finishing.status_code, finishing.json()["code"]) == (503, "storage.unavailable")
        assert uploads_of(world)[pending] == "pending"
        # A replay (a library video) cannot be played: the player gets the code, not a 500.
        playing = client.get(playlist)
        assert (playing.status_code, playing.json()["code"]) == (503, "storage.unavailable")

        moto_server.start()
        ensure_buckets(moto_server)
        again = client.post("/api/v1/uploads", json=IMAGE, headers=member)
        assert again.status_code == 201, again.text
        created.append(again.json()["id"])
        assert client.get(playlist).status_code == 404
    finally:
        with psycopg.connect(database_url_of_test_db(), autocommit=True) as own:
            table = f'"{world.tenant.schema_name}".{Upload._meta.db_table}'
            own.execute(f"DELETE FROM {table} WHERE id::text = ANY(%s)", (created,))
    log = app.log()
    assert "object store unavailable" in log
    assert "Internal Server Error" not in log
