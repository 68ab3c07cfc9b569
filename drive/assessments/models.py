from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.core.scoping import ScopedQuerySet
from drive.evidence.models import Document
from drive.programmes.models import Enrolment, ProgrammeStatus, Stage
from drive.questionnaires.models import Question, QuestionnaireVersion
from drive.suppliers.models import Supplier


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for clarification")
    ACCEPTED = "accepted", _("Accepted")


ASSESSMENT_MOVES: dict[str, set[str]] = {
    AssessmentStatus.DRAFT: {AssessmentStatus.SUBMITTED},
    AssessmentStatus.SUBMITTED: {AssessmentStatus.RETURNED, AssessmentStatus.ACCEPTED},
    AssessmentStatus.RETURNED: {AssessmentStatus.SUBMITTED},
    AssessmentStatus.ACCEPTED: set(),
}
EDITABLE_STATUSES = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


class AssessmentQuerySet(ScopedQuerySet):
    """``visible_to(user)``: suppliers see their own; buyer staff those of their programmes."""

    def for_supplier(self, org, user) -> AssessmentQuerySet:
        return self.filter(supplier__organisation=org)

    def for_buyer(self, org, user) -> AssessmentQuerySet:
        return self.filter(enrolment__programme__buyer=org)


class Assessment(models.Model):
    """A supplier's answers to one questionnaire version, for one programme enrolment."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="assessment")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="assessments")
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    prefilled_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # How many answers hold a value or a document, stored by every service that changes an
    # answer (services.answers.count_answered): the cohort's order by progress reads it
    # rather than counting 10,000 assessments' answers on each view. The figures shown are
    # worked out from the answers themselves (selectors.progress_of).
    answered_count = models.PositiveIntegerField(default=0, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at"]
        indexes = [
            # The buyer home's "to review": the oldest submitted first, read in order from
            # the submitted ones alone (a sort of every submission of the registry otherwise).
            models.Index(
                fields=["submitted_at", "id"],
                name="assessment_waiting_idx",
                condition=models.Q(status="submitted"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.version}"

    @property
    def closed_reason(self) -> str:
        """Why nothing can change any more whatever the status ("" while the programme is
        open and the company still in it). Reads the enrolment and its programme, which
        ``visible_assessments`` fetches with the assessment."""
        enrolment = self.enrolment
        if enrolment.stage == Stage.WITHDRAWN:
            return str(
                _(
                    "Your company was withdrawn from this programme, so its answers can no "
                    "longer be changed."
                )
            )
        if enrolment.programme.status == ProgrammeStatus.CLOSED:
            return str(_("This programme is closed, so its answers can no longer be changed."))
        return ""

    # Status predicates: templates and views ask these, never compare status strings.
    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.status == AssessmentStatus.RETURNED

    @property
    def is_accepted(self) -> bool:
        return self.status == AssessmentStatus.ACCEPTED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES and not self.closed_reason


class Answer(models.Model):
    """The current answer to one question. ``revision`` detects concurrent edits."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    documents = models.ManyToManyField(Document, blank=True, related_name="answers")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question.code}={self.value!r}"


class Submission(models.Model):
    """A frozen copy of the answers at each submission; every version stays on record."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    documents = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="submission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} #{self.number}"


class ReviewComment(models.Model):
    """A reviewer's comment on one answer of one submission."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    submission_number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    # The reviewer asks for a document on this answer (any question, evidence rule or
    # not): the supplier can attach one there and must before submitting again.
    asks_document = models.BooleanField(_("asks for a document"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:50]
