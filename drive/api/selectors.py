"""Reads of the API app's pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from drive.api.models import ApiToken, WebhookDelivery, WebhookEndpoint


def tokens_for(user) -> QuerySet[ApiToken]:
    """The tokens a person may see on the tokens page: active first, newest first."""
    return (
        ApiToken.objects.visible_to(user)
        .select_related("owner")
        .order_by("revoked_at", "-created_at", "-id")
    )


def endpoints_for(user) -> QuerySet[WebhookEndpoint]:
    """The organisation's webhook endpoints with their failed-delivery counts."""
    return WebhookEndpoint.objects.visible_to(user).annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status="failed"))
    )


def deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return endpoint.deliveries.order_by("-created_at", "-id")
