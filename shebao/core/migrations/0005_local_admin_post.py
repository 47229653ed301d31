from django.db import migrations

# Frozen here (migrations do not follow later edits of core/permissions.py).
LOCAL_ADMIN = ("local_admin", "县级业务管理员", "Local administrator", ["catalogue.bind", "catalogue.conformance"])


def create(apps, schema_editor):
    """The local administrator becomes a standard post (it was created by the demo data only)."""
    Post = apps.get_model("core", "Post")
    code, name_zh, name_en, perms = LOCAL_ADMIN
    post, created = Post.objects.get_or_create(
        code=code, defaults={"name_zh": name_zh, "name_en": name_en, "permissions": perms}
    )
    if not created:
        post.permissions = sorted(set(post.permissions) | set(perms))
        post.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("core", "0004_counter_case_permissions")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
