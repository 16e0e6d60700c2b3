"""Workbench (工作台): the admin console's home. Collects to-dos with deadlines and the month's key
figures from each domain's public ``workbench`` module, for the organizations the caller covers.
Owns no tables: every record stays with its domain."""
