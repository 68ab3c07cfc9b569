from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class OrganisationKind(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")
    INSPECTION_BODY = "inspection_body", _("Inspection body")


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    SUPPLIER_ADMIN = "supplier_admin", _("Supplier admin")
    CONTRIBUTOR = "contributor", _("Contributor")
    INSPECTION_LEAD = "inspection_lead", _("Inspection lead")
    INSPECTOR = "inspector", _("Inspector")


ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganisationKind.BUYER: (Role.PROGRAMME_MANAGER, Role.PROCUREMENT_OFFICER, Role.ORG_ADMIN),
    OrganisationKind.SUPPLIER: (Role.SUPPLIER_ADMIN, Role.CONTRIBUTOR),
    OrganisationKind.INSPECTION_BODY: (Role.INSPECTION_LEAD, Role.INSPECTOR),
}

# Roles that administer their organisation's people (invite, change roles).
ADMIN_ROLES = (Role.ORG_ADMIN, Role.SUPPLIER_ADMIN, Role.INSPECTION_LEAD)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255)
    name_local = models.CharField(_("name in local script"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    country = CountryField(_("country"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="org_kind_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_buyer(self) -> bool:
        return self.kind == OrganisationKind.BUYER

    @property
    def is_supplier(self) -> bool:
        return self.kind == OrganisationKind.SUPPLIER

    @property
    def is_inspection_body(self) -> bool:
        return self.kind == OrganisationKind.INSPECTION_BODY
