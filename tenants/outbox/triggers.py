"""Database triggers that fill the outbox: statement-level, with transition tables, so bulk
inserts and updates (imports, the monthly dues close) write one row per organization and month,
in the same transaction as the change, whatever code path made it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Watched:
    table: str
    topic: str
    organization_column: str = ""  # "": tenant level
    period_column: str = ""  # "": the current state


# Declared once: a later source of rollup data adds a line here (and a migration that calls install()).
WATCHED = (
    Watched("members_member", "members", "organization_id"),
    Watched("organizations_organization", "organizations", "id"),
    Watched("transfers_transfer", "transfers", "from_organization_id"),
    Watched("development_developmentcase", "development", "organization_id"),
    Watched("dues_duesassessment", "dues", "organization_id", "month"),
    Watched("learning_studyday", "learning", "", "day"),
    Watched("learning_resource", "learning"),
    Watched("meetings_meeting", "meetings", "organization_id", "starts_on"),
    Watched("assessment_evaluationround", "evaluation", "organization_id", "closes_on"),
)

# One function for every schema (in public): it writes to the outbox of the table's own schema.
CAPTURE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION public.partycloud_outbox_capture() RETURNS trigger
LANGUAGE plpgsql AS $function$
DECLARE
    topic text := TG_ARGV[0];
    organization_expr text := CASE WHEN TG_ARGV[1] = '' THEN 'NULL::bigint' ELSE quote_ident(TG_ARGV[1]) END;
    period_expr text := CASE WHEN TG_ARGV[2] = '' THEN 'NULL::date'
                             ELSE 'date_trunc(''month'', ' || quote_ident(TG_ARGV[2]) || ')::date' END;
    picked text := 'SELECT ' || organization_expr || ' AS organization_id, ' || period_expr || ' AS period FROM ';
    source text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        source := picked || 'outbox_new';
    ELSIF TG_OP = 'DELETE' THEN
        source := picked || 'outbox_old';
    ELSE
        source := picked || 'outbox_new UNION ' || picked || 'outbox_old';
    END IF;
    EXECUTE format(
        'INSERT INTO %I.outbox_outboxevent (topic, organization_id, period, created_at) '
        'SELECT DISTINCT %L, organization_id, period, now() FROM (%s) AS changed',
        TG_TABLE_SCHEMA, topic, source
    );
    INSERT INTO public.rollups_pendingtenant (schema_name, since)
        VALUES (TG_TABLE_SCHEMA, now()) ON CONFLICT (schema_name) DO NOTHING;
    RETURN NULL;
END
$function$;
"""


def _trigger_sql(schema: str, watched: Watched) -> str:
    table = f'"{schema}"."{watched.table}"'
    args = f"'{watched.topic}', '{watched.organization_column}', '{watched.period_column}'"
    statements = []
    for operation, referencing in (
        ("INSERT", "NEW TABLE AS outbox_new"),
        ("UPDATE", "OLD TABLE AS outbox_old NEW TABLE AS outbox_new"),
        ("DELETE", "OLD TABLE AS outbox_old"),
    ):
        name = f"outbox_{operation.lower()}"
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {operation} ON {table} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION public.partycloud_outbox_capture({args})"
        )
    return ";\n".join(statements)


def install_capture_function() -> None:
    with connection.cursor() as cursor:
        cursor.execute(CAPTURE_FUNCTION)


def install(schema: str) -> None:
    """(Re)create the outbox triggers of one schema (idempotent; cloning may not copy triggers)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'partycloud_outbox_capture'")
        if cursor.fetchone() is None:
            cursor.execute(CAPTURE_FUNCTION)
        for watched in WATCHED:
            cursor.execute(_trigger_sql(schema, watched))
