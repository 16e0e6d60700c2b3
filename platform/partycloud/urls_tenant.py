"""URLs of a tenant host (<slug>.BASE_DOMAIN): the subsidiary's own schema."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from partycloud.audit.api import AuditEventViewSet
from partycloud.tenancy.api import TenantSettingsView
from partycloud.urls_common import common
from tenants.access.api import RoleAssignmentViewSet

router = SimpleRouter(trailing_slash=False)
router.register("roles", RoleAssignmentViewSet, basename="role")
router.register("audit-events", AuditEventViewSet, basename="audit-event")

urlpatterns = [
    *common,
    path("api/v1/settings", TenantSettingsView.as_view(), name="tenant-settings"),
    path("api/v1/", include(router.urls)),
]
