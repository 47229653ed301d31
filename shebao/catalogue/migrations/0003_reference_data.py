from django.db import migrations

INSURANCE_TYPES = [
    ("employee_pension", "职工养老保险", "Employee basic pension"),
    ("employee_medical", "职工医疗保险", "Employee basic medical"),
    ("unemployment", "失业保险", "Unemployment"),
    ("work_injury", "工伤保险", "Work injury"),
    ("maternity", "生育保险", "Maternity"),
    ("resident_pension", "城乡居民养老保险", "Urban and rural residents' pension"),
    ("resident_medical", "城乡居民医疗保险", "Urban and rural residents' medical"),
    ("land_lost_farmer", "被征地农民养老保障", "Land-lost farmers' pension security"),
]

CHANNELS = [
    ("counter", "窗口办理", "Service counter"),
    ("online", "网上办理", "Online"),
    ("mobile", "掌上办理", "Mobile app"),
    ("terminal", "自助终端", "Self-service terminal"),
    ("bank", "社银合作网点", "Bank outlet"),
]


def create(apps, schema_editor):
    InsuranceType = apps.get_model("catalogue", "InsuranceType")
    Channel = apps.get_model("catalogue", "Channel")
    for order, (code, zh, en) in enumerate(INSURANCE_TYPES):
        InsuranceType.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en, "order": order})
    for order, (code, zh, en) in enumerate(CHANNELS):
        Channel.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
