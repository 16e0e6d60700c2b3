"""Production settings: everything secret comes from the environment; `check --deploy` is clean."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from partycloud.observability.logs import logging_config
from partycloud.settings.base import *  # noqa: F403
from partycloud.settings.base import LOG_LEVEL, SECRET_KEY
from partycloud.settings.env import env_bool, env_choice, env_int, env_str

DEBUG = False
if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random value of at least 50 characters.")

if not env_str("FIELD_ENCRYPTION_KEYS", ""):
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS: ID-card numbers are encrypted with it (back it up).")

# Pause points are for the fault tests only (services.tasks.pause).
TASK_PAUSE_AT = ""

SITE_SCHEME = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Health probes, Prometheus and the media server's callbacks (tenants.live.hooks) come from the cluster over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$", r"^api/v1/live/hooks/"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = [f"https://{env_str('BASE_DOMAIN')}", f"https://*.{env_str('BASE_DOMAIN')}"]
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Push services contact this address about our traffic: a real one, once push is on.
if env_str("VAPID_PRIVATE_KEY", "") and not env_str("VAPID_SUBJECT", "").startswith(("mailto:", "https:")):
    raise ImproperlyConfigured("Set VAPID_SUBJECT (mailto:… or https://…): push services contact it about our traffic.")

# One JSON object a line for the log collector (LOG_FORMAT=text to read them in a terminal).
LOG_FORMAT = env_choice("LOG_FORMAT", "json", ("json", "text"))
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
