"""Error codes of search: each a stable code clients act on and what it means (docs/api.md)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class SearchCode(ErrorCode):
    DOCUMENT_NOT_FOUND = "search.document_not_found", "This document does not exist or is not visible here."
    INVALID_PAGE = "search.invalid_page", "Only the first <max> results can be paged through: refine the search."
    INVALID_PAGE_SIZE = "search.invalid_page_size", "The page size is between 1 and <max>."
    INVALID_SORT = "search.invalid_sort", "Sort by relevance or newest."
    JOB_NOT_FOUND = "search.job_not_found", "This reindex job does not exist."
    OPERATORS_ONLY = (
        "search.operators_only",
        "Search data is kept up to date automatically; only platform operators rebuild it.",
    )
    QUERY_TOO_LONG = "search.query_too_long", "The search text is too long (at most <max> characters)."
    REINDEX_RUNNING = (
        "search.reindex_running",
        "A reindex is already under way: follow its progress, or wait until it finishes.",
    )
    UNAVAILABLE = (
        "search.unavailable",
        "Search is unavailable for a moment; the library can still be browsed. Try again shortly.",
    )
    UNKNOWN_TENANT = "search.unknown_tenant", "No searchable tenant has this schema name."
