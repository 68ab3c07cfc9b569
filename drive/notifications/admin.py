from django.contrib import admin

from drive.notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "kind", "delivery", "created_at", "read_at")
    list_filter = ("kind", "delivery")
    search_fields = ("recipient__email", "subject")
    raw_id_fields = ("recipient",)
    readonly_fields = ("created_at", "emailed_at", "read_at")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "non_urgent", "updated_at")
    raw_id_fields = ("user",)
