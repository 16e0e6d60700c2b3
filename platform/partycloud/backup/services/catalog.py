"""What the backup reads from PostgreSQL's catalog: a schema's tables and columns, its foreign
keys to public tables, its applied migrations; and the SQL pieces both directions use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from psycopg import sql

# The template's rows, equal to the archive's once the migration states match.
SKIPPED_TABLES = frozenset({"django_migrations"})


@dataclass(frozen=True)
class Reference:
    """A tenant-schema column pointing at a public table (``members_member.user_id`` → ``accounts_user.id``)."""

    table: str
    column: str
    target: str
    target_column: str


# ---------------------------------------------------------------- catalog queries


def fetchall(query: str | sql.Composed, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


def schema_tables(schema: str) -> dict[str, list[str]]:
    """``{table: [column, …]}`` of a schema's plain tables (generated columns left out)."""
    rows = fetchall(
        "SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' "
        "WHERE n.nspname = %s AND c.relkind = 'r' GROUP BY c.relname ORDER BY c.relname",
        [schema],
    )
    return {str(table): list(columns) for table, columns in rows if table not in SKIPPED_TABLES}


def outward_references(schema: str) -> list[Reference]:
    """Foreign keys from the schema's tables to tables of other schemas (the public users, committees)."""
    rows = fetchall(
        "SELECT cl.relname, a.attname, fcl.relname, fa.attname FROM pg_constraint con "
        "JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace "
        "JOIN pg_class fcl ON fcl.oid = con.confrelid JOIN pg_namespace fn ON fn.oid = fcl.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] "
        "JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[1] "
        "WHERE con.contype = 'f' AND n.nspname = %s AND fn.nspname = 'public' "
        "ORDER BY 1, 2",
        [schema],
    )
    return [Reference(*map(str, row)) for row in rows]


def applied_migrations(schema: str) -> list[str]:
    query = sql.SQL("SELECT app || '.' || name FROM {}.django_migrations ORDER BY app, name").format(
        sql.Identifier(schema)
    )
    return [str(row[0]) for row in fetchall(query)]


def qualified(schema: str, table: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))


def column_list(columns: list[str]) -> sql.Composed:
    return sql.SQL(", ").join(map(sql.Identifier, columns))


def raw_cursor() -> Any:
    """psycopg's own cursor (COPY), on Django's connection and in its transaction."""
    connection.ensure_connection()
    return connection.connection.cursor()
