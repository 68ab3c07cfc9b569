"""Who may use the API and manage its tokens and webhooks (STYLE.md §8).

Object scoping stays with each model's ``visible_to(user)``; role decisions reuse the
predicates of the app that owns the object (``drive.suppliers.permissions`` …).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from drive.api.models import ApiToken
from drive.core.permissions import is_buyer_member, is_member, member_of
from drive.organisations.models import Role

WEBHOOK_ROLES = (Role.PROGRAMME_MANAGER, Role.ORG_ADMIN)


def can_use_api(user: Any) -> bool:
    """Every active member of an organisation (platform admins without one use the admin)."""
    return is_member(user)


def can_manage_tokens(user: Any) -> bool:
    """Make, list and revoke one's own tokens: every member of an organisation."""
    return can_use_api(user)


def can_revoke_token(user: Any, token: ApiToken) -> bool:
    """The owner, or an administrator of the organisation for an organisation token
    (the token must also be ``ApiToken.objects.visible_to(user)``)."""
    return member_of(user, token.organisation_id)


def can_manage_webhooks(user: Any) -> bool:
    """Register endpoints and read deliveries: programme managers and organisation admins
    of a buyer."""
    return is_buyer_member(user) and user.role in WEBHOOK_ROLES


class TokenScopePermission(BasePermission):
    """Signed in (token or session) as a member of an organisation; read-only tokens may
    only read."""

    message = _("Sign in or send an API token.")

    def has_permission(self, request, view) -> bool:
        if not getattr(request.user, "is_authenticated", False):
            return False
        if request.user.organisation_id is None:
            self.message = _("Only members of an organisation can use the API.")
            return False
        token = request.auth
        if (
            isinstance(token, ApiToken)
            and not token.can_write
            and request.method not in SAFE_METHODS
        ):
            self.message = _("This API token is read-only; make a read and write token.")
            return False
        return True
