"""Reads of the notification centre."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from drive.notifications.models import Notification


def inbox(user) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.visible_to(user).order_by("-id")


def unread_count(user) -> int:
    """One COUNT on the partial ``notification_unread_idx`` index."""
    return Notification.objects.visible_to(user).unread().count()


def unread_count_for_request(request: HttpRequest) -> int:
    """The header's count, computed at most once per request."""
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = unread_count(user) if getattr(user, "is_authenticated", False) else 0
        setattr(request, "_unread_notifications", cached)  # noqa: B010 (not an HttpRequest field)
    return cached
