from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """What the base layout needs: the languages offered and the user's organisation."""
    user = getattr(request, "user", None)
    organisation = getattr(user, "organisation", None) if user else None
    return {"LANGUAGE_CHOICES": settings.LANGUAGES, "current_organisation": organisation}
