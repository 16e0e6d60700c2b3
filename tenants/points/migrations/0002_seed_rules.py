"""The built-in point rules (DOMAIN_RULES §6): the 学习强国 2019 caps for study, and defaults for
organizational life, live lessons, volunteering and the exchange. A tenant may add a local version."""

from __future__ import annotations

from datetime import date

from django.db import migrations

# kind, points, unit (1 per event; seconds for study time; hours for volunteering), daily cap
DEFAULTS = [
    ("login", 1, 1, 1),
    ("article_read", 1, 1, 6),
    ("video_watched", 1, 1, 6),
    ("reading_time", 1, 240, 8),
    ("video_time", 1, 300, 10),
    ("quiz_completed", 1, 1, 6),
    ("meeting_attended", 3, 1, 6),
    ("meeting_made_up", 1, 1, 3),
    ("live_attended", 3, 1, 6),
    ("volunteer_hours", 2, 1, 8),
    ("contribution_published", 2, 1, 4),
    ("branch_activity", 5, 1, None),
]


def seed(apps, schema_editor):
    PointRuleSet = apps.get_model("points", "PointRuleSet")
    PointRule = apps.get_model("points", "PointRule")
    rule_set, created = PointRuleSet.objects.get_or_create(
        version="2019.1",
        defaults={"effective_from": date(2019, 1, 1), "source": "学习强国 2019 积分规则（学习部分）及平台默认值"},
    )
    if created:
        PointRule.objects.bulk_create(
            PointRule(rule_set=rule_set, kind=kind, points=points, unit=unit, daily_cap=cap)
            for kind, points, unit, cap in DEFAULTS
        )


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
