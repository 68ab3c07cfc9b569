from django.contrib import admin

from drive.imports.models import ColumnMapping, DuplicateDecision, ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "buyer", "status", "total", "created", "updated", "created_at")
    list_filter = ("status", "format")
    search_fields = ("original_name", "buyer__name")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DuplicateDecision)
class DuplicateDecisionAdmin(admin.ModelAdmin):
    """Buyers' "same supplier / different suppliers" answers; support may correct one."""

    list_display = ("first_name", "second_name", "same", "buyer", "decided_by", "decided_at")
    list_filter = ("same",)
    search_fields = ("first_name", "second_name", "buyer__name")
    readonly_fields = ("buyer", "first_key", "second_key", "decided_by", "decided_at")


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "buyer", "updated_at")
    search_fields = ("buyer__name",)
    readonly_fields = ("buyer", "signature", "headers", "updated_by", "updated_at")
