"""A narrow heap for ``search_entry``: the columns a text search reads for every match stay in the
row, everything else goes to TOAST.

A common word matches tens of thousands of rows; the search reads each one's ACL and facet
columns (a bitmap heap scan), so it pays for every page those rows are spread over. With the
bodies inline (up to 2 KB a row) 100,000 documents took 13,130 pages (103 MB, more than
PostgreSQL's default ``shared_buffers`` of 128 MB once the GIN index and TOAST compete for
it); with ``toast_tuple_target = 128`` the text, title, summary and data move out of line and
the same rows fit in 4,560 pages (36 MB). The small columns are ``STORAGE MAIN`` so that they
stay in the row. See docs/performance.md, issue 14, and ADR 0021.

Existing rows keep their layout until they are rewritten: run a full rebuild
(``manage.py search_reindex``) after deploying to narrow them all.
"""

from django.db import migrations

_SMALL = ("doc_id", "owner_tenant", "visibility", "marking", "kind", "category", "tags", "source", "title_vector",
          "version")  # fmt: skip

FORWARD = "ALTER TABLE search_entry SET (toast_tuple_target = 128), " + ", ".join(
    f"ALTER COLUMN {column} SET STORAGE MAIN" for column in _SMALL
)
BACKWARD = "ALTER TABLE search_entry RESET (toast_tuple_target), " + ", ".join(
    f"ALTER COLUMN {column} SET STORAGE EXTENDED" for column in _SMALL
)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_pending_index"),
    ]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)]
