"""Bob reads his company's feedback report, follows the session suggested for a weak
theme (environment scores 55), registers for it, sees the registration among his
company's and downloads the calendar file."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

from drive.scoring.services import score_compute
from drive.scoring.testing import accept, make_scored_assessment, submit
from drive.trainings.models import Registration
from drive.trainings.testing import make_event, make_resource, make_session


def test_supplier_registers_for_a_session_from_a_weak_theme(page, sign_in, bob, bright, agency):
    assessment = make_scored_assessment(supplier=bright)
    submit(assessment)
    score_compute(assessment=assessment)
    accept(assessment)
    event = make_event(organiser=agency, programmes=[assessment.enrolment.programme])
    session = make_session(
        event=event, title="Environmental management for SMEs", themes=["environment"]
    )
    make_resource(owner=agency, title="Energy audit guide", theme="environment")

    sign_in(page, bob)
    page.goto(reverse("feedback:report", args=[assessment.pk]))
    panel = page.locator(".training-suggestions")
    assert "Environment" in panel.inner_text()
    assert "Energy audit guide" in panel.inner_text()
    panel.get_by_role("link", name="Environmental management for SMEs").click()
    page.wait_for_url(f"**{reverse('trainings:session', args=[session.pk])}")

    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"**{reverse('trainings:registrations')}")
    assert "Registered: your place is confirmed." in page.locator(".messages").inner_text()
    row = page.locator("tbody tr", has_text="Environmental management for SMEs")
    assert "Confirmed" in row.inner_text()
    registration = Registration.objects.get(person=bob, session=session)
    assert registration.is_confirmed

    with page.expect_download() as info:
        row.get_by_role("link", name="Calendar file (.ics)").click()
    download = info.value
    assert download.suggested_filename == f"training-{registration.pk}.ics"
    text = Path(download.path()).read_text()
    assert "BEGIN:VEVENT" in text and "Environmental management for SMEs" in text
