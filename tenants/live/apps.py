from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "tenants.live"
    label = "live"

    def ready(self) -> None:
        # The lesson_ended receiver that queues the recording task.
        from tenants.live import media_tasks  # noqa: F401
