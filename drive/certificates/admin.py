from django.contrib import admin

from drive.certificates.models import Certificate, CompletionPolicy


@admin.register(CompletionPolicy)
class CompletionPolicyAdmin(admin.ModelAdmin):
    list_display = ["programme", "require_inspection", "validity_months"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued and revoked through the services (audited)."""

    list_display = ["number", "supplier_name", "programme_name", "issued_on", "valid_until"]
    search_fields = ["number", "supplier_name", "supplier_local_name"]
    exclude = ["code", "code_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
