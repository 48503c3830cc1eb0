from django.db import migrations, models


def forget_self_duplicates(apps, schema_editor):
    """An article marked as a near-duplicate of itself (the admin took it) is an original: the mark says nothing."""
    article_model = apps.get_model("relations", "Article")
    article_model.objects.filter(duplicate_of=models.F("id")).update(duplicate_of=None)


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0008_dates_in_range"),
    ]

    operations = [
        migrations.RunPython(forget_self_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("duplicate_of", models.F("id")), _negated=True),
                name="article_not_duplicate_of_itself",
                violation_error_message="An article cannot be a near-duplicate of itself.",
            ),
        ),
    ]
