"""Full-text search engines, an adapter: Elasticsearch, or PostgreSQL over jieba-segmented text
behind the same interface.

It stores and finds ``SearchDocument``s; every ``SearchQuery`` carries the caller's
``SearchAcl``, applied inside the backend. It knows nothing of tenants' data: which documents
exist, when they change and who asks is the platform's part (``partycloud.search``: the source
registry, ``index_on_commit``, reindex jobs, the API). See docs/search.md.
"""

from services.search.backends import get_backend, reset_backend
from services.search.documents import (
    InvalidQuery,
    Marking,
    SearchAcl,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    Visibility,
    document_id,
)

__all__ = [
    "InvalidQuery",
    "Marking",
    "SearchAcl",
    "SearchBackend",
    "SearchDocument",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "Visibility",
    "document_id",
    "get_backend",
    "reset_backend",
]
