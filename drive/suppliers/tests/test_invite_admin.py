"""supplier_invite_admin: a programme manager invites a registry supplier's administrator."""

from __future__ import annotations

import pytest
from django.core import mail

from drive.accounts.models import Invitation
from drive.accounts.services import invitation_accept
from drive.audit.selectors import events_for
from drive.core.errors import DomainError
from drive.factories import SupplierFactory
from drive.organisations.models import Organisation, OrganisationKind, Role
from drive.suppliers.services import supplier_invite_admin

GOOD_PASSWORD = "bamboo river lantern"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the block and the tasks it queues after commit, as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_alice_invites_a_registry_supplier_which_gets_its_own_organisation_once(
    agency, alice, sent
):
    supplier = SupplierFactory(
        buyer=agency, legal_name="Harbour Foods Ltd.", local_name="海港食品有限公司", country="CN"
    )

    with sent():
        invitation, token = supplier_invite_admin(
            supplier=supplier, email="wang@harbour.cn", by=alice
        )

    supplier.refresh_from_db()
    organisation = supplier.organisation
    assert organisation.kind == OrganisationKind.SUPPLIER
    assert (organisation.name, organisation.name_local, organisation.country.code) == (
        "Harbour Foods Ltd.",
        "海港食品有限公司",
        "CN",
    )
    assert invitation.organisation == organisation
    assert invitation.role == Role.SUPPLIER_ADMIN
    assert events_for(supplier).first().action == "supplier.account_created"
    assert mail.outbox[0].to == ["wang@harbour.cn"]

    # A corrected address replaces the pending first invitation (the old link stops).
    replacement, token = supplier_invite_admin(supplier=supplier, email="zhao@harbour.cn", by=alice)

    assert Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).count() == 1
    assert [e.action for e in events_for(supplier)] == ["supplier.account_created"]
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert list(Invitation.objects.pending().filter(organisation=organisation)) == [replacement]
    user = invitation_accept(token=token, full_name="Zhao Lei", password=GOOD_PASSWORD)
    assert (user.organisation, user.role) == (organisation, Role.SUPPLIER_ADMIN)


def test_a_refused_supplier_invitation_creates_no_organisation(agency, alice, bob):
    supplier = SupplierFactory(buyer=agency)

    with pytest.raises(DomainError):
        supplier_invite_admin(supplier=supplier, email="bob@bright.cn", by=alice)

    supplier.refresh_from_db()
    assert supplier.organisation is None
    assert not events_for(supplier).exists()
