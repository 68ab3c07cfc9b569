"""Each enrolment's current score band and red flag, stored (``CohortScore``), and the
triggers that mark a row stale in the transaction of every change to the enrolment's scores
(``drive.risk.cohort``). Rows are filled on first read; ``manage.py risk_cohort_refresh``
fills them ahead. Reversible: the reverse drops the triggers, then the table."""

import django.db.models.deletion
from django.db import migrations, models

# Mark the enrolment's row stale (creating it when missing): an upsert, so that a reader
# computing a new row at the same moment cannot store a result that misses this change.
_UPSERT = """
    INSERT INTO risk_cohortscore (enrolment_id, programme_id, band, red_flag, dirty, version)
    SELECT a.enrolment_id, e.programme_id, NULL, FALSE, TRUE, 1
    FROM assessments_assessment a JOIN programmes_enrolment e ON e.id = a.enrolment_id
    WHERE a.id IN ({ids})
    ORDER BY a.enrolment_id
    ON CONFLICT (enrolment_id) DO UPDATE
    SET dirty = TRUE, version = risk_cohortscore.version + 1
"""

POSTGRESQL = [
    f"""
    CREATE FUNCTION risk_cohort_score_stale() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_UPSERT.format(ids="SELECT assessment_id FROM changed_scores")};
        RETURN NULL;
    END $$;
    """,
    # Statement triggers (one upsert per statement, COPY included); a transition table
    # serves one event only, hence three.
    """CREATE TRIGGER risk_cohort_score_ins AFTER INSERT ON scoring_score
    REFERENCING NEW TABLE AS changed_scores
    FOR EACH STATEMENT EXECUTE FUNCTION risk_cohort_score_stale()""",
    """CREATE TRIGGER risk_cohort_score_upd AFTER UPDATE ON scoring_score
    REFERENCING NEW TABLE AS changed_scores
    FOR EACH STATEMENT EXECUTE FUNCTION risk_cohort_score_stale()""",
    """CREATE TRIGGER risk_cohort_score_del AFTER DELETE ON scoring_score
    REFERENCING OLD TABLE AS changed_scores
    FOR EACH STATEMENT EXECUTE FUNCTION risk_cohort_score_stale()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS risk_cohort_score_ins ON scoring_score",
    "DROP TRIGGER IF EXISTS risk_cohort_score_upd ON scoring_score",
    "DROP TRIGGER IF EXISTS risk_cohort_score_del ON scoring_score",
    "DROP FUNCTION IF EXISTS risk_cohort_score_stale()",
]
SQLITE = [
    f"""CREATE TRIGGER risk_cohort_score_{name} AFTER {event} ON scoring_score
    BEGIN {_UPSERT.format(ids=f"{row}.assessment_id")}; END"""
    for name, event, row in (
        ("ins", "INSERT", "NEW"),
        ("upd", "UPDATE", "OLD.assessment_id, NEW"),
        ("del", "DELETE", "OLD"),
    )
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS risk_cohort_score_{name}" for name in ("ins", "upd", "del")
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0003_cohort_copy_of_supplier'),
        ('risk', '0003_stored_profile_risk'),
        ('scoring', '0004_compact_question_scores'),
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
