"""Real-time channel, the adapter: channel-layer group names and sending.

Group names always carry the tenant's schema (``t.<schema>.<kind>.<id>``), handed in by the caller.
The tenant-aware WebSocket middleware and ``in_tenant`` are the kernel's
(``partycloud.tenancy.realtime``); each consumer lives in its domain app and ``partycloud.asgi``
routes them.
"""
