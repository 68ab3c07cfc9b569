"""A PDF whose render was killed is shown as stopped, and Bob can ask for it again."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from drive.feedback.models import FeedbackPdf, PdfStatus
from drive.feedback.services import STOPPED, feedback_pdf_request


def test_a_silent_pdf_render_is_recorded_as_stopped_and_can_be_retried(
    client_of, bob, accepted, django_capture_on_commit_callbacks
):
    pdf = feedback_pdf_request(assessment=accepted, language="en", by=bob)  # never rendered
    FeedbackPdf.objects.filter(pk=pdf.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    client = client_of(bob)
    html = client.get(reverse("feedback:pdf", args=[accepted.pk])).content.decode()
    assert "Preparing the PDF stopped unexpectedly" in html
    assert 'http-equiv="refresh"' not in html
    assert "Try again" in html
    pdf.refresh_from_db()
    assert (pdf.status, pdf.error) == (PdfStatus.FAILED, STOPPED)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("feedback:pdf", args=[accepted.pk]))
    pdf.refresh_from_db()
    assert pdf.status == PdfStatus.READY


def test_a_pending_pdf_with_a_recent_heartbeat_keeps_waiting(client_of, bob, accepted):
    pdf = feedback_pdf_request(assessment=accepted, language="en", by=bob)
    html = client_of(bob).get(reverse("feedback:pdf", args=[accepted.pk])).content.decode()
    assert 'http-equiv="refresh"' in html
    pdf.refresh_from_db()
    assert pdf.status == PdfStatus.PENDING
