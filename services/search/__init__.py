"""Full-text search: Elasticsearch, or PostgreSQL over jieba-segmented text behind the same interface.

Features describe their searchable things as ``SearchDocument`` and register a
``DocumentSource``; they call ``index_on_commit(kind, ids)`` when something changes. Readers
build a ``SearchQuery`` with the caller's ``SearchAcl`` and call ``get_backend().search``. The
ACL filter is always applied inside the backend. See docs/search.md.
"""

from services.search.backends import get_backend, reset_backend
from services.search.documents import (
    Marking,
    SearchAcl,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    Visibility,
    document_id,
)
from services.search.indexing import (
    DocumentSource,
    index_documents,
    index_on_commit,
    rebuild_all,
    register_source,
    reindex_schema,
    unregister_source,
)

__all__ = [
    "DocumentSource",
    "Marking",
    "SearchAcl",
    "SearchBackend",
    "SearchDocument",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "Visibility",
    "document_id",
    "get_backend",
    "index_documents",
    "index_on_commit",
    "rebuild_all",
    "register_source",
    "reindex_schema",
    "reset_backend",
    "unregister_source",
]
