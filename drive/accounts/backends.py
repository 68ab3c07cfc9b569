"""Who a signed-in session belongs to, loaded in one query.

Every page of a signed-in person needs their account and their organisation (permissions,
navigation, the header), and the header needs a figure or two from apps above this one
(the unread notifications). ``SessionUserBackend`` loads the account of a session with its
organisation joined and with the figures that those apps registered
(``session_user_annotation``) computed in the same statement: one query where a page
otherwise made three.

It authenticates nobody (``authenticate`` is ``ModelBackend``'s work, with the password);
``login`` records it as the session's backend (``SESSION_USER_BACKEND``) so that Django's
``get_user`` asks it for the session's user. A session recorded with ``ModelBackend``
(signed in before it existed) keeps working and loads its user the plain way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.db.models import Expression

SESSION_USER_BACKEND = "drive.accounts.backends.SessionUserBackend"

# name → a function building the expression of that figure (a column of the user's query).
_ANNOTATIONS: dict[str, Callable[[], Expression]] = {}


def session_user_annotation(name: str, expression: Callable[[], Expression]) -> None:
    """Compute ``expression()`` with the session's user, as the attribute ``name`` of the
    user object (an app above accounts registers it in its ``ready``)."""
    _ANNOTATIONS[name] = expression


class SessionUserBackend(BaseBackend):
    """Loads a session's user with its organisation and the registered figures."""

    def authenticate(self, request, **credentials):
        return None  # passwords are checked by ModelBackend

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = (
                model._default_manager.select_related("organisation")
                .annotate(**{name: build() for name, build in _ANNOTATIONS.items()})
                .get(pk=user_id)
            )
        except model.DoesNotExist:
            return None
        # As ModelBackend: an account that was deactivated is signed out.
        return user if getattr(user, "is_active", True) else None
