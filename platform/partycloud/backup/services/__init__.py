"""Backing up one tenant into an archive, and restoring an archive as a new tenant.

Why CSV per table and not ``pg_dump --schema`` (ADR 0020): a restore goes into a *new* schema
name, which ``pg_restore`` cannot rename to; the app's own connection copies exactly the
snapshot its transaction sees (a test's uncommitted data too) without a ``pg_dump`` of the
server's major version in the image; and the target schema is cloned from the template like
any new tenant, so the structure comes from this platform's migrations, provided the
archive's migration state equals the template's (checked first).
"""

from partycloud.backup.services.backup import check_can_back_up, do_backup_tenant
from partycloud.backup.services.catalog import schema_tables
from partycloud.backup.services.restore import RestoreResult, do_restore_tenant

__all__ = ["RestoreResult", "check_can_back_up", "do_backup_tenant", "do_restore_tenant", "schema_tables"]
