from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "partycloud.rollups"
    label = "rollups"

    def ready(self) -> None:
        # Imported here, not at the top: it reads the hub's models, not loaded yet when apps.py is.
        from partycloud.rollups.metrics import pocket_members, register

        register(pocket_members)  # the tenant apps register theirs in their own ready()
