"""Assessment's URLs on tenant hosts, under api/v1/assessment/: task books, the democratic
evaluation (evaluations/…) and the masses' public ballot (ballot/…)."""

from __future__ import annotations

from tenants.assessment.evaluation_api import urlpatterns as evaluation_urlpatterns
from tenants.assessment.mass_api import urlpatterns as mass_urlpatterns

urlpatterns = [*evaluation_urlpatterns, *mass_urlpatterns]
