from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tenants.organizations"
    label = "organizations"

    def ready(self) -> None:
        # Imported in ready(): the lookup reads the models, loaded only once the app registry is.
        from tenants.access.services import register_organization_lookup
        from tenants.organizations.lookups import organization_refs

        # Role scopes (tenants.access, a lower app) read organization paths through this lookup.
        register_organization_lookup(organization_refs)
