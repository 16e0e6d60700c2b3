"""Typed access to django-tenants' connection state (the stubs know only Django's wrapper)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import connection

if TYPE_CHECKING:
    from partycloud.tenancy.models import PartyCommittee


def _tenant_connection() -> Any:
    return cast(Any, connection)


def use_public_schema() -> None:
    _tenant_connection().set_schema_to_public()


def active_schema() -> str:
    return str(getattr(connection, "schema_name", "public"))


def active_tenant() -> PartyCommittee:
    """The party committee whose schema is active (the group root on the root host)."""
    # Function-level import: model modules (development) import this one while the registry loads.
    from partycloud.tenancy.models import PartyCommittee

    tenant = _tenant_connection().tenant
    if not isinstance(tenant, PartyCommittee):
        # A schema chosen by name (``set_schema``, tasks run eagerly inside it) leaves django-tenants'
        # FakeTenant, which has no name or URL: read the real row (the public schema is on the path).
        tenant = PartyCommittee.objects.get(schema_name=tenant.schema_name)
    return tenant


def use_tenant(tenant: PartyCommittee) -> None:
    _tenant_connection().set_tenant(tenant)
