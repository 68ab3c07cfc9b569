"""Platform-admin views of self-assessments, for support. Answers change only through the
pages (audited services); the admin shows them read-only."""

from __future__ import annotations

from django.contrib import admin

from drive.assessments.models import Answer, Assessment, ReviewComment, Submission


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ["question", "value", "revision", "updated_by", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SubmissionInline(admin.TabularInline):
    model = Submission
    extra = 0
    can_delete = False
    fields = ["number", "submitted_by", "submitted_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["supplier", "version", "status", "submitted_at", "accepted_at"]
    list_filter = ["status"]
    search_fields = ["supplier__legal_name", "enrolment__programme__name"]
    list_select_related = ["supplier", "version__questionnaire"]
    readonly_fields = [
        "enrolment",
        "supplier",
        "version",
        "status",
        "prefilled_from",
        "submitted_at",
        "accepted_at",
    ]
    inlines = [AnswerInline, SubmissionInline]


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ["assessment", "question", "submission_number", "author", "created_at"]
    list_select_related = ["assessment__supplier", "question", "author"]
    readonly_fields = ["assessment", "question", "submission_number", "author"]
