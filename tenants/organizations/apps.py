from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tenants.organizations"
    label = "organizations"

    def ready(self) -> None:
        # Imported here, not at the top: they read the models, which are not loaded yet when apps.py is.
        from tenants.access.services import register_organization_lookup
        from tenants.organizations.lookups import organization_refs
        from tenants.organizations.rollups import register_rollups

        register_rollups()  # the group's rollup metrics (partycloud.core.metrics)
        # Role scopes (tenants.access, a lower app) read organization paths through this lookup.
        register_organization_lookup(organization_refs)
