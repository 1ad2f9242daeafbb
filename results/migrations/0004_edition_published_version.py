"""Each edition's last published version, kept on the edition from now on by
results.versions.publish (what pages and the API say is current)."""

from django.db import migrations


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    Edition = apps.get_model("hackathon", "Edition")
    ResultsVersion = apps.get_model("results", "ResultsVersion")
    for edition in Edition.objects.using(db).all():
        latest = (
            ResultsVersion.objects.using(db).filter(edition=edition).order_by("-number").first()
        )
        if latest is not None:
            edition.published_version = latest.number
            edition.published_version_final = latest.state == "final"
            edition.save(update_fields=["published_version", "published_version_final"])


class Migration(migrations.Migration):
    dependencies = [
        ("hackathon", "0008_published_version"),
        ("results", "0003_organizers_permissions"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
