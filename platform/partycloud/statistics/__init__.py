"""The party statistics annual report (党内统计年报, DOMAIN_RULES §9).

A snapshot at 31 December (or a chosen date) compared with the same day one year earlier,
counted where the formal relationship is held (``MemberTenure``), for one tenant (its host)
or for the group (the root host: one row per tenant and the group total). Seven tables and
the cross-table checks that must agree; JSON or an Excel workbook with a sheet per table.

- ``definitions``: the bands, categories and columns of the official tables (data, not code).
- ``figures``: one tenant's figures, a handful of aggregate queries in its schema.
- ``evaluation``: democratic evaluation results (confirmed rounds of ``tenants.assessment``).
- ``report``: tables and checks for a tenant or for the group.
- ``workbook``: the Excel export. ``services``: the audit of reads and exports. ``api``: the two
  endpoints.

No models: everything is computed from the tenant schemas when asked.
"""
