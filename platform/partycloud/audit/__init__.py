"""Audit log: who read, exported or changed sensitive data, when, from where, in which tenant.

One table in the public schema so the group can query across tenants; a tenant
admin sees only their own tenant's rows.
"""
