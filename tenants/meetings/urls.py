"""Organizational life's URLs on tenant hosts, under api/v1/meetings/: records (plans, meetings,
attendance, leave, minutes, make-up), sign-in (QR, card, host) and compliance."""

from __future__ import annotations

from tenants.meetings.compliance_api import urlpatterns as compliance_urlpatterns
from tenants.meetings.records_api import urlpatterns as records_urlpatterns
from tenants.meetings.signin_api import urlpatterns as signin_urlpatterns

urlpatterns = [*records_urlpatterns, *signin_urlpatterns, *compliance_urlpatterns]
