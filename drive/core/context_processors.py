from __future__ import annotations

from django.http import HttpRequest

from drive.core.i18n import offered_languages


def navigation(request: HttpRequest) -> dict:
    """What the base layout needs: the languages offered (complete catalogues only) and
    the user's organisation."""
    user = getattr(request, "user", None)
    organisation = getattr(user, "organisation", None) if user else None
    return {"LANGUAGE_CHOICES": offered_languages(), "current_organisation": organisation}
