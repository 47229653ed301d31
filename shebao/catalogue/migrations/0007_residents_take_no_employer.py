from django.db import migrations

RESIDENT_TYPES = ["resident_pension", "resident_medical", "land_lost_farmer"]


def forward(apps, schema_editor):
    InsuranceType = apps.get_model("catalogue", "InsuranceType")
    InsuranceType.objects.filter(code__in=RESIDENT_TYPES).update(employer_forbidden=True)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0006_insurancetype_employer_forbidden")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
