"""Theme figures of a score in its one results row (issue 14): ``ScoreQuestions.themes``
replaces the ten ``ThemeScore`` rows of every score (each with four indexes and two
foreign keys checked at commit: a third of rescoring's writes). Existing figures are
carried over (and back on reversal) exactly: ``[theme id, weight, earned, possible,
value]``, numbers in whole hundredths, value null when no points apply, in the
questionnaire's order of themes. On PostgreSQL one set-based statement each way;
elsewhere in Python, in chunks."""

from decimal import Decimal

from django.db import migrations, models

CHUNK = 2000

FORWARD_SQL = """
INSERT INTO scoring_scorequestions (score_id, rows, themes)
SELECT ts.score_id, '[]'::jsonb, jsonb_agg(
    jsonb_build_array(
        ts.theme_id, (ts.weight * 100)::bigint, (ts.earned * 100)::bigint,
        (ts.possible * 100)::bigint, (ts.value * 100)::bigint)
    ORDER BY t."order", t.id)
FROM scoring_themescore ts JOIN questionnaires_theme t ON t.id = ts.theme_id
GROUP BY ts.score_id
ON CONFLICT (score_id) DO UPDATE SET themes = EXCLUDED.themes
"""

BACKWARD_SQL = """
INSERT INTO scoring_themescore (score_id, theme_id, weight, earned, possible, value)
SELECT sq.score_id, (t ->> 0)::bigint, (t ->> 1)::numeric / 100, (t ->> 2)::numeric / 100,
    (t ->> 3)::numeric / 100, (t ->> 4)::numeric / 100
FROM scoring_scorequestions sq, jsonb_array_elements(sq.themes) AS t
"""


def _hundredths(number):
    return None if number is None else int(Decimal(number).scaleb(2))


def _points(hundredths):
    return None if hundredths is None else Decimal(hundredths).scaleb(-2)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_SQL)
        return
    ThemeScore = apps.get_model("scoring", "ThemeScore")
    ScoreQuestions = apps.get_model("scoring", "ScoreQuestions")
    figures = {}
    for ts in ThemeScore.objects.order_by("score_id", "theme__order", "theme_id").iterator(
        chunk_size=CHUNK
    ):
        figures.setdefault(ts.score_id, []).append(
            [ts.theme_id, *(_hundredths(n) for n in (ts.weight, ts.earned, ts.possible, ts.value))]
        )
    found = set(ScoreQuestions.objects.filter(score_id__in=list(figures)).values_list("pk", flat=True))
    ScoreQuestions.objects.bulk_create(
        [ScoreQuestions(score_id=pk, rows=[], themes=figures[pk]) for pk in figures if pk not in found],
        batch_size=CHUNK,
    )
    changed = []
    for stored in ScoreQuestions.objects.filter(pk__in=list(found)).iterator(chunk_size=CHUNK):
        stored.themes = figures[stored.pk]
        changed.append(stored)
    ScoreQuestions.objects.bulk_update(changed, ["themes"], batch_size=CHUNK)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD_SQL)
        return
    ThemeScore = apps.get_model("scoring", "ThemeScore")
    ScoreQuestions = apps.get_model("scoring", "ScoreQuestions")
    batch = []
    for stored in ScoreQuestions.objects.order_by("score_id").iterator(chunk_size=CHUNK):
        for row in stored.themes:
            weight, earned, possible, value = (_points(n) for n in row[1:5])
            batch.append(
                ThemeScore(
                    score_id=stored.score_id,
                    theme_id=row[0],
                    weight=weight,
                    earned=earned,
                    possible=possible,
                    value=value,
                )
            )
        if len(batch) >= CHUNK:
            ThemeScore.objects.bulk_create(batch)
            batch.clear()
    ThemeScore.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0004_compact_question_scores"),
    ]

    operations = [
        migrations.AddField(
            model_name="scorequestions",
            name="themes",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.DeleteModel(
            name="ThemeScore",
        ),
    ]
