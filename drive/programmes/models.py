from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.core.scoping import ScopedQuerySet
from drive.organisations.models import Organisation
from drive.questionnaires.models import QuestionnaireVersion
from drive.suppliers.models import Supplier


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


PROGRAMME_MOVES: dict[str, set[str]] = {
    ProgrammeStatus.DRAFT: {ProgrammeStatus.OPEN},
    ProgrammeStatus.OPEN: {ProgrammeStatus.CLOSED},
    ProgrammeStatus.CLOSED: {ProgrammeStatus.OPEN},
}


class Stage(models.TextChoices):
    """Enrolment stages, PRODUCT.md §1."""

    INVITED = "invited", _("Invited")
    ENROLLED = "enrolled", _("Enrolled")
    SUBMITTED = "submitted", _("Assessment submitted")
    REVIEWED = "reviewed", _("Reviewed")
    INSPECTION = "inspection", _("Inspection")
    CORRECTIVE_ACTIONS = "corrective_actions", _("Corrective actions")
    COMPLETED = "completed", _("Completed")
    CERTIFIED = "certified", _("Certified")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Moves up to "reviewed" (this release); later stages are added by the issues that own them.
# "submitted → enrolled" is a return for clarification; "reviewed" is an accepted assessment.
STAGE_MOVES: dict[str, set[str]] = {
    Stage.INVITED: {Stage.ENROLLED, Stage.WITHDRAWN},
    Stage.ENROLLED: {Stage.SUBMITTED, Stage.WITHDRAWN},
    Stage.SUBMITTED: {Stage.ENROLLED, Stage.REVIEWED, Stage.WITHDRAWN},
    Stage.REVIEWED: {Stage.WITHDRAWN, Stage.INSPECTION},
    # An inspection starts; on approval with findings to act on, corrective actions.
    Stage.INSPECTION: {Stage.CORRECTIVE_ACTIONS, Stage.WITHDRAWN},
    Stage.WITHDRAWN: set(),
}
# Certificates (issue 13): an enrolment that meets its programme's completion criteria is
# certified from any stage after review; revoking its certificate moves it back to completed.
for _stage in (Stage.REVIEWED, Stage.INSPECTION, Stage.CORRECTIVE_ACTIONS, Stage.COMPLETED):
    STAGE_MOVES.setdefault(_stage, set()).add(Stage.CERTIFIED)
STAGE_MOVES.setdefault(Stage.CERTIFIED, set()).update({Stage.COMPLETED, Stage.WITHDRAWN})


class ProgrammeQuerySet(ScopedQuerySet):
    # visible_to(user): buyer staff see their organisation's programmes; suppliers those
    # they are in.
    def for_buyer(self, org, user) -> ProgrammeQuerySet:
        return self.filter(buyer=org)

    def for_supplier(self, org, user) -> ProgrammeQuerySet:
        return self.filter(enrolments__supplier__organisation=org).distinct()


class Programme(models.Model):
    buyer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": "buyer"},
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    opening_date = models.DateField(_("opening date"), null=True, blank=True)
    assessment_deadline = models.DateField(_("assessment deadline"), null=True, blank=True)
    stage_deadlines = models.JSONField(_("stage deadlines"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    # Status predicates: templates and views ask these, never compare status strings.
    @property
    def is_draft(self) -> bool:
        return self.status == ProgrammeStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == ProgrammeStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == ProgrammeStatus.CLOSED


class EnrolmentQuerySet(ScopedQuerySet):
    def for_buyer(self, org, user) -> EnrolmentQuerySet:
        return self.filter(programme__buyer=org)

    def for_supplier(self, org, user) -> EnrolmentQuerySet:
        return self.filter(supplier__organisation=org)


class Enrolment(models.Model):
    """A supplier in a programme's cohort; its stage moves only through services."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="enrolments")
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.INVITED
    )
    stage_changed_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A copy of what the cohort's pages sort, filter, search and count by, so that they never
    # read a supplier row per enrolment (10,000 enrolments in a registry of a million
    # suppliers: drive/programmes/cohort_copy.py). NULL sort name = not copied yet, or the
    # supplier changed since (supplier.updated): copied again before the cohort is read.
    supplier_sort_name = models.CharField(max_length=255, null=True, blank=True, editable=False)
    supplier_country = models.CharField(max_length=2, null=True, blank=True, editable=False)
    supplier_sectors = models.CharField(max_length=255, null=True, blank=True, editable=False)
    supplier_size_class = models.CharField(max_length=10, null=True, blank=True, editable=False)
    supplier_women_owned = models.BooleanField(null=True, editable=False)
    # The names and numbers the cohort's search looks in, one per line (a word never spans two).
    supplier_search = models.TextField(null=True, blank=True, editable=False)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["programme", "supplier__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "supplier"], name="enrolment_unique")
        ]
        indexes = [
            models.Index(fields=["programme", "stage"], name="enrolment_stage_idx"),
            models.Index(
                fields=["programme", "supplier_sort_name", "id"], name="enrolment_sort_name_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.programme}"

    @property
    def is_withdrawn(self) -> bool:
        return self.stage == Stage.WITHDRAWN
