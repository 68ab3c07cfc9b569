"""Evidence shared through answers: a buyer sees (and downloads) only the library documents a
supplier attached to its assessments in that buyer's programmes (the evidence app's own
pages, tested here because they need assessments, which sit above evidence)."""

from django.urls import reverse

from drive.assessments.services import answer_attach_document
from drive.assessments.testing import make_enrolment
from drive.evidence import testing as sample
from drive.evidence.models import Document, DocumentKind
from drive.evidence.services import document_upload
from drive.factories import SupplierFactory


def stored(supplier, user, **kwargs):
    return document_upload(
        supplier=supplier,
        file=sample.upload("policy.pdf", kwargs.pop("content", sample.PDF_BYTES)),
        title=kwargs.pop("title", "Labour policy"),
        kind=DocumentKind.POLICY,
        valid_until=None,
        by=user,
    )


def attach(enrolment, code, document, by):
    assessment = enrolment.assessment
    answer_attach_document(
        assessment=assessment,
        question=assessment.version.questions.get(code=code),
        document=document,
        by=by,
    )


def test_buyer_staff_see_only_documents_attached_to_answers_in_their_programmes(
    client_of, bright, bob, alice, dave, ivan
):
    document = stored(bright, bob)
    url = reverse("evidence:download", args=[document.pk])
    assert client_of(alice).get(url).status_code == 404  # not in any programme yet
    enrolment = make_enrolment(supplier=bright)
    assert client_of(alice).get(url).status_code == 404  # enrolled, but not shared
    attach(enrolment, "policy", document, bob)
    assert client_of(alice).get(url).status_code == 200
    assert client_of(alice).get(reverse("evidence:edit", args=[document.pk])).status_code == 403
    assert client_of(dave).get(url).status_code == 404
    assert client_of(ivan).get(url).status_code == 404


def test_a_document_shared_with_one_buyer_stays_hidden_from_another(
    client_of, bright, bob, alice, dave, other_agency
):
    """Bright is in agency A's and agency D's programmes; each buyer sees only what Bright
    attached to that buyer's questionnaire, not the rest of its library."""
    d_listing = SupplierFactory(buyer=other_agency, organisation=bright.organisation)
    for_a = stored(bright, bob, title="Policy for A")
    for_d = stored(d_listing, bob, title="Audit for D", content=sample.PDF_BYTES + b"D")
    private = stored(bright, bob, title="Internal memo", content=sample.PDF_BYTES + b"memo")
    attach(make_enrolment(supplier=bright), "policy", for_a, bob)
    attach(make_enrolment(supplier=d_listing, name="Responsible metals"), "policy", for_d, bob)

    def visible(user):
        return set(Document.objects.visible_to(user).values_list("title", flat=True))

    assert visible(alice) == {"Policy for A"}
    assert visible(dave) == {"Audit for D"}
    assert visible(bob) == {"Policy for A", "Audit for D", "Internal memo"}
    download = lambda document: reverse("evidence:download", args=[document.pk])  # noqa: E731
    assert client_of(alice).get(download(for_d)).status_code == 404
    assert client_of(alice).get(download(private)).status_code == 404
    assert client_of(dave).get(download(for_a)).status_code == 404
    assert client_of(dave).get(download(for_d)).status_code == 200
