"""Search endpoints, on every host (the ACL comes from the host)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from partycloud.search.api import ReindexJobView, ReindexView, SearchDocumentView, SearchView

urlpatterns: list[URLPattern | URLResolver] = [
    path("search", SearchView.as_view(), name="search"),
    path("search/reindex", ReindexView.as_view(), name="search-reindex"),
    path("search/reindex/<int:job_id>", ReindexJobView.as_view(), name="search-reindex-job"),
    path("search/documents/<str:doc_id>", SearchDocumentView.as_view(), name="search-document"),
]
