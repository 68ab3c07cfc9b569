"""Search indexes for a registry of a million suppliers (PostgreSQL only; SQLite scans).

- Trigram GIN indexes (pg_trgm) on the upper-cased columns the list's search reads, matching
  Django's ``icontains`` SQL (``UPPER(col::text) LIKE UPPER('%term%')``): terms of three or
  more characters in any script.
- A bigram GIN index over the names and city (``drive_bigrams``: every pair of adjacent
  characters, upper-cased): Chinese terms are often two characters (深圳, 服装), too short
  for a trigram; ``drive.suppliers.filters`` adds ``drive_bigrams(…) @> drive_bigrams(term)``
  for them, and the LIKE rechecks.

Creating the extension needs a role allowed to (the database owner on PostgreSQL 13+ for
trusted extensions such as pg_trgm); otherwise create it once as a superuser beforehand.
Measured: 5 min for the six indexes at 1,000,000 suppliers on the 2-core machine while it was
busy with other work (``manage.py migrate suppliers``).
"""

from django.db import migrations

TRIGRAM_COLUMNS = ("legal_name", "local_name", "city", "registration_number", "ungm_vendor_number")
BIGRAMS = """
CREATE OR REPLACE FUNCTION drive_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{}')
  FROM generate_series(1, char_length(value) - 1) AS i
$$
"""
NAMES = "upper(legal_name || ' ' || local_name || ' ' || city)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS supplier_{column}_trgm ON suppliers_supplier "
            f"USING gin (upper({column}::text) gin_trgm_ops)"
        )
    schema_editor.execute(BIGRAMS)
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS supplier_names_bigram ON suppliers_supplier "
        f"USING gin (drive_bigrams({NAMES}))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS supplier_{column}_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS supplier_names_bigram")
    schema_editor.execute("DROP FUNCTION IF EXISTS drive_bigrams(text)")


class Migration(migrations.Migration):
    # CONCURRENTLY: the registry stays writable while the indexes are built (minutes at a
    # million suppliers), which cannot happen inside a transaction.
    atomic = False
    dependencies = [("suppliers", "0005_imp10_name_key_sector_synonyms")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
