from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tenants.members"
    label = "members"

    def ready(self) -> None:
        from tenants.members import receivers  # noqa: F401 - connects signal receivers
