from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "partycloud.rollups"
    label = "rollups"

    def ready(self) -> None:
        # Imported here, not at the top: it reads the hub's models, not loaded yet when apps.py is.
        from partycloud.observability.metrics import register_collector
        from partycloud.rollups.backlog import outbox_backlog
        from partycloud.rollups.metrics import pocket_members, register

        register(pocket_members)  # the tenant apps register theirs in their own ready()
        register_collector("outbox_backlog", outbox_backlog)
