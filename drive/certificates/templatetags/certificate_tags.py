"""Certificate panels that pages of lower apps embed (docs/architecture.md, "Panels"):

- ``{% load certificate_tags %}{% completion_panel programme %}`` on the programme page: the
  link to "Completion and certificates" (criteria met and missing per supplier, issuing),
  without a query; buyer staff only (``can_view_completion``).
- ``{% certificates_home_panel %}`` on the supplier's home page: its certificates in force
  with their PDFs; supplier people only (``can_view_own_certificates``).

The permission, the query and the template stay here."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from drive.certificates.models import Certificate
from drive.certificates.permissions import can_view_completion, can_view_own_certificates

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("certificates/_completion_panel.html", takes_context=True)
def completion_panel(context: template.Context, programme: Any) -> dict[str, Any]:
    user = _user(context)
    if user is None or not can_view_completion(user, programme):
        return {"show": False}
    # No query (the cohort page counts its queries): the criteria met and missing per
    # supplier, and the certificates, are on the page the panel links to.
    return {"show": True, "programme": programme}


@register.inclusion_tag("certificates/_home_panel.html", takes_context=True)
def certificates_home_panel(context: template.Context) -> dict[str, Any]:
    user = _user(context)
    if user is None or not can_view_own_certificates(user):
        return {"show": False}
    certificates = list(
        Certificate.objects.visible_to(user)
        .valid_on(timezone.localdate())
        .order_by("-issued_on", "-id")[:5]
    )
    return {"show": True, "certificates": certificates}
