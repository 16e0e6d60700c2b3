"""The group dashboard's endpoints (root host), under /api/v1/group/dashboard."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from partycloud.rollups.api import (
    ComplianceView,
    DashboardView,
    DriftReportsView,
    OrganizationMembersView,
    TenantOrganizationsView,
    ThresholdsView,
    TrendsView,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", DashboardView.as_view(), name="group-dashboard"),
    path("/trends", TrendsView.as_view(), name="group-dashboard-trends"),
    path("/compliance", ComplianceView.as_view(), name="group-dashboard-compliance"),
    path("/thresholds", ThresholdsView.as_view(), name="group-dashboard-thresholds"),
    path("/drift-reports", DriftReportsView.as_view(), name="group-dashboard-drift"),
    path(
        "/tenants/<int:tenant_id>/organizations",
        TenantOrganizationsView.as_view(),
        name="group-dashboard-organizations",
    ),
    path(
        "/tenants/<int:tenant_id>/organizations/<int:organization_id>/members",
        OrganizationMembersView.as_view(),
        name="group-dashboard-members",
    ),
]
