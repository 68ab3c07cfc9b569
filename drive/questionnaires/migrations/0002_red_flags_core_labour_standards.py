"""Red flags of the shipped questionnaire checked against the ILO core labour standards
and the zero-tolerance lists of amfori BSCI and the RBA (docs/red_flags.md).

Three critical answers were scored like any other (a "yes" to pregnancy testing cost 10
points and could still end "Leading"). This migration gives them their red-flag rule in
every stored version of the shipped questionnaire (``drive-default``), the same rule as
``data/drive_default.json``, and recomputes each changed version's content hash so that
``load_default_questionnaire`` recognises it. Only empty rules are filled: nothing that
was flagged stops being flagged, and answers and points do not change.
"""

from decimal import Decimal

from django.db import migrations

RED_FLAGS = {
    "eo_pregnancy_test": ". = 'yes'",  # ILO C111, C183 art. 9; RBA Code A.7
    "eo_non_discrimination": ". = 'no'",  # ILO C100, C111
    "lab_association": ". = 'no'",  # ILO C087, C098
}


def _plain(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral() else float(value)


def _definition(apps, version):
    Question = apps.get_model("questionnaires", "Question")
    Theme = apps.get_model("questionnaires", "Theme")
    by_theme = {}
    for q in Question.objects.filter(version=version).prefetch_related("choices").order_by(
        "order"
    ):
        by_theme.setdefault(q.theme_id, []).append(q)
    themes = []
    for theme in Theme.objects.filter(version=version).order_by("order"):
        themes.append(
            {
                "code": theme.code,
                "label": theme.label,
                "hint": theme.hint,
                "weight": _plain(theme.weight),
                "questions": [
                    {
                        "code": q.code,
                        "type": q.type,
                        "label": q.label,
                        "hint": q.hint,
                        "guidance": q.guidance,
                        "required": q.required,
                        "relevant": q.relevant,
                        "evidence_required": q.evidence_required,
                        "red_flag": q.red_flag,
                        "points": q.points,
                        "applies_to_size": q.applies_to_size,
                        "applies_to_sector": q.applies_to_sector,
                        "choices": [
                            {"value": c.value, "label": c.label, "points": _plain(c.points)}
                            for c in sorted(q.choices.all(), key=lambda c: c.order)
                        ],
                    }
                    for q in by_theme.get(theme.pk, [])
                ],
            }
        )
    return {
        "code": version.questionnaire.code,
        "title": version.title,
        "version_label": version.version_label,
        "default_language": version.default_language,
        "languages": version.languages,
        "themes": themes,
    }


def add_red_flags(apps, schema_editor):
    from drive.questionnaires.definition import content_hash, normalize

    Question = apps.get_model("questionnaires", "Question")
    QuestionnaireVersion = apps.get_model("questionnaires", "QuestionnaireVersion")
    versions = QuestionnaireVersion.objects.filter(
        questionnaire__code="drive-default", questionnaire__owner__isnull=True
    ).select_related("questionnaire")
    for version in versions:
        changed = 0
        for code, rule in RED_FLAGS.items():
            changed += Question.objects.filter(version=version, code=code, red_flag="").update(
                red_flag=rule
            )
        if changed and version.content_hash:
            version.content_hash = content_hash(normalize(_definition(apps, version)))
            version.save(update_fields=["content_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_red_flags, migrations.RunPython.noop),
    ]
