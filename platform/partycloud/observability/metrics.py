"""Prometheus metrics, and ``/metrics`` (served on every host name, behind ``METRICS_TOKEN``).

Several server processes (web workers) each count their own requests; with
``PROMETHEUS_MULTIPROC_DIR`` set (production: the chart sets it) prometheus-client keeps each
process' values in memory-mapped files there and the process that answers a scrape sums them.
Without it (one development process) the values live in the process.

Figures that are state rather than events (Celery queue lengths, the outbox backlog) are
computed when Prometheus scrapes, by the answering process only: collectors registered with
``register_collector`` (the rollups app registers the outbox backlog's). Each is one cheap
query; a collector that fails (Redis down) is skipped (``partycloud_metrics_collector_up`` 0), the rest is still served.

Labels stay bounded: ``route`` is the URL pattern (never the raw path), ``tenant`` is a schema
name (at most ``METRICS_TENANT_LABELS_MAX`` per process, then ``other``).
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)

_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w*?_(\d+)\.db$")


def _prepare_multiprocess_dir(path: str) -> None:
    """Create the directory, and drop the live gauges of processes that are gone (a worker that
    was killed, a previous container in the same pod) and of an earlier process with our pid."""
    os.makedirs(path, exist_ok=True)
    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        match = _LIVE_GAUGE_FILE.search(name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or not _alive(pid):
            with contextlib.suppress(FileNotFoundError):
                os.remove(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if _MULTIPROC_DIR:
    # Before prometheus_client is imported: it picks its value class from the environment.
    _prepare_multiprocess_dir(_MULTIPROC_DIR)

from prometheus_client import (  # noqa: E402
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric  # noqa: E402
from prometheus_client.registry import REGISTRY, Collector  # noqa: E402

# ---------------------------------------------------------------- request figures
HTTP_REQUESTS = Counter(
    "partycloud_http_requests",
    "HTTP requests answered, by URL pattern and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "partycloud_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL pattern.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TENANT_REQUESTS = Counter(
    "partycloud_tenant_http_requests",
    "HTTP requests per tenant (schema name; public: the group root; none: unknown host).",
    ["tenant"],
)
WEBSOCKET_CONNECTIONS = Gauge(
    "partycloud_websocket_connections",
    "Open WebSocket connections (accepted), by kind.",
    ["kind"],
    multiprocess_mode="livesum",
)
WEBSOCKET_ACCEPTED = Counter(
    "partycloud_websocket_accepted",
    "WebSocket handshakes accepted, by kind (refusals accept, then close with a 44xx code).",
    ["kind"],
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_tenant_labels: set[str] = set()


def method_label(method: str | None) -> str:
    return method if method in _METHODS else "other"


def tenant_label(schema: str) -> str:
    """The schema as a label, at most METRICS_TENANT_LABELS_MAX of them per process."""
    if schema in _tenant_labels:
        return schema
    if len(_tenant_labels) >= settings.METRICS_TENANT_LABELS_MAX:
        return "other"
    _tenant_labels.add(schema)
    return schema


# Labelled children by their label values: ``labels()`` validates and locks on every call, a
# dict lookup does not (bounded like the labels: routes x statuses, tenants).
_request_children: dict[tuple[str | None, str, int], tuple[Any, Any]] = {}
_tenant_children: dict[str, Any] = {}


def observe_request(method: str | None, route: str, status: int, tenant: str, seconds: float) -> None:
    key = (method, route, status)
    children = _request_children.get(key)
    if children is None:
        label = method_label(method)
        children = (HTTP_REQUESTS.labels(label, route, str(status)), HTTP_LATENCY.labels(label, route))
        _request_children[key] = children
    children[0].inc()
    children[1].observe(seconds)
    counter = _tenant_children.get(tenant)
    if counter is None:
        counter = TENANT_REQUESTS.labels(tenant_label(tenant))
        if len(_tenant_children) < 4 * settings.METRICS_TENANT_LABELS_MAX:
            _tenant_children[tenant] = counter
    counter.inc()


# ---------------------------------------------------------------- scrape-time collectors
ScrapeCollector = Callable[[], Iterable[Metric]]
_collectors: dict[str, ScrapeCollector] = {}


def register_collector(name: str, collect: ScrapeCollector) -> None:
    """Add a figure computed at scrape time (an app's ``AppConfig.ready``); one name, one collector."""
    _collectors[name] = collect


class _ScrapeTime(Collector):
    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "partycloud_metrics_collector_up",
            "1 when a scrape-time collector answered in this scrape, 0 when it failed (its figures are missing).",
            labels=["collector"],
        )
        for name, collect in _collectors.items():
            try:
                families = list(collect())
            except Exception:
                log.warning("metrics: collector %s failed", name, exc_info=True)
                up.add_metric([name], 0.0)
                continue
            up.add_metric([name], 1.0)
            yield from families
        yield up


def celery_queue_lengths() -> Iterable[Metric]:
    """Messages waiting in each Celery queue: the broker's Redis lists (one LLEN each, pipelined)."""
    from redis import Redis

    queues = settings.METRICS_CELERY_QUEUES
    client = Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        pipe = client.pipeline(transaction=False)
        for queue in queues:
            pipe.llen(queue)
        lengths = pipe.execute()
    finally:
        client.close()
    family = GaugeMetricFamily(
        "partycloud_celery_queue_length", "Tasks waiting in the broker, by queue.", labels=["queue"]
    )
    for queue, length in zip(queues, lengths, strict=True):
        family.add_metric([queue], float(length))
    yield family


register_collector("celery_queues", celery_queue_lengths)


# ---------------------------------------------------------------- the endpoint
def registry() -> CollectorRegistry:
    """What a scrape reads: every process' values (multiprocess) or this one's, plus the collectors."""
    if _MULTIPROC_DIR:
        scrape = CollectorRegistry()
        multiprocess.MultiProcessCollector(scrape)  # type: ignore[no-untyped-call]
    else:
        scrape = CollectorRegistry()
        scrape.register(_Local())
    scrape.register(_ScrapeTime())
    return scrape


class _Local(Collector):
    """This process' own metrics (no multiprocess directory)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def authorized(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and constant_time_compare(given.strip(), token)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format. 404 when METRICS_TOKEN is unset (off), 401 without the token."""
    if not settings.METRICS_TOKEN:
        return HttpResponse(status=404)
    if not authorized(request):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


_WEBSOCKET_KINDS = frozenset({"notifications", "live"})


def websocket_kind(path: str) -> str:
    """``/ws/live/group/3`` -> ``live``: the label of a socket (one of the routed kinds, or other)."""
    parts = path.strip("/").split("/")
    kind = parts[1] if len(parts) > 1 and parts[0] == "ws" else ""
    return kind if kind in _WEBSOCKET_KINDS else "other"
