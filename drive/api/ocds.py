"""Suppliers as Open Contracting Data Standard (OCDS 1.1) parties.

The registry is published as a release package holding one release whose ``parties``
are the buyer (role ``buyer``) and each supplier (role ``supplier``) as an OCDS
Organization. Identifiers follow org-id.guide where the country's register is known
(``CN-SAIC`` for China's unified social credit code …); other numbers go to
``additionalIdentifiers`` with DRiVE's own scheme names (documented in the README).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from drive.organisations.models import Organisation
from drive.suppliers.models import Contact, SizeClass, Supplier

# org-id.guide registers for a registration number, by the supplier's country.
ORG_ID_SCHEMES: dict[str, str] = {
    "CN": "CN-SAIC",  # unified social credit code (SAMR, formerly SAIC)
    "GB": "GB-COH",  # Companies House
    "IN": "IN-MCA",  # Ministry of Corporate Affairs
    "SG": "SG-ACRA",  # Accounting and Corporate Regulatory Authority
    "BR": "BR-CNPJ",  # Cadastro Nacional da Pessoa Jurídica
    "DK": "DK-CVR",  # Central Business Register
    "CH": "CH-ZEFIX",  # Commercial registry
}
# Not in org-id.guide: DRiVE names its own schemes, prefixed "DRIVE-".
UNGM_SCHEME = "DRIVE-UNGM"  # UN Global Marketplace vendor number
LOCAL_SCHEME = "DRIVE-REG-"  # + ISO country code, for registers without an org-id code
DRIVE_SCHEME = "DRIVE-SUPPLIER"  # the supplier's id in this DRiVE registry

# OCDS partyScale codelist: micro, sme, large (selfEmployed is not used).
SCALE = {
    SizeClass.MICRO: "micro",
    SizeClass.SMALL: "sme",
    SizeClass.MEDIUM: "sme",
    SizeClass.LARGE: "large",
}


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in ("", None, [], {})}


def supplier_party(supplier: Supplier, contacts: list[Contact] | None = None) -> dict[str, Any]:
    """One supplier as an OCDS Organization (``parties`` entry)."""
    country = supplier.country.code
    identifiers: list[dict[str, str]] = []
    if supplier.registration_number:
        scheme = ORG_ID_SCHEMES.get(country, f"{LOCAL_SCHEME}{country}")
        identifiers.append({"scheme": scheme, "id": supplier.registration_number})
    if supplier.ungm_vendor_number:
        identifiers.append({"scheme": UNGM_SCHEME, "id": supplier.ungm_vendor_number})
    identifiers.append({"scheme": DRIVE_SCHEME, "id": str(supplier.pk)})
    primary = identifiers[0] | {"legalName": supplier.legal_name}
    contacts = contacts if contacts is not None else list(supplier.contacts.all())
    contact = next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)
    party: dict[str, Any] = {
        "id": f"{primary['scheme']}-{primary['id']}",
        "name": supplier.legal_name,
        "identifier": primary,
        "additionalIdentifiers": identifiers[1:],
        "address": _drop_empty(
            {
                "streetAddress": supplier.address,
                "locality": supplier.city,
                "countryName": str(supplier.country.name) if country else "",
            }
        ),
        "contactPoint": _drop_empty(
            {
                "name": contact.name,
                "email": contact.email,
                "telephone": contact.phone,
            }
        )
        if contact
        else {},
        "roles": ["supplier"],
        "details": _drop_empty({"scale": SCALE.get(supplier.size_class)}),
    }
    if supplier.local_name:
        party["details"]["localName"] = supplier.local_name
    if supplier.website:
        party["contactPoint"]["url"] = supplier.website
    return _drop_empty(party)


def ocds_package(suppliers: Iterable[Supplier], *, publisher: Organisation) -> dict[str, Any]:
    """A release package with the publisher as buyer and ``suppliers`` as parties.

    Only a buyer organisation publishes its registry (ValueError otherwise)."""
    if not publisher.is_buyer:
        raise ValueError(f"{publisher} is not a buyer: only buyers publish a registry.")
    now = timezone.now().replace(microsecond=0)
    if hasattr(suppliers, "prefetch_related"):
        suppliers = suppliers.prefetch_related(Prefetch("contacts"))
    parties = [supplier_party(s) for s in suppliers]
    buyer = {"id": f"{DRIVE_SCHEME}-ORG-{publisher.pk}", "name": publisher.name}
    ocid = f"{settings.OCDS_OCID_PREFIX}-registry-{publisher.pk}"
    return {
        "uri": f"{settings.SITE_URL}/api/v1/suppliers/ocds/",
        "version": "1.1",
        "publishedDate": now.isoformat(),
        "publisher": {"name": publisher.name},
        "releases": [
            {
                "ocid": ocid,
                "id": f"{ocid}-{now:%Y%m%dT%H%M%SZ}",
                "date": now.isoformat(),
                "tag": ["planning"],
                "initiationType": "tender",
                "language": "en",
                "buyer": buyer,
                "parties": [buyer | {"roles": ["buyer"]}, *parties],
            }
        ],
    }
