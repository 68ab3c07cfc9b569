"""Each enrolment's current score band and red flag, stored (``CohortScore``), and the
triggers that mark a row stale in the transaction of every change to the enrolment's scores
(``drive.risk.cohort``). Rows are filled on first read; ``manage.py risk_cohort_refresh``
fills them ahead. Reversible: the reverse drops the triggers, then the table."""

import django.db.models.deletion
from django.db import migrations, models

from drive.risk.triggers import (  # noqa: E402 - the statements, kept in one place
    POSTGRESQL,
    POSTGRESQL_REVERSE,
    SQLITE,
    SQLITE_REVERSE,
)


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0003_cohort_copy_of_supplier'),
        ('risk', '0003_stored_profile_risk'),
        # After scoring's table rebuilds on SQLite (0007 alters a field), which drop triggers.
        ('scoring', '0007_score_assessment_index_in_unique'),
        ('assessments', '0004_reviewcomment_asks_document'),
    ]

    operations = [
        migrations.CreateModel(
            name='CohortScore',
            fields=[
                ('enrolment', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='risk_score', serialize=False, to='programmes.enrolment')),
                ('band', models.CharField(max_length=40, null=True, verbose_name='maturity band')),
                ('red_flag', models.BooleanField(default=False, verbose_name='red flag')),
                ('method_id_used', models.BigIntegerField(null=True, verbose_name='scoring method')),
                ('dirty', models.BooleanField(default=True)),
                ('version', models.BigIntegerField(default=0)),
                ('programme', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='programmes.programme')),
            ],
            options={
                'verbose_name': 'stored current score',
                'verbose_name_plural': 'stored current scores',
                'indexes': [models.Index(fields=['programme', 'dirty'], name='cohort_score_programme_idx')],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
