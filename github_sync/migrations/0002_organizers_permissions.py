"""The Organizers group reads the webhook deliveries and their outcomes (view only: they are
written by GitHub's deliveries)."""

from django.db import migrations

GROUP_NAME = "Organizers"


def permission(apps, db):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    opts = apps.get_model("github_sync", "delivery")._meta
    content_type, _ = ContentType.objects.using(db).get_or_create(
        app_label="github_sync", model="delivery"
    )
    return Permission.objects.using(db).get_or_create(
        content_type=content_type,
        codename="view_delivery",
        defaults={"name": f"Can view {opts.verbose_name_raw}"},
    )[0]


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.add(permission(apps, db))


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(db).filter(name=GROUP_NAME):
        group.permissions.remove(permission(apps, db))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("github_sync", "0001_initial"),
        # After the group is made with its first permissions (which sets them all).
        ("participants", "0005_organizers_certificate_permissions"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
