from django.contrib import admin

from drive.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "organisation", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]
    list_select_related = ["actor", "organisation", "target_type"]

    # The audit trail is append-only, in the admin too.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
