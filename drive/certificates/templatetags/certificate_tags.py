"""Certificate panels that pages of lower apps embed (docs/architecture.md, "Panels"):

- ``{% load certificate_tags %}{% completion_panel programme %}`` on the programme page: how
  many of the cohort qualify and hold a certificate, and the link to "Completion and
  certificates"; buyer staff only (``can_view_completion``).
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
    # One query: the cohort's completion is worked out on the page the panel links to.
    certified = Certificate.objects.filter(programme=programme).active().count()
    return {"show": True, "programme": programme, "certified": certified}


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
