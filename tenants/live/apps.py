from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "tenants.live"
    label = "live"

    def ready(self) -> None:
        from tenants.live.chat import connect_signals

        connect_signals()
