from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewcomment",
            name="asks_document",
            field=models.BooleanField(default=False, verbose_name="asks for a document"),
        ),
    ]
