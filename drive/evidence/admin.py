"""Platform-admin view of evidence documents (support and repairs; files stay private)."""

from __future__ import annotations

from django.contrib import admin

from drive.evidence.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "supplier",
        "kind",
        "content_type",
        "size",
        "valid_until",
        "uploaded_at",
    ]
    list_filter = ["kind", "content_type"]
    search_fields = ["title", "original_name", "sha256", "supplier__legal_name"]
    list_select_related = ["supplier"]
    readonly_fields = ["file", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    raw_id_fields = ["supplier"]
