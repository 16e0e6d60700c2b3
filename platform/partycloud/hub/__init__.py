"""Hub: what crosses tenants — the group's employee roster (one-card registry) and, later,
member transfers between subsidiaries. Lives in the public schema."""
