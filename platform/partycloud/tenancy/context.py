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
    tenant: PartyCommittee = _tenant_connection().tenant
    return tenant


def use_tenant(tenant: PartyCommittee) -> None:
    _tenant_connection().set_tenant(tenant)
