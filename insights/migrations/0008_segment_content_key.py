from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0007_fault_tolerance"),
    ]

    operations = [
        migrations.AddField(
            model_name="segment",
            name="content_key",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
