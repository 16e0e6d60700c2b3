"""Role assignments inside one tenant: tenant admins grant and revoke."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, serializers, viewsets

from partycloud.accounts.actor import Actor
from partycloud.accounts.api import UserBriefSerializer, user_by_identifier
from partycloud.accounts.permissions import IsTenantAdmin
from partycloud.core.api import ChoiceLabelField
from tenants.access.models import RoleAssignment, TenantRole
from tenants.access.services import do_assign_role, do_revoke_role


class RoleAssignmentSerializer(serializers.ModelSerializer[RoleAssignment]):
    user = UserBriefSerializer(read_only=True)
    identifier = serializers.CharField(write_only=True, help_text="Phone or employee card number of the user")
    role = serializers.ChoiceField(choices=TenantRole.choices)
    role_label = ChoiceLabelField("role")

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "identifier", "role", "role_label", "organization_id", "granted_at"]
        read_only_fields = ["id", "user", "granted_at"]
        validators: list[Any] = []


class RoleAssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[RoleAssignment],
):
    """Who holds which role in this party committee."""

    permission_classes = [IsTenantAdmin]
    serializer_class = RoleAssignmentSerializer
    queryset = RoleAssignment.objects.select_related("user")
    filterset_fields = ["role", "organization_id"]
    search_fields = ["user__name"]

    def perform_create(self, serializer: RoleAssignmentSerializer) -> None:  # type: ignore[override]
        data = serializer.validated_data
        serializer.instance = do_assign_role(
            user=user_by_identifier(data["identifier"]),
            role=data["role"],
            organization_id=data.get("organization_id"),
            actor=Actor.of(self.request),
        )

    def perform_destroy(self, instance: RoleAssignment) -> None:
        do_revoke_role(instance, actor=Actor.of(self.request))
