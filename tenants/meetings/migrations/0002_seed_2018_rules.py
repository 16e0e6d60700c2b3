"""Seed the activity kinds and frequencies of 中国共产党支部工作条例（试行）(2018) (DOMAIN_RULES §2)."""

from datetime import date

from django.db import migrations

# (code, name, period, minimum, applies to, needs quorum, 三会一课, stats category)
KINDS = [
    ("general_meeting", "支部党员大会", "quarter", 1, "branch", True, True, "other"),
    ("committee_meeting", "支部委员会会议", "month", 1, "branch_with_committee", False, True, "other"),
    ("group_meeting", "党小组会", "month", 1, "party_group", False, True, "other"),
    ("party_lecture", "党课", "quarter", 1, "branch", False, True, "study"),
    ("theme_day", "主题党日", "month", 1, "branch", False, False, "branch_day"),
    ("life_meeting", "组织生活会", "year", 1, "branch", False, False, "life_meeting"),
    ("democratic_evaluation", "民主评议党员", "year", 1, "branch", False, False, "democratic_evaluation"),
    ("heart_talk", "谈心谈话", "year", 1, "branch_pairs", False, False, "other"),
]


def seed(apps, schema_editor):
    ActivityKind = apps.get_model("meetings", "ActivityKind")
    ActivityRule = apps.get_model("meetings", "ActivityRule")
    ActivityRequirement = apps.get_model("meetings", "ActivityRequirement")
    rule, created = ActivityRule.objects.get_or_create(
        version="2018.1",
        defaults={
            "effective_from": date(2018, 10, 28),
            "source": "中国共产党支部工作条例（试行）(2018), DOMAIN_RULES §2",
            "committee_threshold": 7,
        },
    )
    for ordering, (code, name, period, minimum, applies_to, quorum, three_one, stats) in enumerate(KINDS, start=1):
        kind, _ = ActivityKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "builtin": True, "needs_quorum": quorum, "three_one": three_one,
                "stats_category": stats, "ordering": ordering * 10,
            },
        )
        if created:
            ActivityRequirement.objects.create(
                rule=rule, kind=kind, period=period, minimum=minimum, applies_to=applies_to
            )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
