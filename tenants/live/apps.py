from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "tenants.live"
    label = "live"

    def ready(self) -> None:
        # Imported once the app registry is ready: the module imports this app's models.
        from tenants.live.rollups import register_rollups

        register_rollups()  # the group's rollup metric (partycloud.core.metrics), flagged when a lesson ends
