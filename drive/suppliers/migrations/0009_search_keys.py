"""Fewer search-index keys per supplier (issue 14: the import's save was bounded by the six
GIN indexes of 0006, each row's keys inserted into every one of them).

- One trigram GIN index over the five searched columns joined by spaces
  (``supplier_search_trgm``) instead of five: a search term never contains a space
  (``SupplierFilter.filter_q`` splits on whitespace), so it is found in the joined text exactly
  when it is found in one of the columns; one index insertion per row instead of five.
- Bigrams of the names and city only where they hold a character beyond ASCII
  (``drive_nonascii_bigrams``, index ``supplier_names_nonascii_bigram``): the bigram index
  serves two-character terms such as 深圳, and a Latin name's 30-40 bigrams were most of the
  index's keys. A two-letter ASCII term is rare and is answered by reading the registry.

Built ``CONCURRENTLY`` before the old indexes are dropped (also concurrently), so the
registry stays writable and searchable throughout; reversible (the old indexes are built
again). PostgreSQL only; SQLite has no search index.
"""

from django.db import migrations

# The text the trigram index holds (drive.suppliers.filters.SEARCH_TEXT, written the same way).
SEARCH_TEXT = (
    "upper(legal_name || ' ' || local_name || ' ' || city || ' ' || registration_number"
    " || ' ' || ungm_vendor_number)"
)
NAMES = "upper(legal_name || ' ' || local_name || ' ' || city)"
# A bigram is kept when one of its characters is beyond ASCII (more bytes than characters
# in the database's UTF-8): the same test on the term's bigram keeps containment exact. An
# all-ASCII value has none (generate_series to NULL yields no row).
NONASCII_BIGRAMS = """
CREATE OR REPLACE FUNCTION drive_nonascii_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT b), '{}')
  FROM (
    SELECT substr(value, i, 2) AS b
    FROM generate_series(
      1, CASE WHEN octet_length(value) > char_length(value) THEN char_length(value) - 1 END
    ) AS i
  ) AS pairs
  WHERE octet_length(b) > char_length(b)
$$
"""
OLD_TRIGRAM_COLUMNS = (
    "legal_name",
    "local_name",
    "city",
    "registration_number",
    "ungm_vendor_number",
)


def _old_indexes(schema_editor):
    for column in OLD_TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS supplier_{column}_trgm ON suppliers_supplier "
            f"USING gin (upper({column}::text) gin_trgm_ops)"
        )
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS supplier_names_bigram ON suppliers_supplier "
        f"USING gin (drive_bigrams({NAMES}))"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(NONASCII_BIGRAMS)
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS supplier_search_trgm ON suppliers_supplier "
        f"USING gin (({SEARCH_TEXT}) gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS supplier_names_nonascii_bigram "
        f"ON suppliers_supplier USING gin (drive_nonascii_bigrams({NAMES}))"
    )
    for column in OLD_TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS supplier_{column}_trgm")
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS supplier_names_bigram")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _old_indexes(schema_editor)
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS supplier_search_trgm")
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS supplier_names_nonascii_bigram")
    schema_editor.execute("DROP FUNCTION IF EXISTS drive_nonascii_bigrams(text)")


class Migration(migrations.Migration):
    atomic = False  # CREATE / DROP INDEX CONCURRENTLY cannot run inside a transaction
    dependencies = [("suppliers", "0008_sort_expression_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
