"""Search endpoints on every host. The ACL comes from the host's schema, never from the client:
a tenant host searches as that tenant, the root host as the group ("public")."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.accounts.actor import Actor
from partycloud.accounts.permissions import IsGroupAdmin, IsGroupAdminOrViewerReadOnly, IsTenantUser, on_root_host
from partycloud.core.api import validated
from partycloud.core.errors import NotFoundError
from partycloud.search.errors import SearchCode
from partycloud.search.jobs import do_request_reindex
from partycloud.search.models import ReindexJob
from partycloud.search.services import check_query, run_search
from services.search import SearchHit, SearchResult
from services.search.documents import FACET_FIELDS, MAX_PAGE_SIZE, MAX_QUERY_CHARS


class CanSearch(BasePermission):
    """Anyone with a role in this tenant; on the root host, group staff."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if on_root_host():
            return IsGroupAdminOrViewerReadOnly().has_permission(request, view)
        return IsTenantUser().has_permission(request, view)


class CanReindex(BasePermission):
    """Platform operators: a group admin on the root host. The index repairs itself every
    quarter hour, so tenant admins have nothing to rebuild (issue 11: an operator's word)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return on_root_host() and IsGroupAdmin().has_permission(request, view)


class SearchParamsSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_QUERY_CHARS)
    kind = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    category = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    tag = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    source = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list)  # type: ignore[assignment]  # a field named like a DRF attribute
    sort = serializers.ChoiceField(choices=["relevance", "newest"], required=False, default="relevance")
    page = serializers.IntegerField(required=False, default=1, min_value=1)
    page_size = serializers.IntegerField(required=False, default=20, min_value=1, max_value=MAX_PAGE_SIZE)


class HighlightsSerializer(serializers.Serializer[Any]):
    title = serializers.ListField(child=serializers.CharField(), help_text="HTML: escaped text, matches in <em>")
    body = serializers.ListField(child=serializers.CharField(), help_text="HTML: escaped text, matches in <em>")


class SearchRowSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    category = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like a DRF attribute
    owner_tenant = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField()
    highlights = HighlightsSerializer()
    data = serializers.DictField()  # type: ignore[assignment]  # a field named like a DRF attribute


class FacetValueSerializer(serializers.Serializer[Any]):
    value = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer[Any]):
    kind = FacetValueSerializer(many=True)
    category = FacetValueSerializer(many=True)
    tags = FacetValueSerializer(many=True)
    source = FacetValueSerializer(many=True)  # type: ignore[assignment]  # a field named like a DRF attribute


class SearchResponseSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = SearchRowSerializer(many=True)
    facets = FacetsSerializer()
    took_ms = serializers.FloatField()


def _row(hit: SearchHit) -> dict[str, Any]:
    document = hit.document
    return {
        "id": hit.doc_id,
        "kind": document.kind,
        "title": document.title,
        "summary": document.summary,
        "category": document.category,
        "tags": document.tags,
        "source": document.source,
        "owner_tenant": document.owner_tenant,
        "published_at": document.published_at,
        "score": hit.score,
        "highlights": hit.highlights,
        "data": document.data,
    }


def _facets(result: SearchResult) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [{"value": value, "count": count} for value, count in result.facets.get(name, [])]
        for name in FACET_FIELDS
    }


class SearchView(APIView):
    """Full-text search over the learning documents this host may see."""

    permission_classes = [CanSearch]

    @extend_schema(
        parameters=[SearchParamsSerializer],
        responses=SearchResponseSerializer,
    )
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        query = check_query(
            text=values["q"],
            kinds=values["kind"],
            categories=values["category"],
            tags=values["tag"],
            sources=values["source"],
            sort=values["sort"],
            page=values["page"],
            page_size=values["page_size"],
        )
        result = run_search(query)
        body = {
            "count": result.total,
            "page": query.page,
            "page_size": query.page_size,
            "results": [_row(hit) for hit in result.hits],
            "facets": _facets(result),
            "took_ms": round(result.took_ms, 1),
        }
        return Response(SearchResponseSerializer(body).data)


class SearchDocumentView(APIView):
    """One document, if this host may see it (the same ACL as the search)."""

    permission_classes = [CanSearch]

    @extend_schema(responses=SearchRowSerializer)
    def get(self, request: Request, doc_id: str) -> Response:
        result = run_search(check_query(ids=[doc_id], page_size=1))
        if not result.hits:
            raise NotFoundError(
                SearchCode.DOCUMENT_NOT_FOUND, _("This document does not exist or is not visible here.")
            )
        return Response(SearchRowSerializer(_row(result.hits[0])).data)


class ReindexJobSerializer(serializers.ModelSerializer[ReindexJob]):
    progress = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReindexJob
        fields = [
            "id", "scope", "owner_tenant", "status", "total", "done", "progress", "error",
            "requested_by", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


def visible_jobs() -> QuerySet[ReindexJob]:
    """Every job, on the root host only (CanReindex keeps everyone else out)."""
    return ReindexJob.objects.all()


class ReindexRequestSerializer(serializers.Serializer[Any]):
    tenant = serializers.CharField(
        max_length=63, required=False, allow_null=True, default=None, help_text="one tenant's schema; empty: everything"
    )


class ReindexView(APIView):
    """Platform operators (group admin on the root host). ``POST``: rebuild everything with zero
    downtime, or reindex one tenant (``tenant``: its schema); ``GET``: the latest jobs."""

    permission_classes = [CanReindex]

    @extend_schema(responses=ReindexJobSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ReindexJobSerializer(visible_jobs()[:20], many=True).data)

    @extend_schema(
        request=ReindexRequestSerializer,
        responses={202: inline_serializer("ReindexQueued", {"job": ReindexJobSerializer()})},
    )
    def post(self, request: Request) -> Response:
        data = validated(ReindexRequestSerializer, request.data)
        job = do_request_reindex(actor=Actor.of(request), tenant=data["tenant"] or None)
        return Response({"job": ReindexJobSerializer(job).data}, status=202)


class ReindexJobView(APIView):
    """Progress of one reindex job."""

    permission_classes = [CanReindex]

    @extend_schema(responses=ReindexJobSerializer)
    def get(self, request: Request, job_id: int) -> Response:
        job = visible_jobs().filter(pk=job_id).first()
        if job is None:
            raise NotFoundError(SearchCode.JOB_NOT_FOUND, _("This reindex job does not exist."))
        return Response(ReindexJobSerializer(job).data)
