"""The demo's Shanghai workshop: three parallel sessions after a plenary, 70+ participants
of the pilot's companies, a full session with a waiting list, and a library in English
and Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse

from drive.demo.services import demo_load
from drive.demo.trainings import WORKSHOP
from drive.trainings.models import Event, Registration, Resource


@pytest.mark.django_db
def test_workshop_has_three_parallel_sessions_and_70_plus_participants(client):
    demo_load()
    workshop = Event.objects.get(title=WORKSHOP)
    assert workshop.is_published
    sessions = list(workshop.sessions.order_by("starts_at", "track"))
    parallel = [s for s in sessions if s.starts_at == sessions[-1].starts_at]
    assert len(parallel) == 3
    people = Registration.objects.filter(session__event=workshop).values("person").distinct()
    assert people.count() >= 70
    assert Registration.objects.filter(session__event=workshop, status="waitlisted").exists()
    assert set(Resource.objects.values_list("language", flat=True)) == {"en", "zh-hans"}
    demo_load()  # twice: nothing doubles
    assert Event.objects.filter(title=WORKSHOP).count() == 1
    assert (
        Registration.objects.filter(session__event=workshop).values("person").distinct().count()
        == people.count()
    )
    admin = Registration.objects.filter(
        session__event=workshop, person__email="admin@mingde-medical.example.cn"
    ).first()
    assert admin is not None
    client.force_login(admin.person)
    page = client.get(reverse("trainings:registrations")).content.decode()
    assert "Labour rights and working hours" in page or "Plenary" in page
