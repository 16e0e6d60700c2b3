"""URLs of a tenant host (<slug>.BASE_DOMAIN): the subsidiary's own schema."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from partycloud.audit.api import AuditEventViewSet
from partycloud.core.spa import console_app, manifest, portal_app, service_worker
from partycloud.hub.api import PocketCaseViewSet, RosterViewSet, TransferViewSet
from partycloud.statistics.api import AnnualReportView
from partycloud.tenancy.api import TenantSettingsView
from partycloud.urls_common import common
from tenants.access.api import RoleAssignmentViewSet
from tenants.development.api import CaseViewSet
from tenants.dues.api import (
    ArrearsNoticeViewSet,
    AssessmentViewSet,
    DuesBaseViewSet,
    ExemptionViewSet,
    OnlinePaymentViewSet,
    RemittanceViewSet,
    VoluntaryPaymentViewSet,
)
from tenants.live.api import LessonViewSet
from tenants.live.attendance_api import attendance_urlpatterns
from tenants.live.chat_api import chat_urlpatterns
from tenants.live.urls import watch_urlpatterns
from tenants.members.api import MemberImportViewSet, MemberViewSet
from tenants.notifications.api import DeliveryViewSet, NotificationViewSet
from tenants.organizations.api import OrganizationViewSet
from tenants.transfers.api import LetterVerificationView, LetterViewSet
from tenants.workbench.api import WorkbenchView

router = SimpleRouter(trailing_slash=False)
router.register("roles", RoleAssignmentViewSet, basename="role")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("roster", RosterViewSet, basename="roster")
router.register("pocket-members", PocketCaseViewSet, basename="pocket-member")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("notification-deliveries", DeliveryViewSet, basename="notification-delivery")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("members", MemberViewSet, basename="member")
router.register("member-imports", MemberImportViewSet, basename="member-import")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("transfer-letters", LetterViewSet, basename="transfer-letter")
router.register("dues/bases", DuesBaseViewSet, basename="dues-base")
router.register("dues/assessments", AssessmentViewSet, basename="dues-assessment")
router.register("dues/exemptions", ExemptionViewSet, basename="dues-exemption")
router.register("dues/voluntary-payments", VoluntaryPaymentViewSet, basename="dues-voluntary-payment")
router.register("dues/arrears", ArrearsNoticeViewSet, basename="dues-arrears")
router.register("dues/remittances", RemittanceViewSet, basename="dues-remittance")
router.register("dues/online-payments", OnlinePaymentViewSet, basename="dues-online-payment")
router.register("development/cases", CaseViewSet, basename="development-case")
router.register("live/lessons", LessonViewSet, basename="live-lesson")

urlpatterns = [
    *common,
    path("api/v1/settings", TenantSettingsView.as_view(), name="tenant-settings"),
    path("api/v1/annual-report", AnnualReportView.as_view(), name="annual-report"),
    path("api/v1/workbench", WorkbenchView.as_view(), name="workbench"),
    path("api/v1/transfer-letters/verify", LetterVerificationView.as_view(), name="transfer-letter-verify"),
    # The viewer's side of live lessons (this tenant's and the group's): api/v1/live/watch…
    path("api/v1/live/", include(watch_urlpatterns)),
    path("api/v1/live/", include("tenants.live.playback_api")),
    path("api/v1/live/", include(attendance_urlpatterns)),
    path("api/v1/live/", include(chat_urlpatterns)),
    path("api/v1/meetings/", include("tenants.meetings.urls")),
    path("api/v1/points/", include("tenants.points.urls")),
    path("api/v1/", include(router.urls)),
    path("sw.js", service_worker, name="service-worker"),
    path("manifest.webmanifest", manifest, name="manifest"),
    # The admin console under /console, the member portal everywhere else (client-side routing).
    re_path(r"^console(?:/(?P<path>.*))?$", console_app, name="console-app"),
    re_path(r"^(?!api/|static/|ws/)(?P<path>.*)$", portal_app, name="portal-app"),
]

# The database or the object store not answering: a 503 with its code, not a 500 page.
handler500 = "partycloud.tenancy.middleware.server_error"
# An unrouted /api/ URL answers JSON {code, message, field} like every API error.
handler404 = "partycloud.core.api.not_found"
