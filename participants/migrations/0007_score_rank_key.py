from django.db import migrations, models


def forget_scores(apps, schema_editor):
    # Rows written before rank keys existed: `manage.py rebuild_scores` writes them anew.
    apps.get_model("participants", "Score").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0006_scores"),
    ]

    operations = [
        migrations.RunPython(forget_scores, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="ScoreSheet"),
        migrations.CreateModel(
            name="ScoreBoard",
            fields=[
                (
                    "name",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="name"
                    ),
                ),
                (
                    "size",
                    models.PositiveIntegerField(
                        default=0, verbose_name="people with completed work"
                    ),
                ),
                (
                    "people",
                    models.PositiveIntegerField(default=0, verbose_name="people who took part"),
                ),
            ],
            options={"verbose_name": "score board", "verbose_name_plural": "score boards"},
        ),
        migrations.AddField(
            model_name="score",
            name="rank_key",
            field=models.BigIntegerField(default=0, verbose_name="rank key"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="score",
            name="login_ci",
            field=models.CharField(
                default="", max_length=39, verbose_name="GitHub login, lower case"
            ),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="score",
            index=models.Index(fields=["board", "rank_key", "login_ci"], name="score_ranking"),
        ),
    ]
