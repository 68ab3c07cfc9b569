"""Small factory_boy factories with realistic defaults (STYLE.md §11)."""

from __future__ import annotations

import factory

from drive.accounts.models import User
from drive.organisations.models import Organisation, OrganisationKind, Role
from drive.suppliers.models import Supplier


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.BUYER


class BuyerFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"UN Agency {n}")
    kind = OrganisationKind.BUYER


class SupplierOrgFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Supplier Company {n} Ltd")
    kind = OrganisationKind.SUPPLIER
    country = "CN"


class InspectionBodyFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Inspection Services {n}")
    kind = OrganisationKind.INSPECTION_BODY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    organisation = factory.SubFactory(BuyerFactory)
    role = Role.PROGRAMME_MANAGER
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            obj.save()


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    buyer = factory.SubFactory(BuyerFactory)
    legal_name = factory.Sequence(lambda n: f"Shenzhen Example Manufacturing {n} Co., Ltd.")
    local_name = factory.Sequence(lambda n: f"深圳示例制造{n}有限公司")
    registration_number = factory.Sequence(lambda n: f"91440300MA5{n:07d}")
    ungm_vendor_number = factory.Sequence(lambda n: f"{500000 + n}")
    country = "CN"
    city = "Shenzhen"
    employees = 40
    size_class = "small"
