"""A model viewset whose writes are the library's ``do_*`` services, not DRF's default saves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.db.models import Model
from rest_framework import serializers, viewsets

from partycloud.accounts.actor import Actor

M = TypeVar("M", bound=Model)


# DRF's serializer parses and renders; creating, changing and deleting call the services named
# on the view with the request's ``Actor`` (issue 12, ADR 0013). The schema stays DRF's. (A
# comment, not a docstring: drf-spectacular would describe every subclass's operations with it.)
class ServiceModelViewSet(viewsets.ModelViewSet[M]):
    create_with: ClassVar[Callable[..., Any]]  # do_create_x(*, actor, **fields) -> x
    update_with: ClassVar[Callable[..., Any]]  # do_update_x(x, *, actor, **changes) -> x
    delete_with: ClassVar[Callable[..., None]]  # do_delete_x(x, *, actor)

    def perform_create(self, serializer: serializers.BaseSerializer[M]) -> None:
        created = type(self).create_with(actor=Actor.of(self.request), **serializer.validated_data)
        serializer.instance = self._as_listed(created)

    def perform_update(self, serializer: serializers.BaseSerializer[M]) -> None:
        assert serializer.instance is not None
        changed = type(self).update_with(serializer.instance, actor=Actor.of(self.request), **serializer.validated_data)
        serializer.instance = self._as_listed(changed)

    def _as_listed(self, instance: M) -> M:
        """The object as the queryset reads it: with its annotations (``question_count``, ...), so a
        create or update answers the same properties as a read."""
        return self.get_queryset().filter(pk=instance.pk).first() or instance

    def perform_destroy(self, instance: M) -> None:
        type(self).delete_with(instance, actor=Actor.of(self.request))
