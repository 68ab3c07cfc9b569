"""Inviting a registry supplier's first administrator (issue: no takeover by a buyer)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from drive.accounts.models import Invitation, User
from drive.accounts.services import (
    SupplierManagesItsPeople,
    invitation_create,
    invitation_from_outside,
    invitation_resend,
    invitation_revoke,
)
from drive.audit.services import audit_record
from drive.organisations.models import Organisation, OrganisationKind, Role
from drive.suppliers.models import (
    Supplier,
)


def supplier_invite_admin(
    *, supplier: Supplier, email: str, by: User, language: str | None = None
) -> tuple[Invitation, str]:
    """A programme manager invites a supplier company's **first** administrator.

    Creates the supplier's own organisation the first time (and links the registry
    entry to it, audited as ``supplier.account_created``). Once the company has an
    active user, only its own administrators manage its people: the buyer is refused
    (:class:`SupplierManagesItsPeople`, for the web and the API alike). While the buyer's
    first invitation is still pending, inviting the same address again resends it (new
    link) and inviting another address replaces it (the earlier one is withdrawn), so at
    most one invitation from outside the company is open.
    """
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        # Lock the registry row so that two simultaneous invitations create one organisation.
        locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if locked.organisation_id is None:
            organisation = Organisation.objects.create(
                kind=OrganisationKind.SUPPLIER,
                name=locked.legal_name,
                name_local=locked.local_name,
                country=locked.country,
            )
            Supplier.objects.filter(pk=locked.pk, organisation__isnull=True).update(
                organisation=organisation
            )
            audit_record(
                actor=by,
                action="supplier.account_created",
                target=locked,
                before={"organisation": None},
                after={"organisation": organisation.name},
            )
        else:
            organisation = locked.organisation
            if organisation.members.filter(is_active=True).exists():
                raise SupplierManagesItsPeople(
                    _(
                        "%(supplier)s already has its own DRiVE account. Only the company's "
                        "administrators can invite its people; ask them to invite %(email)s."
                    )
                    % {"supplier": locked.legal_name, "email": email}
                )
            pending = list(Invitation.objects.pending().filter(organisation=organisation))
            if any(not invitation_from_outside(i, organisation) for i in pending):
                raise SupplierManagesItsPeople(
                    _(
                        "%(supplier)s already has a pending invitation from its own "
                        "administrators. Only the company's administrators can invite its "
                        "people."
                    )
                    % {"supplier": locked.legal_name}
                )
            same = next((i for i in pending if i.email == email), None)
            if same is not None:
                invitation, token = invitation_resend(invitation=same, by=by)
                supplier.organisation = organisation
                return invitation, token
            for earlier in pending:
                invitation_revoke(invitation=earlier, by=by)
        invitation, token = invitation_create(
            organisation=organisation,
            email=email,
            role=Role.SUPPLIER_ADMIN,
            by=by,
            language=language,
        )
    supplier.organisation = organisation
    return invitation, token
