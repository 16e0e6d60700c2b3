"""Assessment's URLs on tenant hosts, under api/v1/assessment/: task books (taskbooks_api)."""

from __future__ import annotations

from tenants.assessment.taskbooks_api import urlpatterns as taskbook_urlpatterns

urlpatterns = [*taskbook_urlpatterns]
