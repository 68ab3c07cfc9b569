from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from drive.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "name_local", "kind", "country", "member_count", "created_at")
    list_filter = ("kind", "country")
    search_fields = ("name", "name_local")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: Organisation) -> int:
        return obj.member_count
