"""Serving the built front end: three single-page apps, one per kind of user.

The root host serves the group dashboard; a tenant host serves the admin console under
/console and the member portal everywhere else. Assets come from /static/ (whitenoise);
the service worker and manifest are served at the root so the worker's scope is "/".
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def dist_dir() -> Path:
    return Path(settings.REPO_ROOT) / "frontend" / "dist"


def _missing_build() -> HttpResponse:
    message = _("The web front end has not been built yet. Run `make run` (or `make frontend`).")
    return HttpResponse(f"<!doctype html><meta charset=utf-8><title>PartyCloud</title><p>{message}</p>", status=503)


def _entry(name: str) -> HttpResponse:
    path = dist_dir() / name
    if not path.is_file():
        return _missing_build()
    response = HttpResponse(path.read_bytes(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
def group_app(request: HttpRequest, path: str = "") -> HttpResponse:
    return _entry("group.html")


@never_cache
def console_app(request: HttpRequest, path: str = "") -> HttpResponse:
    return _entry("console.html")


@never_cache
def portal_app(request: HttpRequest, path: str = "") -> HttpResponse:
    return _entry("portal.html")


def _root_file(name: str, content_type: str) -> HttpResponse | FileResponse:
    path = dist_dir() / name
    if not path.is_file():
        return HttpResponse(status=404)
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "no-cache"
    if name == "sw.js":
        response["Service-Worker-Allowed"] = "/"
    return response


def service_worker(request: HttpRequest) -> HttpResponse | FileResponse:
    return _root_file("sw.js", "text/javascript")


def manifest(request: HttpRequest) -> HttpResponse | FileResponse:
    return _root_file("manifest.webmanifest", "application/manifest+json")
