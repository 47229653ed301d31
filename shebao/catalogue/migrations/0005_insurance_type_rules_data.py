from django.db import migrations

EMPLOYER_REQUIRED = ["work_injury", "unemployment", "maternity"]
EXCLUSIVE = {
    "employee_pension": "pension",
    "resident_pension": "pension",
    "employee_medical": "medical",
    "resident_medical": "medical",
}


def forward(apps, schema_editor):
    InsuranceType = apps.get_model("catalogue", "InsuranceType")
    InsuranceType.objects.filter(code__in=EMPLOYER_REQUIRED).update(employer_required=True)
    for code, group in EXCLUSIVE.items():
        InsuranceType.objects.filter(code=code).update(exclusive_group=group)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_insurancetype_employer_required_and_more")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
