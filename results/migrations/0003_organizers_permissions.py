"""The Organizers group answers objections (view and change; objections are filed by the public
and never deleted) and sees the published versions (view; they are made by publishing). Like
participants 0005, the permissions are created here when Django has not created them yet."""

from django.db import migrations

GROUP_NAME = "Organizers"
PERMISSIONS = {"objection": ("view", "change"), "resultsversion": ("view",)}


def permissions(apps, db):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    found = []
    for model, actions in PERMISSIONS.items():
        opts = apps.get_model("results", model)._meta
        content_type, _ = ContentType.objects.using(db).get_or_create(
            app_label="results", model=model
        )
        for action in actions:
            found.append(
                Permission.objects.using(db).get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {opts.verbose_name_raw}"},
                )[0]
            )
    return found


def grant(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions(apps, db))


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(db).filter(name=GROUP_NAME):
        group.permissions.remove(*permissions(apps, db))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("results", "0002_objections"),
        # After the group is made with its first permissions (which sets them all).
        ("participants", "0005_organizers_certificate_permissions"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
