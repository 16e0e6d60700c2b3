"""Content-Security-Policy for the HTML the platform serves (the three apps, refusal pages).

The apps (``core.spa``, built by Vite) load only same-origin scripts (no inline script: the
built entry pages hold none), so ``script-src 'self'`` holds. Element Plus and Vant set
inline styles, hence ``style-src 'unsafe-inline'`` (styles cannot run code). Browsers talk to
the object store directly (presigned uploads and downloads: ``S3_PUBLIC_ENDPOINT``) and play
live lessons from the HLS server (``LIVE_HLS_BASE_URL``; hls.js runs a blob: worker): those
origins are added where they are used. Nothing may frame the apps.

The header is built once per process from the ``CSP_*`` settings; each HTML response costs a
header assignment. The API docs pages (Swagger UI, Redoc) load their bundles from a CDN with an
inline bootstrap: they get a policy of their own (``CSP_DOCS_PATHS``). A view that sets its own
``Content-Security-Policy`` keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def origin(url: str) -> str:
    """``https://s3.example.com:9000/bucket`` -> ``https://s3.example.com:9000``; "" if not a URL."""
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return ""
    return f"{parsed.scheme}://{parsed.netloc.rpartition('@')[2]}"


def _join(directives: dict[str, Iterable[str]]) -> str:
    parts = []
    for name, sources in directives.items():
        unique = list(dict.fromkeys(source for source in sources if source))
        parts.append(f"{name} {' '.join(unique)}" if unique else name)
    return "; ".join(parts)


def app_policy() -> str:
    """The policy of the three apps, from the settings."""
    storage = origin(settings.S3_PUBLIC_ENDPOINT)
    hls = origin(settings.LIVE_HLS_BASE_URL)
    # 'self' covers same-host ws:/wss: in CSP 3 browsers; older ones (Safari before 15.4) need them named.
    socket = "wss" if settings.SITE_SCHEME == "https" else "ws"
    sockets = [f"{socket}://{settings.BASE_DOMAIN}:*", f"{socket}://*.{settings.BASE_DOMAIN}:*"]
    directives: dict[str, Iterable[str]] = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *settings.CSP_SCRIPT_SRC],
        "style-src": ["'self'", "'unsafe-inline'", *settings.CSP_STYLE_SRC],
        "img-src": ["'self'", "data:", "blob:", storage, hls, *settings.CSP_IMG_SRC],
        "media-src": ["'self'", "data:", "blob:", storage, hls, *settings.CSP_MEDIA_SRC],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *sockets, storage, hls, *settings.CSP_CONNECT_SRC],
        "worker-src": ["'self'", "blob:"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    if settings.CSP_REPORT_URI:
        directives["report-uri"] = [settings.CSP_REPORT_URI]
    return _join(directives)


def docs_policy() -> str:
    """Swagger UI and Redoc: their CDN bundles and inline bootstrap, nothing else."""
    dist = settings.SPECTACULAR_SETTINGS.get("SWAGGER_UI_DIST", "")
    cdn = [(origin(dist) if isinstance(dist, str) else "") or "https://cdn.jsdelivr.net"]
    return _join(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'", "'unsafe-inline'", *cdn],
            "style-src": ["'self'", "'unsafe-inline'", *cdn, "https://fonts.googleapis.com"],
            "font-src": ["'self'", "data:", "https://fonts.gstatic.com"],
            "img-src": ["'self'", "data:", *cdn],
            "worker-src": ["'self'", "blob:"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "frame-ancestors": ["'none'"],
        }
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.enabled = settings.CSP_ENABLED
        self.header = "Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy"
        self.app = app_policy()
        self.docs = docs_policy()
        self.docs_paths = tuple(settings.CSP_DOCS_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            self.enabled
            and response.get("Content-Type", "").startswith("text/html")
            and "Content-Security-Policy" not in response
            and self.header not in response
        ):
            response[self.header] = self.docs if request.path.startswith(self.docs_paths) else self.app
        return response
