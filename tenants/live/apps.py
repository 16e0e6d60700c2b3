from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "tenants.live"
    label = "live"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import this app's models.
        # The lesson_ended receiver that queues the recording task: imported with tasks.
        from tenants.live.chat import connect_signals
        from tenants.live.materials import register_cover_purpose
        from tenants.live.rollups import register_rollups
        from tenants.live.signals import lesson_went_live
        from tenants.live.tasks import announce_went_live

        register_cover_purpose()
        lesson_went_live.connect(announce_went_live, dispatch_uid="live.announce_went_live")
        connect_signals()
        register_rollups()  # the group's rollup metric (partycloud.core.metrics), flagged when a lesson ends
