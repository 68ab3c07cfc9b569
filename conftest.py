"""The cast of the test suite (STYLE.md §9). Who sees what:

- ``alice``  programme manager at the buyer "UN Agency A": sees the suppliers in agency A's
             registry, imports suppliers, invites people and suppliers.
- ``olga``   procurement officer at agency A: reads the registry, changes nothing.
- ``oscar``  organisation admin at agency A: manages agency A's people.
- ``bob``    supplier admin of "Bright Textiles" (a supplier in agency A's registry): sees and
             edits his own company's profile only.
- ``carol``  supplier admin of another supplier, "Cedar Metals": sees nothing of Bright Textiles.
- ``ivan``   inspector at an inspection body: sees no supplier yet.
- ``dave``   programme manager at another buyer, "UN Agency D": sees nothing of agency A.
"""

from __future__ import annotations

import os

os.environ.setdefault("DRIVE_ENV", "test")

import pytest  # noqa: E402

from drive.factories import (  # noqa: E402
    BuyerFactory,
    InspectionBodyFactory,
    SupplierFactory,
    SupplierOrgFactory,
    UserFactory,
)
from drive.organisations.models import Role  # noqa: E402


@pytest.fixture
def agency(db):
    return BuyerFactory(name="UN Agency A")


@pytest.fixture
def other_agency(db):
    return BuyerFactory(name="UN Agency D")


@pytest.fixture
def alice(agency):
    return UserFactory(
        email="alice@agency-a.org",
        full_name="Alice",
        organisation=agency,
        role=Role.PROGRAMME_MANAGER,
    )


@pytest.fixture
def olga(agency):
    return UserFactory(
        email="olga@agency-a.org",
        full_name="Olga",
        organisation=agency,
        role=Role.PROCUREMENT_OFFICER,
    )


@pytest.fixture
def oscar(agency):
    return UserFactory(
        email="oscar@agency-a.org", full_name="Oscar", organisation=agency, role=Role.ORG_ADMIN
    )


@pytest.fixture
def bright(agency):
    """Bright Textiles: a supplier in agency A's registry with its own account."""
    return SupplierFactory(
        buyer=agency,
        organisation=SupplierOrgFactory(name="Bright Textiles"),
        legal_name="Bright Textiles Co., Ltd.",
        local_name="明亮纺织有限公司",
    )


@pytest.fixture
def bob(bright):
    return UserFactory(
        email="bob@bright.cn",
        full_name="Bob",
        organisation=bright.organisation,
        role=Role.SUPPLIER_ADMIN,
    )


@pytest.fixture
def cedar(agency):
    return SupplierFactory(
        buyer=agency,
        organisation=SupplierOrgFactory(name="Cedar Metals"),
        legal_name="Cedar Metals Ltd.",
        local_name="雪松金属有限公司",
    )


@pytest.fixture
def carol(cedar):
    return UserFactory(
        email="carol@cedar.cn",
        full_name="Carol",
        organisation=cedar.organisation,
        role=Role.SUPPLIER_ADMIN,
    )


@pytest.fixture
def inspection_body(db):
    return InspectionBodyFactory(name="Good Inspections Ltd")


@pytest.fixture
def ivan(inspection_body):
    return UserFactory(
        email="ivan@inspect.example",
        full_name="Ivan",
        organisation=inspection_body,
        role=Role.INSPECTOR,
    )


@pytest.fixture
def dave(other_agency):
    return UserFactory(
        email="dave@agency-d.org",
        full_name="Dave",
        organisation=other_agency,
        role=Role.PROGRAMME_MANAGER,
    )


@pytest.fixture
def client_of(client):
    """``client_of(alice)`` gives a test client signed in as that persona."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: figures kept across requests (the registry's
    filter choices and totals, drive/suppliers/registry_cache.py) belong to one test's
    database, and a later test may reuse its ids."""
    from django.core.cache import caches

    from drive.assessments.selectors import forget_frozen_questions
    from drive.risk.engine import forget_reference
    from drive.risk.selectors import forget_overviews

    for alias in ("default", "local"):
        caches[alias].clear()
    forget_frozen_questions()
    forget_reference()
    forget_overviews()
    yield
    for alias in ("default", "local"):
        caches[alias].clear()
    forget_frozen_questions()
    forget_reference()
    forget_overviews()


@pytest.fixture(autouse=True)
def _english_by_default():
    """Every test starts in the default language: a test that switches to Chinese (a
    command, a page in zh-hans) must not leave the next test's messages translated."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _force_login_is_two_factor_verified(request, monkeypatch):
    """``client.force_login(user)`` skips the sign-in form, so it also skips the code step:
    for people who must use two-factor authentication it gives them an authenticator and
    marks the session verified, as if they had typed the code (see drive/accounts/testing.py).
    Tests marked ``two_factor_enforced`` get Django's plain ``force_login``."""
    if request.node.get_closest_marker("two_factor_enforced"):
        return
    from django.test import Client

    from drive.accounts.testing import mark_two_factor_verified

    plain = Client.force_login

    def force_login(self, user, backend=None):
        plain(self, user, backend)
        mark_two_factor_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
