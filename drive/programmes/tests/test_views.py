"""Programme pages: who may see and do what, the cohort table, enrolment, reminders."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from drive.accounts.models import Invitation
from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.programmes import services
from drive.programmes.models import Enrolment, Programme, ProgrammeStatus, Stage


def url(name: str, *args) -> str:
    return reverse(f"programmes:{name}", args=args)


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


# --- cohort page ----------------------------------------------------------------------


def test_cohort_shows_stage_words_progress_and_deadline(client_of, alice, bright, cedar, programme):
    first = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    services.enrolment_create(programme=programme, supplier=cedar, by=alice)
    services.enrolment_move(enrolment=first, to=Stage.ENROLLED, by=alice)

    response = client_of(alice).get(url("detail", programme.pk))
    html = response.content.decode()
    assert ">Enrolled</span>" in html and ">Invited</span>" in html
    assert "Due in 5 days" in html
    assert programme.assessment_deadline.strftime("%Y-%m-%d") in html
    assert '<progress class="progress" max="100" value="0"' in html
    assert "0 of 3 answered" in html
    funnel = {s.stage: s.count for s in response.context["funnel"]}
    assert funnel["invited"] == 1 and funnel["enrolled"] == 1
    assert f'name="enrolments" value="{first.pk}"' in html


def test_cohort_filters(client_of, alice, bright, cedar, programme):
    services.enrolment_create(programme=programme, supplier=bright, by=alice)
    moved = services.enrolment_create(programme=programme, supplier=cedar, by=alice)
    services.enrolment_withdraw(enrolment=moved, by=alice)
    client = client_of(alice)

    def names(**params):
        response = client.get(url("detail", programme.pk), params)
        return [e.supplier.legal_name for e in response.context["enrolments"]]

    assert names(stage="withdrawn") == [cedar.legal_name]
    assert names(deadline="due_soon") == [bright.legal_name]
    assert names(q="明亮") == [bright.legal_name]
    html = client.get(url("detail", programme.pk), {"q": "nobody"}).content.decode()
    assert "No supplier matches these filters" in html


def test_empty_cohort_tells_alice_to_enrol(client_of, alice, programme):
    html = client_of(alice).get(url("detail", programme.pk)).content.decode()
    assert "No supplier in this programme yet" in html and url("enrol", programme.pk) in html


@pytest.mark.parametrize("size", [3, 30])
def test_cohort_page_query_count_does_not_grow(
    client_of, alice, agency, programme, size, django_assert_max_num_queries
):
    services.enrolment_create_many(
        programme=programme, suppliers=SupplierFactory.create_batch(size, buyer=agency), by=alice
    )
    client = client_of(alice)
    client.get(url("detail", programme.pk))  # warm the session and content types
    # 12, + the header's unread count, + exact progress (questions, sectors, answers: three
    # queries per page whatever its size) - the size totals only a progress sort needs.
    with django_assert_max_num_queries(16):  # + the two-factor check
        response = client.get(url("detail", programme.pk))
    assert response.status_code == 200
    assert len(response.context["enrolments"]) == min(size, 25)


def test_programme_list_is_paginated_25_a_page(
    client_of, alice, agency, version, django_assert_max_num_queries
):
    Programme.objects.bulk_create(
        [
            Programme(
                buyer=agency,
                name=f"Programme {n:02d}",
                questionnaire_version=version,
                created_by=alice,
            )
            for n in range(30)
        ]
    )
    client = client_of(alice)
    client.get(url("list"))  # warm the session and content types
    with django_assert_max_num_queries(10):  # 8 + the header's unread count
        first = client.get(url("list"))
    assert len(first.context["programmes"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(url("list"), {"page": "2"})
    assert len(second.context["programmes"]) == 5
    shown = {p.pk for p in first.context["programmes"]} | {
        p.pk for p in second.context["programmes"]
    }
    assert len(shown) == 30


def test_bobs_programmes_are_paginated_25_a_page(
    client_of, alice, agency, bob, bright, version, django_assert_max_num_queries
):
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                buyer=agency,
                name=f"Programme {n:02d}",
                questionnaire_version=version,
                created_by=alice,
            )
            for n in range(27)
        ]
    )
    Enrolment.objects.bulk_create([Enrolment(programme=p, supplier=bright) for p in programmes])
    client = client_of(bob)
    client.get(url("mine"))
    with django_assert_max_num_queries(10):
        first = client.get(url("mine"))
    assert len(first.context["enrolments"]) == 25
    assert "Page 1 of 2" in first.content.decode()
    assert len(client.get(url("mine"), {"page": "2"}).context["enrolments"]) == 2


# --- enrolment -------------------------------------------------------------------------


def test_alice_enrols_ticked_suppliers(client_of, alice, agency, bright, cedar, programme):
    response = client_of(alice).post(
        url("enrol", programme.pk), {"suppliers": [bright.pk, cedar.pk]}, follow=True
    )
    assert "2 suppliers enrolled." in response.content.decode()
    assert set(programme.enrolments.values_list("supplier_id", flat=True)) == {bright.pk, cedar.pk}


def test_alice_enrols_all_matching_a_filter(client_of, alice, agency, bright, programme):
    SupplierFactory.create_batch(3, buyer=agency, women_owned=True)
    client = client_of(alice)
    page = client.get(url("enrol", programme.pk), {"women_owned": "yes"})
    assert page.context["page_obj"].paginator.count == 3
    response = client.post(
        url("enrol", programme.pk), {"women_owned": "yes", "all_matching": "1"}, follow=True
    )
    assert "3 suppliers enrolled." in response.content.decode()
    assert programme.enrolments.count() == 3
    assert not programme.enrolments.filter(supplier=bright).exists()


def test_enrol_page_marks_enrolled_and_ignores_other_registries(
    client_of, alice, other_agency, bright, programme
):
    services.enrolment_create(programme=programme, supplier=bright, by=alice)
    theirs = SupplierFactory(buyer=other_agency)
    client = client_of(alice)
    assert "Already enrolled" in client.get(url("enrol", programme.pk)).content.decode()
    response = client.post(url("enrol", programme.pk), {"suppliers": [theirs.pk]}, follow=True)
    assert "Select at least one supplier" in response.content.decode()
    assert not Enrolment.objects.filter(supplier=theirs).exists()


def test_malformed_supplier_ids_and_sector_are_ignored_on_the_enrol_page(
    client_of, alice, bright, programme
):
    client = client_of(alice)
    for sector in ("²", "999999999999999999999999999999"):
        page = client.get(url("enrol", programme.pk), {"sector": sector})
        assert page.status_code == 200
        assert list(page.context["suppliers"]) == [bright]
    response = client.post(
        url("enrol", programme.pk),
        {"suppliers": ["²", "99999999999999999999999999", str(bright.pk)]},
        follow=True,
    )
    assert "1 supplier enrolled." in response.content.decode()
    assert list(programme.enrolments.values_list("supplier_id", flat=True)) == [bright.pk]
    response = client.post(url("enrol", programme.pk), {"suppliers": ["²"]}, follow=True)
    assert "Select at least one supplier" in response.content.decode()


def test_alice_invites_a_new_company(client_of, alice, programme, sent):
    with sent():
        response = client_of(alice).post(
            url("invite_company", programme.pk),
            {
                "legal_name": "Ningbo Green Packaging Co., Ltd.",
                "country": "CN",
                "registration_number": "91330200MA2AB1234X",
                "email": "lina@ningbo-green.cn",
                "language": "zh-hans",
            },
        )
    assert response.status_code == 302
    enrolment = programme.enrolments.get()
    assert enrolment.supplier.legal_name == "Ningbo Green Packaging Co., Ltd."
    assert Invitation.objects.get(email="lina@ningbo-green.cn").language == "zh-hans"
    assert [m.to for m in mail.outbox] == [["lina@ningbo-green.cn"]]


def test_invite_form_needs_an_identifier_and_reports_conflicts(client_of, alice, bright, programme):
    client = client_of(alice)
    response = client.post(
        url("invite_company", programme.pk),
        {
            "legal_name": "X",
            "country": "CN",
            "email": "x@x.cn",
            "language": "en",
        },
    )
    assert "Enter a registration number or a UNGM vendor number" in response.content.decode()
    response = client.post(
        url("invite_company", programme.pk),
        {
            "legal_name": "X",
            "country": "CN",
            "email": "x@x.cn",
            "language": "en",
            "ungm_vendor_number": bright.ungm_vendor_number,
        },
    )
    assert response.context["form"].errors["ungm_vendor_number"]
    assert not programme.enrolments.exists()


# --- reminders ------------------------------------------------------------------------


def test_alice_reminds_selected_suppliers_in_their_language(
    client_of, alice, bright, bob, cedar, carol, programme, sent
):
    bob.language = "zh-hans"
    bob.save()
    bright_e = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    services.enrolment_create(programme=programme, supplier=cedar, by=alice)
    client = client_of(alice)
    with sent():
        response = client.post(
            url("remind", programme.pk),
            {"enrolments": [bright_e.pk], "message": "请在周五前完成。"},
            follow=True,
        )
    assert "Reminder sent to 1 supplier." in response.content.decode()
    (email,) = mail.outbox
    assert email.to == ["bob@bright.cn"]
    assert "请在周五前完成。" in email.body
    assert email.extra_headers["Content-Language"] == "zh-hans"
    assert AuditEvent.objects.filter(action="enrolment.reminded").count() == 1

    with sent():
        response = client.post(
            url("remind", programme.pk), {"enrolments": [bright_e.pk]}, follow=True
        )
    assert len(mail.outbox) == 1
    assert "reminded a moment ago" in response.content.decode()


def test_remind_without_selection_says_what_to_do(client_of, alice, programme):
    response = client_of(alice).post(url("remind", programme.pk), {}, follow=True)
    assert "Select at least one supplier to remind." in response.content.decode()


# --- one enrolment, withdraw, mine -------------------------------------------------------


def test_enrolment_page_shows_stage_and_timeline(client_of, alice, bright, programme):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    services.enrolment_move(enrolment=enrolment, to=Stage.ENROLLED, by=alice, note="Started")
    html = client_of(alice).get(url("enrolment", enrolment.pk)).content.decode()
    assert "enrolment.created" in html and "enrolment.stage_changed" in html and "Started" in html
    assert url("withdraw", enrolment.pk) in html


def test_alice_withdraws_an_enrolment(client_of, alice, bright, programme):
    enrolment = services.enrolment_create(programme=programme, supplier=bright, by=alice)
    client = client_of(alice)
    assert client.get(url("withdraw", enrolment.pk)).status_code == 200
    response = client.post(url("withdraw", enrolment.pk), {"note": "Closed its factory"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.stage == Stage.WITHDRAWN
    event = AuditEvent.objects.get(action="enrolment.stage_changed")
    assert event.note == "Closed its factory" and event.actor == alice
    response = client.post(url("withdraw", enrolment.pk), {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This cannot move from “Withdrawn” to “Withdrawn”."
    ]


def test_bob_sees_his_programmes_only(
    client_of, alice, bob, bright, cedar, programme, draft_programme
):
    services.enrolment_create(programme=programme, supplier=bright, by=alice)
    services.enrolment_create(programme=draft_programme, supplier=cedar, by=alice)
    client = client_of(bob)
    assert client.get(url("list")).url == url("mine")
    html = client.get(url("mine")).content.decode()
    assert "China pilot 2026" in html and "UN Agency A" in html
    assert "Viet Nam 2027" not in html


def test_carol_without_programmes_gets_an_empty_state(client_of, carol):
    html = client_of(carol).get(url("mine")).content.decode()
    assert "not in any programme yet" in html


def test_nav_links_to_programmes(client_of, alice, bob):
    assert url("list") in client_of(alice).get(reverse("pages:home")).content.decode()
    assert url("mine") in client_of(bob).get(reverse("pages:home")).content.decode()
