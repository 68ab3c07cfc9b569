"""Enrolment pages: enrolling and inviting companies, reminders, one enrolment and its
withdrawal, and the supplier's own programmes."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from drive.accounts.models import Invitation
from drive.audit.models import AuditEvent
from drive.factories import SupplierFactory
from drive.programmes import services
from drive.programmes.models import Enrolment, Stage
from drive.programmes.tests.programme_pages import url

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
    assert "3 suppliers match" in page.content.decode()
    assert "Enrol all 3 matching suppliers" in page.content.decode()
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


def test_malformed_sector_is_refused_and_malformed_ids_ignored_on_the_enrol_page(
    client_of, alice, bright, programme
):
    client = client_of(alice)
    for sector in ("²", "999999999999999999999999999999"):
        page = client.get(url("enrol", programme.pk), {"sector": sector})
        assert page.status_code == 200
        assert list(page.context["suppliers"]) == []
        assert 'href="#id_sector">Sector: Give a whole number id.' in page.content.decode()
    # "Enrol all matching" with a filter that is not valid enrols nobody and says why.
    response = client.post(
        url("enrol", programme.pk), {"all_matching": "1", "country": "ZZ"}, follow=True
    )
    assert "Some filters are not valid" in response.content.decode()
    assert "ZZ is not a country code" in response.content.decode()
    assert not programme.enrolments.exists()
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
    assert "Supplier enrolled in the programme" in html and "Stage changed" in html
    assert "(Invited → Enrolled)" in html and "Started" in html
    assert "enrolment.stage_changed" not in html
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


def test_the_enrol_page_pages_a_large_registry_by_keyset_with_a_bounded_total(
    client_of, alice, agency, programme, monkeypatch
):
    """A registry of a million suppliers is neither counted nor skipped through: the pages
    follow "Next" and "Previous" links that carry a position, and beyond the bound the
    total says "more than" (the registry page's way, drive/suppliers/README.md)."""
    monkeypatch.setattr("drive.suppliers.selectors.COUNT_BOUND", 30)
    names = ["Ōsaka Precision 大阪", "acme", "ACME", "Éclair", "北京纺织", "Mbeki & Sons"]
    for n in range(36):
        SupplierFactory(buyer=agency, legal_name=f"{names[n % 6]} {n:02d}", country="CN")
    client = client_of(alice)
    seen, path, pages = [], url("enrol", programme.pk), 0
    first = client.get(path)
    assert "More than 30 suppliers" in first.content.decode()
    assert "Enrol all matching suppliers" in first.content.decode()
    response = first
    while True:
        pages += 1
        seen += [s.pk for s in response.context["suppliers"]]
        page = response.context["page"]
        if not page.has_next:
            break
        response = client.get(path, {"after": page.next_token})
    assert pages == 2 and len(seen) == len(set(seen)) == 36
    back = client.get(path, {"before": response.context["page"].previous_token})
    assert [s.pk for s in back.context["suppliers"]] == seen[:25]
