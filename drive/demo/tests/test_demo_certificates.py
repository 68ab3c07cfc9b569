"""The demo's certificate ceremony (``drive.demo.certificates``)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from drive.certificates.models import Certificate, CertificateStatus
from drive.demo.certificates import CEREMONY, PREVIOUS_NAME, REVOKED


@pytest.mark.django_db
def test_demo_holds_the_pilot_ceremony_certificates(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    certificates = Certificate.objects.filter(programme__name=PREVIOUS_NAME)
    assert sorted(c.supplier.ungm_vendor_number for c in certificates) == sorted(CEREMONY)
    statuses = {c.supplier.ungm_vendor_number: c.status for c in certificates}
    assert statuses.pop(REVOKED) == CertificateStatus.REVOKED
    assert set(statuses.values()) == {CertificateStatus.VALID}
    assert all(c.pdf_ready for c in certificates)
    assert all(c.supplier_local_name for c in certificates)
    call_command("load_demo", stdout=StringIO())  # idempotent
    assert Certificate.objects.count() == len(CEREMONY)
