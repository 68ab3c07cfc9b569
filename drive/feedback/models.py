from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from drive.assessments.models import Assessment
from drive.core.jobs import HeartbeatModel
from drive.scoring.models import Score


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("Preparing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class FeedbackPdf(HeartbeatModel):
    """The PDF of one feedback report, for one score, in one language. Rendered in the
    background with a heartbeat (``drive.core.jobs``); downloaded only through a
    permission-checked view (no public URL)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="feedback_pdfs"
    )
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    file = models.FileField(upload_to="feedback/%Y/%m/", max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback PDF")
        verbose_name_plural = _("feedback PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "score", "language"], name="feedback_pdf_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.language} {self.status}"
