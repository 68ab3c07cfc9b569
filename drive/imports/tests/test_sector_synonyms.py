"""The shipped, editable synonym table that turns free-text sectors into UNSPSC segments."""

from __future__ import annotations

from django.urls import reverse

from drive.factories import UserFactory
from drive.imports.normalise import clean_row
from drive.suppliers.models import SectorSynonym


def test_platform_admin_adds_a_sector_synonym_that_the_next_import_uses(client, db):
    admin = UserFactory(organisation=None, role="", is_staff=True, is_superuser=True)
    client.force_login(admin)
    # Shipped synonyms, English and Chinese.
    assert SectorSynonym.objects.get(key="apparel").sector_id == 53
    assert SectorSynonym.objects.get(key="服装").sector_id == 53
    response = client.post(
        reverse("admin:suppliers_sectorsynonym_add"), {"text": "  Hand-Woven RUGS ", "sector": 56}
    )
    assert response.status_code == 302
    synonym = SectorSynonym.objects.get(text="Hand-Woven RUGS")
    assert synonym.key == "hand woven rugs"
    synonyms = dict(SectorSynonym.objects.values_list("key", "sector_id"))
    row = clean_row(
        {"legal_name": "X", "sectors": "hand-woven rugs; apparel"}, frozenset(), synonyms
    )
    assert (row.sectors, row.errors, row.warnings) == ((53, 56), [], [])
