"""Capacity building's small world: agency A's programme with Bright Textiles enrolled
(Bob, its admin, and Wang, a contributor), Cedar Metals enrolled too (Carol), and a
published workshop of agency A for that programme."""

from __future__ import annotations

import pytest

from drive.assessments.testing import make_enrolment
from drive.factories import UserFactory
from drive.organisations.models import Role
from drive.programmes.models import Enrolment
from drive.trainings.testing import make_event, make_session


@pytest.fixture
def programme(bright):
    return make_enrolment(supplier=bright).programme


@pytest.fixture
def cedar_enrolled(programme, cedar):
    return Enrolment.objects.create(programme=programme, supplier=cedar)


@pytest.fixture
def wang(bright):
    return UserFactory(
        email="wang@bright.cn",
        full_name="王芳",
        organisation=bright.organisation,
        role=Role.CONTRIBUTOR,
    )


@pytest.fixture
def event(agency, programme):
    return make_event(organiser=agency, programmes=[programme])


@pytest.fixture
def session(event):
    return make_session(event=event, capacity=2)
