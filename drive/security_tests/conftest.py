"""A small world where every object belongs to agency A (or to Bright Textiles, a supplier
in agency A's registry), for the tests that walk every web page as every persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from drive.accounts.services import invitation_create
from drive.actions.models import CorrectiveAction, ProgressReport
from drive.api.models import WebhookEndpoint
from drive.api.services import token_create
from drive.assessments.models import Answer, Submission
from drive.assessments.testing import make_enrolment, make_version
from drive.certificates.models import Certificate
from drive.certificates.services import certificate_issue
from drive.evidence.services import document_upload
from drive.evidence.testing import PDF_BYTES
from drive.factories import SupplierFactory
from drive.feedback.models import FeedbackPdf, PdfStatus
from drive.imports.models import ImportJob
from drive.inspections.criteria import criteria_for_programme
from drive.inspections.field_testing import make_field_work, make_inspection
from drive.notifications.models import Notification
from drive.questionnaires.models import Questionnaire
from drive.scoring.models import Appeal
from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, submit
from drive.suppliers.models import Certification, Contact, LongTermAgreement
from drive.trainings.testing import training_world


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture
def personas(alice, olga, oscar, bob, carol, ivan, dave):
    """The cast of the root conftest.py, plus nobody signed in."""
    return {
        "anonymous": None,
        "alice": alice,
        "olga": olga,
        "oscar": oscar,
        "bob": bob,
        "carol": carol,
        "ivan": ivan,
        "dave": dave,
    }


@pytest.fixture
def client_as():
    def client_as(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return client_as


@pytest.fixture
def world(bright, agency, alice, oscar, inspection_body, ivan):
    """Agency A's objects: Bright Textiles with one profile item of each kind, an import,
    a pending invitation, an API token and a webhook; agency A's own draft questionnaire
    used by a programme where Bright is enrolled (one submission on record); a document in
    Bright's library; a second programme where Bright's assessment is scored and accepted,
    with an open appeal and a ready feedback PDF."""
    version = make_version(code="agency-a-own")
    Questionnaire.objects.filter(pk=version.questionnaire_id).update(owner=agency)
    enrolment = make_enrolment(supplier=bright, version=version)
    Submission.objects.create(assessment=enrolment.assessment, number=1, answers={})
    document = document_upload(
        supplier=bright,
        by=None,
        title="Labour policy",
        file=SimpleUploadedFile("policy.pdf", PDF_BYTES),
    )
    scored = make_scored_assessment(supplier=bright, name="Scored textiles")
    submit(scored)
    score = score_compute(assessment=scored)
    accept(scored)
    Answer.objects.create(
        assessment=scored, question=scored.version.questions.order_by("pk").first()
    ).documents.add(document)
    appeal = Appeal.objects.create(assessment=scored, score=score, reason="Recount, please.")
    pdf = FeedbackPdf(assessment=scored, score=score, language="en", status=PdfStatus.READY)
    pdf.file.save("feedback-world.pdf", ContentFile(PDF_BYTES), save=True)
    # Bright's certificate of the scored programme, its PDF ready.
    certificate = certificate_issue(enrolment=scored.enrolment, by=alice)
    certificate.pdf.save("certificate-world.pdf", ContentFile(PDF_BYTES), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf=certificate.pdf.name, pdf_status="ready"
    )
    invitation, invitation_token = invitation_create(
        organisation=agency, email="new@agency-a.org", role="procurement_officer", by=oscar
    )
    token, _clear = token_create(name="ERP", scope="read", by=alice)
    webhook = WebhookEndpoint.objects.create(
        organisation=agency, url="https://erp.agency-a.org/hook", secret="s" * 64, created_by=oscar
    )
    # Field work: Ivan's inspection of Harbour Garments (another supplier of agency A's,
    # without an account), in progress, with a finding, a photo and the supplier's evidence.
    harbour = SupplierFactory(buyer=agency, legal_name="Harbour Garments Ltd.", employees=90)
    field_inspection = make_inspection(
        supplier=harbour, body=inspection_body, inspector=ivan, name="Field programme"
    )
    field_work = make_field_work(field_inspection, ivan)
    trainings = training_world(
        organiser=agency, programme=enrolment.programme, company=bright.organisation
    )
    action = CorrectiveAction.objects.create(
        programme=scored.enrolment.programme,
        enrolment=scored.enrolment,
        supplier=bright,
        assessment=scored,
        severity="major",
        title="Fix the fire exits",
        plan_due=dt.date(2030, 1, 1),
        closure_due=dt.date(2030, 3, 1),
    )
    ProgressReport.objects.create(action=action, note="Exits cleared.").documents.add(document)
    inspection, photo = _world_inspection(scored.enrolment, alice)
    return {
        **trainings,
        "field_inspection": field_inspection,
        "field_photo": field_work["photo"],
        "field_item": field_inspection.items.get(question__code="policy"),
        "field_criterion": criteria_for_programme(enrolment.programme).first(),
        "action": action,
        "inspection": inspection,
        "inspection_photo": photo,
        "supplier": bright,
        "agreement": LongTermAgreement.objects.create(
            supplier=bright, number="LTA-1", agency="UN Agency A"
        ),
        "certification": Certification.objects.create(supplier=bright, standard="ISO 9001"),
        "contact": Contact.objects.create(supplier=bright, name="Li Wei"),
        "import": ImportJob.objects.create(
            buyer=agency, original_name="a.csv", file="imports/a.csv"
        ),
        "invitation": invitation,
        "invitation_token": invitation_token,
        "token": token,
        "webhook": webhook,
        "version": version,
        "question": version.questions.order_by("pk").first(),
        "programme": enrolment.programme,
        "enrolment": enrolment,
        "assessment": enrolment.assessment,
        "document": document,
        "scored": scored,
        "appeal": appeal,
        "certificate": certificate,
        # Alice's own notification: everyone else is told it does not exist.
        "notification": Notification.objects.create(
            recipient=alice, kind="assessment.accepted", subject="Notice", language="en"
        ),
    }


def _world_inspection(enrolment, alice):
    """An approved inspection of Bright by an inspection body Ivan is not part of, with a
    finding's photo (insp11)."""
    import datetime

    from drive.factories import InspectionBodyFactory
    from drive.inspections.models import Finding, FindingAttachment, Inspection

    inspection = Inspection.objects.create(
        programme=enrolment.programme,
        enrolment=enrolment,
        supplier=enrolment.supplier,
        body=InspectionBodyFactory(name="World Inspections"),
        window_start=datetime.date(2026, 11, 2),
        window_end=datetime.date(2026, 11, 13),
        status="approved",
        summary="Approved.",
        created_by=alice,
    )
    finding = Finding.objects.create(
        inspection=inspection,
        theme=enrolment.assessment.version.themes.first(),
        severity="minor",
        description="First-aid kit empty.",
    )
    photo = FindingAttachment(finding=finding, is_photo=True)
    photo.file.save("kit.png", ContentFile(PDF_BYTES), save=True)
    return inspection, photo
