"""Figures: the named combinations of metric rows that people read.

Members = full + probationary, women share = female ÷ members, arrears rate = members unpaid ÷
members assessed …, declared once in ``FIGURES``; the KPI cards, the per-tenant table, the
trends, the drill-down, the traffic lights and the stored summaries all use them. Rates are
computed from summed parts, never averaged.

The bottom of this package's read side, imported one way only:
``figures`` ← ``summaries`` ← ``relay`` ← (``recompute``, ``history``) ← ``dashboard`` ←
``services`` ← ``api``. It reads nothing but the metric names of the rows it combines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Values = dict[tuple[str, str], Decimal]  # (metric, dimension) -> value
PIPELINE = ("applicant", "activist", "candidate", "admission", "probation")


@dataclass(frozen=True)
class Total:
    """A metric's rows summed (over some dimensions, or all)."""

    metric: str
    dimensions: tuple[str, ...] = ()

    @property
    def metrics(self) -> frozenset[str]:
        return frozenset({self.metric})

    def __call__(self, values: Values) -> Decimal:
        if self.dimensions:
            return sum((values.get((self.metric, d), Decimal(0)) for d in self.dimensions), Decimal(0))
        return sum((v for (m, _d), v in values.items() if m == self.metric), Decimal(0))


def _sum(metric: str, *dimensions: str) -> Total:
    return Total(metric, dimensions)


@dataclass(frozen=True)
class Ratio:
    """``part`` as a percentage of ``whole`` (None without a whole)."""

    part: Total
    whole: Total

    @property
    def metrics(self) -> frozenset[str]:
        return self.part.metrics | self.whole.metrics

    def __call__(self, values: Values) -> Decimal | None:
        denominator = self.whole(values)
        if not denominator:
            return None
        return (self.part(values) * 100 / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _ratio(part: Total, whole: Total) -> Ratio:
    return Ratio(part, whole)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    compute: Total | Ratio
    unit: str = ""
    additive: bool = True  # rates are not: a subtree's rate is computed from its summed parts

    @property
    def metrics(self) -> frozenset[str]:
        """The metrics it is made of: a month that computed none of them has no data for it."""
        return self.compute.metrics


members = _sum("members.membership")
FIGURES: tuple[Figure, ...] = (
    Figure("members", _("members"), members),
    Figure("full", _("full members"), _sum("members.membership", "full")),
    Figure("probationary", _("probationary members"), _sum("members.membership", "probationary")),
    Figure("women_share", _("women"), _ratio(_sum("members.gender", "female"), members), "%", additive=False),
    # 基层党组织 as the annual report's table 5 counts them: committees, general branches and
    # branches; party groups (党小组) are not basic-level organizations.
    Figure(
        "organizations",
        _("organizations"),
        _sum("organizations.kind", "committee", "general_branch", "branch"),
    ),
    Figure("branches", _("branches"), _sum("organizations.kind", "branch")),
    Figure("reelections_due", _("re-elections due within 90 days"), _sum("organizations.reelection", "due")),
    Figure("reelections_overdue", _("re-elections overdue"), _sum("organizations.reelection", "overdue")),
    Figure("pipeline", _("in the development pipeline"), _sum("development.stage", *PIPELINE)),
    Figure("transfers_pending", _("transfers pending"), _sum("transfers.pending")),
    Figure("transfers_overdue", _("transfers overdue"), _sum("transfers.pending", "overdue")),
    Figure("pockets", _("pocket members"), _sum("pockets.open")),
    Figure("dues_assessed", _("dues assessed"), _sum("dues.amount", "assessed"), "¥"),
    Figure("dues_paid", _("dues paid"), _sum("dues.amount", "paid"), "¥"),
    Figure(
        "arrears_rate",
        _("members in arrears"),
        _ratio(_sum("dues.members", "unpaid"), _sum("dues.members", "assessed")),
        "%",
        additive=False,
    ),
    Figure("active_learners", _("active learners"), _sum("learning.study", "active_learners")),
    Figure("study_minutes", _("study minutes"), _sum("learning.study", "minutes")),
    Figure("resources", _("learning resources published"), _sum("learning.resources")),
    Figure("live_lessons", _("live lessons held"), _sum("live.attendance_rate", "lessons")),
    # Member-lessons present ÷ expected over the lessons that ended in the month (each tenant's
    # verdicts under its own rule version: tenants.live.rollups).
    Figure(
        "live_attendance_rate",
        _("live lesson attendance"),
        _ratio(_sum("live.attendance_rate", "present"), _sum("live.attendance_rate", "expected")),
        "%",
        additive=False,
    ),
)
FIGURE_KEYS = tuple(figure.key for figure in FIGURES)
FIGURE_METRICS = {figure.key: figure.metrics for figure in FIGURES}


def figures(values: Values) -> dict[str, Decimal | None]:
    return {figure.key: figure.compute(values) for figure in FIGURES}


def with_data(shown: dict[str, float | None], covers: set[str]) -> dict[str, float | None]:
    """The figures of a month, null where none of a figure's metrics was computed ("no data")."""
    return {
        key: value if key not in FIGURE_METRICS or FIGURE_METRICS[key] & covers else None
        for key, value in shown.items()
    }
