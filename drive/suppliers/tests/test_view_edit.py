"""Editing a profile: buyer editors and the supplier's own admin; everyone else refused."""

from __future__ import annotations

from django.urls import reverse

from drive.audit.models import AuditEvent
from drive.suppliers.models import Supplier


def edit(supplier) -> str:
    return reverse("suppliers:edit", args=[supplier.pk])


def form_of(supplier, **changes) -> dict:
    data = {
        "legal_name": supplier.legal_name,
        "local_name": supplier.local_name,
        "ungm_vendor_number": supplier.ungm_vendor_number,
        "registration_number": supplier.registration_number,
        "country": supplier.country.code,
        "city": supplier.city,
        "address": supplier.address,
        "website": supplier.website,
        "sectors": [str(s.code) for s in supplier.sectors.all()],
        "employees": "" if supplier.employees is None else str(supplier.employees),
        "annual_turnover_usd": "",
    }
    data.update(changes)
    return data


def test_bob_edits_his_own_profile_and_the_change_is_recorded(client_of, bob, bright):
    client = client_of(bob)
    assert client.get(edit(bright)).status_code == 200
    response = client.post(
        edit(bright),
        form_of(bright, city="Foshan", sectors=["53"], local_name="明亮纺织股份有限公司"),
    )

    assert response.status_code == 302
    bright.refresh_from_db()
    assert bright.city == "Foshan"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == ("supplier.updated", bob)
    assert event.before == {"city": "Shenzhen", "local_name": "明亮纺织有限公司", "sectors": []}
    assert event.after == {"city": "Foshan", "local_name": "明亮纺织股份有限公司", "sectors": [53]}
    html = client.get(reverse("suppliers:detail", args=[bright.pk])).content.decode()
    assert "Company profile changed" in html and "Foshan" in html
    assert "supplier.updated" not in html


def test_saving_an_unchanged_form_records_nothing(client_of, alice, bright):
    response = client_of(alice).post(edit(bright), form_of(bright))
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_failed_form_changes_nothing(client_of, alice, bright, cedar):
    before = Supplier.objects.values().get(pk=bright.pk)
    response = client_of(alice).post(
        edit(bright), form_of(bright, city="Foshan", ungm_vendor_number=cedar.ungm_vendor_number)
    )
    assert response.status_code == 200
    assert "is already used by Cedar Metals Ltd." in response.content.decode()
    assert Supplier.objects.values().get(pk=bright.pk) == before
    assert not AuditEvent.objects.exists()


def test_bob_cannot_reach_cedar(client_of, bob, cedar):
    client = client_of(bob)
    assert client.get(edit(cedar)).status_code == 404
    assert client.post(edit(cedar), form_of(cedar, city="X")).status_code == 404


def test_olga_and_a_contributor_read_only(client_of, olga, bright):
    from drive.factories import UserFactory
    from drive.organisations.models import Role

    contributor = UserFactory(organisation=bright.organisation, role=Role.CONTRIBUTOR)
    for user in (olga, contributor):
        response = client_of(user).post(edit(bright), form_of(bright, city="X"))
        assert response.status_code == 403
    bright.refresh_from_db()
    assert bright.city == "Shenzhen"


def test_other_organisations_get_404(client_of, carol, dave, ivan, bright):
    for user in (carol, dave, ivan):
        assert client_of(user).get(edit(bright)).status_code == 404


def test_bob_sees_the_identifiers_read_only_and_cannot_change_them(client_of, bob, bright):
    """The buyer matches imports on these numbers: only the buyer changes them."""
    client = client_of(bob)
    page = client.get(edit(bright))
    html = page.content.decode()
    assert "ungm_vendor_number" not in page.context["form"].fields
    assert "registration_number" not in page.context["form"].fields
    assert bright.registration_number in html and "Ask your buyer to correct this" in html
    assert 'name="registration_number"' not in html

    response = client.post(
        edit(bright),
        form_of(bright, city="Foshan", registration_number="HIJACKED-1", ungm_vendor_number="999"),
    )

    assert response.status_code == 302
    saved = Supplier.objects.get(pk=bright.pk)
    assert saved.city == "Foshan"
    assert (saved.registration_number, saved.ungm_vendor_number) == (
        bright.registration_number,
        bright.ungm_vendor_number,
    )
    event = AuditEvent.objects.get()
    assert set(event.after) == {"city"}


def test_alice_at_the_buyer_still_corrects_the_identifiers(client_of, alice, bright):
    client = client_of(alice)
    assert "registration_number" in client.get(edit(bright)).context["form"].fields
    response = client.post(edit(bright), form_of(bright, registration_number="91440300-NEW"))
    assert response.status_code == 302
    bright.refresh_from_db()
    assert bright.registration_number == "91440300-NEW"
