from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "partycloud.tenancy"
    label = "tenancy"

    def ready(self) -> None:
        # Imported in ready(): services import the models, loaded only once the registry is.
        from partycloud.accounts.services import register_tenant_directory
        from partycloud.tenancy.services import tenant_directory

        # Accounts (a lower kernel app) lists the tenants a user reaches in /me from tenancy's index.
        register_tenant_directory(tenant_directory)
