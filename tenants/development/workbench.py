"""Development's part of the console's home: deadlines of open cases, the pipeline by stage."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count
from django.utils.translation import gettext as _

from partycloud.core.workbench import Figure, Link, Todo
from tenants.access.services import Scope
from tenants.development.models import DevelopmentCase, Stage
from tenants.development.services import all_rules, deadlines, with_deadline_records

# Deadlines further out than this are not yet a to-do (the development page lists them all).
HORIZON_DAYS = 30
OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.ADMISSION, Stage.PROBATION)


def _titles() -> dict[str, str]:
    return {
        "talk_due": _("Talk with the applicant"),
        "review_due": _("Half-yearly review of the activist"),
        "approval_window": _("Higher committee's approval of the admission"),
        "probation_ends": _("Probation ends: confirmation due"),
    }


def todos(scope: Scope, today: date) -> list[Todo]:
    titles = _titles()
    cases = with_deadline_records(
        scope.apply(DevelopmentCase.objects.filter(stage__in=OPEN_STAGES)).select_related("organization")
    )
    rules = all_rules()
    return [
        Todo(
            kind=f"development.{item['code']}",
            module="development",
            title=titles.get(item["code"], item["label"]),
            subject=case.name,
            organization=case.organization.name,
            due_on=item["due_on"],
            link=Link(f"/development/{case.pk}"),
        )
        for case in cases
        for item in deadlines(case, today, rules)
        if item["due_on"] <= today + timedelta(days=HORIZON_DAYS)
    ]


def figures(scope: Scope, month: date) -> list[Figure]:
    counts = dict(
        scope.apply(DevelopmentCase.objects.filter(stage__in=OPEN_STAGES))
        .values_list("stage")
        .annotate(count=Count("id"))
        .values_list("stage", "count")
    )
    labels = {
        Stage.APPLICANT: _("Applicants"),
        Stage.ACTIVIST: _("Activists"),
        Stage.CANDIDATE: _("Candidates"),
        Stage.ADMISSION: _("Being admitted"),
        Stage.PROBATION: _("On probation (development)"),
    }
    link = Link("/development")
    return [
        Figure("development.open", "development", _("Development cases open"), sum(counts.values()), "", link),
        *(
            Figure(key=f"development.{stage}", module="development", label=label, value=counts.get(stage, 0), link=link)
            for stage, label in labels.items()
        ),
    ]
