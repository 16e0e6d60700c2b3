"""Which backend answers: Elasticsearch when ``ELASTICSEARCH_URL`` is set, else PostgreSQL."""

from __future__ import annotations

import threading

from django.conf import settings

from services.search.documents import SearchBackend

_backend: SearchBackend | None = None
_lock = threading.Lock()


def make_backend() -> SearchBackend:
    # Each backend is imported when chosen: the Elasticsearch client loads only where it is used.
    if settings.ELASTICSEARCH_URL:
        from services.search.elastic import ElasticsearchBackend

        return ElasticsearchBackend(
            settings.ELASTICSEARCH_URL,
            prefix=settings.SEARCH_INDEX_PREFIX,
            analyzer=settings.SEARCH_ANALYZER,
            # Tests read their writes at once; production relies on the index's refresh interval.
            refresh_on_write=getattr(settings, "SEARCH_REFRESH_ON_WRITE", False),
            timeout=settings.SEARCH_WRITE_TIMEOUT_SECONDS,
            search_timeout=settings.SEARCH_TIMEOUT_SECONDS,
            write_attempts=settings.SEARCH_WRITE_ATTEMPTS,
        )
    from services.search.postgres import PostgresBackend

    return PostgresBackend()


def get_backend() -> SearchBackend:
    """The process's backend (one client, one analyzer probe)."""
    global _backend
    if _backend is None:
        with _lock:
            if _backend is None:
                _backend = make_backend()
    return _backend


def reset_backend() -> None:
    """Forget the cached backend (tests that change the settings)."""
    global _backend
    _backend = None
