"""Organizations: a tenant's party organization tree — committee 党委, general branch 党总支,
branch 党支部, party group 党小组 — with terms of office, moves and merges that keep history.
"""
