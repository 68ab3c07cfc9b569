from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.core.i18n import pick
from drive.organisations.models import Organisation


class QuestionType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    YES_NO_PARTIAL = "yes_no_partial", _("Yes / no / partially")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    PERCENTAGE = "percentage", _("Percentage")
    DATE = "date", _("Date")
    TEXT = "text", _("Text")
    FILE = "file", _("File")


CHOICE_TYPES = (
    QuestionType.YES_NO,
    QuestionType.YES_NO_PARTIAL,
    QuestionType.SINGLE,
    QuestionType.MULTIPLE,
)
NUMBER_TYPES = (QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.PERCENTAGE)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


VERSION_MOVES: dict[str, set[str]] = {
    VersionStatus.DRAFT: {VersionStatus.PUBLISHED},
    VersionStatus.PUBLISHED: set(),
}


class Questionnaire(models.Model):
    """A family of versions. ``owner`` is empty for questionnaires shipped with DRiVE."""

    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questionnaires",
    )
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="questionnaire_unique_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(owner=None),
                name="questionnaire_unique_shipped_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QuestionnaireVersion(models.Model):
    """A draft is editable; publishing freezes it and records its content hash."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.JSONField(_("title"), default=dict)
    version_label = models.CharField(_("version label"), max_length=60, blank=True)
    default_language = models.CharField(max_length=10, default="en")
    languages = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    @property
    def display_title(self) -> str:
        return pick(self.title) or self.questionnaire.name

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class LocalisedTexts:
    """Label and help text in the reader's language (Theme and Question share them)."""

    code: str
    label: dict
    hint: dict

    @property
    def display_label(self) -> str:
        return pick(self.label) or self.code

    @property
    def display_hint(self) -> str:
        return pick(self.hint)


class Theme(LocalisedTexts, models.Model):
    """A section of the questionnaire (XLSForm group) with a weight for scoring."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="themes"
    )
    code = models.CharField(_("code"), max_length=80)
    order = models.PositiveIntegerField(default=0)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    label = models.JSONField(_("label"), default=dict)
    hint = models.JSONField(_("help text"), default=dict, blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="theme_unique_code")
        ]

    def __str__(self) -> str:
        return self.display_label


class Question(LocalisedTexts, models.Model):
    """One question. Expressions use the XLSForm syntax (``${code}``, ``.`` = this answer).

    - ``relevant``: display condition on earlier answers (empty = always shown);
    - ``evidence_required``: when a document must be attached, e.g. ``. = 'yes'``;
    - ``red_flag``: critical answers, e.g. ``. = 'no'`` or ``. < 15``;
    - ``points``: numeric scoring rule for number questions (choice questions score
      through ``Choice.points``);
    - ``applies_to_size`` / ``applies_to_sector``: empty lists mean "every supplier".
    """

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=80)
    order = models.PositiveIntegerField(default=0)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    label = models.JSONField(_("label"), default=dict)
    hint = models.JSONField(_("help text"), default=dict, blank=True)
    guidance = models.JSONField(_("improvement guidance"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    relevant = models.TextField(_("display condition"), blank=True)
    evidence_required = models.TextField(_("evidence required when"), blank=True)
    red_flag = models.TextField(_("red flag when"), blank=True)
    points = models.CharField(_("points rule"), max_length=200, blank=True)
    applies_to_size = models.JSONField(_("applies to sizes"), default=list, blank=True)
    applies_to_sector = models.JSONField(_("applies to sectors"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_unique_code")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def has_choices(self) -> bool:
        return self.type in CHOICE_TYPES


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.CharField(_("value"), max_length=80)
    order = models.PositiveIntegerField(default=0)
    label = models.JSONField(_("label"), default=dict)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_unique_value")
        ]

    def __str__(self) -> str:
        return self.value

    @property
    def display_label(self) -> str:
        return pick(self.label) or self.value
