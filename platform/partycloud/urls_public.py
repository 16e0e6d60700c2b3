"""URLs of the group root host (public schema)."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from partycloud.accounts.api import GroupRoleViewSet
from partycloud.accounts.api_mfa import MfaResetView
from partycloud.audit.api import AuditEventViewSet
from partycloud.core.spa import group_app
from partycloud.hub.api import PocketCaseViewSet, RosterViewSet
from partycloud.hub.live import group_live_urlpatterns
from partycloud.rollups.meetings_api import group_meetings_urlpatterns
from partycloud.statistics.api import GroupAnnualReportView
from partycloud.tenancy.api import GroupSummaryView, PartyCommitteeViewSet, TenantApplicationViewSet
from partycloud.urls_common import common
from tenants.live.chat_api import group_chat_urlpatterns
from tenants.live.group_api import GroupLessonViewSet
from tenants.meetings.group_api import group_drilldown_urlpatterns

router = SimpleRouter(trailing_slash=False)
router.register("tenants", PartyCommitteeViewSet, basename="tenant")
router.register("tenant-applications", TenantApplicationViewSet, basename="tenant-application")
router.register("group-roles", GroupRoleViewSet, basename="group-role")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("roster", RosterViewSet, basename="roster")
router.register("pocket-members", PocketCaseViewSet, basename="pocket-member")
# The group's own live lessons (public schema), watched from every subsidiary's host.
router.register("group/live/lessons", GroupLessonViewSet, basename="group-live-lesson")

urlpatterns = [
    *common,
    path("api/v1/group/mfa-reset", MfaResetView.as_view(), name="group-mfa-reset"),
    path("api/v1/group/summary", GroupSummaryView.as_view(), name="group-summary"),
    path("api/v1/group/annual-report", GroupAnnualReportView.as_view(), name="group-annual-report"),
    path("api/v1/group/dashboard", include("partycloud.rollups.urls")),
    path("api/v1/group/live/", include(group_live_urlpatterns)),
    path("api/v1/group/task-books/", include("partycloud.taskbooks.urls")),
    # Organizational life: tenants × kinds from the rollups, and the drill-down into a tenant's table.
    path("api/v1/group/meetings/", include([*group_meetings_urlpatterns, *group_drilldown_urlpatterns])),
    # The media server's callbacks (nginx-rtmp cannot set a Host header): the key names the tenant.
    path("api/v1/live/hooks/", include("tenants.live.urls")),
    path("api/v1/group/live/", include(group_chat_urlpatterns)),
    path("api/v1/", include(router.urls)),
    # Everything else is the group dashboard's client-side routing.
    re_path(r"^(?!api/|static/|ws/)(?P<path>.*)$", group_app, name="group-app"),
]

# The database or the object store not answering: a 503 with its code, not a 500 page.
handler500 = "partycloud.tenancy.middleware.server_error"
# An unrouted /api/ URL answers JSON {code, message, field} like every API error.
handler404 = "partycloud.core.api.not_found"
