"""Supervision's URLs, under api/v1/supervision/ on every host (the group's announcements and the
group inspectors' views live on the root host; each view checks the host it answers on).

Each part keeps its own ``urlpatterns`` in its ``*_api`` module."""

from __future__ import annotations

from tenants.supervision.announcements_api import urlpatterns as announcement_urlpatterns
from tenants.supervision.calendar_api import urlpatterns as calendar_urlpatterns
from tenants.supervision.inquiries_api import urlpatterns as inquiry_urlpatterns
from tenants.supervision.publicity_api import urlpatterns as publicity_urlpatterns
from tenants.supervision.reports_api import urlpatterns as report_urlpatterns
from tenants.supervision.rules_api import urlpatterns as rule_urlpatterns
from tenants.supervision.surveys_api import urlpatterns as survey_urlpatterns
from tenants.supervision.votes_api import urlpatterns as vote_urlpatterns

urlpatterns = [
    *announcement_urlpatterns,
    *publicity_urlpatterns,
    *survey_urlpatterns,
    *vote_urlpatterns,
    *report_urlpatterns,
    *inquiry_urlpatterns,
    *rule_urlpatterns,
    *calendar_urlpatterns,
]
