"""Read queries for people and invitations (STYLE.md: selectors)."""

from __future__ import annotations

from django.db.models import QuerySet

from drive.accounts.models import Invitation, User


def members_of(user: User) -> QuerySet[User]:
    """The active people of the signed-in user's own organisation, by name."""
    if not user.is_authenticated or user.organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id, is_active=True).order_by(
        "full_name", "email"
    )


def pending_invitations_of(user: User) -> QuerySet[Invitation]:
    """Invitations of the user's organisation that can still be accepted, soonest expiry first."""
    return Invitation.objects.visible_to(user).pending().order_by("expires_at", "pk")
