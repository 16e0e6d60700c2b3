"""ASGI entry point (uvicorn). WebSocket routing joins with the real-time channel."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

application = get_asgi_application()
