"""Operations: request ids, log context and masking, Prometheus metrics, Sentry's tags, the CSP.

Real PostgreSQL, Redis and (for the multiprocess and WebSocket figures) real uvicorn processes.
"""

from __future__ import annotations

import http.server
import json
import logging
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from redis import Redis
from websockets.sync.client import connect

from partycloud.celery import app
from partycloud.core.csp import ContentSecurityPolicyMiddleware
from partycloud.observability.context import WorkContext, bind, request_id_from, unbind
from partycloud.observability.logs import JsonFormatter, TextFormatter, logging_config, mask_personal_data
from partycloud.observability.sentry import tag_and_mask
from services.tasks import tenant_task
from tests.conftest import ROOT_HOST, TenantWorld, api
from tests.live import REPO, LiveServer, start_server, stop_server
from tests.test_realtime import token

TOKEN = "test-metrics-token"  # settings.test.METRICS_TOKEN


def scrape(client: Any, host: str = "10.0.0.7") -> str:
    """/metrics as Prometheus asks for it: the pod's IP as host, the bearer token."""
    response = client.get("/metrics", HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    return response.content.decode()


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample of the exposition text (labels given must all match)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, value = line.rpartition(" ")
        base, _, label_text = metric.partition("{")
        if base != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', label_text))
        if all(found.get(key) == wanted for key, wanted in labels.items()):
            return float(value)
    return None


class Captured(logging.Handler):
    """Formats records as the console handler would (in the thread that logs)."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines() -> Iterator[Captured]:
    handler = Captured(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


# --------------------------------------------------------------------------- request ids and log context


def test_every_response_carries_a_request_id_and_a_sane_client_id_is_kept(tenant_a: TenantWorld):
    client = api(tenant_a.host)
    generated = client.get("/api/v1/site")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert client.get("/api/v1/site", HTTP_X_REQUEST_ID="edge-4f2a-99b1")["X-Request-ID"] == "edge-4f2a-99b1"
    # Not an id (a line break would forge log lines; too short; too long): replaced.
    for bad in ("abc\nforged", "short", "x" * 200):
        assert client.get("/api/v1/site", HTTP_X_REQUEST_ID=bad)["X-Request-ID"] != bad
    # Refusals (unknown host) and probes carry one too.
    assert Client().get("/api/v1/site", HTTP_HOST="ghost.partycloud.test").has_header("X-Request-ID")
    assert Client().get("/healthz", HTTP_HOST="10.0.0.7").has_header("X-Request-ID")


@override_settings(LOG_REQUESTS=True)
def test_log_lines_of_a_request_carry_request_id_tenant_and_user(tenant_a: TenantWorld, json_lines: Captured):
    client = api(tenant_a.host, tenant_a.admin)
    response = client.get("/api/v1/roles", HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 200
    lines = [json.loads(line) for line in json_lines.lines]
    request_line = next(line for line in lines if line["logger"] == "partycloud.request")
    assert request_line["request_id"] == "req-0123456789"
    assert request_line["tenant"] == tenant_a.tenant.schema_name
    assert request_line["user"] == str(tenant_a.admin.pk)
    assert request_line["route"] == "api/v1/roles"
    assert request_line["status"] == 200
    assert request_line["level"] == "INFO"
    assert isinstance(request_line["duration_ms"], float)
    # After the request, lines carry no request context.
    logging.getLogger("tests").warning("outside")
    assert "request_id" not in json.loads(json_lines.lines[-1])


def test_an_anonymous_request_logs_no_user(tenant_a: TenantWorld, json_lines: Captured):
    with override_settings(LOG_REQUESTS=True):
        api(tenant_a.host).get("/api/v1/site")
    line = json.loads(next(line for line in json_lines.lines if '"partycloud.request"' in line))
    assert line["tenant"] == tenant_a.tenant.schema_name
    assert "user" not in line


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("login failed for 13812345678", "login failed for <phone>"),
        ("phone +86 13912345678, card 11010119850612123X.", "phone <phone>, card <id-card>."),
        ("id=110101198506121234&x=1", "id=<id-card>&x=1"),
        # Not personal data: longer numbers, ids inside words, order numbers starting with 2.
        ("order 2138123456789 trace a13812345678b", "order 2138123456789 trace a13812345678b"),
        ("took 12 ms", "took 12 ms"),
        # Credentials: uvicorn logs a WebSocket's path with its ?token=<JWT>; presigned URLs.
        (
            '"WebSocket /ws/notifications?token=eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiMSJ9.lkRxZ7Dv4crsSm" [accepted]',
            '"WebSocket /ws/notifications?token=<secret>" [accepted]',
        ),
        (
            "GET /o/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=abc123&x=1",
            "GET /o/k?X-Amz-Credential=<secret>&X-Amz-Signature=<secret>&x=1",
        ),
        ("auth: Bearer abc.def-ghi", "auth: Bearer <secret>"),
        ("header eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiMSJ9.lkRxZ7Dv4crsSm", "header <jwt>"),
    ],
)
def test_phone_and_id_card_numbers_and_credentials_are_masked(text: str, masked: str):
    assert mask_personal_data(text) == masked


def test_no_personal_data_in_json_or_text_lines_tracebacks_included():
    record = logging.LogRecord("tests", logging.ERROR, __file__, 1, "member %s", ("13812345678",), None)
    try:
        raise ValueError("bad card 11010119850612123X")
    except ValueError:
        record.exc_info = sys.exc_info()
    record.phone = "13812345678"
    json_line = JsonFormatter().format(record)
    text_line = TextFormatter().format(record)
    for line in (json_line, text_line):
        assert "13812345678" not in line
        assert "11010119850612123X" not in line
    entry = json.loads(json_line)
    assert entry["message"] == "member <phone>"
    assert entry["phone"] == "<phone>"
    assert "bad card <id-card>" in entry["exc_info"]


def test_text_format_shows_the_context_in_brackets():
    work = WorkContext(request_id="req-0123456789", tenant="t_alpha", user_id="7")
    record = logging.LogRecord("tests", logging.INFO, __file__, 1, "hello", (), None)
    token_ = bind(work)
    try:
        line = TextFormatter().format(record)
    finally:
        unbind(token_)
    assert line.endswith("INFO tests [request_id=req-0123456789 tenant=t_alpha user=7] hello")


def test_log_format_setting_picks_the_formatter():
    assert logging_config("json", "INFO")["formatters"]["main"]["()"].endswith("JsonFormatter")
    assert logging_config("text", "INFO")["formatters"]["main"]["()"].endswith("TextFormatter")
    # Development default: text; production: JSON (settings.production).
    assert settings.LOG_FORMAT == "text"
    production = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.LOG_FORMAT, settings.LOGGING['formatters']['main']['()'])",
        ],
        cwd=REPO,
        env={
            "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "partycloud.settings.production",
            "DJANGO_SECRET_KEY": "k" * 60,
            "FIELD_ENCRYPTION_KEYS": "x",
            "BASE_DOMAIN": "example.com",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert production.stdout.split() == ["json", "partycloud.observability.logs.JsonFormatter"]


def test_request_id_from_header():
    assert request_id_from("4bf92f3577b34da6a3ce929d0e0e4736") == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert len(request_id_from(None)) == 32


# --------------------------------------------------------------------------- Celery tasks


@tenant_task(name="tests.observability_logs")
def logging_task(marker: str) -> None:
    logging.getLogger("tests.task").warning("task line %s", marker)


def test_task_log_lines_carry_task_id_tenant_and_the_request_that_queued_them(
    platform_world: Any, tenant_a: TenantWorld
):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    marker = uuid.uuid4().hex
    captured = Captured(JsonFormatter())
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
            # After the worker's start: it configures logging (Django's LOGGING) as it starts.
            logging.getLogger().addHandler(captured)
            context = bind(WorkContext(request_id="req-queued-42"))
            try:
                with tenant_a.tenant:
                    result = logging_task.delay(marker)
            finally:
                unbind(context)
            result.get(timeout=30)
    finally:
        app.conf.task_default_queue = previous
        logging.getLogger().removeHandler(captured)
    line = json.loads(next(line for line in captured.lines if marker in line))
    assert line["task_id"] == result.id
    assert line["task"] == "tests.observability_logs"
    assert line["tenant"] == tenant_a.tenant.schema_name
    assert line["request_id"] == "req-queued-42"


# --------------------------------------------------------------------------- /metrics


def test_metrics_need_the_token_and_answer_on_any_host(tenant_a: TenantWorld):
    client = Client()
    assert client.get("/metrics", HTTP_HOST="10.0.0.7").status_code == 401
    assert client.get("/metrics", HTTP_HOST="10.0.0.7", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_HOST=tenant_a.host, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert "partycloud_http_requests_total" in scrape(client)
    with override_settings(METRICS_TOKEN=""):
        # No token configured: /metrics is off.
        assert client.get("/metrics", HTTP_HOST="10.0.0.7", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_requests_are_counted_by_url_pattern_status_and_tenant(tenant_a: TenantWorld, tenant_b: TenantWorld):
    client = api(tenant_a.host, tenant_a.admin)
    before = scrape(Client())
    pattern = "api/v1/organizations/<pk>"  # the router's regex, made readable
    for pk in (999991, 999992, 999993):
        assert client.get(f"/api/v1/organizations/{pk}").status_code == 404
    api(tenant_b.host).get("/api/v1/site")
    Client().get("/api/v1/site", HTTP_HOST="ghost.partycloud.test")
    after = scrape(Client())

    def grew(name: str, **labels: str) -> float:
        return (sample(after, name, **labels) or 0) - (sample(before, name, **labels) or 0)

    assert grew("partycloud_http_requests_total", method="GET", route=pattern, status="404") == 3
    assert grew("partycloud_http_request_duration_seconds_count", method="GET", route=pattern) == 3
    assert "organizations/999991" not in after  # never the raw path (the digits alone may be in a float)
    assert grew("partycloud_tenant_http_requests_total", tenant=tenant_a.tenant.schema_name) >= 3
    assert grew("partycloud_tenant_http_requests_total", tenant=tenant_b.tenant.schema_name) >= 1
    assert grew("partycloud_http_requests_total", method="GET", route="unmatched", status="404") >= 1
    assert grew("partycloud_tenant_http_requests_total", tenant="none") >= 1


def test_tenant_labels_are_bounded(tenant_a: TenantWorld, tenant_b: TenantWorld):
    from partycloud.observability import metrics

    seen = set(metrics._tenant_labels)
    try:
        metrics._tenant_labels.clear()
        with override_settings(METRICS_TENANT_LABELS_MAX=1):
            assert metrics.tenant_label(tenant_a.tenant.schema_name) == tenant_a.tenant.schema_name
            assert metrics.tenant_label(tenant_b.tenant.schema_name) == "other"
            assert metrics.tenant_label(tenant_a.tenant.schema_name) == tenant_a.tenant.schema_name
    finally:
        metrics._tenant_labels.clear()
        metrics._tenant_labels.update(seen)


def test_celery_queue_length_is_read_from_the_broker_at_scrape_time(platform_world: Any):
    queue = f"test-queue-{uuid.uuid4().hex[:8]}"
    broker = Redis.from_url(settings.CELERY_BROKER_URL)
    broker.rpush(queue, "a", "b", "c")
    try:
        with override_settings(METRICS_CELERY_QUEUES=["celery", queue]):
            text = scrape(Client())
    finally:
        broker.delete(queue)
    assert sample(text, "partycloud_celery_queue_length", queue=queue) == 3
    assert sample(text, "partycloud_celery_queue_length", queue="celery") is not None


def test_outbox_backlog_per_tenant_at_scrape_time(tenant_a: TenantWorld):
    schema = tenant_a.tenant.schema_name
    with tenant_a.tenant:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO outbox_outboxevent (topic, organization_id, period, created_at) "
                "SELECT 'members', NULL, NULL, now() FROM generate_series(1, 7)"
            )
            cursor.execute(
                "INSERT INTO public.rollups_pendingtenant (schema_name, since) VALUES (%s, now() - interval '90 seconds') "
                "ON CONFLICT (schema_name) DO UPDATE SET since = EXCLUDED.since",
                [schema],
            )
    text = scrape(Client())
    assert (sample(text, "partycloud_outbox_backlog_rows", tenant=schema) or 0) >= 7
    assert (sample(text, "partycloud_outbox_pending_tenants") or 0) >= 1
    assert (sample(text, "partycloud_outbox_oldest_pending_seconds") or 0) >= 90


def test_a_failing_collector_is_skipped_and_reported(tenant_a: TenantWorld):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):  # nothing listens there
        text = scrape(Client())
    assert "partycloud_celery_queue_length{" not in text
    assert sample(text, "partycloud_metrics_collector_up", collector="celery_queues") == 0
    assert sample(text, "partycloud_metrics_collector_up", collector="outbox_backlog") == 1
    assert "partycloud_http_requests_total" in text


@pytest.mark.live
def test_several_worker_processes_are_summed_and_sockets_counted(
    platform_world: Any, tenant_a: TenantWorld, tmp_path: Path
):
    """Two uvicorn workers with PROMETHEUS_MULTIPROC_DIR: whichever answers the scrape reports both."""
    process, port = start_server(workers=2, extra_env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)})
    server = LiveServer(port)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with server.http(tenant_a.host) as client:
            for _ in range(40):
                assert client.get("/api/v1/site", headers={"Connection": "close"}).status_code == 200
        # One process per worker wrote its own files.
        pids = {re.search(r"_(\d+)\.db$", f.name).group(1) for f in tmp_path.glob("counter_*.db")}  # type: ignore[union-attr]
        assert len(pids) == 2, "both workers answered requests"
        for _ in range(4):  # every scrape, whichever worker answers it, sees all 40
            with server.http("10.0.0.7") as client:
                text = client.get("/metrics", headers={**headers, "Connection": "close"}).text
            assert sample(text, "partycloud_http_requests_total", method="GET", route="api/v1/site", status="200") == 40
        url = server.url(tenant_a.host, f"/ws/notifications?token={token(tenant_a.member)}", scheme="ws")
        with connect(url, sock=server.connect(), open_timeout=20):
            time.sleep(0.5)
            with server.http("10.0.0.7") as client:
                text = client.get("/metrics", headers=headers).text
            assert sample(text, "partycloud_websocket_connections", kind="notifications") == 1
            assert sample(text, "partycloud_websocket_accepted_total", kind="notifications") == 1
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with server.http("10.0.0.7") as client:
                text = client.get("/metrics", headers=headers).text
            if sample(text, "partycloud_websocket_connections", kind="notifications") == 0:
                break
            time.sleep(0.2)
        assert sample(text, "partycloud_websocket_connections", kind="notifications") == 0
    finally:
        stop_server(process)


# --------------------------------------------------------------------------- Sentry


def test_sentry_events_get_request_id_and_tenant_tags_and_no_personal_data():
    event: dict[str, Any] = {
        "logentry": {"message": "member %s", "formatted": "member 13812345678"},
        "exception": {"values": [{"type": "ValueError", "value": "card 11010119850612123X"}]},
    }
    context = bind(WorkContext(request_id="req-0123456789", tenant="t_alpha"))
    try:
        tagged = tag_and_mask(event, {})
    finally:
        unbind(context)
    assert tagged["tags"] == {"request_id": "req-0123456789", "tenant": "t_alpha"}
    assert tagged["logentry"]["formatted"] == "member <phone>"
    assert tagged["exception"]["values"][0]["value"] == "card <id-card>"


class _Envelopes(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        if self.headers.get("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def test_sentry_dsn_sends_errors_to_the_server_with_tags(tmp_path: Path):
    """A real sentry-sdk, in a process of its own, posting to a stand-in ingest server."""
    server = http.server.HTTPServer(("127.0.0.1", 0), _Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = (
        "import django, logging, sentry_sdk; django.setup()\n"
        "from partycloud.observability.context import WorkContext, bind\n"
        "bind(WorkContext(request_id='req-sentry-0001', tenant='t_alpha'))\n"
        "logging.getLogger('tests').error('payment failed for 13812345678')\n"
        "sentry_sdk.flush(5)\n"
    )
    try:
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            env={
                "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
                "PATH": "/usr/bin:/bin",
                "DJANGO_SETTINGS_MODULE": "partycloud.settings.test",
                "SENTRY_DSN": f"http://public@127.0.0.1:{server.server_port}/1",
            },
            check=True,
            timeout=60,
        )
    finally:
        server.shutdown()
    events = [
        json.loads(line)
        for body in _Envelopes.received
        for line in body.split(b"\n")
        if line.strip().startswith(b"{") and b'"tags"' in line
    ]
    assert events, "sentry-sdk sent the error"
    event = events[0]
    assert event["tags"]["request_id"] == "req-sentry-0001"
    assert event["tags"]["tenant"] == "t_alpha"
    assert "13812345678" not in json.dumps(event)
    assert "user" not in event or "ip_address" not in event.get("user", {})


def test_no_sentry_without_a_dsn():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()


# --------------------------------------------------------------------------- Content-Security-Policy


def policy(response: Any) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_the_apps_html_gets_the_policy_and_json_does_not(tenant_a: TenantWorld):
    client = Client()
    for host, path in ((tenant_a.host, "/"), (tenant_a.host, "/console/"), (ROOT_HOST, "/")):
        response = client.get(path, HTTP_HOST=host)
        assert response["Content-Type"].startswith("text/html")
        csp = policy(response)
        assert csp["script-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert "'unsafe-inline'" in csp["style-src"]
        assert "blob:" in csp["worker-src"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert not api(tenant_a.host).get("/api/v1/site").has_header("Content-Security-Policy")
    # Refusal pages (HTML, before routing) are covered too.
    assert Client().get("/", HTTP_HOST="ghost.partycloud.test").has_header("Content-Security-Policy")


def test_the_object_store_and_the_hls_server_are_allowed_where_the_apps_use_them(tenant_a: TenantWorld):
    with override_settings(
        S3_PUBLIC_ENDPOINT="https://s3.example.com:9000/", LIVE_HLS_BASE_URL="https://live.example.com/hls"
    ):
        csp = policy(Client().get("/", HTTP_HOST=tenant_a.host))
    for directive in ("connect-src", "media-src", "img-src"):
        assert "https://s3.example.com:9000" in csp[directive]
        assert "https://live.example.com" in csp[directive]
    assert "ws://partycloud.test:*" in csp["connect-src"]
    assert "ws://*.partycloud.test:*" in csp["connect-src"]
    assert "https://live.example.com" not in csp["script-src"]


def test_api_docs_get_their_own_policy_and_report_only_is_possible(tenant_a: TenantWorld):
    docs = policy(Client().get("/api/docs/", HTTP_HOST=ROOT_HOST))
    assert "https://cdn.jsdelivr.net" in docs["script-src"]
    assert docs["frame-ancestors"] == ["'none'"]
    with override_settings(CSP_REPORT_ONLY=True, CSP_REPORT_URI="/csp-report"):
        response = Client().get("/", HTTP_HOST=tenant_a.host)
    assert not response.has_header("Content-Security-Policy")
    assert "report-uri /csp-report" in response["Content-Security-Policy-Report-Only"]
    with override_settings(CSP_ENABLED=False):
        assert not Client().get("/", HTTP_HOST=tenant_a.host).has_header("Content-Security-Policy")


@pytest.mark.parametrize("page", ["group.html", "console.html", "portal.html"])
def test_entry_pages_have_no_inline_script(page: str):
    """script-src 'self' holds only if no entry page (source or build) runs inline code."""
    for folder in (REPO / "frontend", REPO / "frontend" / "dist"):
        path = folder / page
        if not path.is_file():
            continue
        html = path.read_text(encoding="utf-8")
        for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S):
            assert "src=" in attributes, f"inline script in {path}"
            assert not body.strip(), f"inline script in {path}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler in {path}"


def test_csp_middleware_keeps_a_policy_a_view_set():
    def view(request: Any) -> HttpResponse:
        response = HttpResponse("<p>x</p>")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'"
