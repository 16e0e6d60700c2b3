"""``GET /api/v1/learning/library``: the library a reader browses, from the database (it works
while the search engine is down; the portal searches only when the member types words)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from partycloud.search.api import FacetsSerializer
from services.search.documents import MAX_PAGE_SIZE, MAX_RESULT_WINDOW
from tenants.learning.browsing import LibraryFilters, browse_library
from tenants.learning.permissions import ReadsLibrary


class LibraryParamsSerializer(serializers.Serializer[Any]):
    kind = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    category = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    tag = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    source = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list)  # type: ignore[assignment]  # a field named like a DRF attribute
    page = serializers.IntegerField(required=False, default=1, min_value=1)
    page_size = serializers.IntegerField(required=False, default=20, min_value=1, max_value=MAX_PAGE_SIZE)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["page"] * attrs["page_size"] > MAX_RESULT_WINDOW:
            raise serializers.ValidationError(
                {"page": _("Only the first %(max)d results can be paged through: refine the search.")
                 % {"max": MAX_RESULT_WINDOW}}
            )  # fmt: skip
        return attrs


class LibraryRowSerializer(serializers.Serializer[Any]):
    """A search row without a score or highlights (the same id, fields and ``data``)."""

    id = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    category = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like a DRF attribute
    owner_tenant = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    data = serializers.DictField()  # type: ignore[assignment]  # a field named like a DRF attribute


class LibraryPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = LibraryRowSerializer(many=True)
    facets = FacetsSerializer()


class LibraryListView(APIView):
    """The published resources readers here may open (this library's and the group's shared
    ones), newest first, with facet counts; ``?kind=``, ``?category=``, ``?tag=``, ``?source=``
    (each repeatable: any of the values). No search engine involved."""

    permission_classes = [ReadsLibrary]

    @extend_schema(
        operation_id="learning_library_list", parameters=[LibraryParamsSerializer], responses=LibraryPageSerializer
    )
    def get(self, request: Request) -> Response:
        params = LibraryParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        filters = LibraryFilters(
            kinds=values["kind"], categories=values["category"], tags=values["tag"], sources=values["source"]
        )
        found = browse_library(filters, page=values["page"], page_size=values["page_size"])
        body = {
            "count": found.total,
            "page": values["page"],
            "page_size": values["page_size"],
            "results": [row.row for row in found.rows],
            "facets": {
                name: [{"value": value, "count": count} for value, count in values_]
                for name, values_ in found.facets.items()
            },
        }
        return Response(LibraryPageSerializer(body).data)
