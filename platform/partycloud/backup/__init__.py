"""Per-tenant backup and restore (``manage.py backup_tenant`` / ``restore_tenant``).

One archive holds a tenant's schema (every table as CSV, from one snapshot), its objects in
the store (keys under ``t/<schema>/``, through ``services.storage``), its public rows (the
party committee, its host names, its access index and its audit trail) and a manifest
(counts, checksums, versions, migration state). A restore makes a **new** tenant from it:
a new schema cloned from the template, a new host, keys and references rewritten. The
original is never touched. See docs/deploy.md, "Backup and restore", and ADR 0020.
"""
