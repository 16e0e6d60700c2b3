"""The Celery app, tenant-aware: a task sent inside a tenant's context runs in that schema.

``tenant-schemas-celery`` stamps the current schema on every message and the worker
switches to it before running the task. Per-tenant periodic work goes through
``services.tasks.periodic`` (spread over a window, never all at once).

Tasks are declared as shared tasks (``services.tasks.tenant_task``); this app is the default
of every thread (request threads of the ASGI server included), so they all resolve to it.
The beat schedule is what the apps declare (``SCHEDULE`` in their ``tasks`` modules),
collected once the app is finalized: beat and the worker load Django and the tasks first.
"""

import os

from tenant_schemas_celery.app import CeleryApp

from partycloud.observability import tasks as observability
from services.tasks.schedules import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")

app = CeleryApp("partycloud")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.set_default()
app.autodiscover_tasks()


def _install_beat_schedule(sender: CeleryApp, **kwargs: object) -> None:
    sender.conf.beat_schedule = beat_schedule()


app.on_after_finalize.connect(_install_beat_schedule)
# Task id, tenant and the queuing request's id on every log line of a task; Django's log format.
observability.connect()
