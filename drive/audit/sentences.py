"""Histories read as sentences: the one mapping from an audit action code to the sentence
every timeline shows ("Answer changed", never ``answer.changed``).

An app whose services record a new action adds its sentence here (or, for an app above
audit that prefers to keep it beside its services, calls :func:`register` from its
``AppConfig.ready``). ``drive/audit/tests/test_sentences.py`` fails on an action code
written in the code without a sentence. A code nobody described still reads as a sentence
("Change recorded"), never as the code.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SENTENCES: dict[str, Promise] = {
    # accounts, people, two-factor
    "account.admin_added": _("Made an administrator"),
    "account.password_changed": _("Password changed"),
    "account.password_reset": _("Password reset"),
    "account.sign_in_failed": _("Sign-in failed"),
    "account.signed_in": _("Signed in"),
    "account.signed_out": _("Signed out"),
    "account.two_factor_verified": _("Signed in with a two-factor code"),
    "admin.added": _("Added in the platform admin"),
    "admin.changed": _("Changed in the platform admin"),
    "admin.deleted": _("Deleted in the platform admin"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.created": _("Invitation sent"),
    "invitation.resent": _("Invitation sent again"),
    "invitation.revoked": _("Invitation withdrawn"),
    "two_factor.codes_renewed": _("New recovery codes made"),
    "two_factor.disabled": _("Two-factor authentication turned off"),
    "two_factor.enabled": _("Two-factor authentication turned on"),
    "two_factor.recovery_code_used": _("Signed in with a recovery code"),
    "two_factor.reset": _("Two-factor authentication reset"),
    # the supplier registry and its imports
    "supplier.account_created": _("Company account created"),
    "supplier.agreement_added": _("Long-term agreement added"),
    "supplier.agreement_deleted": _("Long-term agreement removed"),
    "supplier.agreement_updated": _("Long-term agreement changed"),
    "supplier.certification_added": _("Certification added"),
    "supplier.certification_deleted": _("Certification removed"),
    "supplier.certification_updated": _("Certification changed"),
    "supplier.contact_added": _("Contact added"),
    "supplier.contact_deleted": _("Contact removed"),
    "supplier.contact_updated": _("Contact changed"),
    "supplier.created": _("Supplier added to the registry"),
    "supplier.deleted": _("Supplier removed from the registry"),
    "supplier.imported_created": _("Supplier added by an import"),
    "supplier.imported_updated": _("Supplier updated by an import"),
    "supplier.updated": _("Company profile changed"),
    "import.cancelled": _("Import cancelled"),
    "import.completed": _("Import completed"),
    "import.done": _("Import completed"),
    "import.duplicate_decided": _("Possible duplicate decided"),
    "import.failed": _("Import failed"),
    "import.uploaded": _("File uploaded for import"),
    "import.mapping": _("Columns of the file read for mapping"),
    "import.validated": _("File checked"),
    "import.validating": _("File being checked"),
    # questionnaires and programmes
    "questionnaire.question_updated": _("Question changed"),
    "questionnaire.version_created": _("Questionnaire version created"),
    "questionnaire.version_published": _("Questionnaire version published"),
    "programme.closed": _("Programme closed"),
    "programme.created": _("Programme created"),
    "programme.opened": _("Programme opened"),
    "programme.updated": _("Programme changed"),
    "enrolment.created": _("Supplier enrolled in the programme"),
    "enrolment.reminded": _("Reminder sent"),
    "enrolment.stage_changed": _("Stage changed"),
    # evidence, self-assessment, review
    "evidence.changed": _("Document details changed"),
    "evidence.uploaded": _("Document uploaded"),
    "answer.changed": _("Answer changed"),
    "answer.document_attached": _("Document attached to an answer"),
    "answer.document_detached": _("Document removed from an answer"),
    "assessment.accepted": _("Assessment accepted"),
    "assessment.commented": _("Reviewer commented on an answer"),
    "assessment.prefilled": _("Answers copied from the previous assessment"),
    "assessment.returned": _("Assessment returned for clarification"),
    "assessment.submitted": _("Assessment submitted"),
    # scoring, risk, feedback
    "scoring.appeal.accepted": _("Appeal accepted"),
    "scoring.appeal.filed": _("Appeal filed"),
    "scoring.appeal.rejected": _("Appeal rejected"),
    "scoring.method.published": _("Scoring method published"),
    "scoring.override.recorded": _("Points changed by the programme manager"),
    "scoring.score.computed": _("Score calculated"),
    "scoring.score.recomputed": _("Score calculated again"),
    "risk.model_created": _("Risk model created"),
    "risk.model_published": _("Risk model published"),
    "risk.override_added": _("Risk adjusted for the programme"),
    "risk.reference_loaded": _("Risk reference data loaded"),
    "feedback.pdf.requested": _("Feedback report PDF requested"),
    # the API
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "api_token.used": _("API token used"),
    "webhook.created": _("Webhook created"),
    "webhook.deleted": _("Webhook deleted"),
    "webhook.updated": _("Webhook changed"),
    # inspections and corrective actions (agreed event names, issues 11–13)
    "inspection.planned": _("Inspection planned"),
    "inspection.scheduled": _("Inspection scheduled"),
    "inspection.started": _("Inspection started"),
    "inspection.submitted": _("Inspection report submitted"),
    "inspection.forwarded": _("Inspection report forwarded"),
    "inspection.returned": _("Inspection report returned"),
    "inspection.approved": _("Inspection report approved"),
    "inspection.cancelled": _("Inspection cancelled"),
    "inspection.rescheduled": _("Inspection date changed"),
    "inspection.inspector_assigned": _("Inspector assigned"),
    "inspection.inspector_removed": _("Inspector taken off the team"),
    "inspection.no_conflict_declared": _("No conflict of interest declared"),
    "assessment.discrepancies_recorded": _("Discrepancies found by an inspection recorded"),
    "action.created": _("Corrective action created"),
    "action.plan_proposed": _("Corrective action plan proposed"),
    "action.changes_requested": _("Changes to the plan requested"),
    "action.plan_approved": _("Corrective action plan approved"),
    "action.progress_reported": _("Progress reported"),
    "action.submitted": _("Corrective action submitted for verification"),
    "action.closed": _("Corrective action verified and closed"),
    "action.reopened": _("Corrective action reopened"),
    "action.cancelled": _("Corrective action cancelled"),
    "action.overdue": _("Corrective action overdue"),
    "certificate.policy_changed": _("Certificate rules changed"),
    "inspection.attachment_added": _("Photo or document added to the inspection"),
    "inspection.checklist_generated": _("Inspection checklist prepared"),
    "inspection.criterion_added": _("Inspection criterion added"),
    "inspection.criterion_changed": _("Inspection criterion changed"),
    "inspection.field_settings_changed": _("Field-work settings changed"),
    "inspection.finding_changed": _("Finding changed"),
    "inspection.finding_recorded": _("Finding recorded"),
    "inspection.item_marked": _("Checklist item marked"),
    "inspection.note_changed": _("Interview note changed"),
    "inspection.note_recorded": _("Interview note recorded"),
    "certificate.issued": _("Certificate issued"),
    "certificate.revoked": _("Certificate revoked"),
    "training.registered": _("Registered for a training"),
    "training.promoted": _("Moved from the waiting list to a place"),
    "training.cancelled": _("Training registration cancelled"),
}
UNKNOWN = _("Change recorded")

# Names of the keys that events record in before/after which are not fields of the target
# (a score's figures recorded on its assessment), and labels of their coded values.
FIELD_LABELS: dict[str, Promise] = {
    "band": _("maturity band"),
    "overall": _("overall score"),
    "red_flags": _("red flags"),
    "method": _("scoring method"),
    "submission": _("submission"),
}
VALUE_LABELS: dict[str, dict[str, Promise]] = {
    "band": {
        "beginning": _("Beginning"),
        "developing": _("Developing"),
        "established": _("Established"),
        "advanced": _("Advanced"),
        "leading": _("Leading"),
    },
}

# Actions whose note names what changed (a question code, a file name): the sentence is
# followed by it ("Answer changed: policy").
DETAIL_FROM_NOTE = frozenset({"answer.changed", "assessment.commented"})


def register(sentences: Mapping[str, Promise]) -> None:
    """Add the sentences of an app's own action codes (from its ``AppConfig.ready``)."""
    SENTENCES.update(sentences)


def sentence_for(action: str) -> str:
    """The translated sentence of ``action`` ("Change recorded" for a code nobody
    described: a timeline never shows a code)."""
    return str(SENTENCES.get(action, UNKNOWN))
