"""Registry services: what they write and what they record on the supplier's timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from drive.audit.models import AuditEvent
from drive.audit.selectors import events_for
from drive.suppliers import services
from drive.suppliers.models import Sector, Supplier

PROFILE = {
    "legal_name": "Suzhou Silk Weavers Co., Ltd.",
    "local_name": "苏州丝绸织造有限公司",
    "registration_number": "91320500MA1XYZ001",
    "ungm_vendor_number": "777001",
    "country": "CN",
    "city": "Suzhou",
    "address": "1 Silk Road",
    "website": "https://silk.example.cn",
    "employees": 9,
    "annual_turnover_usd": None,
    "women_owned": True,
}


def test_alice_creates_a_supplier_with_derived_size_and_audit(alice, agency):
    supplier = services.supplier_create(
        buyer=agency, data={**PROFILE, "sectors": [53, 11]}, by=alice
    )

    assert supplier.buyer == agency
    assert supplier.size_class == "micro"
    assert sorted(s.code for s in supplier.sectors.all()) == [11, 53]
    (event,) = events_for(supplier)
    assert (event.action, event.actor, event.organisation) == ("supplier.created", alice, agency)
    assert event.after["sectors"] == [11, 53]
    assert event.after["local_name"] == "苏州丝绸织造有限公司"


def test_turnover_moves_a_small_headcount_up(alice, agency):
    supplier = services.supplier_create(
        buyer=agency, data={**PROFILE, "annual_turnover_usd": Decimal("20000000")}, by=alice
    )
    assert supplier.size_class == "medium"


def test_update_records_exactly_the_changed_fields(alice, bright):
    bright.sectors.add(Sector.objects.get(code=53))
    services.supplier_update(
        supplier=bright,
        data={"city": "Ningbo", "employees": 300, "sectors": [53, 60]},
        by=alice,
    )

    bright.refresh_from_db()
    assert (bright.city, bright.size_class) == ("Ningbo", "large")
    event = AuditEvent.objects.get(action="supplier.updated")
    assert event.before == {
        "city": "Shenzhen",
        "employees": 40,
        "size_class": "small",
        "sectors": [53],
    }
    assert event.after == {
        "city": "Ningbo",
        "employees": 300,
        "size_class": "large",
        "sectors": [53, 60],
    }


def test_update_without_change_records_nothing(alice, bright):
    services.supplier_update(
        supplier=bright, data={"city": "Shenzhen", "legal_name": bright.legal_name}, by=alice
    )
    assert not AuditEvent.objects.exists()


def test_identifiers_are_required_and_unique_in_the_registry(alice, agency, bright, other_agency):
    with pytest.raises(services.SupplierIncomplete):
        services.supplier_create(
            buyer=agency,
            data={**PROFILE, "ungm_vendor_number": "", "registration_number": ""},
            by=alice,
        )
    with pytest.raises(services.SupplierConflict) as ungm_clash:
        services.supplier_create(
            buyer=agency,
            data={**PROFILE, "ungm_vendor_number": bright.ungm_vendor_number},
            by=alice,
        )
    assert ungm_clash.value.field == "ungm_vendor_number"
    with pytest.raises(services.SupplierConflict) as regno_clash:
        services.supplier_create(
            buyer=agency,
            data={**PROFILE, "registration_number": bright.registration_number},
            by=alice,
        )
    assert regno_clash.value.field == "registration_number"
    assert Supplier.objects.filter(buyer=agency).count() == 1
    assert not AuditEvent.objects.exists()

    # Another buyer keeps its own registry: the same identifiers are fine there.
    services.supplier_create(
        buyer=other_agency,
        data={**PROFILE, "ungm_vendor_number": bright.ungm_vendor_number},
        by=None,
    )
    # The same registration number in another country is another company.
    services.supplier_create(
        buyer=agency,
        data={
            **PROFILE,
            "ungm_vendor_number": "",
            "country": "VN",
            "registration_number": bright.registration_number,
        },
        by=alice,
    )


def test_snapshot_is_json_safe(bright):
    bright.annual_turnover_usd = Decimal("1500000.50")
    snapshot = services.supplier_snapshot(bright)
    assert snapshot["country"] == "CN"
    assert snapshot["annual_turnover_usd"] == "1500000.5"
    assert snapshot["sectors"] == []


def test_agreement_lifecycle_is_on_the_supplier_timeline(alice, bright):
    agreement = services.agreement_save(
        supplier=bright,
        data={
            "number": "LTA-2023-001",
            "agency": "UNDP",
            "value": Decimal("250000"),
            "currency": "usd",
            "start_date": dt.date(2023, 1, 1),
            "end_date": dt.date(2026, 1, 1),
        },
        by=alice,
    )
    assert agreement.currency == "USD"
    services.agreement_save(
        supplier=bright,
        agreement=agreement,
        data={
            "number": "LTA-2023-001",
            "agency": "UNDP",
            "value": Decimal("300000"),
            "currency": "USD",
            "start_date": dt.date(2023, 1, 1),
            "end_date": dt.date(2026, 1, 1),
        },
        by=alice,
    )
    services.agreement_delete(agreement=agreement, by=alice)

    actions = [(e.action, e.before, e.after) for e in events_for(bright)]
    assert actions[0] == (
        "supplier.agreement_deleted",
        {
            "number": "LTA-2023-001",
            "agency": "UNDP",
            "value": "300000",
            "currency": "USD",
            "start_date": "2023-01-01",
            "end_date": "2026-01-01",
        },
        {},
    )
    assert actions[1] == ("supplier.agreement_updated", {"value": "250000"}, {"value": "300000"})
    assert actions[2][0] == "supplier.agreement_added"
    assert not bright.agreements.exists()


def test_certification_and_contact_are_audited(bob, bright):
    certification = services.certification_save(
        supplier=bright,
        data={
            "standard": "ISO 9001",
            "number": "CN-9001-1",
            "issuer": "SGS",
            "valid_until": dt.date(2027, 5, 1),
        },
        by=bob,
    )
    services.certification_delete(certification=certification, by=bob)
    first = services.contact_save(
        supplier=bright,
        data={"name": "王芳", "email": "wang@bright.cn", "is_primary": True},
        by=bob,
    )
    second = services.contact_save(
        supplier=bright, data={"name": "Li Lei", "is_primary": True}, by=bob
    )
    services.contact_delete(contact=second, by=bob)

    first.refresh_from_db()
    assert first.is_primary is False  # one primary contact at a time
    assert [e.action for e in events_for(bright)] == [
        "supplier.contact_deleted",
        "supplier.contact_updated",
        "supplier.contact_added",
        "supplier.contact_added",
        "supplier.certification_deleted",
        "supplier.certification_added",
    ]
    assert all(e.organisation == bright.organisation for e in events_for(bright))


def test_a_supplier_admin_cannot_change_the_identifiers_through_the_service(bob, bright):
    """The same guard protects every interface (pages and API) that calls the service."""
    with pytest.raises(services.SupplierIdentifiersLocked) as refused:
        services.supplier_update(
            supplier=bright, data={"registration_number": "HIJACKED-1"}, by=bob
        )
    assert refused.value.field == "registration_number"
    bright.refresh_from_db()
    assert bright.registration_number != "HIJACKED-1"
    assert not AuditEvent.objects.exists()
    # Sending the numbers unchanged (a full form or PUT) is fine.
    services.supplier_update(
        supplier=bright,
        data={"registration_number": bright.registration_number, "city": "Foshan"},
        by=bob,
    )
    bright.refresh_from_db()
    assert bright.city == "Foshan"
