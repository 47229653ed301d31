from django.db import migrations

LEVELS = [
    (5, "非常满意", "Very satisfied", False),
    (4, "满意", "Satisfied", False),
    (3, "基本满意", "Fairly satisfied", False),
    (2, "不满意", "Dissatisfied", True),
    (1, "非常不满意", "Very dissatisfied", True),
]


def create(apps, schema_editor):
    RatingLevel = apps.get_model("evaluation", "RatingLevel")
    for value, zh, en, bad in LEVELS:
        RatingLevel.objects.update_or_create(value=value, defaults={"name_zh": zh, "name_en": en, "is_bad": bad})


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
