"""Tenancy: PartyCommittee (one schema per subsidiary party committee) and Domain.

New tenants are cloned from a template schema (``TENANT_BASE_SCHEMA``) that
``migrate_schemas`` keeps current; ``services.do_provision_tenant`` is the one way
to create a tenant (group admin API, management command, approved applications).
"""
