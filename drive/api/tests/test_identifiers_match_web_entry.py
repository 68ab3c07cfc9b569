"""A number typed on the web (or sent through the API) and the same number imported later
with other spacing and case are one supplier: web, API and import share one normaliser."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from drive.api.services import token_create
from drive.imports.services import import_apply, import_create, import_validate
from drive.imports.tests.conftest import row, upload_of
from drive.suppliers.models import Supplier

FORM = {
    "legal_name": "Acme Textiles Co., Ltd.",
    "local_name": "",
    "ungm_vendor_number": " ung m-7000 01 ",
    "registration_number": "91440300 ac0000001",
    "country": "CN",
    "city": "Shenzhen",
    "address": "",
    "website": "",
    "employees": "40",
    "annual_turnover_usd": "1500000",
}


def _import(alice, path):
    job = import_create(buyer=alice.organisation, file=upload_of(path), by=alice)
    return import_apply(job=import_validate(job=job, by=alice), only_valid=False, by=alice)


def test_alice_types_a_supplier_then_imports_the_same_numbers_and_gets_one_supplier(
    client_of, alice, write_csv
):
    response = client_of(alice).post(reverse("suppliers:create"), FORM)
    assert response.status_code == 302
    typed = Supplier.objects.get()
    assert (typed.ungm_vendor_number, typed.registration_number) == (
        "UNGM-700001",
        "91440300AC0000001",
    )

    # Full-width digits and an ideographic space, as a Chinese input method leaves them.
    job = _import(
        alice,
        write_csv(
            [
                row(
                    ungm_vendor_number="ungm-７０００01",
                    registration_number="91440300\u3000Ac0000001",
                )
            ]
        ),
    )

    # The file brings sectors, a local name and a contact: the typed supplier is updated.
    assert (job.status, job.created, job.updated) == ("done", 0, 1)
    assert list(Supplier.objects.values_list("pk", flat=True)) == [typed.pk]


def test_a_registration_number_sent_through_the_api_is_found_by_a_later_import(alice, write_csv):
    _, secret = token_create(name="erp", scope="read_write", by=alice)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.post(
        "/api/v1/suppliers/",
        {
            "legal_name": "Acme Textiles Co., Ltd.",
            "registration_number": "91440300ac 0000001",
            "country": "CN",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["registration_number"] == "91440300AC0000001"

    job = _import(
        alice, write_csv([row(ungm_vendor_number="", registration_number="91440300AC0000001")])
    )

    assert (job.status, job.created) == ("done", 0)
    assert Supplier.objects.count() == 1
