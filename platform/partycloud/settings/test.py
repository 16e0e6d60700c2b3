"""Settings for pytest: real PostgreSQL and Redis (never SQLite), fast hashing.

Values are set directly rather than through the environment: the package's
``__init__`` has already evaluated ``base`` by the time this module runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from partycloud.settings.base import *  # noqa: F403
from partycloud.settings.base import CACHES, DATABASES, REST_FRAMEWORK

DEBUG = False
BASE_DOMAIN = "partycloud.test"
PUBLIC_EXTRA_HOSTS = ["testserver", "127.0.0.1"]
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *PUBLIC_EXTRA_HOSTS, "localhost", ".localhost"]
TENANT_WARM_POOL_SIZE = 0
# A ServiceError whose code no app declares (errors.py) fails the test instead of logging.
STRICT_ERROR_CODES = True
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="partycloud-media-"))
STORAGE_ROOT = Path(tempfile.mkdtemp(prefix="partycloud-objects-"))
# In-process tests open connections on asyncio's executor threads too: not persistent there. The
# live server (tests/live.py) runs the production layout and passes DATABASE_CONN_MAX_AGE.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "0"))
TENANT_LOOKUP_CACHE_SECONDS = 0  # tests change tenant status and expect the next request to see it

# pytest-xdist workers (and concurrent runs told apart by TEST_RUN_ID) share one Redis: each gets
# its own key space.
_WORKER_PREFIX = f"test-{os.environ.get('TEST_RUN_ID', '')}{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
# Elasticsearch indices (when ELASTICSEARCH_URL is set) and S3 buckets: one set per worker.
SEARCH_INDEX_PREFIX = f"pc{_WORKER_PREFIX}-"
S3_BUCKET_PREFIX = f"pc{_WORKER_PREFIX}"
CACHES = {
    "default": {**CACHES["default"], "KEY_PREFIX": _WORKER_PREFIX},
    "global": {**CACHES["global"], "KEY_PREFIX": f"{_WORKER_PREFIX}:global"},
}

THROTTLE_KEY_PREFIX = _WORKER_PREFIX

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")],
            "prefix": f"{_WORKER_PREFIX}:ws",
        },
    }
}

# Argon2 stays the hasher, with the cheapest parameters (see accounts.hashers).
PASSWORD_HASHERS = ["partycloud.accounts.hashers.FastArgon2PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min", "login": "10000/min"},
}
LANGUAGE_CODE = "zh-hans"
METRICS_TOKEN = "test-metrics-token"
WHITENOISE_AUTOREFRESH = True

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Push is configured in tests: the push-service stand-in (tests/push_service.py) checks the signature.
VAPID_PRIVATE_KEY = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
VAPID_SUBJECT = "mailto:ops@partycloud.test"
WEB_PUSH_SERVICE_HOSTS = ["fcm.googleapis.com", "127.0.0.1"]
