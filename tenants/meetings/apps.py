from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tenants.meetings"
    label = "meetings"

    def ready(self) -> None:
        # Imported once the app registry is ready: the module imports this app's models.
        from tenants.meetings.rollups import register_rollups

        register_rollups()  # the group's rollup metric (partycloud.core.metrics)
