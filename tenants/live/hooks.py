"""The media server's callbacks (nginx-rtmp ``on_publish`` / ``on_publish_done``, SRS alike).

They arrive on the ROOT host (nginx-rtmp cannot set a Host header) as form posts whose ``name``
is the stream key ``<schema_name>.<secret>``: the view switches into that tenant's schema and
asks the live services. The media server reads only the status: 2xx lets the encoder in, 403
refuses it. ``LIVE_HOOK_SECRET``, when set, must come as ``?secret=`` on the hook URL.
"""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from partycloud.core.errors import ServiceError
from partycloud.tenancy.models import PartyCommittee
from tenants.live.services import do_start_publishing, do_stop_publishing, schema_of_key

log = logging.getLogger(__name__)


def _secret_ok(request: HttpRequest) -> bool:
    expected = settings.LIVE_HOOK_SECRET
    if not expected:
        return True
    return hmac.compare_digest(str(request.GET.get("secret", "")).encode(), expected.encode())


def _tenant_of(key: str) -> PartyCommittee | None:
    schema = schema_of_key(key)
    if not schema:
        return None
    if schema == "public":  # a group lesson's key: the group root committee (the public schema)
        return PartyCommittee.objects.filter(schema_name="public").first()
    return PartyCommittee.objects.active().filter(schema_name=schema).first()


def _answer(status: int) -> HttpResponse:
    return HttpResponse("ok" if status == 200 else "refused", status=status, content_type="text/plain")


def _publisher(request: HttpRequest) -> tuple[PartyCommittee, str, str] | None:
    """The tenant, stream key and address of a hook call, or None to refuse it (secret, key's tenant)."""
    if not _secret_ok(request):
        return None
    key, addr = str(request.POST.get("name", "")), str(request.POST.get("addr", ""))
    tenant = _tenant_of(key)
    return None if tenant is None else (tenant, key, addr)


@csrf_exempt
@require_POST
def on_publish(request: HttpRequest) -> HttpResponse:
    """An encoder starts publishing: 200 lets it in, 403 refuses it."""
    found = _publisher(request)
    if found is None:
        return _answer(403)
    tenant, key, addr = found
    with tenant:
        try:
            lesson = do_start_publishing(key, addr)
        except ServiceError as refused:
            log.info("live: refused a publisher from %s in %s: %s", addr, tenant.schema_name, refused.code)
            return _answer(403)
    log.info("live: lesson %s in %s is live (publisher %s)", lesson.pk, tenant.schema_name, addr)
    return _answer(200)


@csrf_exempt
@require_POST
def on_publish_done(request: HttpRequest) -> HttpResponse:
    """The encoder stopped: the lesson has ended (the media server ignores the answer)."""
    found = _publisher(request)
    if found is None:
        return _answer(403)
    tenant, key, addr = found
    with tenant:
        do_stop_publishing(key, addr)
    return _answer(200)
