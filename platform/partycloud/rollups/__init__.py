"""Group rollups: per-tenant, per-organization, per-month figures in the public schema.

Tenant schemas record what changed in their outbox (``tenants.outbox``, filled by triggers in
the same transaction as the change). The relay (``relay.py``) drains an outbox and recomputes
the affected figures from the tenant's own tables, writing absolute values: applying a batch
twice gives the same rows, and a relay killed mid-batch rolls back as a whole (the outbox rows
are deleted in the same transaction as the rollups are written, both in one database). The
nightly recompute (``recompute.py``) checks every figure against its source and fixes drift.
Each tenant app declares its metrics in its own ``rollups.py`` and registers them with the
kernel's registry (``partycloud.core.metrics``), which the relay, the recompute and the backfill
read; the figures people see are combined from them in ``figures.py``.
"""
