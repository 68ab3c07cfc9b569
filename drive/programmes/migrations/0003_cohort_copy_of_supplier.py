"""The cohort's copy of its suppliers' sort name, country and sectors (issue 14,
``drive/programmes/cohort_copy.py``): nullable columns (added without rewriting the table)
and the index the cohort page's name order reads. Existing enrolments are copied the first
time their cohort is read (one UPDATE per programme), so the migration does no data work.
The enrolment table holds one row per supplier and programme (10,000s, not millions), so the
index is built in the migration's transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="supplier_country",
            field=models.CharField(blank=True, editable=False, max_length=2, null=True),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="supplier_sectors",
            field=models.CharField(blank=True, editable=False, max_length=255, null=True),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="supplier_sort_name",
            field=models.CharField(blank=True, editable=False, max_length=255, null=True),
        ),
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(
                fields=["programme", "supplier_sort_name", "id"], name="enrolment_sort_name_idx"
            ),
        ),
    ]
