from django.contrib import admin

from drive.trainings.models import Event, Registration, Resource, Session


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "organiser", "starts_on", "status")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("title", "event", "track", "starts_at", "capacity")
    search_fields = ("title",)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("session", "person", "company", "status", "attended")
    list_filter = ("status",)
    raw_id_fields = ("session", "person", "company", "registered_by")


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "theme", "kind", "language")
    list_filter = ("kind", "language")
