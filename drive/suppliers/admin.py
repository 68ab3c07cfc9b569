"""Platform-admin views of the registry.

Profile edits by people go through the pages (and so through the audited services); the
admin is the platform team's tool for repairs and support.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from drive.suppliers.matching import name_key, sector_key
from drive.suppliers.models import (
    Certification,
    Contact,
    LongTermAgreement,
    Sector,
    SectorSynonym,
    Supplier,
    SupplierSector,
)
from drive.suppliers.sizing import size_class_for


class SupplierSectorInline(admin.TabularInline):
    model = SupplierSector
    extra = 0
    autocomplete_fields = ["sector"]


class AgreementInline(admin.TabularInline):
    model = LongTermAgreement
    extra = 0


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = [
        "legal_name",
        "local_name",
        "buyer",
        "country",
        "city",
        "size_class",
        "women_owned",
        "updated_at",
    ]
    list_filter = ["buyer", "size_class", "women_owned", "country"]
    search_fields = [
        "legal_name",
        "local_name",
        "registration_number",
        "ungm_vendor_number",
        "city",
    ]
    list_select_related = ["buyer"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    raw_id_fields = ["organisation"]
    # Derived by sizing.size_class_for, never typed.
    readonly_fields = ["size_class", "created_at", "updated_at"]
    inlines = [SupplierSectorInline, AgreementInline, CertificationInline, ContactInline]

    def save_model(self, request, obj: Supplier, form, change: bool) -> None:
        obj.size_class = size_class_for(obj.employees, obj.annual_turnover_usd)
        obj.match_key = name_key(obj.legal_name)
        super().save_model(request, obj, form, change)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """UNSPSC segments are reference data shipped by a migration: read-only here."""

    list_display = ["code", "title_en", "title_zh", "goods_or_services"]
    search_fields = ["code", "title_en", "title_zh"]
    list_filter = ["goods_or_services"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SectorSynonym)
class SectorSynonymAdmin(admin.ModelAdmin):
    """The words imports turn into UNSPSC segments ("apparel", "服装" → 53): shipped by a
    migration, edited here by the platform team."""

    list_display = ["text", "sector"]
    search_fields = ["text", "key"]
    list_filter = ["sector"]
    list_select_related = ["sector"]

    def save_model(self, request, obj: SectorSynonym, form, change: bool) -> None:
        obj.key = sector_key(obj.text)
        super().save_model(request, obj, form, change)
