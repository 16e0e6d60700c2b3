"""ASGI entry point (uvicorn): HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

# Django must be set up before the consumers import models.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from services.realtime.middleware import TenantAuthMiddleware  # noqa: E402
from services.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": TenantAuthMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
