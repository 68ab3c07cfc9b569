from django.contrib import admin

from drive.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "buyer", "status", "total", "created", "updated", "created_at")
    list_filter = ("status", "format")
    search_fields = ("original_name", "buyer__name")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
