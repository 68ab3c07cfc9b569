"""Every API route × every persona (STYLE.md §9): own organisation's objects are
readable, another organisation's are 404, a wrong role is 403, and no list ever holds
another organisation's rows.

The routes are read from the URLconf, so a new endpoint without an expectation here
fails ``test_every_api_route_has_an_expectation``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from drive.actions.models import CorrectiveAction
from drive.api.models import WebhookEndpoint
from drive.api.tests.authorization_routes import (
    INSPECTION_MOVES,
    PERSONAS,
    WRITES,
    api_route_names,
    url_for,
)
from drive.assessments.models import Answer, Submission
from drive.assessments.testing import make_enrolment, make_version
from drive.certificates.models import Certificate
from drive.certificates.services import certificate_issue
from drive.evidence.services import document_upload
from drive.evidence.testing import PDF_BYTES
from drive.feedback.models import FeedbackPdf, PdfStatus
from drive.imports.models import ImportJob
from drive.inspections.field_testing import make_field_work, make_inspection
from drive.notifications.models import Notification
from drive.questionnaires.models import Questionnaire
from drive.risk.models import RiskOverride
from drive.scoring.models import Appeal, AppealStatus
from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, submit
from drive.suppliers.models import Certification, Contact, LongTermAgreement
from drive.trainings.testing import training_world


@pytest.fixture
def world(bright, cedar, agency, other_agency, alice, inspection_body, ivan):
    """Agency A's objects (Bright Textiles with one of each item, an import) and the
    same for agency D, whose staff must never reach A's."""
    from drive.factories import SupplierFactory

    items = {
        "certification": Certification.objects.create(supplier=bright, standard="ISO 9001"),
        "agreement": LongTermAgreement.objects.create(
            supplier=bright, number="LTA-1", agency="UN Agency A"
        ),
        "contact": Contact.objects.create(supplier=bright, name="Li Wei"),
    }
    job = ImportJob.objects.create(buyer=agency, original_name="a.csv", file="imports/a.csv")
    d_supplier = SupplierFactory(buyer=other_agency, legal_name="Delta Supplies")
    d_job = ImportJob.objects.create(
        buyer=other_agency, original_name="d.csv", file="imports/d.csv"
    )
    # Agency A's own questionnaire, a programme using it with Bright Textiles enrolled
    # (one submission on record), and a document in Bright's library.
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
    # A second programme where Bright's assessment is scored and accepted, with an open
    # appeal and a ready feedback PDF.
    scored = make_scored_assessment(supplier=bright, name="Scored textiles")
    submit(scored)
    score = score_compute(assessment=scored)
    accept(scored)
    # Attached to one of its answers: what makes the document visible to agency A's staff.
    Answer.objects.create(
        assessment=scored, question=scored.version.questions.order_by("pk").first()
    ).documents.add(document)
    appeal = Appeal.objects.create(assessment=scored, score=score, reason="Recount, please.")
    # Bright's certificate of that programme, its PDF ready.
    certificate = certificate_issue(enrolment=scored.enrolment, by=alice)
    certificate.pdf.save("certificate-world.pdf", ContentFile(PDF_BYTES), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(
        pdf=certificate.pdf.name, pdf_status="ready"
    )
    pdf = FeedbackPdf(assessment=scored, score=score, language="en", status=PdfStatus.READY)
    pdf.file.save("feedback-world.pdf", ContentFile(PDF_BYTES), save=True)
    # Alice's own notification: nobody else reaches it.
    notice = Notification.objects.create(
        recipient=alice, kind="assessment.accepted", subject="Notice", language="en"
    )
    webhook = WebhookEndpoint.objects.create(
        organisation=agency, url="https://hooks.agency-a.org/drive", events=["supplier.created"]
    )
    WebhookEndpoint.objects.create(
        organisation=other_agency,
        url="https://hooks.agency-d.org/drive",
        events=["import.completed"],
    )
    # An inspection of Bright in progress by Ivan's body: a checklist, a finding with a photo,
    # a confidential interview note.
    inspection = make_inspection(
        supplier=bright, body=inspection_body, inspector=ivan, name="Inspected textiles"
    )
    field_work = make_field_work(inspection, ivan)
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
    return {
        **trainings,
        "inspection": inspection,
        "field_photo": field_work["photo"],
        "action": action,
        "approved_inspection": _world_inspection(scored.enrolment, alice),
        "notification": notice,
        "supplier": bright,
        "import": job,
        "webhook": webhook,
        **items,
        "d_supplier": d_supplier,
        "d_import": d_job,
        "agency": agency,
        "other_agency": other_agency,
        "version": version,
        "programme": enrolment.programme,
        "enrolment": enrolment,
        "assessment": enrolment.assessment,
        "document": document,
        "scored": scored,
        "appeal": appeal,
        "certificate": certificate,
    }


# GET status per route and persona. Lists answer 200 with only what the persona may see;
# objects of agency A's registry are 404 for everyone outside it.
A_STAFF = {"alice": 200, "olga": 200, "oscar": 200}
SUPPLIER_OBJECT = {**A_STAFF, "bob": 200, "carol": 404, "ivan": 404, "dave": 404}
IMPORTS = {
    "alice": 200,
    "olga": 403,
    "oscar": 200,
    "bob": 403,
    "carol": 403,
    "ivan": 403,
    "dave": 200,
}
IMPORT_OBJECT = {**IMPORTS, "dave": 404}  # dave may import, but A's import is not his
ALL_200 = dict.fromkeys(PERSONAS, 200)
A_ONLY = {**A_STAFF, "bob": 404, "carol": 404, "ivan": 404, "dave": 404}
WEBHOOKS = {"alice": 200, "olga": 403, "oscar": 200, "bob": 403, "carol": 403, "ivan": 403}
GET_EXPECTATIONS: dict[str, dict[str, int] | None] = {
    "organisation-list": ALL_200,
    "organisation-detail": A_ONLY,
    "user-list": ALL_200,
    "user-detail": A_ONLY,
    "supplier-invite": None,  # POST only: see test_write_routes_refuse_other_organisations
    "user-invite": None,  # POST only: see test_write_routes_refuse_other_organisations
    "supplier-list": ALL_200,
    "supplier-detail": SUPPLIER_OBJECT,
    "supplier-events": SUPPLIER_OBJECT,
    # OCDS names the caller as buyer and publisher: buyers only.
    "supplier-ocds": {**A_STAFF, "bob": 403, "carol": 403, "ivan": 403, "dave": 200},
    "certification-list": SUPPLIER_OBJECT,
    "certification-detail": SUPPLIER_OBJECT,
    "agreement-list": SUPPLIER_OBJECT,
    "agreement-detail": SUPPLIER_OBJECT,
    "contact-list": SUPPLIER_OBJECT,
    "contact-detail": SUPPLIER_OBJECT,
    "import-list": IMPORTS,
    "import-detail": IMPORT_OBJECT,
    "import-events": IMPORT_OBJECT,
    "import-confirm": None,
    "import-mapping": None,  # POST only
    "import-duplicates": None,  # POST only
    "supplier-invite-many": None,  # POST only
    # Questionnaires: agency A's own is A's alone; Bob reads the version of his programme
    # (but not the questionnaire family, nor its XLSForm, which are for buyer staff).
    "questionnaire-list": ALL_200,
    "questionnaire-detail": A_ONLY,
    "questionnaire-import": None,
    "questionnaire-version-list": ALL_200,
    "questionnaire-version-detail": SUPPLIER_OBJECT,
    "questionnaire-version-xlsform": {**SUPPLIER_OBJECT, "bob": 403},
    "questionnaire-version-publish": None,
    "questionnaire-version-new-draft": None,
    # Programmes: Bob sees the programme and his enrolment, not the cohort.
    "programme-list": ALL_200,
    "programme-detail": SUPPLIER_OBJECT,
    "programme-open": None,
    "programme-close": None,
    "programme-enrolments": {**SUPPLIER_OBJECT, "bob": 403},
    "programme-enrol": None,
    "programme-invite-company": None,
    "programme-remind": None,
    "enrolment-list": ALL_200,
    "enrolment-detail": SUPPLIER_OBJECT,
    "enrolment-withdraw": None,
    # Assessments: Bob's company and agency A's staff; nobody else.
    "assessment-list": ALL_200,
    "assessment-detail": SUPPLIER_OBJECT,
    "assessment-answers": SUPPLIER_OBJECT,
    "assessment-answer": SUPPLIER_OBJECT,
    "assessment-answer-documents": None,
    "assessment-answer-document": None,
    "assessment-missing": SUPPLIER_OBJECT,
    "assessment-submit": None,
    "assessment-return": None,
    "assessment-accept": None,
    "assessment-comments": SUPPLIER_OBJECT,
    "assessment-submissions": SUPPLIER_OBJECT,
    "assessment-compare": SUPPLIER_OBJECT,
    "assessment-score": SUPPLIER_OBJECT,
    # Evidence: Bright's library, read by agency A's staff (Bright is in their programme).
    "document-list": ALL_200,
    "document-detail": SUPPLIER_OBJECT,
    "document-file": SUPPLIER_OBJECT,
    # Appeals: the supplier files, the programme's managers decide (olga reads only).
    "assessment-appeals": SUPPLIER_OBJECT,
    "appeal-detail": SUPPLIER_OBJECT,
    "appeal-accept": None,
    "appeal-reject": None,
    "programme-appeals": {**SUPPLIER_OBJECT, "olga": 403, "bob": 403},
    # Corrective actions: Bright's people and agency A's staff; moves are POST only.
    "action-list": ALL_200,
    "action-detail": SUPPLIER_OBJECT,
    "action-plans": SUPPLIER_OBJECT,
    "action-progress": SUPPLIER_OBJECT,
    **dict.fromkeys(
        [
            "action-plan",
            "action-approve",
            "action-request-changes",
            "action-submit",
            "action-verify",
            "action-return",
            "action-reopen",
            "action-cancel",
        ]
    ),
    # Feedback: whoever sees the assessment sees its report and PDF.
    "assessment-feedback": SUPPLIER_OBJECT,
    "assessment-feedback-pdf": SUPPLIER_OBJECT,
    "assessment-feedback-pdf-file": SUPPLIER_OBJECT,
    # Risk: the supplier reads its own risk; the dashboard and overrides are the buyer's;
    # the model is read by every buyer's staff. Scoring methods are open to all (glass box).
    "supplier-risk": SUPPLIER_OBJECT,
    "programme-risk": {**SUPPLIER_OBJECT, "bob": 403},
    "programme-risk-suppliers": {**SUPPLIER_OBJECT, "bob": 403},
    "programme-risk-answer-flags": {**SUPPLIER_OBJECT, "bob": 403},
    "programme-risk-dol-flags": {**SUPPLIER_OBJECT, "bob": 403},
    "programme-risk-overrides": {**SUPPLIER_OBJECT, "bob": 403},
    # The inspection queue, as on the web: the programme's managers and administrators.
    "programme-inspection-queue": {**SUPPLIER_OBJECT, "olga": 403, "bob": 403},
    "risk-model-list": {**A_STAFF, "bob": 403, "carol": 403, "ivan": 403, "dave": 200},
    "risk-model-detail": {**A_STAFF, "bob": 403, "carol": 403, "ivan": 403, "dave": 200},
    "scoring-method-list": ALL_200,
    "scoring-method-detail": ALL_200,
    # Notifications: each person reads only their own (the world's one is alice's).
    "notification-list": ALL_200,
    "notification-detail": {**dict.fromkeys(PERSONAS, 404), "alice": 200},
    "notification-read": None,
    "notification-read-all": None,  # POST, acts on the caller's own notifications only
    # Webhooks: a buyer's programme managers and administrators (olga reads nothing).
    "webhook-endpoint-list": {**WEBHOOKS, "dave": 200},
    "webhook-endpoint-detail": {**WEBHOOKS, "dave": 404},
    # Field work: the inspection body and the programme's staff; the supplier once approved.
    **dict.fromkeys(
        [
            "inspection-checklist",
            "inspection-findings",
            "inspection-notes",
            "inspection-attachment-file",
        ],
        {**A_STAFF, "bob": 403, "carol": 404, "ivan": 200, "dave": 404},
    ),
    "inspection-sync": None,  # POST: only the assigned inspector who declared no conflict
    # Certificates: the buyer's staff and the certified supplier; completion is the
    # buyer's; verification is public.
    "certificate-list": ALL_200,
    "certificate-detail": SUPPLIER_OBJECT,
    "certificate-pdf": SUPPLIER_OBJECT,
    "certificate-completion": {**SUPPLIER_OBJECT, "bob": 403},
    "certificate-bulk": None,  # POST: test_certificates_api.py
    "certificate-revoke": None,
    "certificate-verify": ALL_200,
    # Trainings: agency A's event for Bright's programme (Cedar is not in it); Bright's
    # registration; A's library, read by the suppliers of A's registry (Cedar included).
    "training-event-list": ALL_200,
    "training-event-detail": SUPPLIER_OBJECT,
    "training-session-list": ALL_200,
    "training-session-detail": SUPPLIER_OBJECT,
    "training-session-register": None,
    "training-registration-list": ALL_200,
    "training-registration-detail": SUPPLIER_OBJECT,
    "training-registration-cancel": None,
    "training-resource-list": ALL_200,
    "training-resource-detail": {**SUPPLIER_OBJECT, "carol": 200},
    # Inspections (insp11): the world's is approved, by a body Ivan is not in; Bob reads
    # his company's report (without confidential notes: drive/api/tests/test_inspections.py).
    "inspection-list": ALL_200,
    "inspection-detail": SUPPLIER_OBJECT,
    "inspection-report": SUPPLIER_OBJECT,
    "inspection-report-pdf": SUPPLIER_OBJECT,
    **dict.fromkeys(
        [
            "inspection-schedule",
            "inspection-assign",
            "inspection-unassign",
            "inspection-declare",
            "inspection-start",
            "inspection-submit",
            "inspection-forward",
            "inspection-return",
            "inspection-approve",
            "inspection-cancel",
        ]
    ),
}


def test_every_api_route_has_an_expectation():
    assert api_route_names() == set(GET_EXPECTATIONS)


@pytest.fixture
def personas(request, world, alice, olga, oscar, bob, carol, ivan, dave):
    return {
        "alice": alice,
        "olga": olga,
        "oscar": oscar,
        "bob": bob,
        "carol": carol,
        "ivan": ivan,
        "dave": dave,
    }


@pytest.mark.parametrize("route", sorted(n for n, e in GET_EXPECTATIONS.items() if e))
def test_get_every_route_as_every_persona(route, personas, world, api_as):
    world["alice"] = personas["alice"]
    for name, user in personas.items():
        response = api_as(user).get(url_for(route, world, user))
        expected = GET_EXPECTATIONS[route][name]
        assert response.status_code == expected, (route, name, response.content[:300])
        if expected != 200:
            assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_another_buyers_import_is_not_found_for_its_programme_manager(world, dave, api_as):
    # Dave may import (programme manager) but agency A's import is simply not there.
    dave_client = api_as(dave)
    response = dave_client.get(f"/api/v1/imports/{world['import'].pk}/")
    assert response.status_code == 404
    assert dave_client.get(f"/api/v1/imports/{world['d_import'].pk}/").status_code == 200


# Rows of agency A's world each list must show A's staff (and the persona named here), and
# nobody else.
LIST_ROWS = {
    "organisation-list": (lambda w, p: {w["agency"].pk}, set()),
    "user-list": (lambda w, p: {p[n].pk for n in A_STAFF}, set()),
    "supplier-list": (lambda w, p: {w["supplier"].pk}, {"bob"}),
    "import-list": (lambda w, p: {w["import"].pk}, set()),
    "questionnaire-list": (lambda w, p: {w["version"].questionnaire_id}, set()),
    "questionnaire-version-list": (lambda w, p: {w["version"].pk}, {"bob"}),
    "programme-list": (lambda w, p: {w["programme"].pk}, {"bob"}),
    "enrolment-list": (lambda w, p: {w["enrolment"].pk}, {"bob"}),
    "assessment-list": (lambda w, p: {w["assessment"].pk}, {"bob"}),
    "document-list": (lambda w, p: {w["document"].pk}, {"bob"}),
    "webhook-endpoint-list": (lambda w, p: {w["webhook"].pk}, set()),
    "certificate-list": (lambda w, p: {w["certificate"].pk}, {"bob"}),
    "training-event-list": (lambda w, p: {w["training_event"].pk}, {"bob"}),
    "training-session-list": (lambda w, p: {w["training_session"].pk}, {"bob"}),
    "training-registration-list": (lambda w, p: {w["registration"].pk}, {"bob"}),
    "training-resource-list": (lambda w, p: {w["resource"].pk}, {"bob", "carol"}),
    "action-list": (lambda w, p: {w["action"].pk}, {"bob"}),
    "inspection-list": (lambda w, p: {w["approved_inspection"].pk}, {"bob"}),
}


# Reference data the same for every organisation (no organisation's rows in them).
GLOBAL_LISTS = {"risk-model-list", "scoring-method-list"}
# Lists of the caller's own rows (checked by test_personal_lists_hold_own_rows_only).
PERSONAL_LISTS = {"notification-list"}


def test_every_list_route_is_checked_for_leaks():
    lists = {n for n in api_route_names() if n.endswith("-list")}
    assert lists - {
        "certification-list",
        "agreement-list",
        "contact-list",
    } - GLOBAL_LISTS - PERSONAL_LISTS == set(LIST_ROWS)


def test_personal_lists_hold_own_rows_only(personas, world, api_as):
    world["alice"] = personas["alice"]
    for name, user in personas.items():
        rows = api_as(user).get(url_for("notification-list", world, user)).json()["results"]
        expected = [world["notification"].pk] if name == "alice" else []
        assert [row["id"] for row in rows] == expected, name


def test_global_lists_hold_reference_data_only(personas, world, api_as):
    world["alice"] = personas["alice"]
    for route in sorted(GLOBAL_LISTS):
        rows = api_as(personas["alice"]).get(url_for(route, world, None)).json()["results"]
        assert rows and all(row["published"] for row in rows)
        assert not {"organisation", "buyer", "programme", "supplier"} & set(rows[0])


def test_nested_lists_hold_only_their_programmes_rows(personas, world, api_as, other_agency):
    """Agency D's appeals and overrides never show in agency A's lists, nor A's in D's."""
    d_assessment = make_scored_assessment(
        supplier=world["d_supplier"], name="D programme", version=world["scored"].version
    )
    submit(d_assessment)
    d_score = score_compute(assessment=d_assessment)
    d_appeal = Appeal.objects.create(assessment=d_assessment, score=d_score, reason="D")
    d_programme = d_assessment.enrolment.programme
    d_override = RiskOverride.objects.create(
        programme=d_programme, kind="weight", target="cpi", weight="0.5", reason="D"
    )
    a_override = RiskOverride.objects.create(
        programme=world["programme"], kind="weight", target="cpi", weight="0.4", reason="A"
    )
    alice, dave = api_as(personas["alice"]), api_as(personas["dave"])

    def ids(client, url):
        return {row["id"] for row in client.get(url).json()["results"]}

    a_programme = world["scored"].enrolment.programme_id
    assert ids(alice, f"/api/v1/programmes/{a_programme}/appeals/") == {world["appeal"].pk}
    assert ids(dave, f"/api/v1/programmes/{d_programme.pk}/appeals/") == {d_appeal.pk}
    assert ids(alice, f"/api/v1/assessments/{world['scored'].pk}/appeals/") == {world["appeal"].pk}
    assert ids(alice, f"/api/v1/programmes/{world['programme'].pk}/risk-overrides/") == {
        a_override.pk
    }
    assert ids(dave, f"/api/v1/programmes/{d_programme.pk}/risk-overrides/") == {d_override.pk}
    assert alice.get(f"/api/v1/appeals/{d_appeal.pk}/").status_code == 404


@pytest.mark.parametrize("route", sorted(LIST_ROWS))
def test_lists_never_include_another_organisations_rows(route, personas, world, api_as):
    world["alice"] = personas["alice"]
    rows, extra_readers = LIST_ROWS[route]
    a_ids = rows(world, personas)
    for name, user in personas.items():
        response = api_as(user).get(url_for(route, world, user))
        if response.status_code != 200:
            continue
        ids = {row["id"] for row in response.json()["results"]}
        if name in A_STAFF or name in extra_readers:
            assert a_ids <= ids, (route, name)
        else:
            assert not (a_ids & ids), (route, name, ids)
    dave_ids = {
        r["id"] for r in api_as(personas["dave"]).get("/api/v1/suppliers/").json()["results"]
    }
    assert dave_ids == {world["d_supplier"].pk}


def test_ocds_export_holds_only_own_registry(personas, world, api_as):
    parties = (
        api_as(personas["dave"]).get("/api/v1/suppliers/ocds/").json()["releases"][0]["parties"]
    )
    names = {p["name"] for p in parties}
    assert names == {"UN Agency D", "Delta Supplies"}


# Who is refused what: 404 outside the registry, 403 for a role that reads only.
WRITE_REFUSALS = {
    "supplier-list": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403},
    "user-invite": {"alice": 403, "olga": 403},
    "supplier-invite": {"olga": 403, "bob": 403, "carol": 404, "ivan": 404, "dave": 404},
    "import-confirm": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404},
    "import-mapping": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404},
    "import-duplicates": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404},
    # dave may invite in bulk, but only his own registry's suppliers: A's id matches none.
    "supplier-invite-many": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403},
    "questionnaire-import": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403},
    "programme-list": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403},
    # Answering and submitting are the supplier's; reviewing is the buyer's managers'.
    **dict.fromkeys(
        [
            "assessment-answer",
            "assessment-answer-documents",
            "assessment-answer-document",
            "assessment-submit",
        ],
        {"alice": 403, "olga": 403, "oscar": 403, "carol": 404, "ivan": 404, "dave": 404},
    ),
    **dict.fromkeys(
        [
            "questionnaire-version-publish",
            "questionnaire-version-new-draft",
            "programme-detail",
            "programme-open",
            "programme-close",
            "programme-enrol",
            "programme-invite-company",
            "programme-remind",
            "enrolment-withdraw",
            "assessment-return",
            "assessment-accept",
            "assessment-comments",
        ],
        {"olga": 403, "bob": 403, "carol": 404, "ivan": 404, "dave": 404},
    ),
    "document-list": {"alice": 403, "olga": 403, "oscar": 403, "ivan": 403, "dave": 403},
    "document-detail": {
        "alice": 403,
        "olga": 403,
        "oscar": 403,
        "carol": 404,
        "ivan": 404,
        "dave": 404,
    },
    "assessment-appeals": {
        "alice": 403,
        "olga": 403,
        "oscar": 403,
        "carol": 404,
        "ivan": 404,
        "dave": 404,
    },
    **dict.fromkeys(
        ["appeal-accept", "appeal-reject", "programme-risk-overrides"],
        {"olga": 403, "bob": 403, "carol": 404, "ivan": 404, "dave": 404},
    ),
    "assessment-feedback-pdf": {"carol": 404, "ivan": 404, "dave": 404},
    # The supplier's moves and the programme managers' moves on a corrective action.
    **dict.fromkeys(
        ["action-plan", "action-progress", "action-submit"],
        {"alice": 403, "olga": 403, "oscar": 403, "carol": 404, "ivan": 404, "dave": 404},
    ),
    **dict.fromkeys(
        [
            "action-approve",
            "action-request-changes",
            "action-verify",
            "action-return",
            "action-reopen",
            "action-cancel",
        ],
        {"olga": 403, "bob": 403, "carol": 404, "ivan": 404, "dave": 404},
    ),
    "notification-read": dict.fromkeys(["olga", "oscar", "bob", "carol", "ivan", "dave"], 404),
    "webhook-endpoint-list": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403},
    "webhook-endpoint-detail": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403, "dave": 404},
    "inspection-sync": {
        "alice": 403,
        "olga": 403,
        "oscar": 403,
        "bob": 403,
        "carol": 404,
        "dave": 404,
    },
    "certificate-revoke": {"olga": 403, "bob": 403, "carol": 404, "ivan": 404, "dave": 404},
    # Buyer staff do not register; outsiders do not see the session.
    "training-session-register": {
        "alice": 403,
        "olga": 403,
        "oscar": 403,
        "carol": 404,
        "ivan": 404,
        "dave": 404,
    },
}
ITEM_REFUSALS = {"olga": 403, "carol": 404, "ivan": 404, "dave": 404}
# The world's inspection is approved: nothing more for anyone who sees it (insp11).
WRITE_REFUSALS.update(
    {
        "inspection-list": {"olga": 403, "bob": 403, "carol": 403, "ivan": 403},
        **dict.fromkeys(
            [f"inspection-{verb}" for verb in INSPECTION_MOVES],
            {
                "alice": 403,
                "olga": 403,
                "oscar": 403,
                "bob": 403,
                "carol": 404,
                "ivan": 404,
                "dave": 404,
            },
        ),
    }
)


@pytest.mark.parametrize("method,route,body", WRITES, ids=[f"{m}-{r}" for m, r, _ in WRITES])
def test_write_routes_refuse_other_organisations_and_read_only_roles(
    method, route, body, personas, world, api_as
):
    world["alice"] = personas["alice"]
    refusals = WRITE_REFUSALS.get(route, ITEM_REFUSALS)
    for name, expected in refusals.items():
        client = api_as(personas[name])
        kwargs = {"format": "json", "HTTP_IF_MATCH": "*"}
        response = getattr(client, method)(url_for(route, world, personas[name]), body, **kwargs)
        assert response.status_code == expected, (route, name, response.content[:300])
        assert response.json()["error"]["code"] in ("not_found", "permission_denied")
    # Nothing of agency A changed.
    world["supplier"].refresh_from_db()
    assert world["supplier"].city == "Shenzhen"
    world["programme"].refresh_from_db()
    world["enrolment"].refresh_from_db()
    world["assessment"].refresh_from_db()
    assert (world["programme"].name, world["programme"].status) == ("Sustainable textiles", "open")
    assert (world["enrolment"].stage, world["assessment"].status) == ("invited", "draft")
    assert not world["assessment"].answers.exists()
    world["appeal"].refresh_from_db()
    assert world["appeal"].status == AppealStatus.OPEN
    assert not RiskOverride.objects.exists()
    assert FeedbackPdf.objects.count() == 1
    world["notification"].refresh_from_db()
    assert world["notification"].read_at is None
    world["certificate"].refresh_from_db()
    assert not world["certificate"].is_revoked
    assert list(WebhookEndpoint.objects.filter(organisation=world["agency"])) == [world["webhook"]]
    assert world["inspection"].findings.count() == 1
    world["registration"].refresh_from_db()
    assert world["registration"].is_confirmed


def _world_inspection(enrolment, alice):
    """An approved inspection of Bright by a body Ivan is not part of (insp11)."""
    import datetime

    from drive.factories import InspectionBodyFactory
    from drive.inspections.models import Inspection

    return Inspection.objects.create(
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
