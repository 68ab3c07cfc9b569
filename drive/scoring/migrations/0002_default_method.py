"""Publish version 1 of DRiVE's default scoring method (README: bands and rules)."""

from django.db import migrations
from django.utils import timezone

CONFIG = {
    "unanswered_optional": "zero",
    "evidence_rule": "zero",
    "red_flag_cap": "developing",
    "bands": [
        {"code": "beginning", "min": 0, "label": {"en": "Beginning", "zh-hans": "起步"}},
        {"code": "developing", "min": 25, "label": {"en": "Developing", "zh-hans": "发展中"}},
        {"code": "established", "min": 45, "label": {"en": "Established", "zh-hans": "已建立"}},
        {"code": "advanced", "min": 65, "label": {"en": "Advanced", "zh-hans": "进阶"}},
        {"code": "leading", "min": 85, "label": {"en": "Leading", "zh-hans": "领先"}},
    ],
    "theme_weights": {},
}


def publish_default(apps, schema_editor):
    ScoringMethod = apps.get_model("scoring", "ScoringMethod")
    ScoringMethod.objects.get_or_create(
        code="drive-default", version=1,
        defaults={
            "name": "DRiVE default scoring",
            "description": "Theme scores are earned / possible points over the questions "
                           "that apply; overall = weighted mean; red flags cap the band at "
                           "Developing; missing evidence earns 0.",
            "published": True,
            "published_at": timezone.now(),
            "config": CONFIG,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [migrations.RunPython(publish_default, migrations.RunPython.noop)]
