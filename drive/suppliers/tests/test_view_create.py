"""Adding a supplier by hand."""

from __future__ import annotations

from django.urls import reverse

from drive.audit.models import AuditEvent
from drive.suppliers.models import Supplier

URL = reverse("suppliers:create")

FORM = {
    "legal_name": "Guangzhou Green Packaging Co., Ltd.",
    "local_name": "广州绿色包装有限公司",
    "ungm_vendor_number": "880001",
    "registration_number": "",
    "country": "CN",
    "city": "Guangzhou",
    "address": "",
    "website": "green.example.cn",
    "sectors": ["24", "53"],
    "employees": "9",
    "annual_turnover_usd": "20000000",
    "women_owned": "on",
}


def test_alice_adds_a_supplier_to_her_registry(client_of, alice, agency):
    response = client_of(alice).post(URL, FORM)

    supplier = Supplier.objects.get(legal_name=FORM["legal_name"])
    assert response.status_code == 302
    assert response["Location"] == reverse("suppliers:detail", args=[supplier.pk])
    assert supplier.buyer == agency
    assert supplier.local_name == "广州绿色包装有限公司"
    assert supplier.website == "https://green.example.cn"
    assert supplier.women_owned is True
    # 9 employees but USD 20m turnover: medium, derived, never typed.
    assert supplier.size_class == "medium"
    assert sorted(s.code for s in supplier.sectors.all()) == [24, 53]
    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == ("supplier.created", alice)


def test_oscar_org_admin_may_add(client_of, oscar):
    assert client_of(oscar).get(URL).status_code == 200


def test_nine_employees_alone_is_micro(client_of, alice):
    client_of(alice).post(URL, {**FORM, "annual_turnover_usd": ""})
    assert Supplier.objects.get().size_class == "micro"


def test_an_identifier_is_required(client_of, alice):
    response = client_of(alice).post(URL, {**FORM, "ungm_vendor_number": ""})
    assert response.status_code == 200
    assert "Enter a UNGM vendor number or a registration number" in response.content.decode()
    assert not Supplier.objects.exists()
    assert not AuditEvent.objects.exists()


def test_duplicates_in_the_registry_are_refused_with_a_clear_message(client_of, alice, bright):
    client = client_of(alice)
    response = client.post(URL, {**FORM, "ungm_vendor_number": bright.ungm_vendor_number})
    assert response.context["form"].errors["ungm_vendor_number"] == [
        f"UNGM vendor number {bright.ungm_vendor_number} is already used by "
        "Bright Textiles Co., Ltd. in this registry."
    ]
    response = client.post(
        URL, {**FORM, "ungm_vendor_number": "", "registration_number": bright.registration_number}
    )
    assert "registration_number" in response.context["form"].errors
    assert Supplier.objects.count() == 1
    assert not AuditEvent.objects.exists()


def test_bad_values_change_nothing(client_of, alice):
    response = client_of(alice).post(
        URL, {**FORM, "website": "not a url at all", "employees": "-3", "annual_turnover_usd": "-1"}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"website", "employees", "annual_turnover_usd"}
    assert "There is a problem" in response.content.decode()
    assert not Supplier.objects.exists()


def test_olga_bob_and_ivan_may_not_add(client_of, olga, bob, ivan):
    for user in (olga, bob, ivan):
        response = client_of(user).post(URL, FORM)
        assert response.status_code == 403
    assert not Supplier.objects.filter(legal_name=FORM["legal_name"]).exists()
