"""Accounts: one identity per person (mobile phone, employee card), login, tokens, group roles.

Owns the public-schema ``User`` and ``GroupRole``. Roles inside a subsidiary live in
its own schema (``tenants.access``).
"""
