"""Infrastructure adapters used by the group root and the tenant apps alike."""
