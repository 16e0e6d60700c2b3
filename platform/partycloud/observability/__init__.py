"""Operations: what a running PartyCloud tells its operators (docs/deploy.md, "Observability").

- ``context``: the request id, tenant, user and task of the work in progress (contextvars),
  stamped on every log line and Sentry event;
- ``logs``: the log formats (``LOG_FORMAT=json|text``) and the masking of personal data;
- ``metrics``: Prometheus metrics (multiprocess-safe) and ``/metrics``;
- ``middleware``: one cheap middleware that gives each request its id, context and figures;
- ``tasks``: the same context for Celery tasks;
- ``sentry``: optional error reporting (``SENTRY_DSN``).

Kernel floor: it imports no domain app. Apps that own a figure (the rollups' outbox backlog)
register a scrape-time collector here (``metrics.register_collector``).
"""
