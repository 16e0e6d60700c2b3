from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "partycloud.audit"
    label = "audit"

    def ready(self) -> None:
        # Imported in ready(): connecting receivers needs the models, loaded only once the registry is.
        from partycloud.audit import receivers  # noqa: F401 - connects the accounts signals' receivers
