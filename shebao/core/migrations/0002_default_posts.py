from django.db import migrations

from shebao.core.permissions import DEFAULT_POSTS


def create_posts(apps, schema_editor):
    Post = apps.get_model("core", "Post")
    for code, (name_zh, name_en, perms) in DEFAULT_POSTS.items():
        Post.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "permissions": perms}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_posts, migrations.RunPython.noop)]
