"""One middleware, first in the chain: the request's id, its log context and its figures.

- ``X-Request-ID``: the client's (or the ingress') when it looks like an id, else a new one;
  echoed in the response and put on ``request.request_id``.
- The log context (``context.WorkContext``): every line logged while the request runs carries
  the id, the tenant (the schema routing put on the request) and the user (once authenticated).
- Prometheus: requests by URL pattern and status, latency, requests per tenant.

Cheap by design (measured in bench/bench_observability.py): no database, no Redis, a dict
lookup and a few memory-mapped increments per request.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from partycloud.observability.context import WorkContext, bind, request_id_from, unbind
from partycloud.observability.metrics import observe_request

log = logging.getLogger("partycloud.request")

# Answered before URL resolution (tenancy.middleware.HOST_INDEPENDENT_PATHS): their own route label.
_PROBES = {"/healthz": "healthz", "/readyz": "readyz", "/metrics": "metrics"}


_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


@functools.lru_cache(maxsize=2048)
def readable_route(route: str) -> str:
    """DRF routers' regex routes as path patterns: ``api/v1/^roles/(?P<pk>[^/.]+)$`` -> ``api/v1/roles/<pk>``."""
    return _GROUP.sub(r"<\1>", route).replace("^", "").replace("$", "").replace("\\", "")


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (``api/v1/members/<int:pk>``), never the raw path."""
    match = request.resolver_match
    if match is not None:
        return readable_route(match.route) if match.route else (match.view_name or "unnamed")
    return _PROBES.get(request.path, "unmatched")


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.log_requests = settings.LOG_REQUESTS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = bind(WorkContext(request_id=request_id, request=request))
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = route_of(request)
            tenant = getattr(request, "tenant", None)
            observe_request(
                request.method, route, response.status_code, tenant.schema_name if tenant else "none", seconds
            )
            if self.log_requests:
                log.info(
                    "%s %s %s %.1f ms",
                    request.method,
                    route,
                    response.status_code,
                    seconds * 1000,
                    extra={
                        "method": request.method,
                        "route": route,
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                    },
                )
        finally:
            unbind(token)
        response["X-Request-ID"] = request_id
        return response
