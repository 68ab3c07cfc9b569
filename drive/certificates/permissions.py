"""Named permission predicates for certificates (STYLE.md §8).

Scope is ``Certificate.objects.visible_to(user)`` (the programme's buyer, the certified
supplier; anyone else 404); these decide what a user may do with what they see. The
public verification page needs no predicate: it shows only a certificate's public facts.
"""

from __future__ import annotations

from typing import Any

from drive.core.permissions import is_buyer_member, is_supplier_member
from drive.programmes.permissions import can_manage_programmes


def can_view_completion(user: Any, programme: Any) -> bool:
    """The programme's completion page: every member of its buyer (officers read only)."""
    return is_buyer_member(user) and programme.buyer_id == user.organisation_id


def can_issue_certificates(user: Any, programme: Any) -> bool:
    """Issue (one by one or in bulk), revoke, change the completion policy: the programme's
    managers and its buyer's organisation admins."""
    return can_manage_programmes(user, programme)


def can_view_certificate(user: Any, certificate: Any) -> bool:
    """Read a certificate and download its PDF: the buyer's staff and the supplier's
    people (who hold the certificate)."""
    if is_buyer_member(user):
        return certificate.programme.buyer_id == user.organisation_id
    if is_supplier_member(user):
        return certificate.supplier.organisation_id == user.organisation_id
    return False


def can_revoke_certificate(user: Any, certificate: Any) -> bool:
    return can_issue_certificates(user, certificate.programme)


def can_view_own_certificates(user: Any) -> bool:
    """The supplier's "Certificates" page."""
    return is_supplier_member(user)
