from django.db import migrations

from shebao.core.permissions import DEFAULT_POSTS


def grant(apps, schema_editor):
    """Bring the standard posts' grants up to date (adds the counter and case permissions)."""
    Post = apps.get_model("core", "Post")
    for code, (_zh, _en, perms) in DEFAULT_POSTS.items():
        post = Post.objects.filter(code=code).first()
        if post is not None:
            post.permissions = sorted(set(post.permissions) | set(perms))
            post.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_registry_permissions")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
