"""API conventions shared by every app: one error format, pagination, small helpers."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable, ValuesIterable
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from partycloud.core.errors import CoreCode, ErrorCode, ServiceError, declared_code
from partycloud.core.outages import unavailable_body
from services.media.errors import MediaError

_GENERIC_CODES = {
    exceptions.NotAuthenticated: "auth.not_authenticated",
    exceptions.AuthenticationFailed: "auth.failed",
    exceptions.PermissionDenied: "permission.denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "parse_error",
}


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404`` of both hosts' urlconfs: a URL under ``/api/`` that no route matches (an id
    that is not a number, a dot in a path segment) answers like every other API 404."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(CoreCode.NOT_FOUND, _("No such address in the API.")), status=404)
    return page_not_found(request, exception or Http404())


def error_body(code: str, message: Any, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": str(message), "field": field, **extra}


def _flatten_validation(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Turn DRF's nested validation detail into a flat list of {code, message, field}."""
    errors: list[dict[str, Any]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            field = f"{prefix}.{name}" if prefix and name else (name or prefix)
            errors.extend(_flatten_validation(value, field))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, exceptions.ErrorDetail):
                errors.extend(_flatten_validation(value, f"{prefix}[{index}]" if prefix else str(index)))
            else:
                errors.extend(_flatten_validation(value, prefix))
    else:
        code = getattr(detail, "code", "invalid") or "invalid"
        errors.append(error_body(f"validation.{code}", detail, prefix or None))
    return errors


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as ``{code, message, field}`` (validation adds ``errors``: all of them)."""
    if isinstance(exc, MediaError):
        # The media adapter raises its own type (floor 1 imports nothing of ours): same code and message.
        exc = ServiceError(declared_code(exc.code), exc.message)
    outage = unavailable_body(exc)  # the database or the object store did not answer
    if outage is not None:
        body, headers = outage
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.message, exc.field, **exc.extra), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten_validation(exc.detail)
        first = errors[0] if errors else error_body("validation.invalid", _("Invalid input."))
        response.data = {**first, "code": "validation.invalid" if len(errors) > 1 else first["code"], "errors": errors}
        if len(errors) > 1:
            response.data["message"] = _("%(count)d fields have errors. First: %(message)s") % {
                "count": len(errors),
                "message": first["message"],
            }
        return response
    assert isinstance(exc, exceptions.APIException)
    code = next((c for cls, c in _GENERIC_CODES.items() if isinstance(exc, cls)), f"error.{exc.default_code}")
    detail = exc.detail if not isinstance(exc.detail, list | dict) else exc.default_detail
    extra: dict[str, Any] = {}
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        extra["retry_after"] = int(wait)
    response.data = error_body(code, detail, None, **extra)
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response["WWW-Authenticate"] = response.get("WWW-Authenticate", 'Bearer realm="api"')
    return response


class ChoiceLabelField(serializers.CharField):
    """The label of a model's choice field (``get_<field>_display()``), read-only.

    ``CharField(source="get_<field>_display")`` makes DRF inspect the bound method's signature
    for every row (``is_simple_callable``): ~0.1 ms a row, most of a 20-row list's serialization.
    """

    def __init__(self, choice_field: str, **kwargs: Any) -> None:
        self.choice_field = choice_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        raw = getattr(value, self.choice_field)
        model: Any = type(value)
        return str(_choice_labels(model, self.choice_field).get(raw, raw))


@functools.cache
def _choice_labels(model: Any, field_name: str) -> dict[Any, Any]:
    """A model field's value -> label (lazy, translated when rendered); Django rebuilds it per call."""
    return dict(model._meta.get_field(field_name).flatchoices)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, with the FilterSet built from a view's ``filterset_fields`` once
    per view and model instead of on every request (a new class each time: ~1 ms of a list)."""

    _built: ClassVar[dict[tuple[type[Any], type[Any]], type[Any]]] = {}

    def get_filterset_class(self, view: Any, queryset: Any = None) -> Any:
        if getattr(view, "filterset_class", None) or queryset is None or not getattr(view, "filterset_fields", None):
            return super().get_filterset_class(view, queryset)
        key = (type(view), queryset.model)
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = super().get_filterset_class(view, queryset)
        return built

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        # No parameter of the FilterSet in the query: nothing to filter, so no form to build and
        # validate (most list requests; ~0.6 ms of a 20-row list).
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


_PAGE_TOTAL = "_pc_page_total"

if TYPE_CHECKING:
    _Paginator = DjangoPaginator[Any]
else:  # Django's Paginator is generic only in its type stubs
    _Paginator = DjangoPaginator


class OneStatementPaginator(_Paginator):
    """Django's paginator, reading a page and the total in one statement (``COUNT(*) OVER ()``)
    instead of a COUNT and then the page. Falls back to Django's two statements where a window
    would count something else (DISTINCT, set operations, value lists), for orphans, and for an
    empty page (to tell an empty list from a page past the end)."""

    def page(self, number: Any) -> Page[Any]:
        queryset = self.object_list
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            return super().page(number)
        query = getattr(queryset, "query", None)
        if (
            not isinstance(queryset, QuerySet)
            or query is None
            or query.distinct
            or query.combinator
            or query.is_sliced
            or self.orphans
            or wanted < 1
            or queryset._iterable_class not in (ModelIterable, ValuesIterable)
        ):
            return super().page(number)
        bottom = (wanted - 1) * self.per_page
        rows = list(queryset.annotate(**{_PAGE_TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page])
        if not rows:
            return super().page(number)
        if isinstance(rows[0], dict):
            total = rows[0][_PAGE_TOTAL]
            for row in rows:
                del row[_PAGE_TOTAL]
        else:
            total = getattr(rows[0], _PAGE_TOTAL)
        self.__dict__["count"] = total  # the cached_property Django would have filled with a COUNT
        return Page(rows, wanted, self)


class PagePagination(PageNumberPagination):
    """``?page=2&page_size=50``; responses carry count, next, previous and results."""

    django_paginator_class = OneStatementPaginator
    page_size_query_param = "page_size"
    max_page_size = 200


def date_param(raw: str | None, code: ErrorCode) -> date:
    """A ``?date=YYYY-MM-DD`` query parameter, today when absent; ``code`` names the app's error."""
    if not raw:
        return timezone.localdate()
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise ServiceError(code, _("Use a date like 2026-06-30."), "date") from None


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    """The request body checked by ``serializer_class`` (a 400 in our error format otherwise)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# ---------------------------------------------------------------- spreadsheet column mapping (core.sheetmapping)


class SheetColumnSerializer(serializers.Serializer[dict[str, Any]]):
    column = serializers.CharField()
    field = serializers.CharField(help_text='A field key, or "ignore".')


class SheetFieldSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField()
    header = serializers.CharField()
    # DRF's metaclass takes declared fields out of the class, so these names do not clash at run time.
    required = serializers.BooleanField()  # type: ignore[assignment]


class SheetMissingFieldSerializer(serializers.Serializer[dict[str, Any]]):
    key = serializers.CharField()
    header = serializers.CharField()


class SheetProposalSerializer(serializers.Serializer[dict[str, Any]]):
    """An import's column-mapping step: also the ``proposal`` of a 400 ``sheets.mapping_required``."""

    header_row = serializers.IntegerField()
    columns = SheetColumnSerializer(many=True)
    preview = serializers.ListField(child=serializers.ListField(child=serializers.CharField(allow_blank=True)))
    fields = SheetFieldSerializer(many=True)  # type: ignore[assignment]  # a declared field, as above
    missing = SheetMissingFieldSerializer(many=True)
