"""The five directions the PaddlePaddle Hackathon publishes, in their published order."""

from django.db import migrations

DIRECTIONS = [
    ("框架开发", "Framework development"),
    ("科学计算", "Scientific computing"),
    ("套件建设", "Toolkits"),
    ("论文复现", "Paper reproduction"),
    ("基础设施建设", "Infrastructure"),
]


def create_directions(apps, schema_editor):
    Direction = apps.get_model("tasks", "Direction")
    for order, (name, name_en) in enumerate(DIRECTIONS):
        Direction.objects.update_or_create(name=name, defaults={"name_en": name_en, "order": order})


def remove_unused_directions(apps, schema_editor):
    Direction = apps.get_model("tasks", "Direction")
    Direction.objects.filter(name__in=[name for name, _ in DIRECTIONS], tasks=None).delete()


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]

    operations = [migrations.RunPython(create_directions, remove_unused_directions)]
