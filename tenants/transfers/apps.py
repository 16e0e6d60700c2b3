from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "tenants.transfers"
    label = "transfers"

    def ready(self) -> None:
        # Imported here, not at the top: it reads the models, which are not loaded yet when apps.py is.
        from tenants.transfers.rollups import register_rollups

        register_rollups()  # the group's rollup metrics (partycloud.core.metrics)
