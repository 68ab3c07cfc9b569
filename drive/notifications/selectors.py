"""Reads of the notification centre."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
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


def unread_count_expression() -> RawSQL:
    """``unread_count`` of the user whose row the outer query reads, as a column of that
    query. Written out (its table and column names taken from the models): compiling the
    same subquery from a QuerySet on every request cost more than the round trip it saves."""
    user = get_user_model()
    quote = connection.ops.quote_name
    meta = Notification._meta
    # Names from the models, quoted; no value is interpolated.
    sql = (
        f"SELECT COUNT(*) FROM {quote(meta.db_table)} unread"  # noqa: S608
        f" WHERE unread.{quote(meta.get_field('recipient').column)}"
        f" = {quote(user._meta.db_table)}.{quote(user._meta.pk.column)}"
        f" AND unread.{quote(meta.get_field('read_at').column)} IS NULL"
    )
    return RawSQL(sql, (), output_field=IntegerField())  # noqa: S611


def unread_count_for_request(request: HttpRequest) -> int:
    """The header's count, computed at most once per request: the figure loaded with the
    session's user when there is one (no query of its own), else one COUNT."""
    cached = getattr(request, "_unread_notifications", None)
    if cached is None:
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False):
            cached = 0
        elif hasattr(user, SESSION_UNREAD):
            cached = getattr(user, SESSION_UNREAD)
        else:
            cached = unread_count(user)
        setattr(request, "_unread_notifications", cached)  # noqa: B010 (not an HttpRequest field)
    return cached
