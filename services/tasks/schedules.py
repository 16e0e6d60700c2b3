"""Beat schedule: group-level tasks directly, per-tenant tasks through the fan-out."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

from services.tasks.periodic import tenant_beat_entry

BEAT_SCHEDULE: dict[str, Any] = {
    # Nightly drift repair of the public index of who has access where.
    "tenant-access-index": tenant_beat_entry(
        "tenants.access.rebuild_tenant_access_index", crontab(hour=2, minute=0), window_seconds=3 * 3600
    ),
    # Transfers not received within their validity: alert both sides every morning.
    "overdue-transfers": tenant_beat_entry(
        "tenants.transfers.alert_overdue_transfers", crontab(hour=8, minute=0), window_seconds=1800
    ),
    # Terms of office ending within 90 days (换届提醒).
    "re-elections": tenant_beat_entry(
        "tenants.organizations.remind_re_elections", crontab(hour=8, minute=30), window_seconds=1800
    ),
    # Dues: assess the month on the 1st, spread over three hours.
    "dues-month": tenant_beat_entry(
        "tenants.dues.assess_month", crontab(day_of_month=1, hour=1, minute=0), window_seconds=3 * 3600
    ),
    # Development deadlines a week ahead (talk, review, approval window, probation end).
    "development-deadlines": tenant_beat_entry(
        "tenants.development.remind_deadlines", crontab(hour=9, minute=0), window_seconds=1800
    ),
    # Notifications outside the app: deferred by quiet hours, retries, lost kicks.
    "notification-deliveries": tenant_beat_entry(
        "tenants.notifications.send_due_deliveries", crontab(minute="*"), window_seconds=45
    ),
    # Pocket members (口袋党员): roster vs member records across tenants.
    "pocket-members": {"task": "hub.detect_pocket_members", "schedule": crontab(hour=3, minute=30)},
    # Uploads started but never completed: abort them and delete their bytes (tenants, then the group).
    "stale-uploads": tenant_beat_entry(
        "services.storage.abort_stale_uploads", crontab(hour=4, minute=0), window_seconds=3600
    ),
    "stale-uploads-group": {"task": "services.storage.abort_stale_uploads", "schedule": crontab(hour=4, minute=0)},
    # Search index repair: reindex what lost index tasks missed (tenants spread over 10 minutes, then the group).
    "search-reconcile": tenant_beat_entry("search.reconcile", crontab(minute="*/15"), window_seconds=600),
    "search-reconcile-group": {"task": "search.reconcile", "schedule": crontab(minute="*/15")},
    # Keep spare schemas ready for near-instant provisioning.
    "spare-schemas": {"task": "tenancy.refill_spare_schemas", "schedule": crontab(minute="*/10")},
    # Group rollups: flagged outboxes every 10 s, all of them every 5 minutes, a full recompute nightly.
    "rollups-drain": {"task": "rollups.drain", "schedule": 10.0, "options": {"expires": 10}},
    "rollups-sweep": {"task": "rollups.sweep", "schedule": crontab(minute="*/5")},
    "rollups-recompute": {"task": "rollups.recompute", "schedule": crontab(hour=0, minute=30)},
}
