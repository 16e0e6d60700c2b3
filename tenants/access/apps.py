from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tenants.access"
    label = "access"

    def ready(self) -> None:
        from partycloud.accounts.services import register_tenant_capabilities
        from tenants.access.capabilities import capabilities_of

        register_tenant_capabilities(capabilities_of)
