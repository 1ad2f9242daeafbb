from django.db import migrations, models


def start_clock(apps, schema_editor):
    apps.get_model("hackathon", "ResultsClock").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("hackathon", "0002_edition_serial_prefix"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResultsClock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.PositiveBigIntegerField(default=0, verbose_name="value")),
            ],
            options={"verbose_name": "results clock", "verbose_name_plural": "results clock"},
        ),
        migrations.RunPython(start_clock, migrations.RunPython.noop),
    ]
