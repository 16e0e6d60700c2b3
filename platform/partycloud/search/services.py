"""Queries on behalf of a host: its ACL, and the engine's refusals as the platform's errors."""

from __future__ import annotations

import logging
from typing import Any

from partycloud.core.errors import ServiceError, declared_code
from partycloud.search.errors import SearchCode
from partycloud.tenancy.context import active_schema
from services.search import InvalidQuery, SearchAcl, SearchQuery, SearchResult, SearchUnavailable, get_backend

logger = logging.getLogger(__name__)


def caller_acl() -> SearchAcl:
    """The host decides: its schema is the tenant whose documents (plus shared ones) are visible."""
    return SearchAcl(tenant=active_schema())


def check_query(**fields: Any) -> SearchQuery:
    """A query under the host's ACL; one the engines refuse (too long, a page out of range) is
    a ``ServiceError`` naming the parameter (400)."""
    try:
        return SearchQuery(acl=caller_acl(), **fields)
    except InvalidQuery as error:
        raise ServiceError(declared_code(error.code), error.message, error.field) from error


def run_search(query: SearchQuery) -> SearchResult:
    """The engine's answer; the engine down (unreachable, timing out) is a 503
    ``search.unavailable`` at once, not a hung request (browsing the library does not search)."""
    try:
        return get_backend().search(query)
    except SearchUnavailable as error:
        logger.warning("search: unavailable for %s (%s)", query.acl.tenant, error)
        raise ServiceError(SearchCode.UNAVAILABLE, error.message, status=503) from error
