"""Small factory_boy factories with realistic defaults (STYLE.md §11): the whole cast in one
import for the root conftest and the tests of apps from suppliers up. Organisations and users
are defined in their own apps (``drive.organisations.factories``, ``drive.accounts.factories``)
so that the tests of the lower apps build them without importing suppliers."""

from __future__ import annotations

import factory

from drive.accounts.factories import UserFactory
from drive.organisations.factories import (
    BuyerFactory,
    InspectionBodyFactory,
    OrganisationFactory,
    SupplierOrgFactory,
)
from drive.suppliers.matching import name_key
from drive.suppliers.models import Supplier

__all__ = [
    "BuyerFactory",
    "InspectionBodyFactory",
    "OrganisationFactory",
    "SupplierFactory",
    "SupplierOrgFactory",
    "UserFactory",
]


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    buyer = factory.SubFactory(BuyerFactory)
    legal_name = factory.Sequence(lambda n: f"Shenzhen Example Manufacturing {n} Co., Ltd.")
    match_key = factory.LazyAttribute(lambda o: name_key(o.legal_name))
    local_name = factory.Sequence(lambda n: f"深圳示例制造{n}有限公司")
    registration_number = factory.Sequence(lambda n: f"91440300MA5{n:07d}")
    ungm_vendor_number = factory.Sequence(lambda n: f"{500000 + n}")
    country = "CN"
    city = "Shenzhen"
    employees = 40
    size_class = "small"
