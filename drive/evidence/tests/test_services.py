import datetime

import pytest

from drive.audit.models import AuditEvent
from drive.evidence import services
from drive.evidence import testing as sample
from drive.evidence.models import Document, DocumentKind
from drive.evidence.services import UploadRejected, document_update, document_upload
from drive.factories import SupplierFactory


def upload(bright, bob, name="policy.pdf", content=sample.PDF_BYTES, **kwargs):
    return document_upload(
        supplier=bright,
        file=sample.upload(name, content),
        title=kwargs.pop("title", "Policy"),
        kind=kwargs.pop("kind", DocumentKind.POLICY),
        valid_until=kwargs.pop("valid_until", None),
        by=bob,
    )


def test_bob_uploads_a_policy_into_his_library(bright, bob, private_media):
    document = upload(bright, bob, valid_until=datetime.date(2030, 1, 31))

    assert document.supplier == bright
    assert document.content_type == "application/pdf"
    assert document.size == len(sample.PDF_BYTES)
    assert len(document.sha256) == 64
    assert document.original_name == "policy.pdf"
    assert document.uploaded_by == bob
    assert "policy" not in document.file.name  # the stored name reveals nothing
    assert document.file.name.endswith(".pdf")
    with document.file.open("rb") as handle:
        assert handle.read() == sample.PDF_BYTES
    event = AuditEvent.objects.get(action="evidence.uploaded")
    assert event.actor == bob
    assert event.after["title"] == "Policy"
    assert event.after["valid_until"] == "2030-01-31"


def test_the_same_file_twice_reuses_the_document(bright, bob):
    first = upload(bright, bob)
    again = upload(bright, bob, name="copy of policy.pdf", title="Another title")

    assert again.pk == first.pk
    assert Document.objects.count() == 1
    assert AuditEvent.objects.filter(action="evidence.uploaded").count() == 1


def test_another_company_uploading_the_same_file_gets_its_own_copy(bright, bob, cedar, carol):
    upload(bright, bob)
    theirs = upload(cedar, carol)
    assert theirs.supplier == cedar
    assert Document.objects.count() == 2


def test_the_same_company_listed_by_two_buyers_shares_one_library(bright, bob):
    second_listing = SupplierFactory(organisation=bright.organisation)
    first = upload(bright, bob)
    assert upload(second_listing, bob).pk == first.pk


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", sample.EXE_BYTES),
        ("report.pdf", sample.HTML_BYTES),
        ("photo.png", b"just text"),
        ("archive.docx", sample.plain_zip_bytes()),
    ],
    ids=["renamed-exe", "renamed-html", "text-as-png", "zip-as-docx"],
)
def test_files_whose_content_is_not_accepted_are_refused(bright, bob, name, content):
    with pytest.raises(UploadRejected) as error:
        upload(bright, bob, name=name, content=content)
    assert "PDF" in error.value.message and "DOCX" in error.value.message
    assert not Document.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_file_over_the_size_limit_is_refused(bright, bob, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(UploadRejected) as error:
        upload(bright, bob, content=sample.PDF_BYTES + b"0" * 1024)
    assert "1.0\xa0KB" in error.value.message
    assert not Document.objects.exists()


def test_an_empty_file_is_refused(bright, bob):
    with pytest.raises(UploadRejected):
        upload(bright, bob, content=b"")


def test_changing_details_is_audited_before_and_after(bright, bob):
    document = upload(bright, bob)
    document_update(
        document=document,
        title="Labour policy 2025",
        kind=DocumentKind.CERTIFICATE,
        valid_until=datetime.date(2026, 6, 30),
        by=bob,
    )
    document.refresh_from_db()
    assert document.title == "Labour policy 2025"
    event = AuditEvent.objects.get(action="evidence.changed")
    assert event.before == {"title": "Policy", "kind": "policy", "valid_until": None}
    assert event.after["kind"] == "certificate"
    assert event.after["valid_until"] == "2026-06-30"


def test_a_failed_upload_leaves_no_file_behind(bright, bob, private_media, monkeypatch):
    def audit_down(**kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(services, "audit_record", audit_down)

    with pytest.raises(RuntimeError):
        upload(bright, bob)

    assert not Document.objects.exists()
    files = [p for p in private_media.rglob("*") if p.is_file()] if private_media.exists() else []
    assert files == []
