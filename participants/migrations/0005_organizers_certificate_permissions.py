"""The Organizers group issues and revokes certificates: view, add and change on Certificate.

No delete: a serial, once issued, is revoked rather than removed. Like 0002, the permissions are
created here when Django has not created them yet (on a fresh database it does so after migrating).
"""

from django.db import migrations

GROUP_NAME = "Organizers"
ACTIONS = ("view", "add", "change")


def certificate_permissions(apps, db):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    opts = apps.get_model("participants", "certificate")._meta
    content_type, _ = ContentType.objects.using(db).get_or_create(
        app_label="participants", model="certificate"
    )
    return [
        Permission.objects.using(db).get_or_create(
            content_type=content_type,
            codename=f"{action}_certificate",
            defaults={"name": f"Can {action} {opts.verbose_name_raw}"},
        )[0]
        for action in ACTIONS
    ]


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.add(*certificate_permissions(apps, db))


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(db).filter(name=GROUP_NAME):
        group.permissions.remove(*certificate_permissions(apps, db))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("participants", "0004_certificate"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
