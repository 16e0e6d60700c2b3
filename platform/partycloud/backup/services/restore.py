"""Restoring an archive as a new tenant, beside the original."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists
from psycopg import sql

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import User
from partycloud.audit.models import AuditEvent
from partycloud.audit.services import do_record_audit
from partycloud.backup.archive import read_archive
from partycloud.backup.errors import BackupCode
from partycloud.backup.services.catalog import (
    SKIPPED_TABLES,
    Reference,
    applied_migrations,
    column_list,
    fetchall,
    qualified,
    raw_cursor,
    schema_tables,
)
from partycloud.core.errors import Conflict, ServiceError
from partycloud.rollups.models import PendingTenant
from partycloud.search.indexing import reindex_schema
from partycloud.tenancy.context import use_public_schema
from partycloud.tenancy.errors import TenancyCode
from partycloud.tenancy.models import (
    CommitteeKind,
    CommitteeStatus,
    Domain,
    PartyCommittee,
    TenantAccess,
    validate_slug,
)
from partycloud.tenancy.schemas import template_schema
from partycloud.tenancy.services import group_root, schema_name_for
from services.storage import DataClass, get_storage

log = logging.getLogger(__name__)

TEXT_TYPES = frozenset({"text", "varchar", "bpchar"})
JSON_TYPES = frozenset({"json", "jsonb"})
ARRAY_TYPES = frozenset({"_text", "_varchar"})


@dataclass(frozen=True)
class RestoreResult:
    tenant: PartyCommittee
    rows: dict[str, int]
    objects: int
    search_documents: int | None  # None: the backend was down, the reconcile rebuilds them


def check_compatible(manifest: dict[str, Any]) -> None:
    """The archive's migration state must be the template's: the new schema is cloned from it."""
    ours = set(applied_migrations(template_schema()))
    theirs = set(manifest["migrations"])
    if ours == theirs:
        return
    missing = sorted(theirs - ours)[:5]
    extra = sorted(ours - theirs)[:5]
    raise Conflict(
        BackupCode.INCOMPATIBLE,
        _(
            "The backup was made at another migration state: this platform lacks %(missing)s and has "
            "%(extra)s in addition. Restore it on a platform at the backup's version (or migrate the "
            "restored tenant there) and back it up again."
        )
        % {"missing": ", ".join(missing) or "-", "extra": ", ".join(extra) or "-"},
        "file",
    )


def check_slug_free(slug: str) -> None:
    try:
        validate_slug(slug)
    except ValidationError as error:
        raise ServiceError(TenancyCode(f"tenancy.{error.code}"), error.messages[0], "slug") from None
    schema = schema_name_for(slug)
    taken = (
        PartyCommittee.objects.filter(slug=slug).exists()
        or PartyCommittee.objects.filter(schema_name=schema).exists()
        or schema_exists(schema)
        or Domain.objects.filter(domain=f"{slug}.{settings.BASE_DOMAIN}").exists()
    )
    if taken:
        raise Conflict(TenancyCode.SLUG_TAKEN, _("This short address is already in use."), "slug")


def check_references(manifest: dict[str, Any]) -> None:
    """Every user and party committee the tenant's rows point to exists here (the tenant's own
    row excepted: it is remapped to the new one)."""
    source_id = manifest["source"]["id"]
    committees = PartyCommittee._meta.db_table
    for target, ids in manifest["referenced_ids"].items():
        wanted = {value for value in ids if not (target == committees and value == source_id)}
        if not wanted:
            continue
        query = sql.SQL("SELECT id FROM public.{} WHERE id = ANY(%s)").format(sql.Identifier(target))
        missing = wanted - {int(row[0]) for row in fetchall(query, [sorted(wanted)])}
        if missing:
            raise Conflict(
                BackupCode.MISSING_REFERENCES,
                _(
                    "The backup refers to %(count)s rows of %(table)s that this platform does not have "
                    "(ids %(ids)s): restore the platform's users and party committees first."
                )
                % {"count": len(missing), "table": target, "ids": ", ".join(map(str, sorted(missing)[:10]))},
                "file",
            )


@dataclass(frozen=True)
class Rewrite:
    """What carries the old tenant's identity in its rows: object keys ``t/<schema>/…``, the
    schema name as a value, links to its host, and its party committee id."""

    old_schema: str
    new_schema: str
    old_host: str
    new_host: str
    old_id: int
    new_id: int

    def params(self) -> dict[str, str]:
        return {
            "old": self.old_schema,
            "new": self.new_schema,
            "old_prefix": f"t/{self.old_schema}/",
            "new_prefix": f"t/{self.new_schema}/",
            "old_host": f"//{self.old_host}",
            "new_host": f"//{self.new_host}",
            "old_quoted": json.dumps(self.old_schema),
            "new_quoted": json.dumps(self.new_schema),
        }


_TEXT_REWRITE = (
    "UPDATE {table} SET {column} = CASE WHEN {column} = %(old)s THEN %(new)s "
    "ELSE replace(replace({column}, %(old_prefix)s, %(new_prefix)s), %(old_host)s, %(new_host)s) END "
    "WHERE {column} = %(old)s OR strpos({column}, %(old_prefix)s) > 0 OR strpos({column}, %(old_host)s) > 0"
)
_JSON_REWRITE = (
    "UPDATE {table} SET {column} = replace(replace(replace({column}::text, %(old_prefix)s, %(new_prefix)s), "
    "%(old_host)s, %(new_host)s), %(old_quoted)s, %(new_quoted)s)::{type} "
    "WHERE strpos({column}::text, %(old)s) > 0 OR strpos({column}::text, %(old_host)s) > 0"
)
_ARRAY_REWRITE = (
    "UPDATE {table} SET {column} = (SELECT array_agg(CASE WHEN item = %(old)s THEN %(new)s "
    "ELSE replace(replace(item, %(old_prefix)s, %(new_prefix)s), %(old_host)s, %(new_host)s) END ORDER BY position) "
    "FROM unnest({column}) WITH ORDINALITY AS items(item, position)) "
    "WHERE strpos({column}::text, %(old)s) > 0 OR strpos({column}::text, %(old_host)s) > 0"
)


def _rewrite_rows(schema: str, rewrite: Rewrite, references: list[Reference]) -> int:
    columns = fetchall(
        "SELECT c.relname, a.attname, t.typname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
        "ORDER BY 1, 2",
        [schema],
    )
    changed = 0
    with connection.cursor() as cursor:
        for table, column, type_name in columns:
            if table in SKIPPED_TABLES:
                continue
            if type_name in TEXT_TYPES:
                template = _TEXT_REWRITE
            elif type_name in JSON_TYPES:
                template = _JSON_REWRITE
            elif type_name in ARRAY_TYPES:
                template = _ARRAY_REWRITE
            else:
                continue
            statement = sql.SQL(template).format(
                table=qualified(schema, table), column=sql.Identifier(column), type=sql.SQL(type_name)
            )
            cursor.execute(statement, rewrite.params())
            changed += cursor.rowcount
        for reference in references:
            if reference.target != PartyCommittee._meta.db_table:
                continue
            cursor.execute(
                sql.SQL("UPDATE {table} SET {column} = %s WHERE {column} = %s").format(
                    table=qualified(schema, reference.table), column=sql.Identifier(reference.column)
                ),
                [rewrite.new_id, rewrite.old_id],
            )
            changed += cursor.rowcount
    return changed


def _load_tables(schema: str, manifest: dict[str, Any], directory: Path, rewrite: Rewrite) -> dict[str, int]:
    """Replace the cloned schema's rows by the archive's and rewrite them (:class:`Rewrite`),
    triggers off (the outbox must record neither as changes: it holds the archive's own
    pending events) and foreign keys checked once all is loaded."""
    tables = schema_tables(schema)
    expected = {name: table["columns"] for name, table in manifest["tables"].items()}
    if tables != expected:
        differing = sorted(name for name in {*tables, *expected} if tables.get(name) != expected.get(name))
        raise Conflict(
            BackupCode.INCOMPATIBLE,
            _("The backup's tables differ from this platform's (%(tables)s).") % {"tables": ", ".join(differing[:5])},
            "file",
        )
    counts: dict[str, int] = {}
    with raw_cursor() as cursor:
        # ALTER TABLE refuses while foreign-key checks are pending: they run at these points.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        names = sql.SQL(", ").join(qualified(schema, table) for table in tables)
        for table in tables:
            cursor.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(qualified(schema, table)))
        cursor.execute(sql.SQL("TRUNCATE {}").format(names))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # the tables load in any order
        for table, columns in tables.items():
            statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, HEADER true)").format(
                qualified(schema, table), column_list(columns)
            )
            with (directory / f"{table}.csv").open("rb") as source, cursor.copy(statement) as copy:
                while chunk := source.read(1024 * 1024):
                    copy.write(chunk)
            counts[table] = cursor.rowcount
            if counts[table] != manifest["tables"][table]["rows"]:
                raise ServiceError(
                    BackupCode.ARCHIVE_INVALID,
                    _("The backup is damaged: %(name)s does not match its checksum.") % {"name": table},
                    "file",
                )
        _rewrite_rows(schema, rewrite, [Reference(**reference) for reference in manifest["references"]])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(qualified(schema, table)))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    _reset_sequences(schema)
    return counts


def _reset_sequences(schema: str) -> None:
    """Identity and serial columns continue after the restored rows."""
    rows = fetchall(
        "SELECT c.relname, a.attname, pg_get_serial_sequence(format('%%I.%%I', n.nspname, c.relname), a.attname) "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
        "AND pg_get_serial_sequence(format('%%I.%%I', n.nspname, c.relname), a.attname) IS NOT NULL",
        [schema],
    )
    with connection.cursor() as cursor:
        for table, column, sequence in rows:
            cursor.execute(
                sql.SQL("SELECT setval(%s, COALESCE(MAX({column}), 1), MAX({column}) IS NOT NULL) FROM {table}").format(
                    column=sql.Identifier(column), table=qualified(schema, table)
                ),
                [sequence],
            )


def _deserialized(directory: Path, name: str) -> Iterator[Any]:
    with (directory / f"{name}.json").open() as source:
        for item in serializers.deserialize("json", source):
            yield item.object


def _restore_public_rows(tenant: PartyCommittee, directory: Path) -> None:
    accesses = list(_deserialized(directory, "tenantaccess"))
    for access in accesses:
        access.pk = None
        access.tenant = tenant
    TenantAccess.objects.bulk_create(accesses)
    events = list(_deserialized(directory, "auditevent"))
    known_users = set(User.objects.filter(pk__in={event.actor_id for event in events}).values_list("pk", flat=True))
    for event in events:
        event.pk = None
        event.tenant = tenant
        if event.actor_id is not None and event.actor_id not in known_users:
            event.actor_id = None  # the account was deleted since: the frozen name stays
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def _restore_objects(manifest: dict[str, Any], directory: Path, rewrite: Rewrite) -> int:
    storage = get_storage()
    for entry in manifest["objects"]:
        key = str(entry["key"])
        new_key = rewrite.params()["new_prefix"] + key.removeprefix(rewrite.params()["old_prefix"])
        storage.put(
            DataClass(entry["data_class"]),
            new_key,
            directory / entry["data_class"] / key,
            content_type=str(entry["type"]),
        )
    return len(manifest["objects"])


def _discard_objects(schema: str) -> None:
    storage = get_storage()
    for data_class in DataClass:
        storage.delete_prefix(data_class, f"t/{schema}/")


def _new_committee(source: dict[str, Any], *, slug: str, name: str | None) -> PartyCommittee:
    parent = PartyCommittee.objects.filter(pk=source.get("parent")).first() or group_root()
    return PartyCommittee(
        kind=CommitteeKind.SUBSIDIARY,
        schema_name=schema_name_for(slug),
        name=name or source["name"],
        short_name=source["short_name"],
        slug=slug,
        unified_code=None,  # unique: it stays with the original
        parent=parent,
        status=CommitteeStatus.ACTIVE,
        display_name=source["display_name"],
        logo_url=source["logo_url"],
        locale=source["locale"],
        records_baseline_on=source["records_baseline_on"],
    )


def do_restore_tenant(
    archive: Path, *, slug: str, name: str | None = None, actor: Actor | None = None
) -> RestoreResult:
    """Restore ``archive`` as a new tenant ``slug`` (schema ``t_<slug>``, host ``<slug>.BASE_DOMAIN``).

    Refused before anything is written when the slug, schema or host is taken, the archive is
    damaged, its migration state is not the template's, or its rows point to users or party
    committees this platform lacks. All or nothing: the rows in one transaction, the objects
    deleted again when it fails.
    """
    use_public_schema()
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=Path(archive).parent) as scratch:
        work = Path(scratch)
        manifest = read_archive(Path(archive), work)
        check_slug_free(slug)
        check_compatible(manifest)
        check_references(manifest)
        source = next(_committee_fields(work))
        schema = schema_name_for(slug)
        writing_objects = False
        try:
            with transaction.atomic():
                tenant = _new_committee(source, slug=slug, name=name)
                tenant.save(verbosity=0)  # clones the template (or claims a spare)
                Domain.objects.create(domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=tenant, is_primary=True)
                rewrite = Rewrite(
                    old_schema=manifest["source"]["schema"],
                    new_schema=schema,
                    old_host=manifest["source"]["host"],
                    new_host=tenant.primary_host,
                    old_id=int(manifest["source"]["id"]),
                    new_id=int(tenant.pk),
                )
                rows = _load_tables(schema, manifest, work / "tables", rewrite)
                if tenant.logo_url:
                    tenant.logo_url = tenant.logo_url.replace(
                        rewrite.params()["old_prefix"], rewrite.params()["new_prefix"]
                    )
                    tenant.save(update_fields=["logo_url"])
                _restore_public_rows(tenant, work / "public")
                writing_objects = True  # from here on, keys under t/<schema>/ are ours
                objects = _restore_objects(manifest, work / "objects", rewrite)
                PendingTenant.objects.get_or_create(schema_name=schema)  # the relay recomputes its rollups
                do_record_audit(
                    event="tenant.restore",
                    details={"source_slug": manifest["source"]["slug"], "backup_created_at": manifest["created_at"]},
                    actor=actor,
                    target=tenant,
                    tenant_id=tenant.pk,
                )
        except BaseException:
            if writing_objects:
                _discard_objects(schema)
            raise
    try:
        documents: int | None = reindex_schema(schema)
    except Exception:  # the search backend is down: the 15-minute reconcile catches up
        log.warning("restored %s, but its search documents were not rebuilt", schema, exc_info=True)
        documents = None
    return RestoreResult(tenant=tenant, rows=rows, objects=objects, search_documents=documents)


def _committee_fields(work: Path) -> Iterator[dict[str, Any]]:
    with (work / "public" / "partycommittee.json").open() as source:
        for row in json.load(source):
            yield {**row["fields"], "id": row["pk"]}
