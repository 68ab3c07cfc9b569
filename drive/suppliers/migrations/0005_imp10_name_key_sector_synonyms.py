"""Suppliers without identifiers (issue 10): a normalised name key (indexed with buyer and
country) to recognise them, the sector text no synonym maps, and the shipped, editable
synonym table that turns free-text sectors ("apparel", "服装") into UNSPSC segments."""

import csv
from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

SYNONYMS = Path(__file__).resolve().parent.parent / "data" / "sector_synonyms.csv"


def fill_name_keys(apps, schema_editor):
    from drive.suppliers.matching import name_key

    Supplier = apps.get_model("suppliers", "Supplier")
    batch = []
    for supplier in Supplier.objects.only("pk", "legal_name").iterator(chunk_size=2000):
        supplier.match_key = name_key(supplier.legal_name)
        batch.append(supplier)
        if len(batch) >= 2000:
            Supplier.objects.bulk_update(batch, ["match_key"])
            batch = []
    Supplier.objects.bulk_update(batch, ["match_key"])


def load_sector_synonyms(apps, schema_editor):
    from drive.suppliers.matching import sector_key

    SectorSynonym = apps.get_model("suppliers", "SectorSynonym")
    Sector = apps.get_model("suppliers", "Sector")
    known = set(Sector.objects.values_list("code", flat=True))
    with SYNONYMS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = int(row["code"])
            if code in known:
                SectorSynonym.objects.update_or_create(
                    key=sector_key(row["text"]),
                    defaults={"text": row["text"], "sector_id": code},
                )


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0004_ux10a_supplier_name_lower_index")]

    operations = [
        migrations.AddField(
            model_name="supplier",
            name="match_key",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="supplier",
            name="sector_text",
            field=models.CharField(blank=True, max_length=500, verbose_name="sector as written"),
        ),
        migrations.AddIndex(
            model_name="supplier",
            index=models.Index(
                fields=["buyer", "country", "match_key"], name="supplier_buyer_matchkey_idx"
            ),
        ),
        migrations.CreateModel(
            name="SectorSynonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.CharField(max_length=100, verbose_name="text")),
                ("key", models.CharField(editable=False, max_length=100, unique=True)),
                (
                    "sector",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="synonyms",
                        to="suppliers.sector",
                        verbose_name="sector",
                    ),
                ),
            ],
            options={
                "verbose_name": "sector synonym",
                "verbose_name_plural": "sector synonyms",
                "ordering": ["sector_id", "text"],
            },
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.RunPython(load_sector_synonyms, migrations.RunPython.noop),
    ]
