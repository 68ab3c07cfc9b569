"""Inviting a registry supplier's first administrator (issue: no takeover by a buyer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
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


# At most this many suppliers are invited by one bulk request (each is one e-mail); the
# report says how many matched beyond it, so the manager runs it again for the rest.
BULK_INVITE_LIMIT = 500

SKIP_REASONS = {
    "no_email": _("no contact e-mail"),
    "has_account": _("already has its own DRiVE account"),
    "invited": _("already invited; the invitation is still open"),
    "not_allowed": _("you may not invite this supplier's people"),
}


@dataclass
class BulkInviteReport:
    """What a bulk invitation did: who was invited (supplier, e-mail), who was skipped
    and why (a key of SKIP_REASONS), and how many matching suppliers were not looked at
    (over BULK_INVITE_LIMIT)."""

    invited: list[tuple[Supplier, str]] = field(default_factory=list)
    skipped: list[tuple[Supplier, str]] = field(default_factory=list)
    not_processed: int = 0

    def skipped_by_reason(self) -> dict[str, list[Supplier]]:
        grouped: dict[str, list[Supplier]] = {}
        for supplier, reason in self.skipped:
            grouped.setdefault(reason, []).append(supplier)
        return grouped


def invite_email_for(supplier: Supplier) -> str:
    """The address a supplier's first user is invited at: the primary contact's e-mail,
    else the first contact with one. Reads ``supplier.contacts.all()`` (prefetch it)."""
    contacts = [c for c in supplier.contacts.all() if c.email]
    contacts.sort(key=lambda c: (not c.is_primary, c.pk))
    return contacts[0].email if contacts else ""


def bulk_invite_candidates(suppliers: QuerySet[Supplier]) -> list[tuple[Supplier, str, str]]:
    """(supplier, e-mail, skip reason or "") for each of ``suppliers`` (at most
    BULK_INVITE_LIMIT), in a constant number of queries: who can be invited, and why not."""
    rows = list(
        suppliers.select_related("organisation").prefetch_related("contacts")[:BULK_INVITE_LIMIT]
    )
    organisations = {s.organisation_id for s in rows if s.organisation_id}
    with_members = set(
        User.objects.filter(organisation_id__in=organisations, is_active=True)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    with_invitations = set(
        Invitation.objects.pending()
        .filter(organisation_id__in=organisations)
        .values_list("organisation_id", flat=True)
    )
    result = []
    for supplier in rows:
        email = invite_email_for(supplier)
        if supplier.organisation_id in with_members:
            reason = "has_account"
        elif supplier.organisation_id in with_invitations:
            reason = "invited"
        elif not email:
            reason = "no_email"
        else:
            reason = ""
        result.append((supplier, email, reason))
    return result


def supplier_invite_many(
    *, suppliers: QuerySet[Supplier], by: User, language: str | None = None
) -> BulkInviteReport:
    """Invite the first user (supplier admin) of every supplier in ``suppliers`` that has
    a contact e-mail and no account yet, through :func:`supplier_invite_admin` (one
    transaction and one audit trail per supplier: one that fails does not undo the
    others). The others are skipped with their reason; nobody is invited twice (an open
    invitation is left alone). The caller scopes ``suppliers`` to the user's registry;
    ``can_invite_supplier`` is checked for each."""
    from drive.suppliers.permissions import can_invite_supplier

    report = BulkInviteReport()
    total = suppliers.count()
    candidates = bulk_invite_candidates(suppliers)
    report.not_processed = max(0, total - len(candidates))
    for supplier, email, reason in candidates:
        if not reason and not can_invite_supplier(by, supplier):
            reason = "not_allowed"
        if reason:
            report.skipped.append((supplier, reason))
            continue
        try:
            # A Chinese supplier's first user reads the invitation in Chinese by default.
            chosen = language or ("zh-hans" if supplier.country == "CN" else None)
            supplier_invite_admin(supplier=supplier, email=email, by=by, language=chosen)
        except SupplierManagesItsPeople:
            report.skipped.append((supplier, "has_account"))
        else:
            report.invited.append((supplier, email))
    return report
