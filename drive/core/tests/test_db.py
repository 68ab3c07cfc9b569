"""What a process may keep between requests is neither filled nor read inside a
transaction the application opened (drive/core/db.py ``in_application_transaction``); a
test's own transaction does not count, or nothing kept would ever be tested."""

from __future__ import annotations

import pytest
from django.db import transaction

from drive.core.db import in_application_transaction

pytestmark = pytest.mark.django_db


def test_a_tests_own_transaction_is_not_the_applications():
    # Fails if Django stops marking its test cases' atomic blocks (``_from_testcase``).
    assert not in_application_transaction()


def test_a_transaction_the_application_opens_is_seen():
    with transaction.atomic():
        assert in_application_transaction()
        with transaction.atomic():
            assert in_application_transaction()
    assert not in_application_transaction()
