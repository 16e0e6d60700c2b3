"""Creating tenant schemas: claim a warm spare, else clone the template, else migrate from zero.

Cloning copies the template's tables *with their data*, which includes the
template's ``django_migrations`` rows and any rule tables seeded by data
migrations, so a clone needs no migration run at all.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import quote_schema_name, schema_exists

from partycloud.tenancy.context import use_public_schema
from partycloud.tenancy.models import CommitteeKind, PartyCommittee, SpareSchema

log = logging.getLogger(__name__)


# Run on each schema cloned from the template (a tenant's or a spare's): cloning copies tables,
# not necessarily their triggers. Apps above the kernel (the outbox) register theirs at start-up.
CloneSetup = Callable[[str], object]
_clone_setups: list[CloneSetup] = []


def register_clone_setup(setup: CloneSetup) -> None:
    """An app tells provisioning what to install in every cloned schema (idempotent)."""
    if setup not in _clone_setups:
        _clone_setups.append(setup)


def template_schema() -> str:
    return str(settings.TENANT_BASE_SCHEMA)


def migration_fingerprint(schema_name: str) -> str:
    """A digest of the migrations applied in a schema: equal digests, equal structure."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '')) "
            f"FROM {quote_schema_name(schema_name)}.django_migrations"
        )
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def install_clone_function() -> None:
    """(Re)create django-tenants' ``clone_schema`` SQL function; bootstrap_platform calls this."""
    CloneSchema()._create_clone_schema_function()


def _clone_function_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'clone_schema' LIMIT 1")
        return cursor.fetchone() is not None


def clone_template(schema_name: str) -> None:
    """Copy the template schema, structure and data, to ``schema_name``.

    django-tenants' ``CloneSchema.clone_schema`` re-creates its 4,000-line SQL function on
    every call; we install it once (at bootstrap, or here when missing) and call it directly.
    """
    if not _clone_function_installed():
        install_clone_function()
    use_public_schema()
    if schema_exists(schema_name, case_sensitive=False):
        raise ValueError(f"schema {schema_name} already exists")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT clone_schema(%(base)s, %(new)s, 'DATA')", {"base": template_schema(), "new": schema_name}
        )
    for setup in _clone_setups:
        setup(schema_name)


def create_tenant_schema(
    tenant: PartyCommittee, *, check_if_exists: bool = False, sync_schema: bool = True, verbosity: int = 1
) -> bool:
    use_public_schema()
    if check_if_exists and schema_exists(tenant.schema_name):
        return False
    if not sync_schema:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {quote_schema_name(tenant.schema_name)}")
        return True
    if tenant.kind == CommitteeKind.TEMPLATE or not schema_exists(template_schema()):
        _migrate_from_zero(tenant.schema_name, verbosity)
    elif not claim_spare_schema(tenant.schema_name):
        clone_template(tenant.schema_name)
    use_public_schema()
    return True


def _migrate_from_zero(schema_name: str, verbosity: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote_schema_name(schema_name)}")
    call_command(
        "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=max(verbosity - 1, 0)
    )


# ---------------------------------------------------------------- warm pool


def claim_spare_schema(schema_name: str) -> bool:
    """Rename a current spare schema to ``schema_name``; False when none is available."""
    if settings.TENANT_WARM_POOL_SIZE <= 0:
        return False
    fingerprint = migration_fingerprint(template_schema())
    with transaction.atomic():
        spare = SpareSchema.objects.select_for_update(skip_locked=True).filter(fingerprint=fingerprint).first()
        if spare is None or not schema_exists(spare.schema_name):
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER SCHEMA {quote_schema_name(spare.schema_name)} RENAME TO {quote_schema_name(schema_name)}"
            )
        spare.delete()
    transaction.on_commit(_schedule_refill)
    return True


def _schedule_refill() -> None:
    # Function-level: the task module imports this one (its task runs refill_spare_pool).
    from partycloud.tenancy.tasks import refill_spare_schemas

    try:
        refill_spare_schemas.delay()
    except Exception:  # noqa: BLE001 - the broker being down must not fail provisioning
        log.warning("could not schedule the spare-schema refill; the next provisioning clones directly")


def refill_spare_pool(size: int | None = None) -> int:
    """Drop stale spares and clone new ones up to the pool size. Returns how many were created."""
    target = settings.TENANT_WARM_POOL_SIZE if size is None else size
    if not schema_exists(template_schema()):
        return 0
    fingerprint = migration_fingerprint(template_schema())
    for stale in SpareSchema.objects.exclude(fingerprint=fingerprint):
        drop_spare(stale)
    created = 0
    while SpareSchema.objects.count() < target:
        name = f"spare_{uuid.uuid4().hex[:16]}"
        with transaction.atomic():
            clone_template(name)
            SpareSchema.objects.create(schema_name=name, fingerprint=fingerprint)
        created += 1
    return created


def drop_spare(spare: SpareSchema) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(spare.schema_name)} CASCADE")
        spare.delete()
