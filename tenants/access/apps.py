from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tenants.access"
    label = "access"

    def ready(self) -> None:
        # Imported in ready(): services import the models, loaded only once the app registry is.
        from partycloud.accounts.roles import register_role_source
        from partycloud.accounts.services import register_tenant_capabilities
        from partycloud.audit.events import register_roles
        from partycloud.tenancy.services import register_first_admin_grant
        from tenants.access.capabilities import capabilities_of
        from tenants.access.models import TenantRole
        from tenants.access.services import get_roles, grant_first_admin, role_for_audit

        # Registries of the kernel (a lower floor): which roles a user holds here, what they open.
        register_role_source(get_roles)
        register_tenant_capabilities(capabilities_of)
        # The audit log records each actor's tenant role at write time.
        register_roles({role.value: role.label for role in TenantRole}, role_for_audit)
        # Provisioning makes the new tenant's first admin through the role table kept here.
        register_first_admin_grant(grant_first_admin)
