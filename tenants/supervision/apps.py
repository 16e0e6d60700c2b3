from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig

# The parts of the app; each may define ``on_ready()`` (upload purposes, search sources, point
# recorders, signal handlers), called once the app registry is ready. A part adds its hooks in
# its own module, never here.
PARTS = ("announcements", "publicity", "surveys", "votes", "reports", "inquiries")


class SupervisionConfig(AppConfig):
    name = "tenants.supervision"
    label = "supervision"

    def ready(self) -> None:
        for part in PARTS:
            name = f"{self.name}.{part}"
            if find_spec(name) is None:
                continue
            # Imported once the app registry is ready: the parts import this app's models.
            hook = getattr(import_module(name), "on_ready", None)
            if hook is not None:
                hook()
