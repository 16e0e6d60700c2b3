"""The Celery app, tenant-aware: a task sent inside a tenant's context runs in that schema.

``tenant-schemas-celery`` stamps the current schema on every message and the worker
switches to it before running the task. Per-tenant periodic work goes through
``services.tasks.periodic`` (spread over a window, never all at once).
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

app = CeleryApp("partycloud")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _install_beat_schedule(sender: CeleryApp, **kwargs: object) -> None:
    from services.tasks.schedules import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE


app.on_after_configure.connect(_install_beat_schedule)
