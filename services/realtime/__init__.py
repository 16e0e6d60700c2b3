"""Real-time channel: the ASGI WebSocket side. Tenant-aware middleware (scope["tenant"],
user from session or JWT), consumers that touch the database only inside their
tenant's schema, and group names that always carry the schema: ``t.<schema>.<kind>.<id>``.
"""
