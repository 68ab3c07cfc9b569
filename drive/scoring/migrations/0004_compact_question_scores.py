"""Question results of a score in one row (issue 14): ``ScoreQuestions.rows`` replaces the
~70 ``QuestionScore`` rows of every score. Existing results are carried over (and back on
reversal) exactly: ``[question id, value, earned, possible, reason(, red flag(, note))]``,
points in whole hundredths, in the questionnaire's order. On PostgreSQL one set-based
statement each way; elsewhere in Python, in chunks."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 2000

FORWARD_SQL = """
INSERT INTO scoring_scorequestions (score_id, rows)
SELECT qs.score_id, jsonb_agg(
    CASE
        WHEN qs.note <> '' THEN jsonb_build_array(
            qs.question_id, qs.value, (qs.earned * 100)::bigint, (qs.possible * 100)::bigint,
            qs.reason, qs.red_flag, qs.note)
        WHEN qs.red_flag THEN jsonb_build_array(
            qs.question_id, qs.value, (qs.earned * 100)::bigint, (qs.possible * 100)::bigint,
            qs.reason, true)
        ELSE jsonb_build_array(
            qs.question_id, qs.value, (qs.earned * 100)::bigint, (qs.possible * 100)::bigint,
            qs.reason)
    END ORDER BY q."order", q.id)
FROM scoring_questionscore qs JOIN questionnaires_question q ON q.id = qs.question_id
GROUP BY qs.score_id
"""

BACKWARD_SQL = """
INSERT INTO scoring_questionscore
    (score_id, question_id, value, earned, possible, reason, red_flag, note)
SELECT sq.score_id, (r ->> 0)::bigint, NULLIF(r -> 1, 'null'::jsonb),
    (r ->> 2)::numeric / 100, (r ->> 3)::numeric / 100, r ->> 4,
    coalesce((r ->> 5)::boolean, false), coalesce(r ->> 6, '')
FROM scoring_scorequestions sq, jsonb_array_elements(sq.rows) AS r
"""


def _hundredths(points):
    return int(Decimal(points).scaleb(2))


def _flush(ScoreQuestions, score_id, rows, batch):
    if score_id is not None:
        batch.append(ScoreQuestions(score_id=score_id, rows=rows))
    if len(batch) >= CHUNK or (score_id is None and batch):
        ScoreQuestions.objects.bulk_create(batch)
        batch.clear()


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL)
        return
    QuestionScore = apps.get_model("scoring", "QuestionScore")
    ScoreQuestions = apps.get_model("scoring", "ScoreQuestions")
    batch, current, rows = [], None, []
    for qs in QuestionScore.objects.order_by("score_id", "question__order", "question_id").iterator(
        chunk_size=CHUNK
    ):
        if qs.score_id != current:
            if current is not None:
                _flush(ScoreQuestions, current, rows, batch)
            current, rows = qs.score_id, []
        row = [qs.question_id, qs.value, _hundredths(qs.earned), _hundredths(qs.possible), qs.reason]
        if qs.red_flag or qs.note:
            row.append(qs.red_flag)
        if qs.note:
            row.append(qs.note)
        rows.append(row)
    if current is not None:
        _flush(ScoreQuestions, current, rows, batch)
    _flush(ScoreQuestions, None, None, batch)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD_SQL)
        return
    QuestionScore = apps.get_model("scoring", "QuestionScore")
    ScoreQuestions = apps.get_model("scoring", "ScoreQuestions")
    batch = []
    for stored in ScoreQuestions.objects.order_by("score_id").iterator(chunk_size=CHUNK):
        for row in stored.rows:
            batch.append(
                QuestionScore(
                    score_id=stored.score_id,
                    question_id=row[0],
                    value=row[1],
                    earned=Decimal(row[2]).scaleb(-2),
                    possible=Decimal(row[3]).scaleb(-2),
                    reason=row[4],
                    red_flag=bool(row[5]) if len(row) > 5 else False,
                    note=row[6] if len(row) > 6 else "",
                )
            )
        if len(batch) >= CHUNK:
            QuestionScore.objects.bulk_create(batch)
            batch.clear()
    QuestionScore.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('scoring', '0003_cap12_verified_corrections'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScoreQuestions',
            fields=[
                ('score', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='question_rows', serialize=False, to='scoring.score')),
                ('rows', models.JSONField(default=list)),
            ],
            options={
                'verbose_name': 'question results of a score',
                'verbose_name_plural': 'question results of scores',
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.DeleteModel(
            name='QuestionScore',
        ),
    ]
