from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tenants.access"
    label = "access"

    def ready(self) -> None:
        # Registries of the kernel (a lower floor): which roles a user holds here, what they open.
        from partycloud.accounts.roles import register_role_source
        from partycloud.accounts.services import register_tenant_capabilities
        from tenants.access.capabilities import capabilities_of
        from tenants.access.services import get_roles

        register_role_source(get_roles)
        register_tenant_capabilities(capabilities_of)

        # The audit log (a lower floor) records each actor's tenant role at write time.
        from partycloud.audit.events import register_roles
        from tenants.access.models import TenantRole
        from tenants.access.services import role_for_audit

        register_roles({role.value: role.label for role in TenantRole}, role_for_audit)
