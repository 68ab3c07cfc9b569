import datetime

from django.urls import reverse

from drive.evidence import testing as sample
from drive.evidence.models import Document, DocumentKind
from drive.evidence.services import document_upload
from drive.factories import SupplierOrgFactory, UserFactory
from drive.organisations.models import Role

LIBRARY = reverse("evidence:library")


def stored(supplier, user, **kwargs):
    return document_upload(
        supplier=supplier,
        file=sample.upload(
            kwargs.pop("name", "policy.pdf"), kwargs.pop("content", sample.PDF_BYTES)
        ),
        title=kwargs.pop("title", "Labour policy"),
        kind=DocumentKind.POLICY,
        valid_until=kwargs.pop("valid_until", None),
        by=user,
    )


def test_library_lists_documents_with_expiry_in_words(client_of, bright, bob):
    stored(bright, bob, valid_until=datetime.date(2020, 1, 1))
    response = client_of(bob).get(LIBRARY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Labour policy" in html
    assert "Expired" in html
    assert "0 answers" in html


def test_library_empty_state_says_what_to_do(client_of, bright, bob):
    html = client_of(bob).get(LIBRARY).content.decode()
    assert "Your library is empty" in html


def test_library_query_count_does_not_grow_with_documents(
    client_of, bright, bob, django_assert_max_num_queries
):
    for i in range(5):
        stored(bright, bob, content=sample.PDF_BYTES + str(i).encode(), title=f"Doc {i}")
    client = client_of(bob)
    # One counts the documents, one the unread notices, one is the two-factor check.
    with django_assert_max_num_queries(11):
        client.get(LIBRARY)


def test_contributor_uploads_through_the_page(client_of, bright):
    contributor = UserFactory(organisation=bright.organisation, role=Role.CONTRIBUTOR)
    response = client_of(contributor).post(
        LIBRARY,
        {
            "file": sample.upload("photo.jpg", sample.JPEG_BYTES),
            "title": "Fire exits",
            "kind": "photo",
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.content_type) == ("Fire exits", "image/jpeg")


def test_a_renamed_executable_is_refused_with_the_allowed_types(client_of, bright, bob):
    response = client_of(bob).post(
        LIBRARY,
        {
            "file": sample.upload("report.pdf", sample.EXE_BYTES),
            "title": "",
            "kind": "report",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "not an accepted type" in html
    assert not Document.objects.exists()


def test_an_oversize_upload_is_refused(client_of, bright, bob, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    response = client_of(bob).post(
        LIBRARY,
        {
            "file": sample.upload("big.pdf", sample.PDF_BYTES + b"0" * 2048),
            "kind": "report",
        },
    )
    assert "files must be 1.0" in response.content.decode()
    assert not Document.objects.exists()


def test_buyer_staff_have_no_library_page(client_of, alice, ivan):
    assert client_of(alice).get(LIBRARY).status_code == 403


def test_bob_changes_a_documents_details(client_of, bright, bob):
    document = stored(bright, bob)
    response = client_of(bob).post(
        reverse("evidence:edit", args=[document.pk]),
        {
            "title": "Policy 2025",
            "kind": "certificate",
            "valid_until": "2027-01-01",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.kind) == ("Policy 2025", "certificate")


def test_another_supplier_cannot_change_or_download_bobs_document(client_of, bright, bob, carol):
    document = stored(bright, bob)
    client = client_of(carol)
    assert client.get(reverse("evidence:edit", args=[document.pk])).status_code == 404
    assert client.get(reverse("evidence:download", args=[document.pk])).status_code == 404
    assert "Labour policy" not in client.get(LIBRARY).content.decode()


def test_supplier_downloads_its_own_file_as_an_attachment(client_of, bright, bob):
    document = stored(bright, bob)
    response = client_of(bob).get(reverse("evidence:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="policy.pdf"'
    assert b"".join(response.streaming_content) == sample.PDF_BYTES


def test_uploads_have_no_public_url(client, bright, bob, settings):
    document = stored(bright, bob)
    assert (
        client.get("/" + settings.MEDIA_URL.strip("/") + "/" + document.file.name).status_code
        == 404
    )
    response = client.get(reverse("evidence:download", args=[document.pk]))
    assert response.status_code == 302  # anonymous: sign in first


def test_the_library_is_paginated_with_a_fixed_number_of_queries(
    client_of, bright, bob, django_assert_max_num_queries
):
    for i in range(27):
        stored(bright, bob, content=sample.PDF_BYTES + str(i).encode(), title=f"Doc {i:02d}")
    client = client_of(bob)
    with django_assert_max_num_queries(11):  # + the header's unread count + the two-factor check
        html = client.get(LIBRARY).content.decode()
    assert html.count('data-label="Used by"') == 25
    assert "Page 1 of 2" in html
    with django_assert_max_num_queries(11):  # + the two-factor check
        html = client.get(LIBRARY + "?page=2").content.decode()
    assert html.count('data-label="Used by"') == 2


def test_an_upload_without_a_registry_entry_says_why(client_of, db):
    """A supplier organisation no buyer has listed yet has nowhere to file documents."""
    unlisted = UserFactory(
        organisation=SupplierOrgFactory(name="Fresh Co"), role=Role.SUPPLIER_ADMIN
    )
    response = client_of(unlisted).post(
        LIBRARY, {"file": sample.upload(), "title": "Policy", "kind": "policy"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your company is not in any buyer&#x27;s registry yet" in html
    assert "nothing was uploaded" in html
    assert not Document.objects.exists()
