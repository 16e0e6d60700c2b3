"""Notifications: in-app messages to one user inside one tenant, stored and pushed live
over the WebSocket (``services.realtime``) after the transaction commits."""
