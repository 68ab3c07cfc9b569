"""Question results compressed with ``lz4`` on PostgreSQL (issue 14): each score's ~2.5 KB
of results passes PostgreSQL's 2 KB threshold and was compressed with the default
``pglz``, several times slower to compress than ``lz4`` while rescoring writes a million.
New values only (existing ones are read either way). Skipped where the server has no
``lz4`` (built without it, or older than PostgreSQL 14) and on other databases."""

from django.db import DatabaseError, migrations, transaction


def _compression(method):
    def set_compression(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or connection.pg_version < 140000:
            return
        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute(
                    "ALTER TABLE scoring_scorequestions "
                    f"ALTER COLUMN rows SET COMPRESSION {method}"
                )
        except DatabaseError:  # a server built without lz4: results stay pglz-compressed
            return

    return set_compression


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0005_theme_figures_in_score_row"),
    ]

    operations = [
        migrations.RunPython(_compression("lz4"), _compression("default"), elidable=False),
    ]
