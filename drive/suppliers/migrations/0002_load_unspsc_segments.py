import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "unspsc_segments.csv"


def load_unspsc_segments(apps, schema_editor):
    Sector = apps.get_model("suppliers", "Sector")
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Sector.objects.update_or_create(
                code=int(row["code"]),
                defaults={
                    "title_en": row["title_en"],
                    "title_zh": row["title_zh"],
                    "goods_or_services": row["goods_or_services"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]
    operations = [migrations.RunPython(load_unspsc_segments, migrations.RunPython.noop)]
