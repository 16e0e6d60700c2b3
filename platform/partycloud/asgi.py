"""ASGI entry point (uvicorn): HTTP through Django, WebSockets through Channels.

HTTP runs through Django's WSGI handler on a pool of ``WEB_THREADS`` threads per process
(``partycloud.core.wsgi_threads``, ADR 0016); ``WEB_THREADS=0`` uses Django's ASGI handler
instead. The WebSocket routes are assembled here: each consumer belongs to its domain app,
behind the kernel's tenant-aware middleware (``scope["tenant"]``, ``scope["user"]``).
"""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

# Django must be set up before the consumers import models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.urls import path  # noqa: E402

from partycloud.core.wsgi_threads import WSGIThreads  # noqa: E402
from partycloud.tenancy.realtime import TenantAuthMiddleware  # noqa: E402
from tenants.live.consumers import LiveChatConsumer  # noqa: E402
from tenants.notifications.consumers import NotificationConsumer  # noqa: E402

websocket_urlpatterns = [
    path("ws/notifications", NotificationConsumer.as_asgi()),
    path("ws/live/<str:scope>/<int:id>", LiveChatConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": WSGIThreads(WSGIHandler(), settings.WEB_THREADS) if settings.WEB_THREADS else django_application,
        "websocket": TenantAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
