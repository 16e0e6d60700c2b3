"""Host-based routing with clear answers for unknown, suspended and archived tenants."""

from __future__ import annotations

import copy
import sys
import time
from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error
from django_tenants.middleware.main import TenantMainMiddleware

from partycloud.core.health import healthz, readyz
from partycloud.core.outages import unavailable_body
from partycloud.observability.metrics import metrics_view
from partycloud.tenancy.context import use_public_schema
from partycloud.tenancy.errors import TenancyCode
from partycloud.tenancy.models import CommitteeKind, CommitteeStatus

# Probes and Prometheus reach pods by IP, with no tenant host name.
HOST_INDEPENDENT_PATHS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics_view,
}


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def refusal(request: HttpRequest, *, status: int, code: str, title: str, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"code": code, "message": message, "field": None}, status=status)
    # Rendered without the request: this can run before authentication middleware.
    return HttpResponse(render_to_string("tenancy/refusal.html", {"title": title, "message": message}), status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500`` of both URL confs: an unhandled exception anywhere, middleware included.

    The database or the object store not answering is an outage, not a bug: a 503 with the code
    (JSON for the API, the refusal page otherwise; partycloud.core.outages). Anything else is
    Django's plain 500 page. Django calls this inside its ``except`` block, so the exception is
    the one being handled (asgiref re-raises it in the thread that renders the answer).
    """
    error = sys.exception()
    outage = unavailable_body(error) if error is not None else None
    if outage is None:
        response: HttpResponse = django_server_error(request)
        return response if isinstance(response, HttpResponse) else HttpResponseServerError()
    body, headers = outage
    response = refusal(
        request, status=503, code=body["code"], title=_("Temporarily unavailable"), message=body["message"]
    )
    for name, value in headers.items():
        response[name] = value
    return response


class TenantRoutingMiddleware(TenantMainMiddleware):
    """django-tenants' routing, plus host-independent probes and a readable unknown-host answer.

    Host lookups are cached in the process for ``TENANT_LOOKUP_CACHE_SECONDS`` (a status change
    takes at most that long to reach every process); unknown hosts are never cached.
    """

    _lookups: ClassVar[dict[str, tuple[float, Any]]] = {}

    def get_tenant(self, domain_model: Any, hostname: str) -> Any:
        ttl = settings.TENANT_LOOKUP_CACHE_SECONDS
        now = time.monotonic()
        cached = self._lookups.get(hostname)
        if cached is not None and now - cached[0] < ttl:
            return copy.copy(cached[1])
        tenant = super().get_tenant(domain_model, hostname)
        if ttl > 0:
            if len(self._lookups) > 10_000:
                self._lookups.clear()
            self._lookups[hostname] = (now, tenant)
        return copy.copy(tenant)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        probe = HOST_INDEPENDENT_PATHS.get(request.path)
        if probe is not None:
            # Answered here, before ALLOWED_HOSTS and tenant routing: probes use the pod's IP.
            use_public_schema()
            return probe(request)
        return super().process_request(request)

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        return refusal(
            request,
            status=404,
            code=TenancyCode.UNKNOWN_HOST,
            title=_("Party committee not found"),
            message=_("No party committee uses the address %(host)s.") % {"host": hostname},
        )


class TenantStatusMiddleware:
    """A suspended tenant answers 403, an archived one 410; data stays untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if tenant is not None and request.path not in HOST_INDEPENDENT_PATHS:
            if tenant.kind == CommitteeKind.TEMPLATE:
                return refusal(
                    request,
                    status=404,
                    code=TenancyCode.UNKNOWN_HOST,
                    title=_("Party committee not found"),
                    message=_("No party committee uses this address."),
                )
            if tenant.status == CommitteeStatus.SUSPENDED:
                return refusal(
                    request,
                    status=403,
                    code=TenancyCode.SUSPENDED,
                    title=_("Service suspended"),
                    message=_("%(name)s is suspended. Please contact the group party committee.")
                    % {"name": tenant.title},
                )
            if tenant.status == CommitteeStatus.ARCHIVED:
                return refusal(
                    request,
                    status=410,
                    code=TenancyCode.ARCHIVED,
                    title=_("Archived"),
                    message=_("%(name)s has been archived; its records are kept by the group party committee.")
                    % {"name": tenant.title},
                )
        return self.get_response(request)
