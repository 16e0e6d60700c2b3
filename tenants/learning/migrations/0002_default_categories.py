from django.db import migrations

# The categories every library starts with; admins add, rename and reorder them.
DEFAULT_CATEGORIES = ["两学一做", "中心组学习", "党规党章", "精品党课", "理论学习", "党史学习教育"]


def add_categories(apps, schema_editor):
    Category = apps.get_model("learning", "Category")
    for position, name in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
