from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from drive.notifications.selectors import unread_count_for_request


def notifications(request: HttpRequest) -> dict:
    """``unread_notifications`` for the header: counted only when a page shows it, once."""
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count_for_request(request))}
