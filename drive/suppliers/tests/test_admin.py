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
