from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "partycloud.core"
    label = "core"

    def ready(self) -> None:
        # Every app's error codes (``<app>/errors.py``), so the OpenAPI schema and docs/api.md list all of them.
        autodiscover_modules("errors")
