"""Helpers of the authorization tests: the personas, every API route of the URLconf, the
address of each route in the test world, and the write requests tried on each."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from drive.risk.models import RiskModel
from drive.scoring.models import ScoringMethod

PERSONAS = ("alice", "olga", "oscar", "bob", "carol", "ivan", "dave")


def api_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and namespace == "api:" and p.name:
                if (
                    "v1/" in str(p.pattern)
                    or getattr(p.callback, "cls", None)
                    and (
                        p.callback.cls.__module__ == "drive.api.views"
                        or p.callback.cls.__module__.startswith("drive.api.resources.")
                    )
                ):
                    names.add(p.name)

    walk(get_resolver().url_patterns)
    return names - {"not_found"}


def url_for(name: str, w: dict, user) -> str:
    s = w["supplier"].pk
    v = f"/api/v1/questionnaires/versions/{w['version'].pk}/"
    p = f"/api/v1/programmes/{w['programme'].pk}/"
    a = f"/api/v1/assessments/{w['assessment'].pk}/"
    sa = f"/api/v1/assessments/{w['scored'].pk}/"
    ap = f"/api/v1/appeals/{w['appeal'].pk}/"
    return {
        "organisation-list": "/api/v1/organisations/",
        "organisation-detail": f"/api/v1/organisations/{w['agency'].pk}/",
        "user-list": "/api/v1/users/",
        "user-detail": f"/api/v1/users/{w['alice'].pk}/",
        "user-invite": "/api/v1/users/invite/",
        "supplier-list": "/api/v1/suppliers/",
        "supplier-detail": f"/api/v1/suppliers/{s}/",
        "supplier-events": f"/api/v1/suppliers/{s}/events/",
        "supplier-ocds": "/api/v1/suppliers/ocds/",
        "supplier-invite": f"/api/v1/suppliers/{s}/invite/",
        "certification-list": f"/api/v1/suppliers/{s}/certifications/",
        "certification-detail": f"/api/v1/suppliers/{s}/certifications/{w['certification'].pk}/",
        "agreement-list": f"/api/v1/suppliers/{s}/agreements/",
        "agreement-detail": f"/api/v1/suppliers/{s}/agreements/{w['agreement'].pk}/",
        "contact-list": f"/api/v1/suppliers/{s}/contacts/",
        "contact-detail": f"/api/v1/suppliers/{s}/contacts/{w['contact'].pk}/",
        "import-list": "/api/v1/imports/",
        "import-detail": f"/api/v1/imports/{w['import'].pk}/",
        "import-events": f"/api/v1/imports/{w['import'].pk}/events/",
        "import-confirm": f"/api/v1/imports/{w['import'].pk}/confirm/",
        "import-mapping": f"/api/v1/imports/{w['import'].pk}/mapping/",
        "import-duplicates": f"/api/v1/imports/{w['import'].pk}/duplicates/",
        "supplier-invite-many": "/api/v1/suppliers/invite-many/",
        "questionnaire-list": "/api/v1/questionnaires/",
        "questionnaire-detail": f"/api/v1/questionnaires/{w['version'].questionnaire_id}/",
        "questionnaire-import": "/api/v1/questionnaires/import/",
        "questionnaire-version-list": "/api/v1/questionnaires/versions/",
        "questionnaire-version-detail": f"{v}",
        "questionnaire-version-xlsform": f"{v}xlsform/",
        "questionnaire-version-publish": f"{v}publish/",
        "questionnaire-version-new-draft": f"{v}new-draft/",
        "programme-list": "/api/v1/programmes/",
        "programme-detail": f"{p}",
        "programme-open": f"{p}open/",
        "programme-close": f"{p}close/",
        "programme-enrolments": f"{p}enrolments/",
        "programme-enrol": f"{p}enrol/",
        "programme-invite-company": f"{p}invite-company/",
        "programme-remind": f"{p}remind/",
        "enrolment-list": "/api/v1/enrolments/",
        "enrolment-detail": f"/api/v1/enrolments/{w['enrolment'].pk}/",
        "enrolment-withdraw": f"/api/v1/enrolments/{w['enrolment'].pk}/withdraw/",
        "assessment-list": "/api/v1/assessments/",
        "assessment-detail": f"{a}",
        "assessment-answers": f"{a}answers/",
        "assessment-answer": f"{a}answers/policy/",
        "assessment-answer-documents": f"{a}answers/policy/documents/",
        "assessment-answer-document": f"{a}answers/policy/documents/{w['document'].pk}/",
        "assessment-missing": f"{a}missing/",
        "assessment-submit": f"{a}submit/",
        "assessment-return": f"{a}return/",
        "assessment-accept": f"{a}accept/",
        "assessment-comments": f"{a}comments/",
        "assessment-submissions": f"{a}submissions/",
        "assessment-compare": f"{a}compare/?a=1&b=1",
        "assessment-score": f"{a}score/",
        "document-list": "/api/v1/documents/",
        "document-detail": f"/api/v1/documents/{w['document'].pk}/",
        "document-file": f"/api/v1/documents/{w['document'].pk}/file/",
        "assessment-appeals": f"{sa}appeals/",
        "appeal-detail": ap,
        "appeal-accept": f"{ap}accept/",
        "appeal-reject": f"{ap}reject/",
        "programme-appeals": f"/api/v1/programmes/{w['scored'].enrolment.programme_id}/appeals/",
        "assessment-feedback": f"{sa}feedback/",
        "assessment-feedback-pdf": f"{sa}feedback/pdf/",
        "assessment-feedback-pdf-file": f"{sa}feedback/pdf/file/",
        "supplier-risk": f"/api/v1/suppliers/{s}/risk/?programme={w['programme'].pk}",
        "programme-risk": f"{p}risk/",
        "programme-risk-suppliers": f"{p}risk/suppliers/",
        "programme-risk-answer-flags": f"{p}risk/answer-flags/",
        "programme-risk-dol-flags": f"{p}risk/dol-flags/",
        "programme-risk-overrides": f"{p}risk-overrides/",
        "programme-inspection-queue": f"{p}inspection-queue/",
        "risk-model-list": "/api/v1/risk/models/",
        "risk-model-detail": f"/api/v1/risk/models/{RiskModel.objects.get(version=1).pk}/",
        "webhook-endpoint-list": "/api/v1/webhooks/",
        "webhook-endpoint-detail": f"/api/v1/webhooks/{w['webhook'].pk}/",
        "scoring-method-list": "/api/v1/scoring/methods/",
        "scoring-method-detail": "/api/v1/scoring/methods/"
        f"{ScoringMethod.objects.get(code='drive-default').pk}/",
        "notification-list": "/api/v1/notifications/",
        "notification-detail": f"/api/v1/notifications/{w['notification'].pk}/",
        "notification-read": f"/api/v1/notifications/{w['notification'].pk}/read/",
        "notification-read-all": "/api/v1/notifications/read-all/",
        "inspection-checklist": f"/api/v1/inspections/{w['inspection'].pk}/checklist/",
        "inspection-findings": f"/api/v1/inspections/{w['inspection'].pk}/findings/",
        "inspection-notes": f"/api/v1/inspections/{w['inspection'].pk}/notes/",
        "inspection-attachment-file": f"/api/v1/inspections/{w['inspection'].pk}/attachments/"
        f"{w['field_photo'].pk}/file/",
        "inspection-sync": f"/api/v1/inspections/{w['inspection'].pk}/sync/",
        "certificate-list": "/api/v1/certificates/",
        "certificate-detail": f"/api/v1/certificates/{w['certificate'].pk}/",
        "certificate-pdf": f"/api/v1/certificates/{w['certificate'].pk}/pdf/",
        "certificate-revoke": f"/api/v1/certificates/{w['certificate'].pk}/revoke/",
        "certificate-bulk": "/api/v1/certificates/bulk/",
        "certificate-completion": "/api/v1/certificates/completion/"
        f"?programme={w['scored'].enrolment.programme_id}",
        "certificate-verify": f"/api/v1/verify/{w['certificate'].code}/",
        "training-event-list": "/api/v1/trainings/events/",
        "training-event-detail": f"/api/v1/trainings/events/{w['training_event'].pk}/",
        "training-session-list": "/api/v1/trainings/sessions/",
        "training-session-detail": f"/api/v1/trainings/sessions/{w['training_session'].pk}/",
        "training-session-register": (
            f"/api/v1/trainings/sessions/{w['training_session'].pk}/register/"
        ),
        "training-registration-list": "/api/v1/trainings/registrations/",
        "training-registration-detail": (
            f"/api/v1/trainings/registrations/{w['registration'].pk}/"
        ),
        "training-registration-cancel": (
            f"/api/v1/trainings/registrations/{w['registration'].pk}/cancel/"
        ),
        "training-resource-list": "/api/v1/trainings/resources/",
        "training-resource-detail": f"/api/v1/trainings/resources/{w['resource'].pk}/",
        "action-list": "/api/v1/actions/",
        "action-detail": f"/api/v1/actions/{w['action'].pk}/",
        "action-plans": f"/api/v1/actions/{w['action'].pk}/plans/",
        "action-plan": f"/api/v1/actions/{w['action'].pk}/plan/",
        "action-approve": f"/api/v1/actions/{w['action'].pk}/approve/",
        "action-request-changes": f"/api/v1/actions/{w['action'].pk}/request-changes/",
        "action-progress": f"/api/v1/actions/{w['action'].pk}/progress/",
        "action-submit": f"/api/v1/actions/{w['action'].pk}/submit/",
        "action-verify": f"/api/v1/actions/{w['action'].pk}/verify/",
        "action-return": f"/api/v1/actions/{w['action'].pk}/return/",
        "action-reopen": f"/api/v1/actions/{w['action'].pk}/reopen/",
        "action-cancel": f"/api/v1/actions/{w['action'].pk}/cancel/",
        # Inspections (insp11): the world's approved inspection of Bright.
        "inspection-list": "/api/v1/inspections/",
        "inspection-detail": f"/api/v1/inspections/{w['approved_inspection'].pk}/",
        **{
            f"inspection-{verb}": f"/api/v1/inspections/{w['approved_inspection'].pk}/{verb}/"
            for verb in INSPECTION_MOVES
        },
        "inspection-report": f"/api/v1/inspections/{w['approved_inspection'].pk}/report/",
        "inspection-report-pdf": f"/api/v1/inspections/{w['approved_inspection'].pk}/report/pdf/",
    }[name]


INSPECTION_MOVES = (
    "schedule",
    "assign",
    "unassign",
    "declare",
    "start",
    "submit",
    "forward",
    "return",
    "approve",
    "cancel",
)


WRITES = [
    (
        "post",
        "inspection-list",
        {"enrolment": 1, "body": 1, "window_start": "2027-01-04", "window_end": "2027-01-08"},
    ),
    ("post", "inspection-schedule", {"date": "2027-01-05"}),
    ("post", "inspection-assign", {"inspector": 1}),
    ("post", "inspection-unassign", {"inspector": 1}),
    ("post", "inspection-declare", {}),
    ("post", "inspection-start", {}),
    ("post", "inspection-submit", {"summary": "Done"}),
    ("post", "inspection-forward", {}),
    ("post", "inspection-return", {"comment": "More photos"}),
    ("post", "inspection-approve", {}),
    ("post", "inspection-cancel", {"reason": "Not needed"}),
    ("post", "supplier-list", {"legal_name": "X", "country": "CN", "registration_number": "R-1"}),
    ("patch", "supplier-detail", {"city": "Ningbo"}),
    ("post", "certification-list", {"standard": "ISO 14001"}),
    ("patch", "certification-detail", {"number": "N-2"}),
    ("delete", "certification-detail", None),
    ("post", "agreement-list", {"number": "LTA-9", "agency": "UN Agency A"}),
    ("patch", "agreement-detail", {"agency": "UNDP"}),
    ("delete", "agreement-detail", None),
    ("post", "contact-list", {"name": "Wang Fang"}),
    ("patch", "contact-detail", {"phone": "+86 1"}),
    ("delete", "contact-detail", None),
    ("post", "user-invite", {"email": "new@agency-a.org", "role": "procurement_officer"}),
    ("post", "supplier-invite", {"email": "new@bright.cn"}),
    ("post", "import-confirm", {"mode": "cancel"}),
    ("post", "import-mapping", {"mapping": {"name": "legal_name"}}),
    ("post", "import-duplicates", {"decisions": [{"row": 2, "same": True}]}),
    ("post", "supplier-invite-many", {"suppliers": [1]}),
    ("post", "questionnaire-import", {}),
    ("post", "questionnaire-version-publish", {}),
    ("post", "questionnaire-version-new-draft", {}),
    ("post", "programme-list", {"name": "X", "questionnaire_version": 1}),
    ("patch", "programme-detail", {"name": "Renamed"}),
    ("post", "programme-open", {}),
    ("post", "programme-close", {}),
    ("post", "programme-enrol", {"suppliers": [1]}),
    (
        "post",
        "programme-invite-company",
        {"legal_name": "X", "country": "CN", "registration_number": "R", "email": "x@x.cn"},
    ),
    ("post", "programme-remind", {"enrolments": [1]}),
    ("post", "enrolment-withdraw", {}),
    ("put", "assessment-answer", {"value": "yes"}),
    ("post", "assessment-answer-documents", {"document": 1}),
    ("delete", "assessment-answer-document", None),
    ("post", "assessment-submit", {}),
    ("post", "assessment-return", {"note": "x"}),
    ("post", "assessment-accept", {}),
    ("post", "assessment-comments", {"question": "policy", "text": "Why?"}),
    ("post", "document-list", {"title": "x"}),
    ("patch", "document-detail", {"title": "Renamed"}),
    ("post", "assessment-appeals", {"reason": "Recount"}),
    ("post", "appeal-accept", {"note": "Agreed"}),
    ("post", "appeal-reject", {"note": "No"}),
    ("post", "assessment-feedback-pdf", {}),
    ("post", "notification-read", {}),
    ("post", "training-session-register", {}),
    ("post", "training-registration-cancel", {}),
    (
        "post",
        "webhook-endpoint-list",
        {"url": "https://hooks.agency-a.org/new", "events": ["supplier.updated"]},
    ),
    ("delete", "webhook-endpoint-detail", None),
    ("post", "certificate-revoke", {"reason": "Not allowed"}),
    (
        "post",
        "action-plan",
        {"root_cause": "r", "measures": "m", "owner": "o", "target_date": "2030-01-01"},
    ),
    ("post", "action-approve", {}),
    ("post", "action-request-changes", {"comment": "More detail"}),
    ("post", "action-progress", {"note": "Half done"}),
    ("post", "action-submit", {"note": "Done"}),
    ("post", "action-verify", {"note": "Seen"}),
    ("post", "action-return", {"comment": "Not yet"}),
    ("post", "action-reopen", {"reason": "Again"}),
    ("post", "action-cancel", {"reason": "Duplicate"}),
    (
        "post",
        "programme-risk-overrides",
        {"kind": "weight", "target": "cpi", "weight": "0.5", "reason": "Local audit data"},
    ),
    (
        "post",
        "inspection-sync",
        {"entries": [{"type": "finding", "client_id": "0b8e3c1e-5a51-4f5e-9a55-6a7e0f1d2c3b"}]},
    ),
]
