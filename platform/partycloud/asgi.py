"""ASGI entry point (uvicorn): HTTP through Django, WebSockets through Channels.

The WebSocket routes are assembled here: each consumer belongs to its domain app, behind the
kernel's tenant-aware middleware (``scope["tenant"]``, ``scope["user"]``).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

# Django must be set up before the consumers import models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from partycloud.tenancy.realtime import TenantAuthMiddleware  # noqa: E402
from tenants.live.consumers import LiveChatConsumer  # noqa: E402
from tenants.notifications.consumers import NotificationConsumer  # noqa: E402

websocket_urlpatterns = [
    path("ws/notifications", NotificationConsumer.as_asgi()),
    path("ws/live/<str:scope>/<int:id>", LiveChatConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": TenantAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
