"""The Organizers group: staff in it enter whole editions in the admin.

Exactly what data entry needs: view, add and change on every model organizers enter; delete only
on what can be removed without losing results (milestones, pieces of work, contributions). Editions,
tracks and people are protected, and tasks are withdrawn rather than deleted.

On a fresh database the permissions do not exist yet (Django creates them after migrating), so this
migration creates the content types and permissions it needs itself, the way Django names them.
"""

from django.db import migrations

GROUP_NAME = "Organizers"

ENTER = ("view", "add", "change")
ENTER_AND_DELETE = ("view", "add", "change", "delete")

PERMISSIONS = {
    ("hackathon", "edition"): ENTER,
    ("tracks", "track"): ENTER,
    ("tracks", "milestone"): ENTER_AND_DELETE,
    ("tasks", "direction"): ENTER,
    ("tasks", "task"): ENTER,
    ("tasks", "work"): ENTER_AND_DELETE,
    ("tasks", "contribution"): ENTER_AND_DELETE,
    ("participants", "participant"): ENTER,
}


def create_organizers_group(apps, schema_editor):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    permissions = []
    for (app_label, model_name), actions in PERMISSIONS.items():
        opts = apps.get_model(app_label, model_name)._meta
        content_type, _ = ContentType.objects.using(db).get_or_create(
            app_label=app_label, model=model_name
        )
        for action in actions:
            permission, _ = Permission.objects.using(db).get_or_create(
                content_type=content_type,
                codename=f"{action}_{model_name}",
                defaults={"name": f"Can {action} {opts.verbose_name_raw}"},
            )
            permissions.append(permission)

    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def remove_organizers_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("hackathon", "0001_initial"),
        ("tracks", "0001_initial"),
        ("tasks", "0002_standard_directions"),
        ("participants", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_organizers_group, remove_organizers_group),
    ]
