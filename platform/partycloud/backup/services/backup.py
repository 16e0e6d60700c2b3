"""Backing up one tenant into an archive."""

from __future__ import annotations

import contextlib
import platform
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django
import psycopg
from django.core import serializers
from django.db import connection, transaction
from django.utils.translation import gettext as _
from psycopg import sql

from partycloud.accounts.actor import Actor
from partycloud.audit.models import AuditEvent
from partycloud.audit.services import do_record_audit
from partycloud.backup.archive import FORMAT, FORMAT_VERSION, describe_files, write_archive
from partycloud.backup.errors import BackupCode
from partycloud.backup.services.catalog import (
    Reference,
    applied_migrations,
    column_list,
    fetchall,
    outward_references,
    qualified,
    raw_cursor,
    schema_tables,
)
from partycloud.core.errors import ServiceError
from partycloud.tenancy.context import use_public_schema
from partycloud.tenancy.models import CommitteeKind, Domain, PartyCommittee, TenantAccess
from services.storage import DataClass, get_storage


def check_can_back_up(tenant: PartyCommittee) -> None:
    if tenant.kind != CommitteeKind.SUBSIDIARY:
        raise ServiceError(
            BackupCode.NOT_SUBSIDIARY, _("Only a subsidiary party committee is backed up on its own."), "slug"
        )


def _copy_tables(schema: str, tables: dict[str, list[str]], directory: Path) -> dict[str, int]:
    directory.mkdir()
    counts: dict[str, int] = {}
    with raw_cursor() as cursor:
        for table, columns in tables.items():
            statement = sql.SQL("COPY {} ({}) TO STDOUT WITH (FORMAT csv, HEADER true)").format(
                qualified(schema, table), column_list(columns)
            )
            with (directory / f"{table}.csv").open("wb") as out, cursor.copy(statement) as copy:
                for data in copy:
                    out.write(data)
            counts[table] = cursor.rowcount
    return counts


def _referenced_ids(schema: str, references: list[Reference]) -> dict[str, list[int]]:
    found: dict[str, set[int]] = {}
    for reference in references:
        query = sql.SQL("SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL").format(
            column=sql.Identifier(reference.column), table=qualified(schema, reference.table)
        )
        found.setdefault(reference.target, set()).update(int(row[0]) for row in fetchall(query))
    return {target: sorted(ids) for target, ids in sorted(found.items())}


def _copy_objects(schema: str, directory: Path) -> list[dict[str, Any]]:
    storage = get_storage()
    objects: list[dict[str, Any]] = []
    for data_class in DataClass:
        for key in sorted(storage.list_keys(data_class, f"t/{schema}/")):
            info = storage.stat(data_class, key)
            if info is None:  # deleted meanwhile
                continue
            path = directory / data_class.value / key
            path.parent.mkdir(parents=True, exist_ok=True)
            storage.download_to(data_class, key, path)
            objects.append(
                {"data_class": data_class.value, "key": key, "size": path.stat().st_size, "type": info.content_type}
            )
    return objects


def _public_rows(tenant: PartyCommittee, directory: Path) -> dict[str, int]:
    """The public rows that belong to the tenant: its own row, host names, access index and
    audit trail. Search documents are not kept: a restore reindexes."""
    directory.mkdir()
    sets = {
        "partycommittee": PartyCommittee.objects.filter(pk=tenant.pk),
        "domain": Domain.objects.filter(tenant=tenant),
        "tenantaccess": TenantAccess.objects.filter(tenant=tenant),
        "auditevent": AuditEvent.objects.filter(tenant=tenant).order_by("id"),
    }
    counts = {}
    for name, rows in sets.items():
        with (directory / f"{name}.json").open("w") as out:
            serializers.serialize("json", rows.iterator(), stream=out)
        counts[name] = rows.count()
    return counts


def _versions() -> dict[str, str]:
    return {
        "django": django.get_version(),
        "postgresql": str(connection.pg_version),  # type: ignore[attr-defined]
        "python": platform.python_version(),
    }


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """A repeatable-read, read-only transaction: every COPY sees the same moment. Inside a
    caller's transaction (a test's), that one's view is used."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    previous = raw.isolation_level, raw.read_only
    # psycopg opens the transaction with BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY.
    raw.isolation_level, raw.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
    try:
        with transaction.atomic():
            yield
    finally:
        raw.isolation_level, raw.read_only = previous


def do_backup_tenant(tenant: PartyCommittee, destination: Path, *, actor: Actor | None = None) -> dict[str, Any]:
    """Write ``tenant``'s archive to ``destination``; returns its manifest.

    The tables are copied from one snapshot (a repeatable-read, read-only transaction when
    called outside one); the objects are listed after it, so an object deleted in between is
    missing and one added in between is extra (a key no row names).
    """
    check_can_back_up(tenant)
    use_public_schema()
    schema = tenant.schema_name
    destination = Path(destination)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=destination.parent) as scratch:
        work = Path(scratch)
        with _snapshot():
            tables = schema_tables(schema)
            references = outward_references(schema)
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(),
                "versions": _versions(),
                "source": {
                    "id": tenant.pk,
                    "slug": tenant.slug,
                    "schema": schema,
                    "host": tenant.primary_host,
                    "name": tenant.name,
                },
                "migrations": applied_migrations(schema),
                "tables": {name: {"columns": columns} for name, columns in tables.items()},
                "references": [vars(reference) for reference in references],
                "referenced_ids": _referenced_ids(schema, references),
            }
            for table, count in _copy_tables(schema, tables, work / "tables").items():
                manifest["tables"][table]["rows"] = count
            manifest["public"] = _public_rows(tenant, work / "public")
        manifest["objects"] = _copy_objects(schema, work / "objects")
        manifest["files"] = describe_files(work)
        write_archive(work, manifest, destination)
    do_record_audit(
        event="tenant.backup",
        details={
            "slug": tenant.slug,
            "rows": sum(table["rows"] for table in manifest["tables"].values()),
            "objects": len(manifest["objects"]),
        },
        actor=actor,
        target=tenant,
        tenant_id=tenant.pk,
    )
    return manifest
