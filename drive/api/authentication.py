"""API authentication: ``Authorization: Bearer drv_…`` tokens, and the session (for the
browsable documentation and for pages that call the API)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed

from drive.accounts.client_ip import client_ip
from drive.api.services import token_authenticate

__all__ = ["BearerTokenAuthentication", "SessionAuthentication"]


class BearerTokenAuthentication(BaseAuthentication):
    """The token acts as its owner: ``request.user`` is the owner, ``request.auth`` the
    ApiToken (its scope is checked by ``TokenScopePermission``)."""

    keyword = "bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Send the token as “Authorization: Bearer drv_…”, with one space.")
            )
        try:
            clear = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("This API token is not valid.")) from None
        token = token_authenticate(clear=clear, ip=client_ip(request))
        if token is None:
            raise AuthenticationFailed(
                _("This API token is not valid: it may have been revoked or have expired.")
            )
        return token.owner, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
