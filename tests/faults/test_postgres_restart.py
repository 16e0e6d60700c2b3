"""PostgreSQL restarted under load: requests in flight and during the outage get a clean 503
``core.database_unavailable`` (JSON for the API, the refusal page for browsers), never a 500
traceback; once the database is back the next requests succeed, with no restart of the app.

The app runs on a PostgreSQL cluster of our own (``postgres_cluster``) holding a copy of the
test database, with persistent connections (``CONN_MAX_AGE``) that the restart leaves dead.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from tests.conftest import TenantWorld
from tests.faults.conftest import App, Load, PostgresCluster, start_app, wait_for
from tests.live import database_url_of_test_db

# django_db: the test database must exist for the copy; the test itself writes nothing.
pytestmark = [pytest.mark.live, pytest.mark.django_db]


@pytest.fixture(scope="module")
def app(postgres_cluster: PostgresCluster, platform_world: dict[str, Any]) -> Iterator[App]:
    postgres_cluster.load(database_url_of_test_db(), "partycloud")
    env = {"DATABASE_URL": postgres_cluster.url("partycloud"), "DATABASE_CONN_MAX_AGE": "600"}
    with start_app(env) as running:
        yield running


def kind(response: httpx.Response) -> str:
    """ "served", "outage" (a clean 503) or "odd" (anything else: a 500, a traceback, a bare 503)."""
    if response.status_code == 200:
        return "served"
    html = response.headers.get("content-type", "").startswith("text/html")
    if response.status_code == 503 and "Retry-After" in response.headers:
        if html:
            return "outage" if "<html" in response.text and "Traceback" not in response.text else "odd"
        body = response.json()
        return (
            "outage"
            if body == {"code": "core.database_unavailable", "message": body["message"], "field": None}
            else "odd"
        )
    # The portal's page without a front-end build (a checkout that never ran `make frontend`).
    if response.status_code == 503 and html and "make frontend" in response.text:
        return "served"
    return "odd"


def test_requests_during_a_restart_get_503_and_the_next_ones_succeed(
    app: App, postgres_cluster: PostgresCluster, platform_world: dict[str, Any]
) -> None:
    world: TenantWorld = platform_world["a"]
    client = app.http(world.host)
    admin = {"Authorization": f"Bearer {RefreshToken.for_user(world.admin).access_token}"}
    answers: list[tuple[float, httpx.Response]] = []

    def send(number: int) -> httpx.Response:
        match number % 3:
            case 0:
                response = client.get("/api/v1/roles", headers=admin)
            case 1:
                response = client.get("/api/v1/me", headers=admin)
            case _:
                response = client.get("/", headers={"Accept": "text/html"})  # the portal page
        answers.append((time.monotonic(), response))
        return response

    with Load(send, threads=3) as load:
        wait_for(lambda: load.total() >= 15, timeout=120, what="requests before the restart")
        postgres_cluster.stop("fast")  # ends every session: requests in flight fail
        stopped_at = time.monotonic()
        wait_for(
            lambda: sum(1 for at, r in answers if at > stopped_at and kind(r) != "served") >= 15,
            timeout=120,
            what="requests while the database is down",
        )
        postgres_cluster.start()
        started_at = time.monotonic()
        wait_for(
            lambda: sum(1 for at, r in answers if at > started_at and r.status_code == 200) >= 20,
            timeout=120,
            what="requests after the restart",
        )

    assert not load.errors, load.errors[:3]
    before = [kind(r) for at, r in answers if at < stopped_at]
    after = [kind(r) for at, r in answers if at > started_at]
    assert before[:10] == ["served"] * 10
    odd = [(r.status_code, r.text[:200]) for _, r in answers if kind(r) == "odd"]
    log = app.log()
    assert odd == [], (odd[:3], log[log.find("Internal Server Error") :][:3000])
    assert sum(1 for _, r in answers if kind(r) == "outage") >= 15
    # The first request after the restart may still be refused (a stale connection it had picked
    # up is closed by the 503); from the first success on, every request succeeds.
    first = after.index("served")
    assert after[first:] == ["served"] * len(after[first:])
    assert "database unavailable" in log
    assert "Internal Server Error" not in log
