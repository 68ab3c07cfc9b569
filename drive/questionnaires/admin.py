"""Admin for platform administrators. Published versions are read-only (they are
frozen by their content hash); drafts and their questions can be corrected."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from drive.questionnaires.models import Choice, Question, Questionnaire, QuestionnaireVersion, Theme


def _published(obj: Any) -> bool:
    if obj is None:
        return False
    version = obj if isinstance(obj, QuestionnaireVersion) else obj.version
    return version.is_published


class FrozenWhenPublished(admin.ModelAdmin):
    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _published(obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _published(obj)


class VersionInline(admin.TabularInline):
    model = QuestionnaireVersion
    fields = ("number", "status", "version_label", "content_hash", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "owner", "created_at")
    list_filter = ("owner",)
    search_fields = ("name", "code")
    inlines = [VersionInline]


class ThemeInline(admin.TabularInline):
    model = Theme
    fields = ("order", "code", "label", "weight")
    extra = 0

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return not _published(obj)

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(FrozenWhenPublished):
    list_display = ("questionnaire", "number", "status", "version_label", "published_at")
    list_filter = ("status",)
    search_fields = ("questionnaire__name", "questionnaire__code")
    readonly_fields = ("status", "content_hash", "published_at", "created_by", "created_at")
    inlines = [ThemeInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ("order", "value", "label", "points")
    extra = 0

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return not _published(obj)

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Question)
class QuestionAdmin(FrozenWhenPublished):
    list_display = ("code", "version", "theme", "type", "required")
    list_filter = ("type", "required", "version__status")
    search_fields = ("code", "version__questionnaire__code")
    list_select_related = ("version__questionnaire", "theme")
    raw_id_fields = ("version", "theme")
    inlines = [ChoiceInline]
