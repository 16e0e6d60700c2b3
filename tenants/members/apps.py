from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tenants.members"
    label = "members"

    def ready(self) -> None:
        from tenants.members import receivers  # noqa: F401 - connects signal receivers
        from tenants.members.rollups import register_rollups  # reads the models: not loaded before ready()

        register_rollups()  # the group's rollup metrics and drill-down list (partycloud.core.metrics)
