"""factory_boy factories of organisations (STYLE.md §11); ``drive.factories`` re-exports them.

Tests of apps below suppliers import these (and ``drive.accounts.factories``) rather than
``drive.factories``, which also builds suppliers (docs/architecture.md, "Tests")."""

from __future__ import annotations

import factory

from drive.organisations.models import Organisation, OrganisationKind


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
