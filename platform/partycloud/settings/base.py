"""Base settings: defaults for one machine, every value overridable from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from partycloud.observability.logs import logging_config
from partycloud.observability.sentry import init_sentry
from partycloud.settings.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
    redis_url,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
VAR_DIR = Path(env_str("PARTYCLOUD_VAR_DIR", str(REPO_ROOT / "var")))

DEBUG = env_bool("DJANGO_DEBUG", True)
# The development default is deliberately unusable in production (see production.py).
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")

# Hosts: the group root answers at BASE_DOMAIN, each tenant at <slug>.BASE_DOMAIN.
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost")
# Extra host names that route to the group root (e.g. 127.0.0.1 in development).
PUBLIC_EXTRA_HOSTS = env_list("PUBLIC_EXTRA_HOSTS", ["127.0.0.1"])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [BASE_DOMAIN, f".{BASE_DOMAIN}", *PUBLIC_EXTRA_HOSTS])
SITE_SCHEME = env_str("SITE_SCHEME", "http")
SITE_PORT = env_int("SITE_PORT", 8000, minimum=0)

# ---------------------------------------------------------------- applications
SHARED_APPS = [
    "django_tenants",
    "partycloud.tenancy",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "django_filters",
    "partycloud.core",
    "partycloud.accounts",
    "partycloud.audit",
    "partycloud.hub",
    # Public-schema tables: the shared search documents; the group's own uploads and library.
    "partycloud.search",
    "partycloud.uploads",
    "tenants.learning",
    # The group's own live lessons (group-wide, watched from every subsidiary) are public rows.
    "tenants.live",
    # The group's own posts, group-wide boards and announcements are public rows.
    "tenants.exchange",
    "tenants.supervision",
    "partycloud.rollups",
    "partycloud.statistics",
    # Per-tenant backup and restore (manage.py backup_tenant / restore_tenant); no tables.
    "partycloud.backup",
    # The group's task-book templates (delivered into tenants.assessment).
    "partycloud.taskbooks",
    # On the wiring floor: the demo seeder (``manage.py seed_demo``) fills every other app.
    "partycloud.demo",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    # Also per tenant: the column mappings each tenant chose for its imports (core.sheetmapping).
    "partycloud.core",
    "tenants.access",
    "tenants.notifications",
    "tenants.organizations",
    "tenants.members",
    "tenants.transfers",
    "tenants.dues",
    "tenants.development",
    "tenants.workbench",
    "partycloud.uploads",
    "tenants.learning",
    "tenants.live",
    "tenants.meetings",
    "tenants.assessment",
    "tenants.points",
    "tenants.exchange",
    "tenants.supervision",
    # Last: its triggers watch the tables of the apps above.
    "tenants.outbox",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.PartyCommittee"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "partycloud.urls_public"
ROOT_URLCONF = "partycloud.urls_tenant"
# New tenants are cloned from this schema (kept current by migrate_schemas), not migrated from zero.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("TENANT_MULTIPROCESSING_MAX_PROCESSES", 2, minimum=1)
TENANT_MULTIPROCESSING_CHUNKS = env_int("TENANT_MULTIPROCESSING_CHUNKS", 2, minimum=1)
# How long a process may reuse a host -> tenant lookup (status changes propagate within it).
TENANT_LOOKUP_CACHE_SECONDS = env_int("TENANT_LOOKUP_CACHE_SECONDS", 10, minimum=0)
# Spare schemas cloned ahead of time and renamed on demand (0 disables the pool).
TENANT_WARM_POOL_SIZE = env_int("TENANT_WARM_POOL_SIZE", 2, minimum=0)

MIDDLEWARE = [
    # First: the request id, log context and metrics cover everything below, refusals included.
    "partycloud.observability.middleware.RequestObservabilityMiddleware",
    "partycloud.core.csp.ContentSecurityPolicyMiddleware",
    "partycloud.tenancy.middleware.TenantRoutingMiddleware",
    "partycloud.audit.services.AuditRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partycloud.accounts.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "partycloud.tenancy.middleware.TenantStatusMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_ROOT / "platform" / "partycloud" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "partycloud.wsgi.application"
ASGI_APPLICATION = "partycloud.asgi.application"

# ---------------------------------------------------------------- data stores
DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/partycloud")
DATABASES = {
    "default": {
        **database_from_url(DATABASE_URL, engine="django_tenants.postgresql_backend"),
        # Persistent: HTTP runs on a fixed pool of threads per process (partycloud.core.wsgi_threads),
        # one connection each, checked before reuse. Under Django's ASGI handler (WEB_THREADS=0)
        # they would pile up per thread: set DATABASE_CONN_MAX_AGE=0 there. See ADR 0016.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
    }
}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "pc")
# A stopped Redis refuses at once; a hung one must not hold a request longer than this.
REDIS_CONNECT_TIMEOUT_SECONDS = env_int("REDIS_CONNECT_TIMEOUT_SECONDS", 1, minimum=1)
REDIS_SOCKET_TIMEOUT_SECONDS = env_int("REDIS_SOCKET_TIMEOUT_SECONDS", 2, minimum=1)
_REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
}
# Both caches degrade while Redis is down (partycloud.core.cache): misses, skipped writes, a warning.
CACHES = {
    # Tenant data: every key carries the schema through django-tenants' key function.
    "default": {
        "BACKEND": "partycloud.core.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "OPTIONS": _REDIS_CACHE_OPTIONS,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    # Identity-level data that must not vary by host (login lockout): keys say "global".
    "global": {
        "BACKEND": "partycloud.core.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:global",
        "OPTIONS": _REDIS_CACHE_OPTIONS,
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# WebSockets: one Redis PUBLISH per message, fan-out inside each process. Group names
# carry the tenant (t.<schema>.<kind>.<id>); the prefix separates deployments.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{CACHE_KEY_PREFIX}:ws"},
    }
}

# ---------------------------------------------------------------- identity
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["partycloud.accounts.backends.PhoneOrCardBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("phone", "name", "email", "employee_card_number")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "partycloud.accounts.validators.LettersAndDigitsValidator"},
]
# Personal data encryption (core.crypto). Development derives a key from SECRET_KEY;
# production refuses to start without FIELD_ENCRYPTION_KEYS (see production.py).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    from partycloud.core.crypto import development_key

    FIELD_ENCRYPTION_KEYS = [development_key(SECRET_KEY)]

LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 30, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7, minimum=1)),
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": True,
}

# ---------------------------------------------------------------- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "partycloud.core.api.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "partycloud.core.api.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "partycloud.core.throttling.AnonThrottle",
        "partycloud.core.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
        "user": env_str("API_THROTTLE_USER", "1200/min"),
        "login": env_str("API_THROTTLE_LOGIN", "30/min"),
    },
    "EXCEPTION_HANDLER": "partycloud.core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # ?format= belongs to the endpoints (e.g. ?format=xlsx downloads), not to content negotiation.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PartyCloud API (党建云)",
    "DESCRIPTION": "REST API of PartyCloud. The group root answers on BASE_DOMAIN, each "
    "subsidiary party committee on <slug>.BASE_DOMAIN. Errors: {code, message, field}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every 4xx/5xx body (see core.api.exception_handler).
    "APPEND_COMPONENTS": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["code", "message", "field"],
                "properties": {
                    "code": {"type": "string", "example": "tenancy.slug_taken"},
                    "message": {"type": "string", "example": "该网址简称已被使用。"},
                    "field": {"type": "string", "nullable": True, "example": "slug"},
                    "errors": {
                        "type": "array",
                        "description": "validation: every problem; imports: every row and column",
                        "items": {"type": "object", "additionalProperties": True},
                    },
                },
            }
        }
    },
    # Error codes: one enum schema per app, Error.code one of them (partycloud.core.openapi).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partycloud.core.openapi.add_error_codes",
        "partycloud.core.openapi.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TenantRoleEnum": "partycloud.accounts.roles.TenantRole",
        "DuesCategoryEnum": "tenants.members.models.DuesCategory",
        "OrganizationKindEnum": "tenants.organizations.models.OrganizationKind",
        "ImportStatusEnum": "tenants.members.models.ImportStatus",
        "PocketStatusEnum": "partycloud.hub.models.PocketStatus",
        "PocketKindEnum": "partycloud.hub.models.PocketKind",
        "CommitteeStatusEnum": "partycloud.tenancy.models.CommitteeStatus",
        "ApplicationStatusEnum": "partycloud.tenancy.models.ApplicationStatus",
        "MemberStatusEnum": "tenants.members.models.MemberStatus",
        "ResourceKindEnum": "tenants.learning.models.ResourceKind",
        "ResourceStatusEnum": "tenants.learning.models.ResourceStatus",
        "MediaStatusEnum": "tenants.learning.models.MediaStatus",
        "ShowcaseStatusEnum": "tenants.learning.models.ShowcaseStatus",
        "QuestionKindEnum": "tenants.learning.models.QuestionKind",
        "ContentMarkingEnum": "tenants.learning.models.Marking",
        "UploadStatusEnum": "partycloud.uploads.models.UploadStatus",
        "NotificationKindEnum": "tenants.notifications.kinds.NotificationKind",
        "NotificationChannelEnum": "tenants.notifications.kinds.Channel",
        "DeliveryStatusEnum": "tenants.notifications.models.DeliveryStatus",
        "LessonStatusEnum": "tenants.live.models.LessonStatus",
        "PointKindEnum": "tenants.points.models.PointKind",
        "PointsAnomalyReasonEnum": "tenants.points.services.ANOMALY_REASON_CHOICES",
        # "tenant" | "group": the annual report's scope and a live lesson's share one enum.
        "TenantOrGroupScopeEnum": [("tenant", "tenant"), ("group", "group")],
        # Organizational life's compliance verdicts (tenant table, group matrix and drill-down).
        "ComplianceVerdictEnum": "tenants.meetings.compliance.VERDICT_CHOICES",
        # The live attendance verdict keeps its name beside it (the console imports VerdictEnum).
        "VerdictEnum": [("present", "present"), ("partly", "partly"), ("absent", "absent")],
        # Task books (tenants.assessment, partycloud.taskbooks).
        "TaskBookStatusEnum": "tenants.assessment.models.TaskBookStatus",
        "TaskBookProgressStatusEnum": "partycloud.taskbooks.api.PROGRESS_STATUSES",
        "TaskBookTemplateStatusEnum": "partycloud.taskbooks.models.TemplateStatus",
        "TaskBookScoringEnum": "tenants.assessment.models.ScoringRule",
        "EvidenceSourceEnum": "tenants.assessment.models.EvidenceSource",
        "IndicatorOriginEnum": "tenants.assessment.models.IndicatorOrigin",
        # The democratic evaluation's grades, round states and follow-ups (tenants.assessment).
        "EvaluationGradeEnum": "tenants.assessment.models.Grade",
        "EvaluationRoundStatusEnum": "tenants.assessment.models.RoundStatus",
        "EvaluationFollowUpEnum": "tenants.assessment.models.FollowUp",
        # Supervision (tenants.supervision): scopes (all four; a tenant's items: unit/subtree/tenant),
        # announcements, cadre publicity, a survey's or vote's life, a survey question's kind.
        "SupervisionScopeEnum": "tenants.supervision.models.Scope",
        "SupervisionTenantScopeEnum": "tenants.supervision.audience.TENANT_SCOPE_CHOICES",
        "PublicityStatusEnum": "tenants.supervision.models.PublicityStatus",
        "CampaignStatusEnum": "tenants.supervision.models.CampaignStatus",
        "SurveyQuestionKindEnum": "tenants.supervision.models.QuestionKind",
    },
}

# ---------------------------------------------------------------- tasks
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# ---------------------------------------------------------------- search outages (issue 14)
# Elasticsearch: a search waits this long, once, then answers 503 search.unavailable; a write
# (bulk, delete) this long per attempt, SEARCH_WRITE_ATTEMPTS attempts with backoff (0.5 s, 1 s,
# 2 s …), then it waits in the backlog (search.catch_up retries it every minute until the
# cluster answers).
SEARCH_TIMEOUT_SECONDS = env_int("SEARCH_TIMEOUT_SECONDS", 3, minimum=1)
SEARCH_WRITE_TIMEOUT_SECONDS = env_int("SEARCH_WRITE_TIMEOUT_SECONDS", 30, minimum=1)
SEARCH_WRITE_ATTEMPTS = env_int("SEARCH_WRITE_ATTEMPTS", 4, minimum=1)

# ---------------------------------------------------------------- dependency outages (docs/deploy.md)
# What the app does while Redis, PostgreSQL or the object store is down: "When a dependency fails".
# A cache that cannot reach Redis says so at most this often per process (partycloud.core.cache).
CACHE_OUTAGE_LOG_SECONDS = env_int("CACHE_OUTAGE_LOG_SECONDS", 30, minimum=0)
# The S3 client's limits: a stopped store is reported as storage.unavailable within seconds.
S3_CONNECT_TIMEOUT_SECONDS = env_int("S3_CONNECT_TIMEOUT_SECONDS", 2, minimum=1)
S3_READ_TIMEOUT_SECONDS = env_int("S3_READ_TIMEOUT_SECONDS", 60, minimum=1)
S3_RETRIES = env_int("S3_RETRIES", 2, minimum=0)
# Starting an upload or redirecting to a download first checks that the store answers; a
# success is trusted this long (0: check every time).
STORAGE_PROBE_SECONDS = env_int("STORAGE_PROBE_SECONDS", 5, minimum=0)
# Nobody reads task results (except tests that ask for them): sending a task must not need the
# result store, whose Redis client cannot recover from an outage ("the Celery application must
# be restarted") and made each send wait 20 s while Redis was down.
CELERY_TASK_IGNORE_RESULT = env_bool("CELERY_TASK_IGNORE_RESULT", True)
# How long clients are told to wait (Retry-After) when the database or the store is unavailable.
UNAVAILABLE_RETRY_AFTER_SECONDS = env_int("UNAVAILABLE_RETRY_AFTER_SECONDS", 5, minimum=1)

# ---------------------------------------------------------------- observability (partycloud.observability)
# Logs: one JSON object a line (production) or text (development); request id, tenant and user
# on every line (docs/deploy.md, "Observability").
LOG_FORMAT = env_choice("LOG_FORMAT", "text", ("json", "text"))
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# One line per request (method, URL pattern, status, duration): off by default, the ingress logs them too.
LOG_REQUESTS = env_bool("LOG_REQUESTS", False)
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset: /metrics is off (404).
# Several worker processes: set PROMETHEUS_MULTIPROC_DIR (an empty, writable directory).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# Per-tenant request counts: at most this many tenant labels per process (then "other").
METRICS_TENANT_LABELS_MAX = env_int("METRICS_TENANT_LABELS_MAX", 1000, minimum=1)
# The Celery queues whose lengths a scrape reports (Redis lists of the broker).
METRICS_CELERY_QUEUES = env_list("METRICS_CELERY_QUEUES", [env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")])
# Sentry (or GlitchTip): errors of requests, tasks and Redis calls; unset: nothing is sent.
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "")
SENTRY_RELEASE = env_str("SENTRY_RELEASE", "")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0, minimum=0.0, maximum=1.0)
init_sentry(
    SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    release=SENTRY_RELEASE,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)

# ---------------------------------------------------------------- content security policy (core.csp)
CSP_ENABLED = env_bool("CSP_ENABLED", True)
# Report violations without blocking (to try a stricter policy in production first).
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
CSP_REPORT_URI = env_str("CSP_REPORT_URI", "")
# Extra sources per directive (the object store and the HLS server are added by themselves).
CSP_SCRIPT_SRC = env_list("CSP_SCRIPT_SRC", [])
CSP_STYLE_SRC = env_list("CSP_STYLE_SRC", [])
CSP_IMG_SRC = env_list("CSP_IMG_SRC", [])
CSP_MEDIA_SRC = env_list("CSP_MEDIA_SRC", [])
CSP_CONNECT_SRC = env_list("CSP_CONNECT_SRC", [])
# Pages with a policy of their own: the API docs load Swagger UI / Redoc from a CDN.
CSP_DOCS_PATHS = env_list("CSP_DOCS_PATHS", ["/api/docs/", "/api/redoc/"])

# ---------------------------------------------------------------- request path (issue 14, ADR 0016)
# Web processes: uvicorn's --workers, from WEB_CONCURRENCY (scripts/run.py, the chart). Each serves
# HTTP through Django's WSGI handler on WEB_THREADS threads (0: Django's ASGI handler) and
# WebSockets through Channels.
WEB_THREADS = env_int("WEB_THREADS", 8, minimum=0)
# One `SET search_path` per request and connection (django-tenants re-arms it at every set_tenant
# and after a rollback), not one before every query.
TENANT_LIMIT_SET_CALLS = True
# Throttles (partycloud.core.throttling): how long a request waits for Redis before it is let
# through unthrottled, and how long Redis is then left alone.
THROTTLE_REDIS_TIMEOUT_SECONDS = env_float("THROTTLE_REDIS_TIMEOUT_SECONDS", 0.25, minimum=0.01)
THROTTLE_REDIS_BACKOFF_SECONDS = env_float("THROTTLE_REDIS_BACKOFF_SECONDS", 5.0, minimum=0.0)
THROTTLE_KEY_PREFIX = env_str("THROTTLE_KEY_PREFIX", CACHE_KEY_PREFIX)

# ---------------------------------------------------------------- tasks killed mid-way (docs/deploy.md "Workers that die mid-task")
# With Redis as the broker, a task a killed worker had taken (acks_late) goes back to the queue once
# it has been unacked for ``visibility_timeout`` seconds. A message with a countdown is unacked from
# its delivery, so the timeout must exceed the longest countdown (the per-tenant fan-out spreads over
# up to 3 h) plus the longest task (a transcode, up to 1 h): otherwise the message comes back while
# it waits or runs and the task runs twice. Production: 5 h. The fault tests use a few seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 5 * 3600, minimum=1),
    # How often each worker looks for such messages (kombu scans every interval × throttle).
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL_SECONDS", 30, minimum=1),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Test-only: the name of a pause point (services.tasks.pause) where a task waits until it is
# killed, and the file it writes first. Empty (production.py forces it): no pause.
TASK_PAUSE_AT = env_str("TASK_PAUSE_AT", "")
TASK_PAUSE_MARKER = env_str("TASK_PAUSE_MARKER", "")

# ---------------------------------------------------------------- two-factor sign-in and idle sessions (issue 14)
# Roles (group roles and tenant roles, held anywhere) whose holders must sign in with a TOTP code.
MFA_REQUIRED_ROLES = env_list(
    "MFA_REQUIRED_ROLES", ["group_admin", "group_viewer", "tenant_admin", "discipline_inspector"]
)
# The name authenticator apps show next to the account.
MFA_ISSUER = env_str("MFA_ISSUER", "党建云")
# How long the signed challenge between the password and the code (or the enrolment) lives.
MFA_CHALLENGE_SECONDS = env_int("MFA_CHALLENGE_SECONDS", 5 * 60, minimum=30)
MFA_RECOVERY_CODE_COUNT = env_int("MFA_RECOVERY_CODE_COUNT", 10, minimum=1)
# Web sessions end after this many minutes without a request (0: never). The last-seen mark is
# written at most once per SESSION_IDLE_MARK_SECONDS, so most requests do not write the session.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=0)
SESSION_IDLE_MARK_SECONDS = env_int("SESSION_IDLE_MARK_SECONDS", 60, minimum=1)

# ---------------------------------------------------------------- meeting sign-in (tenants.meetings.signin, docs/meetings.md)
# Attempts per caller at the QR and card sign-in endpoints: codes and card numbers are not to be guessed,
# and a host's card reader signs in a room of people in a few minutes.
MEETINGS_SIGNIN_THROTTLE_RATE = env_str("MEETINGS_SIGNIN_THROTTLE_RATE", "60/min")

# ---------------------------------------------------------------- work queued during a broker outage (issue 14)
# A member import or a media job still waiting this long after it was queued, with no task started
# on it, is sent again by its app's re-drive sweep (beat, every 5 minutes; services.tasks.redrive).
REDRIVE_GRACE_SECONDS = env_int("REDRIVE_GRACE_SECONDS", 10 * 60, minimum=1)

# ---------------------------------------------------------------- WebSockets and the idle session timeout (issue 14)
# A session's socket closes (4401) when the session idles out, at its deadline; a sign-out made
# elsewhere (another tab, an admin) is seen within this many seconds (one session read per socket).
WEBSOCKET_SIGN_IN_CHECK_SECONDS = env_int("WEBSOCKET_SIGN_IN_CHECK_SECONDS", 120, minimum=1)

# ---------------------------------------------------------------- the masses' ballot (tenants.assessment.mass, docs/assessment.md)
# Requests per caller (address) at the public ballot endpoints: one-time codes are not to be guessed,
# and a workshop's phones may share one address.
ASSESSMENT_BALLOT_THROTTLE_RATE = env_str("ASSESSMENT_BALLOT_THROTTLE_RATE", "60/min")

# ---------------------------------------------------------------- i18n
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [REPO_ROOT / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- static files
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [p for p in [REPO_ROOT / "frontend" / "dist"] if p.is_dir()]
# Uploaded files (embedded default: the filesystem; object keys carry the tenant: t/<schema>/…).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: downloads go through authorized API views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# ---------------------------------------------------------------- objects (services.storage)
# S3_ENDPOINT set (MinIO or any S3-compatible store): browsers upload and download directly
# with presigned URLs. Unset: the embedded default, files under STORAGE_ROOT behind the same
# interface, with signed URLs served by Django.
S3_ENDPOINT = env_str("S3_ENDPOINT", "")
# What browsers use to reach the store, when it differs from the address the servers use.
S3_PUBLIC_ENDPOINT = env_str("S3_PUBLIC_ENDPOINT", "") or S3_ENDPOINT
S3_ACCESS_KEY = env_str("S3_ACCESS_KEY", "")
S3_SECRET_KEY = env_str("S3_SECRET_KEY", "")
S3_REGION = env_str("S3_REGION", "us-east-1")
# Buckets are named <prefix>-<data class> (media, records, exports).
S3_BUCKET_PREFIX = env_str("S3_BUCKET_PREFIX", "partycloud")
STORAGE_ROOT = Path(env_str("STORAGE_ROOT", str(VAR_DIR / "objects")))
# Lifetime of presigned upload and download URLs.
STORAGE_URL_TTL_SECONDS = env_int("STORAGE_URL_TTL_SECONDS", 15 * 60, minimum=30)

# ---------------------------------------------------------------- live lessons (tenants.live, docs/live.md)
# Where encoders push (e.g. rtmp://127.0.0.1:1935/live); empty: no media server is configured.
LIVE_RTMP_URL = env_str("LIVE_RTMP_URL", "")
# Where players fetch signed HLS: <base>/<token>/<expires>/<playback name>/index.m3u8 (nginx
# secure_link in the path, tenants.live.playback); empty or no LIVE_HLS_SECRET: no playback.
LIVE_HLS_BASE_URL = env_str("LIVE_HLS_BASE_URL", "")
# The secret shared with the HLS server's secure_link_md5; devservices generates one for make run.
LIVE_HLS_SECRET = env_str("LIVE_HLS_SECRET", "")
# How long a signed playback URL works; players renew it (POST watch/{scope}/{id}/playback).
LIVE_PLAYBACK_TTL_SECONDS = env_int("LIVE_PLAYBACK_TTL_SECONDS", 600, minimum=30)
# When set, the media server must pass it as ?secret= on the hook URLs.
LIVE_HOOK_SECRET = env_str("LIVE_HOOK_SECRET", "")
# Where the media server writes recordings (<playback name>-<unix time>.flv) and HLS folders
# (<playback name>/), as this process sees them: the recording task and the clean-up read them.
LIVE_RECORDINGS_DIR = env_str("LIVE_RECORDINGS_DIR", str(VAR_DIR / "live" / "recordings"))
LIVE_HLS_DIR = env_str("LIVE_HLS_DIR", str(VAR_DIR / "live" / "hls"))
# How long after a lesson ends its recording is taken (an encoder that reconnects within it
# takes the lesson live again, and the next end takes both sessions).
LIVE_RECORDING_DELAY_SECONDS = env_int("LIVE_RECORDING_DELAY_SECONDS", 120, minimum=0)
# The nginx-rtmp control API (drop a rotated key's publisher); empty: not available (SRS).
LIVE_CONTROL_URL = env_str("LIVE_CONTROL_URL", "")
# SRS's dynamic forward: where the platform tells SRS to forward a stream under its playback
# name (the application that cuts HLS and records); see helm/partycloud (srs.conf).
LIVE_FORWARD_RTMP_URL = env_str("LIVE_FORWARD_RTMP_URL", "rtmp://127.0.0.1:1935/hls")

# ---------------------------------------------------------------- search (services.search)
# ELASTICSEARCH_URL set: one shared index behind an alias. Unset: the embedded default,
# PostgreSQL full-text search over jieba-segmented text.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
# Index and alias names start with this (the alias is <prefix>learning).
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "partycloud-")
# auto: IK when the plugin is installed, then smartcn, icu, and cjk as the fallback.
SEARCH_ANALYZER = env_str("SEARCH_ANALYZER", "auto")

# ---------------------------------------------------------------- notifications (services.notify)
# Web Push: VAPID keys as base64url (generate: `python manage.py generate_vapid_keys`). Unset:
# push is off (`make run` generates development keys under var/). The public key is derived
# from the private one when VAPID_PUBLIC_KEY is unset.
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", "")
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY", "")
# The contact push services may use about our traffic (mailto: or https:).
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:partycloud@localhost")
# How long a push service keeps a message for a phone that is offline.
WEB_PUSH_TTL_SECONDS = env_int("WEB_PUSH_TTL_SECONDS", 24 * 3600, minimum=0)
# Push services the server may post to (subscription endpoints come from browsers): Chrome/Edge
# (FCM), Firefox (Mozilla autopush), Safari/iOS (Apple), Edge (WNS). ".suffix" matches subdomains.
WEB_PUSH_SERVICE_HOSTS = env_list(
    "WEB_PUSH_SERVICE_HOSTS",
    ["fcm.googleapis.com", "updates.push.services.mozilla.com", ".push.apple.com", ".notify.windows.com"],
)
# Email: SMTP when EMAIL_HOST is set, otherwise the console backend (messages in the log).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 465 if env_bool("EMAIL_USE_SSL", False) else 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "党建云 <noreply@localhost>")
EMAIL_SUBJECT_PREFIX = env_str("EMAIL_SUBJECT_PREFIX", "【党建云】")
# SMS: a provider class by dotted path (see services.notify.sms); the default only logs.
SMS_PROVIDER = env_str("SMS_PROVIDER", "services.notify.sms.LoggingSmsProvider")
# Deliveries: attempts before the dead-letter list, and the timeout of one attempt.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
NOTIFY_SEND_TIMEOUT_SECONDS = env_int("NOTIFY_SEND_TIMEOUT_SECONDS", 10, minimum=1)

# ---------------------------------------------------------------- security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
CSRF_COOKIE_HTTPONLY = False  # the SPA reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
