"""What apps below organizations look up about it through their registries (no import of ours)."""

from __future__ import annotations

from collections.abc import Collection

from tenants.access.services import OrganizationRef
from tenants.organizations.models import Organization


def organization_refs(organization_ids: Collection[int]) -> dict[int, OrganizationRef]:
    """Path, name and whether active, by id: role scopes in ``tenants.access`` (one query)."""
    if not organization_ids:
        return {}
    rows = Organization.objects.filter(pk__in=organization_ids).values_list("pk", "path", "name", "is_active")
    return {pk: OrganizationRef(path=path, name=name, is_active=is_active) for pk, path, name, is_active in rows}
