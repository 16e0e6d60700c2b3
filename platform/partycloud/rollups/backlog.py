"""The outbox backlog as Prometheus figures, computed when Prometheus scrapes.

The capture trigger flags a tenant in ``rollups_pendingtenant`` when its outbox gets rows and
the relay clears the flag (``relay.relay_tenant``): the flagged tenants are the backlog. One
query lists them (with the age of the oldest flag), one more counts the rows of each (capped:
a scrape must stay cheap even when a relay is far behind).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django_tenants.utils import quote_schema_name
from prometheus_client.core import GaugeMetricFamily, Metric

# Tenants counted row by row in one scrape (the oldest first), and rows counted per tenant.
MAX_TENANTS = 200
MAX_ROWS = 100_000


def outbox_backlog() -> Iterable[Metric]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.schema_name, EXTRACT(EPOCH FROM now() - p.since) "
            "FROM public.rollups_pendingtenant p JOIN pg_namespace n ON n.nspname = p.schema_name "
            "ORDER BY p.since LIMIT %s",
            [MAX_TENANTS],
        )
        pending = [(str(schema), float(age)) for schema, age in cursor.fetchall()]
        counts: list[tuple[str, int]] = []
        if pending:
            parts = [
                f"SELECT %s, (SELECT count(*) FROM (SELECT 1 FROM {quote_schema_name(schema)}.outbox_outboxevent "
                f"LIMIT {MAX_ROWS}) AS capped)"
                for schema, _age in pending
            ]
            cursor.execute(" UNION ALL ".join(parts), [schema for schema, _age in pending])
            counts = [(str(schema), int(count)) for schema, count in cursor.fetchall()]
    tenants = GaugeMetricFamily(
        "partycloud_outbox_pending_tenants", "Tenants whose outbox has rows the relay has not applied."
    )
    tenants.add_metric([], float(len(pending)))
    oldest = GaugeMetricFamily(
        "partycloud_outbox_oldest_pending_seconds", "Age of the oldest unrelayed change (0: no backlog)."
    )
    oldest.add_metric([], max((age for _schema, age in pending), default=0.0))
    rows = GaugeMetricFamily(
        "partycloud_outbox_backlog_rows",
        f"Unrelayed outbox rows per tenant (schema; counted up to {MAX_ROWS}).",
        labels=["tenant"],
    )
    for schema, count in counts:
        rows.add_metric([schema], float(count))
    return [tenants, oldest, rows]
