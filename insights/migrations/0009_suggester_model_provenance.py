from django.db import migrations, models


def mark_artefacts_holding_texts(apps, schema_editor):
    """Every model file written so far kept its training texts."""
    SuggesterModel = apps.get_model("insights", "SuggesterModel")
    SuggesterModel.objects.exclude(artefact="").update(holds_texts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0008_segment_content_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestermodel",
            name="holds_texts",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="suggestermodel",
            name="trained_on",
            field=models.ManyToManyField(
                blank=True, related_name="suggester_models", to="insights.segment"
            ),
        ),
        migrations.RunPython(mark_artefacts_holding_texts, migrations.RunPython.noop),
    ]
