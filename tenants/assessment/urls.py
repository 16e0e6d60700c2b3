"""Assessment's URLs on tenant hosts, under api/v1/assessment/: task books (task-books/…), the
democratic evaluation (evaluations/…) and the masses' public ballot (ballot/…)."""

from __future__ import annotations

from tenants.assessment.evaluation_api import urlpatterns as evaluation_urlpatterns
from tenants.assessment.mass_api import urlpatterns as mass_urlpatterns
from tenants.assessment.taskbooks_api import urlpatterns as taskbook_urlpatterns

urlpatterns = [*taskbook_urlpatterns, *evaluation_urlpatterns, *mass_urlpatterns]
