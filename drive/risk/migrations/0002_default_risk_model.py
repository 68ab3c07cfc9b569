"""The first published risk model, DRiVE default v1 (drive/risk/README.md explains each
number). Frozen here: later defaults become new versions, never edits of this one."""

from django.db import migrations

CONFIG = {
    "indices": {
        "ituc_gri": {
            "weight": 0.3,
            "year": 2025,
            "normalise": {
                "method": "map",
                "map": {"1": 10, "2": 30, "3": 50, "4": 70, "5": 90, "6": 100},
            },
        },
        "cpi": {"weight": 0.25, "year": 2025, "normalise": {"method": "inverse", "max": 100}},
        "wgi_rl": {"weight": 0.1, "year": 2022, "normalise": {"method": "inverse", "max": 100}},
        "wgi_cc": {"weight": 0.1, "year": 2022, "normalise": {"method": "inverse", "max": 100}},
        "gsi_prevalence": {"weight": 0.25, "year": 2023, "normalise": {"method": "cap", "cap": 20}},
    },
    "components": {"country": 0.7, "sector": 0.3},
    "sector": {"dol_floor": 75},
    "tiers": {"low": 25, "medium": 50, "high": 75},
    "residual_matrix": {
        "low": {
            "beginning": "medium",
            "developing": "low",
            "established": "low",
            "advanced": "low",
            "leading": "low",
        },
        "medium": {
            "beginning": "high",
            "developing": "medium",
            "established": "medium",
            "advanced": "low",
            "leading": "low",
        },
        "high": {
            "beginning": "critical",
            "developing": "high",
            "established": "medium",
            "advanced": "medium",
            "leading": "low",
        },
        "critical": {
            "beginning": "critical",
            "developing": "critical",
            "established": "high",
            "advanced": "medium",
            "leading": "medium",
        },
    },
    "red_flag_minimum": "high",
}


def create(apps, schema_editor):
    RiskModel = apps.get_model("risk", "RiskModel")
    if not RiskModel.objects.filter(version=1).exists():
        from django.utils import timezone

        RiskModel.objects.create(
            version=1,
            name="DRiVE default",
            published=True,
            published_at=timezone.now(),
            config=CONFIG,
            notes="ITUC 2025, CPI 2025, WGI 2022 (rule of law, control of corruption), GSI 2023; "
            "country 0.7 / sector 0.3.",
        )


def remove(apps, schema_editor):
    apps.get_model("risk", "RiskModel").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
