"""Access: roles inside one tenant (tenant admin, secretary, committee member, member,
discipline inspector), each optionally scoped to an organization subtree, and the DRF
permission classes that every tenant app uses.
"""
