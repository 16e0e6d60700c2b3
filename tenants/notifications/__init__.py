"""Notifications: in-app messages to one user inside one tenant, stored and pushed live
over the WebSocket (``consumers``, through the channel layer of ``services.realtime``) after
the transaction commits."""
