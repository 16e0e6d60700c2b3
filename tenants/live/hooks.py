"""The media server's callbacks: nginx-rtmp (``on_publish`` / ``on_publish_done``, form posts) and
SRS (``http_hooks``, JSON posts), on the ROOT host (nginx-rtmp cannot set a Host header).

The stream key is ``<schema_name>.<secret>`` (``public.<secret>`` for a group lesson): the view
switches into that schema and asks the live services. ``LIVE_HOOK_SECRET``, when set, must come
as ``?secret=`` on the hook URL.

**Playback name.** The key is a secret, so nothing the viewers see is named after it: at its first
publish a key gets a random playback name ``<schema>-<lesson id>-<12 hex>``
(``StreamKey.playback_name``) and the media server carries on under that name.

- nginx-rtmp: ``on_publish`` answers ``302`` with ``Location: <playback name>`` (a name, not a
  URL: the module renames the stream). The recording and the relay (``push``) take the new
  name; the HLS module runs before the rename, so the ingest relays the stream to a second
  application (``hls``, scripts/liveingest.py) that cuts HLS under the playback name. That
  application's ``on_publish`` comes here with ``app=hls`` and the playback name: allowed only
  while that key publishes. ``on_publish_done`` brings the original key (verified with
  Debian's module 1.2.2); a playback name is handled too.
- SRS posts ``{"action", "app", "stream", "param", "client_id", "ip", ...}`` and reads an int
  body, ``0`` = allow. It cannot rename a stream: its dynamic forward (``forward { backend
  ...; }``, action ``on_forward``) asks us where to forward, and we answer the playback name
  under ``LIVE_FORWARD_RTMP_URL`` (the vhost that cuts HLS and records, helm/partycloud).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from partycloud.core.errors import ServiceError
from partycloud.tenancy.models import PartyCommittee
from tenants.live.models import Lesson, StreamKey
from tenants.live.services import do_end_publishing, do_start_publishing, do_stop_publishing, hash_key, schema_of_key

log = logging.getLogger(__name__)

# The application the ingest relays a renamed stream to (scripts/liveingest.py HLS_APPLICATION).
HLS_APPLICATION = "hls"
PLAYBACK_NAME = re.compile(r"^(?P<schema>[a-z_][a-z0-9_]{0,62})-(?P<lesson>[0-9]{1,12})-[0-9a-f]{12}$")


def new_playback_name(schema: str, lesson_id: int) -> str:
    return f"{schema}-{lesson_id}-{secrets.token_hex(6)}"


def schema_of_playback_name(name: str) -> str:
    found = PLAYBACK_NAME.match(name)
    return found["schema"] if found else ""


@dataclass(frozen=True)
class HookCall:
    """One callback, whatever the media server: what it asks about which stream."""

    action: str  # publish | publish_done | forward
    app: str
    name: str  # the stream key, or a playback name (the relayed application)
    addr: str


def _secret_ok(request: HttpRequest) -> bool:
    expected = settings.LIVE_HOOK_SECRET
    if not expected:
        return True
    return hmac.compare_digest(str(request.GET.get("secret", "")).encode(), expected.encode())


def _tenant_of_schema(schema: str) -> PartyCommittee | None:
    """The active subsidiary with this schema, or the group root for ``public`` (group lessons)."""
    if not schema:
        return None
    if schema == "public":  # a group lesson's key: the group root committee (the public schema)
        return PartyCommittee.objects.filter(schema_name="public").first()
    return PartyCommittee.objects.active().filter(schema_name=schema).first()


def _is_json(request: HttpRequest) -> bool:
    return request.content_type == "application/json"


SRS_ACTIONS = {"on_publish": "publish", "on_unpublish": "publish_done", "on_forward": "forward"}


def _call_of(request: HttpRequest, action: str) -> HookCall | None:
    if not _is_json(request):
        return HookCall(
            action=action,
            app=str(request.POST.get("app", "")),
            name=str(request.POST.get("name", "")),
            addr=str(request.POST.get("addr", "")),
        )
    try:
        body: Any = json.loads(request.body or b"{}")
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("action") not in SRS_ACTIONS:
        return None
    return HookCall(
        action=SRS_ACTIONS[str(body["action"])],
        app=str(body.get("app", "")),
        name=str(body.get("stream", "")),
        addr=str(body.get("ip", "")),
    )


def _answer(request: HttpRequest, allowed: bool, *, rename: str = "") -> HttpResponse:
    if _is_json(request):
        # SRS: HTTP 200 with an int body, 0 = go on; anything else (or an error status) refuses.
        return HttpResponse("0" if allowed else "1", status=200 if allowed else 403, content_type="text/plain")
    if allowed and rename:
        response = HttpResponse(status=302, content_type="text/plain")
        response["Location"] = rename  # nginx-rtmp: a bare name renames the stream
        return response
    return HttpResponse("ok" if allowed else "refused", status=200 if allowed else 403, content_type="text/plain")


def _publishing_key(name: str) -> StreamKey | None:
    """The key publishing under playback name ``name`` (active schema)."""
    return StreamKey.objects.filter(playback_name=name, publishing=True, revoked_at__isnull=True).first()


def _start(call: HookCall) -> str | None:
    """Let the encoder in: the playback name it goes on under, or None to refuse."""
    tenant = _tenant_of_schema(schema_of_key(call.name))
    if tenant is None:
        return None
    with tenant:
        try:
            lesson = do_start_publishing(call.name, call.addr)
        except ServiceError as refused:
            log.info("live: refused a publisher from %s in %s: %s", call.addr, tenant.schema_name, refused.code)
            return None
        name = assign_playback_name(call.name, lesson, tenant.schema_name)
    log.info("live: lesson %s in %s is live as %s (publisher %s)", lesson.pk, tenant.schema_name, name, call.addr)
    return name


def assign_playback_name(key: str, lesson: Lesson, schema: str) -> str:
    """The key's playback name, made at its first publish (a new key, a new name)."""
    with transaction.atomic():
        stream_key = StreamKey.objects.select_for_update().get(key_hash=hash_key(key))
        if not stream_key.playback_name:
            stream_key.playback_name = new_playback_name(schema, lesson.pk)
            stream_key.save(update_fields=["playback_name"])
    return stream_key.playback_name


def _relay_allowed(name: str) -> bool:
    """The relayed (renamed) stream may publish while its key does."""
    tenant = _tenant_of_schema(schema_of_playback_name(name))
    if tenant is None:
        return False
    with tenant:
        return _publishing_key(name) is not None


def _stop(call: HookCall) -> bool:
    if call.app == HLS_APPLICATION:
        return True  # the relay ends with its source; the source's own call ends the lesson
    if schema_of_key(call.name):
        tenant = _tenant_of_schema(schema_of_key(call.name))
        if tenant is None:
            return False
        with tenant:
            do_stop_publishing(call.name, call.addr)
        return True
    tenant = _tenant_of_schema(schema_of_playback_name(call.name))
    if tenant is None:
        return False
    with tenant:
        stream_key = _publishing_key(call.name)
        if stream_key is not None:
            do_end_publishing(stream_key.lesson_id)
    return True


def _forward_urls(call: HookCall) -> list[str]:
    """SRS dynamic forward: the stream goes on under its playback name, to the HLS vhost."""
    if call.app == HLS_APPLICATION:
        return []
    tenant = _tenant_of_schema(schema_of_key(call.name))
    if tenant is None:
        return []
    with tenant:
        stream_key = StreamKey.objects.filter(key_hash=hash_key(call.name), publishing=True).first()
        name = stream_key.playback_name if stream_key is not None else ""
    if not name:
        return []
    target = settings.LIVE_FORWARD_RTMP_URL
    # "{name}" places the name (e.g. before SRS's ?vhost=); otherwise it is appended.
    return [target.replace("{name}", name) if "{name}" in target else f"{target.rstrip('/')}/{name}"]


def _dispatch(request: HttpRequest, action: str) -> HttpResponse:
    call = _call_of(request, action) if _secret_ok(request) else None
    if call is None:
        return _answer(request, False)
    if call.action == "forward":
        return JsonResponse({"code": 0, "data": {"urls": _forward_urls(call)}})
    if call.action == "publish_done":
        return _answer(request, _stop(call))
    if call.app == HLS_APPLICATION:
        return _answer(request, _relay_allowed(call.name))
    name = _start(call)
    return _answer(request, name is not None, rename=name or "")


@csrf_exempt
@require_POST
def on_publish(request: HttpRequest) -> HttpResponse:
    """An encoder starts publishing: nginx-rtmp gets 302 to the playback name (or 403); SRS gets
    ``0`` (or a refusal). SRS posts every action of ``http_hooks`` here or to on-publish-done:
    the JSON ``action`` decides."""
    return _dispatch(request, "publish")


@csrf_exempt
@require_POST
def on_publish_done(request: HttpRequest) -> HttpResponse:
    """The encoder stopped: the lesson has ended (the media server ignores the answer)."""
    return _dispatch(request, "publish_done")
