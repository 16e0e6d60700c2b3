"""Transfers (组织关系转接): moving a member's record between organizations of one tenant, or
between tenants of the group in one database transaction (never in two places, never in
none), with validity deadlines from a versioned rule table."""
