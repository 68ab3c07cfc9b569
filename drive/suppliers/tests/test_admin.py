"""The platform admin's views of the registry."""

from __future__ import annotations

from django.urls import reverse

from drive.factories import UserFactory


def test_platform_admin_browses_suppliers_and_sectors(client, bright):
    admin = UserFactory(organisation=None, role="", is_staff=True, is_superuser=True)
    client.force_login(admin)

    assert client.get(reverse("admin:suppliers_supplier_changelist")).status_code == 200
    page = client.get(reverse("admin:suppliers_supplier_change", args=[bright.pk]))
    assert page.status_code == 200 and "明亮纺织有限公司" in page.content.decode()
    assert client.get(reverse("admin:suppliers_sector_changelist")).status_code == 200
    # Sectors are reference data: no adding or changing.
    assert client.get(reverse("admin:suppliers_sector_add")).status_code == 403
    view = client.get(reverse("admin:suppliers_sector_change", args=[53]))
    assert view.status_code == 200 and "Save" not in view.content.decode()


def test_platform_admin_adds_a_sector_synonym_that_the_next_import_uses(client, db):
    from drive.imports.normalise import clean_row
    from drive.suppliers.models import SectorSynonym

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
