"""Platform-admin views of programmes and enrolments.

Statuses and stages are read-only here: they move only through the services (and so the
audit trail). The admin is the platform team's tool for support and repairs of details.
"""

from __future__ import annotations

from django.contrib import admin

from drive.programmes.models import Enrolment, Programme


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    can_delete = False
    fields = ["supplier", "stage", "stage_changed_at", "last_activity_at", "last_reminded_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "buyer", "status", "questionnaire_version", "assessment_deadline"]
    list_filter = ["status", "buyer"]
    search_fields = ["name", "buyer__name"]
    readonly_fields = ["status", "created_by", "created_at"]
    raw_id_fields = ["questionnaire_version"]
    inlines = [EnrolmentInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["supplier", "programme", "stage", "stage_changed_at", "last_activity_at"]
    list_filter = ["stage", "programme__buyer"]
    search_fields = ["supplier__legal_name", "supplier__local_name", "programme__name"]
    list_select_related = ["supplier", "programme"]
    readonly_fields = ["programme", "supplier", "stage", "stage_changed_at", "created_at"]

    def has_add_permission(self, request) -> bool:
        # Enrolment creates the assessment too: use the programme pages (enrolment_create).
        return False
