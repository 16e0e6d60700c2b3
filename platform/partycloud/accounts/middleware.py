"""Idle session timeout: a web session ends after ``SESSION_IDLE_TIMEOUT_MINUTES`` without requests.

The session keeps the time of the last request it saw, rounded down to the minute-ish mark
``SESSION_IDLE_MARK_SECONDS``: the mark is rewritten only when it is older than that, so a page
that calls the API ten times a second writes the session once a minute, not ten times a second.
Token (JWT) requests carry no session cookie and pass through without touching the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from partycloud.accounts.errors import AccountsCode

LAST_SEEN_KEY = "_pc_last_seen"
# Reached with an expired session, these still work: they are how one signs in again.
_OPEN_PATHS = ("/api/v1/auth/",)


def idle_deadline(session: Any) -> float | None:
    """When this signed-in session idles out (epoch seconds), if it does (a timeout is set and the
    session carries the mark). WebSockets opened by the session close then (``partycloud.tenancy.realtime``)."""
    timeout = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
    last_seen = session.get(LAST_SEEN_KEY)
    if not timeout or SESSION_KEY not in session or not isinstance(last_seen, int):
        return None
    return float(last_seen + timeout)


def idled_out(session: Any, now: float | None = None) -> bool:
    deadline = idle_deadline(session)
    return deadline is not None and (int(time.time()) if now is None else now) > deadline


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
        session = getattr(request, "session", None)
        # No cookie, no session to load: token and anonymous requests cost nothing here.
        if not timeout or session is None or session.session_key is None:
            return self._marked(request, self.get_response(request))
        if idled_out(session):
            session.flush()
            request.user = AnonymousUser()
            if request.path.startswith("/api/") and not request.path.startswith(_OPEN_PATHS):
                return expired_response(settings.SESSION_IDLE_TIMEOUT_MINUTES)
        return self._marked(request, self.get_response(request))

    @staticmethod
    def _marked(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """After the view (which may have signed someone in or out): refresh a stale mark."""
        session = getattr(request, "session", None)
        if session is None or (session.session_key is None and not session.modified):
            return response
        if SESSION_KEY not in session:
            return response
        now = int(time.time())
        last_seen = session.get(LAST_SEEN_KEY)
        if not isinstance(last_seen, int) or now - last_seen >= settings.SESSION_IDLE_MARK_SECONDS:
            session[LAST_SEEN_KEY] = now  # SessionMiddleware (outside this one) saves it on the way out
        return response


def expired_response(minutes: int) -> JsonResponse:
    response = JsonResponse(
        {
            "code": str(AccountsCode.SESSION_EXPIRED),
            "message": _("Signed out after %(minutes)d minutes without activity; sign in again.")
            % {"minutes": minutes},
            "field": None,
        },
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
