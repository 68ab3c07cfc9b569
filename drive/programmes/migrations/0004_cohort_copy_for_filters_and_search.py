"""The cohort's copy of its suppliers' size class, women-owned flag and the names and numbers
its search looks in (``drive/programmes/cohort_copy.py``): with them every filter, search and
sort of the cohort reads the enrolments alone, never the supplier table (a hash join over a
million suppliers, 0.3-0.9 s a view, whenever the order or a filter was not the name index's).
Nullable columns, added without rewriting the table; every enrolment is marked for copying
again (its sort name emptied) so that its cohort's next read fills the new columns (one
UPDATE per programme)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_cohort_copy_of_supplier"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="supplier_search",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="supplier_size_class",
            field=models.CharField(blank=True, editable=False, max_length=10, null=True),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="supplier_women_owned",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE programmes_enrolment SET supplier_sort_name = NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
