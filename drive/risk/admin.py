from django.contrib import admin

from drive.risk.models import (
    CountryIndicator,
    ForcedChildLabourGood,
    RiskIndex,
    RiskModel,
    RiskOverride,
    SectorRisk,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data comes from files and versions from services: read-only here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RiskIndex)
class RiskIndexAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "year", "direction", "scale"]


@admin.register(CountryIndicator)
class CountryIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["index", "country", "year", "raw"]
    list_filter = ["index", "year"]
    search_fields = ["country"]


@admin.register(SectorRisk)
class SectorRiskAdmin(ReadOnlyAdmin):
    list_display = ["sector", "risk"]


@admin.register(ForcedChildLabourGood)
class ForcedChildLabourGoodAdmin(ReadOnlyAdmin):
    list_display = ["good", "country", "child_labour", "forced_labour", "segments"]
    list_filter = ["dol_sector", "child_labour", "forced_labour"]
    search_fields = ["good", "country"]


@admin.register(RiskModel)
class RiskModelAdmin(ReadOnlyAdmin):
    list_display = ["version", "name", "published", "published_at"]


@admin.register(RiskOverride)
class RiskOverrideAdmin(ReadOnlyAdmin):
    list_display = ["programme", "kind", "target", "country", "weight", "value", "created_by"]
