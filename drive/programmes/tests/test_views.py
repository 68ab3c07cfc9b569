"""Programme pages: who may see and do what; the list, creating, editing, opening and
closing a programme."""

from __future__ import annotations

import pytest

from drive.audit.models import AuditEvent
from drive.programmes import services
from drive.programmes.models import Programme, ProgrammeStatus
from drive.programmes.tests.programme_pages import url

# --- scope and roles ------------------------------------------------------------------

MANAGER_GETS = ["create"]
PROGRAMME_GETS = ["detail", "edit", "enrol", "invite_company"]
PROGRAMME_POSTS = ["open", "close", "remind"]


@pytest.mark.parametrize("name", PROGRAMME_GETS)
def test_dave_of_another_agency_gets_404(client_of, dave, programme, name):
    assert client_of(dave).get(url(name, programme.pk)).status_code == 404


@pytest.mark.parametrize("name", PROGRAMME_POSTS)
def test_dave_cannot_post_to_another_agencys_programme(client_of, dave, programme, name):
    assert client_of(dave).post(url(name, programme.pk)).status_code == 404


def test_dave_cannot_see_an_enrolment_of_agency_a(client_of, dave, alice, programme, bright):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    client = client_of(dave)
    assert client.get(url("enrolment", enrolment.pk)).status_code == 404
    assert client.post(url("withdraw", enrolment.pk)).status_code == 404


@pytest.mark.parametrize("name", ["edit", "enrol", "invite_company"])
def test_bob_of_an_enrolled_supplier_is_refused_manager_pages(
    client_of, alice, bob, bright, programme, name
):
    services.enrolment_create(programme=programme, supplier=bright, by=alice)
    assert client_of(bob).get(url(name, programme.pk)).status_code == 403


def test_bob_is_refused_the_cohort_and_other_supplier_pages(
    client_of, alice, bob, bright, programme
):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    client = client_of(bob)
    assert client.get(url("detail", programme.pk)).status_code == 403
    assert client.get(url("create")).status_code == 403
    assert client.post(url("remind", programme.pk)).status_code == 403
    assert client.get(url("enrolment", enrolment.pk)).status_code == 403
    assert client.post(url("withdraw", enrolment.pk)).status_code == 403


def test_carol_cannot_see_bobs_enrolment(client_of, alice, carol, bright, programme):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    assert client_of(carol).get(url("enrolment", enrolment.pk)).status_code == 404
    assert client_of(carol).get(url("detail", programme.pk)).status_code == 404


def test_olga_reads_the_cohort_but_changes_nothing(client_of, olga, alice, bright, programme):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    client = client_of(olga)
    response = client.get(url("detail", programme.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert bright.legal_name in html
    assert url("enrol", programme.pk) not in html and 'name="enrolments"' not in html
    assert client.get(url("list")).status_code == 200
    assert client.get(url("enrolment", enrolment.pk)).status_code == 200
    for name in ("create",):
        assert client.get(url(name)).status_code == 403
    for name in ("edit", "enrol", "invite_company"):
        assert client.get(url(name, programme.pk)).status_code == 403
    for name in ("open", "close", "remind"):
        assert client.post(url(name, programme.pk)).status_code == 403
    assert client.post(url("withdraw", enrolment.pk)).status_code == 403
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.OPEN


def test_ivan_the_inspector_has_no_programmes(client_of, ivan):
    assert client_of(ivan).get(url("list")).status_code == 403
    assert client_of(ivan).get(url("mine")).status_code == 403


# --- list, create, edit, open, close -----------------------------------------------------


def test_alice_lists_only_her_agencys_programmes(
    client_of, alice, programme, other_agency, version
):
    Programme.objects.create(
        buyer=other_agency, name="Agency D secret", questionnaire_version=version
    )
    html = client_of(alice).get(url("list")).content.decode()
    assert "China pilot 2026" in html and "Agency D secret" not in html


def test_empty_list_tells_alice_what_to_do(client_of, alice):
    html = client_of(alice).get(url("list")).content.decode()
    assert "No programmes yet" in html and url("create") in html


def test_alice_creates_then_edits_a_programme(
    client_of, alice, agency, dave, version, draft_version
):
    from .conftest import make_version

    make_version(owner=dave.organisation, code="dave-only")
    client = client_of(alice)
    form = client.get(url("create")).context["form"]
    assert set(form.fields["questionnaire_version"].queryset) == {version, draft_version}
    response = client.post(
        url("create"),
        {
            "name": "Viet Nam 2027",
            "questionnaire_version": version.pk,
            "countries": ["VN"],
            "opening_date": "2027-01-10",
            "assessment_deadline": "2027-03-31",
            "review_deadline": "2027-04-30",
        },
    )
    programme = Programme.objects.get(name="Viet Nam 2027")
    assert response.status_code == 302 and response.url == url("detail", programme.pk)
    assert programme.buyer == agency and programme.status == ProgrammeStatus.DRAFT
    assert programme.stage_deadlines == {"reviewed": "2027-04-30"}

    response = client.post(
        url("edit", programme.pk),
        {
            "name": "Viet Nam 2027",
            "questionnaire_version": version.pk,
            "countries": ["VN"],
            "opening_date": "2027-01-10",
            "assessment_deadline": "2027-02-28",
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert str(programme.assessment_deadline) == "2027-02-28" and programme.stage_deadlines == {}
    event = AuditEvent.objects.get(action="programme.updated")
    assert event.after["assessment_deadline"] == "2027-02-28"


def test_an_open_programme_can_only_switch_to_a_published_version(
    client_of, alice, agency, dave, programme, draft_version
):
    """A draft programme may be prepared on a draft questionnaire (opening needs it
    published); an open one must never point at a draft."""
    from .conftest import make_version

    theirs = make_version(owner=dave.organisation, code="dave-only")
    client = client_of(alice)
    choices = set(
        client.get(url("edit", programme.pk))
        .context["form"]
        .fields["questionnaire_version"]
        .queryset
    )
    assert programme.questionnaire_version in choices
    assert draft_version not in choices and theirs not in choices
    response = client.post(
        url("edit", programme.pk),
        {
            "name": programme.name,
            "questionnaire_version": draft_version.pk,
            "countries": ["CN"],
            "assessment_deadline": str(programme.assessment_deadline),
        },
    )
    assert response.status_code == 200
    assert "questionnaire_version" in response.context["form"].errors
    programme.refresh_from_db()
    assert programme.questionnaire_version != draft_version


def test_create_form_errors_are_shown(client_of, alice, version):
    response = client_of(alice).post(
        url("create"),
        {
            "name": "",
            "questionnaire_version": version.pk,
            "opening_date": "2027-05-01",
            "assessment_deadline": "2027-04-01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert not Programme.objects.filter(questionnaire_version=version).exists()


def test_alice_opens_and_closes(client_of, alice, draft_programme):
    client = client_of(alice)
    client.post(url("open", draft_programme.pk))
    draft_programme.refresh_from_db()
    assert draft_programme.status == ProgrammeStatus.OPEN
    client.post(url("close", draft_programme.pk))
    draft_programme.refresh_from_db()
    assert draft_programme.status == ProgrammeStatus.CLOSED


def test_opening_with_an_unpublished_questionnaire_explains_why(
    client_of, alice, agency, draft_version
):
    programme = Programme.objects.create(
        buyer=agency, name="Draft q", questionnaire_version=draft_version
    )
    response = client_of(alice).post(url("open", programme.pk), follow=True)
    assert "Publish the questionnaire" in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT
