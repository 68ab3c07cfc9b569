"""Who may read the feedback report and have its PDF prepared (drive/feedback/
permissions.py): scope first (another organisation or an inspection body: 404), then the
named predicates (a person whose role does not belong to their kind of organisation: 403)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from drive.factories import UserFactory
from drive.feedback.models import FeedbackPdf
from drive.feedback.permissions import can_request_pdf, can_view_feedback
from drive.organisations.models import Role

PAGES = ("feedback:report", "feedback:pdf", "feedback:pdf_download")


@pytest.mark.parametrize("persona", ["bob", "alice", "olga", "oscar"])
def test_the_supplier_and_the_programmes_staff_may_read_and_request(persona, request, accepted):
    user = request.getfixturevalue(persona)
    assert can_view_feedback(user, accepted) and can_request_pdf(user, accepted)


def test_contributors_of_the_supplier_may_read_and_request(bright, accepted):
    contributor = UserFactory(organisation=bright.organisation, role=Role.CONTRIBUTOR)
    assert can_view_feedback(contributor, accepted) and can_request_pdf(contributor, accepted)


@pytest.mark.parametrize("persona", ["carol", "dave", "ivan"])
def test_others_may_not(persona, request, accepted):
    user = request.getfixturevalue(persona)
    assert not can_view_feedback(user, accepted) and not can_request_pdf(user, accepted)
    assert not can_view_feedback(AnonymousUser(), accepted)


@pytest.mark.parametrize("persona", ["carol", "dave", "ivan"])
@pytest.mark.parametrize("name", PAGES)
def test_another_supplier_another_buyer_and_an_inspection_body_get_not_found(
    client_of, persona, name, request, accepted
):
    client = client_of(request.getfixturevalue(persona))
    url = reverse(name, args=[accepted.pk])
    assert client.get(url).status_code == 404
    if name == "feedback:pdf":
        assert client.post(url).status_code == 404
        assert not FeedbackPdf.objects.exists()


@pytest.mark.parametrize("name", PAGES)
def test_a_role_that_does_not_belong_to_a_supplier_is_refused(client_of, bright, accepted, name):
    # In the supplier's organisation (so the assessment is in scope) but with a buyer's
    # role: the predicates refuse it.
    odd = UserFactory(organisation=bright.organisation, role=Role.PROGRAMME_MANAGER)
    client = client_of(odd)
    url = reverse(name, args=[accepted.pk])
    assert client.get(url).status_code == 403
    if name == "feedback:pdf":
        assert client.post(url).status_code == 403
        assert not FeedbackPdf.objects.exists()


def test_the_report_offers_the_pdf_to_those_who_may_request_it(client_of, bob, accepted):
    page = client_of(bob).get(reverse("feedback:report", args=[accepted.pk])).content.decode()
    assert reverse("feedback:pdf", args=[accepted.pk]) in page
