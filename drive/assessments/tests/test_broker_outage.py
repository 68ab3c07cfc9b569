"""A request whose after-commit work cannot be queued (Redis down) still answers as the
saved change deserves, and every later after-commit callback of that request still runs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from drive.assessments.models import AssessmentStatus
from drive.assessments.testing import make_assessment
from drive.assessments.tests.supplier_pages import complete
from drive.events.models import DomainEvent
from drive.factories import UserFactory
from drive.organisations.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


def test_submission_is_confirmed_although_nothing_could_be_queued(
    redis_unreachable, client_of, bright, bob, alice, caplog, django_capture_on_commit_callbacks
):
    UserFactory(
        email="priya@agency-a.org", organisation=alice.organisation, role=Role.PROGRAMME_MANAGER
    )
    assessment = make_assessment(supplier=bright)
    client = client_of(bob)
    complete(client, assessment, bright, bob)
    client.raise_request_exception = True  # a 500 would surface as an exception here

    # The request's after-commit callbacks run as at its commit; none may raise.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("assessments:check", args=[assessment.pk]))
    # One after-commit callback: the event's hand-over (the managers' e-mails are sent by
    # the event's notification consumer, so they wait in the outbox with it).
    assert len(callbacks) == 1

    assert response.status_code == 302
    assert response.url == reverse("assessments:confirmation", args=[assessment.pk, 1])
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    event = DomainEvent.objects.get(name="assessment.submitted")
    assert event.delivered_at is None and event.payload["submission"] == 1  # for the sweep
    # The hand-over failed and was logged instead of raised (the unit test of the task layer
    # shows that later callbacks of a request still run after such a failure).
    failures = [r.getMessage() for r in caplog.records if "ould not queue" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].startswith(f"Could not queue domain event {event.pk}")
