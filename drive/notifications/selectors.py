"""Reads of the notification centre."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.http import HttpRequest

from drive.notifications.models import Notification


def inbox(user) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.visible_to(user).order_by("-id")


def unread_count(user) -> int:
    """One COUNT on the partial ``notification_unread_idx`` index."""
    return Notification.objects.visible_to(user).unread().count()


# The attribute of a session's user holding its unread count, computed in the query that
# loads the user (registered in NotificationsConfig.ready, drive/accounts/backends.py).
SESSION_UNREAD = "unread_notifications_at_load"


def unread_count_expression() -> Subquery:
    """``unread_count`` of the user ``OuterRef("pk")``, as a subquery of the user's query."""
    counted = (
        Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def unread_count_for_request(request: HttpRequest) -> int:
    """The header's count, computed at most once per request: the figure loaded with the
    session's user when there is one (no query of its own), else one COUNT."""
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False):
            cached = 0
        elif hasattr(user, SESSION_UNREAD):
            cached = getattr(user, SESSION_UNREAD) or 0  # no unread row: the subquery is NULL
        else:
            cached = unread_count(user)
        setattr(request, "_unread_notifications", cached)  # noqa: B010 (not an HttpRequest field)
    return cached
