"""The capacity-building pages as their users meet them: browsing, registering, the
calendar file, attendance on a phone, the organiser's figures and export, resources."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from drive.suppliers.models import SizeClass, Supplier
from drive.trainings.models import Registration, RegistrationStatus, Resource
from drive.trainings.services import registration_create
from drive.trainings.testing import make_event, make_resource, make_session


def test_supplier_sees_the_published_event_of_its_programme(client_of, bob, event, session):
    response = client_of(bob).get(reverse("trainings:events"))
    assert event.title in response.content.decode()
    page = client_of(bob).get(reverse("trainings:event", args=[event.pk])).content.decode()
    assert session.title in page and "0 of 2 places taken" in page


def test_a_draft_event_is_not_found_for_suppliers(client_of, bob, agency, programme):
    draft = make_event(organiser=agency, programmes=[programme], published=False)
    assert client_of(bob).get(reverse("trainings:event", args=[draft.pk])).status_code == 404


def test_parallel_sessions_are_shown_side_by_side(client_of, bob, event, session):
    make_session(
        event=event, title="Health and safety", track="Track B", starts_at=session.starts_at
    )
    page = client_of(bob).get(reverse("trainings:event", args=[event.pk])).content.decode()
    assert "2 parallel sessions" in page
    assert page.count('class="track"') == 2


def test_supplier_registers_from_the_session_page(client_of, bob, session):
    client = client_of(bob)
    response = client.post(reverse("trainings:register", args=[session.pk]), {"person": bob.pk})
    assert response.status_code == 302 and response["Location"] == reverse(
        "trainings:registrations"
    )
    registration = Registration.objects.get()
    assert registration.person == bob and registration.is_confirmed
    listing = client.get(reverse("trainings:registrations")).content.decode()
    assert session.title in listing and "Confirmed" in listing


def test_registering_twice_says_so_and_changes_nothing(client_of, bob, session):
    client = client_of(bob)
    client.post(reverse("trainings:register", args=[session.pk]))
    response = client.post(reverse("trainings:register", args=[session.pk]), follow=True)
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def test_admin_registers_a_colleague_from_the_page(client_of, bob, wang, session):
    client_of(bob).post(reverse("trainings:register", args=[session.pk]), {"person": wang.pk})
    assert Registration.objects.get().person == wang


def test_admin_cannot_post_someone_of_another_company(client_of, bob, carol, session):
    client_of(bob).post(reverse("trainings:register", args=[session.pk]), {"person": carol.pk})
    assert not Registration.objects.exists()


def test_calendar_file_holds_the_session(client_of, bob, session):
    registration = registration_create(session=session, person=bob, by=bob)
    response = client_of(bob).get(reverse("trainings:ics", args=[registration.pk]))
    assert response["Content-Type"] == "text/calendar"
    calendar = Calendar.from_ical(response.content)
    [entry] = calendar.walk("VEVENT")
    assert str(entry["summary"]) == f"{session.title} · {session.event.title}"
    assert entry.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert entry.decoded("dtend") == session.ends_at.replace(microsecond=0)
    assert "Room 1" in str(entry["location"])
    assert str(entry["uid"]) == f"drive-training-registration-{registration.pk}@drive"
    assert "Li Na" in str(entry["description"])


def test_a_supplier_sees_only_its_own_registrations(client_of, bob, carol, session, cedar_enrolled):
    mine = registration_create(session=session, person=bob, by=bob)
    theirs = registration_create(session=session, person=carol, by=carol)
    client = client_of(bob)
    page = client.get(reverse("trainings:registrations")).content.decode()
    assert "Bob" in page and "Carol" not in page
    assert client.get(reverse("trainings:ics", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("trainings:cancel", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("trainings:ics", args=[mine.pk])).status_code == 200
    theirs.refresh_from_db()
    assert theirs.is_confirmed


def test_organiser_takes_attendance_with_check_boxes(client_of, alice, bob, wang, session):
    came = registration_create(session=session, person=bob, by=bob)
    absent = registration_create(session=session, person=wang, by=wang)
    client = client_of(alice)
    page = client.get(reverse("trainings:attendance", args=[session.pk]))
    html = page.content.decode()
    assert html.count('type="checkbox"') == 2 and html.count("<script") == 1  # base.js only
    response = client.post(
        reverse("trainings:attendance", args=[session.pk]), {"present": [str(came.pk), "x²"]}
    )
    assert response.status_code == 302
    came.refresh_from_db()
    absent.refresh_from_db()
    assert (came.attended, absent.attended) == (True, False)
    figures = client.get(reverse("trainings:participants", args=[session.event_id]))
    assert "50%" in figures.content.decode()


def test_supplier_cannot_take_attendance(client_of, bob, session):
    assert client_of(bob).get(reverse("trainings:attendance", args=[session.pk])).status_code == 403


def test_organiser_view_breaks_participants_down_by_size_and_ownership(
    client_of, alice, bob, carol, cedar_enrolled, bright, cedar, session
):
    Supplier.objects.filter(pk=bright.pk).update(size_class=SizeClass.SMALL, women_owned=True)
    Supplier.objects.filter(pk=cedar.pk).update(size_class=SizeClass.LARGE, women_owned=False)
    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=carol, by=carol)
    from drive.trainings.selectors import event_figures

    figures = event_figures(session.event)
    assert figures.registered == 2 and figures.companies == 2
    assert [(b.label, b.registered) for b in figures.by_size] == [("Small", 1), ("Large", 1)]
    assert [(b.label, b.registered) for b in figures.by_ownership] == [
        ("Women-owned businesses", 1),
        ("Other businesses", 1),
    ]
    assert figures.attendance_rate is None
    page = client_of(alice).get(reverse("trainings:participants", args=[session.event_id]))
    assert "Women-owned businesses" in page.content.decode()


def test_export_neutralises_formulas(client_of, alice, bright, session):
    from drive.factories import UserFactory

    sly = UserFactory(
        organisation=bright.organisation, full_name='=HYPERLINK("http://x","y")', role="contributor"
    )
    registration_create(session=session, person=sly, by=sly)
    url = reverse("trainings:export", args=[session.event_id])
    text = client_of(alice).get(url + "?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    workbook = load_workbook(io.BytesIO(client_of(alice).get(url + "?format=xlsx").content))
    cell = workbook.active["D2"]
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"


def test_other_buyer_gets_404_for_the_event_and_its_export(client_of, dave, event):
    client = client_of(dave)
    assert client.get(reverse("trainings:event", args=[event.pk])).status_code == 404
    assert client.get(reverse("trainings:export", args=[event.pk])).status_code == 404


def test_supplier_cannot_export_participants(client_of, bob, event):
    assert client_of(bob).get(reverse("trainings:export", args=[event.pk])).status_code == 403


def test_organiser_creates_an_event_adds_sessions_and_publishes(client_of, alice, programme):
    client = client_of(alice)
    response = client.post(
        reverse("trainings:event_create"),
        {
            "title": "Shanghai workshop",
            "starts_on": "2031-05-12",
            "ends_on": "2031-05-12",
            "venue": "Shanghai",
            "language": "zh-hans",
            "programmes": [programme.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from drive.trainings.models import Event

    event = Event.objects.get()
    assert event.is_draft
    refused = client.post(reverse("trainings:event_publish", args=[event.pk]), follow=True)
    assert "Add at least one session" in refused.content.decode()
    response = client.post(
        reverse("trainings:session_create", args=[event.pk]),
        {
            "title": "Labour rights and working hours",
            "track": "A",
            "starts_at": "2031-05-12T09:00",
            "ends_at": "2031-05-12T10:30",
            "capacity": "25",
            "themes": ["labour"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(reverse("trainings:event_publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.is_published and event.sessions.get().themes == ["labour"]


def test_session_ending_before_it_starts_is_refused(client_of, alice, event):
    response = client_of(alice).post(
        reverse("trainings:session_create", args=[event.pk]),
        {
            "title": "X",
            "starts_at": "2031-05-12T09:00",
            "ends_at": "2031-05-12T08:00",
            "capacity": "5",
        },
    )
    assert response.status_code == 200 and "must end after it starts" in response.content.decode()
    assert not event.sessions.exists()


def test_resources_browse_and_manage(client_of, alice, bob, dave, agency, programme):
    client = client_of(alice)
    response = client.post(
        reverse("trainings:resource_create"),
        {
            "title": "劳动合同模板",
            "kind": "template",
            "url": "https://example.org/contract.docx",
            "theme": "labour",
            "language": "zh-hans",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.owner == agency
    assert "劳动合同模板" in client_of(bob).get(reverse("trainings:resources")).content.decode()
    assert (
        "劳动合同模板" not in client_of(dave).get(reverse("trainings:resources")).content.decode()
    )
    assert (
        client_of(bob).get(reverse("trainings:resource_edit", args=[resource.pk])).status_code
        == 403
    )
    assert (
        client_of(dave).post(reverse("trainings:resource_delete", args=[resource.pk])).status_code
        == 404
    )
    client_of(alice).post(reverse("trainings:resource_delete", args=[resource.pk]))
    assert not Resource.objects.exists()


def test_resource_filter_by_theme_and_language(client_of, bob, agency, bright):
    make_resource(owner=agency, title="Hours guide", theme="labour")
    make_resource(owner=agency, title="安全指南", theme="health_safety", language="zh-hans")
    page = client_of(bob).get(reverse("trainings:resources") + "?language=zh-hans").content.decode()
    assert "安全指南" in page and "Hours guide" not in page


@pytest.mark.parametrize("page", ["events", "event", "session", "registrations", "resources"])
def test_main_pages_cost_few_queries(
    page, client_of, bob, event, session, wang, django_assert_max_num_queries
):
    for i in range(3):
        make_session(event=event, title=f"Session {i}", track=f"T{i}")
    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=bob)
    url = {
        "events": reverse("trainings:events"),
        "event": reverse("trainings:event", args=[event.pk]),
        "session": reverse("trainings:session", args=[session.pk]),
        "registrations": reverse("trainings:registrations"),
        "resources": reverse("trainings:resources"),
    }[page]
    client = client_of(bob)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_participants_page_costs_few_queries(
    client_of, alice, bob, wang, session, django_assert_max_num_queries
):
    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=bob)
    client = client_of(alice)
    with django_assert_max_num_queries(13):
        assert (
            client.get(reverse("trainings:participants", args=[session.event_id])).status_code
            == 200
        )


def test_attendance_certificate_renders_a_chinese_name(client_of, bob, wang, session, alice):
    from pypdf import PdfReader

    event = session.event
    event.attendance_certificates = True
    event.save()
    registration = registration_create(session=session, person=wang, by=bob)
    client = client_of(bob)
    url = reverse("trainings:certificate", args=[registration.pk])
    assert client.get(url).status_code == 404  # not marked present yet
    Registration.objects.filter(pk=registration.pk).update(attended=True)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "王芳" in text and "Certificate of attendance" in text


def test_waitlisted_registration_is_shown_as_such(
    client_of, bob, wang, carol, cedar_enrolled, session
):
    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=bob)
    response = client_of(carol).post(reverse("trainings:register", args=[session.pk]), follow=True)
    html = response.content.decode()
    assert "you are on the waiting list" in html and "On the waiting list" in html
    assert Registration.objects.get(person=carol).status == RegistrationStatus.WAITLISTED


def test_organiser_sees_who_registered_and_cancels_a_place(
    client_of, alice, bob, wang, carol, cedar_enrolled, session
):
    registration_create(session=session, person=bob, by=bob)
    registration_create(session=session, person=wang, by=bob)
    waiting = registration_create(session=session, person=carol, by=carol)
    bobs = Registration.objects.get(person=bob)
    client = client_of(alice)
    page = client.get(reverse("trainings:participants", args=[session.event_id])).content.decode()
    assert "王芳" in page and "Carol" in page and "On the waiting list" in page
    response = client.post(reverse("trainings:cancel", args=[bobs.pk]))
    assert response["Location"] == reverse("trainings:participants", args=[session.event_id])
    waiting.refresh_from_db()
    assert waiting.is_confirmed


def test_organiser_cancels_the_event_with_a_reason(client_of, alice, bob, session):
    registration = registration_create(session=session, person=bob, by=bob)
    client = client_of(alice)
    url = reverse("trainings:event_cancel", args=[session.event_id])
    refused = client.post(url, {"reason": ""}, follow=True)
    assert "Say why the event is cancelled" in refused.content.decode()
    page = client.post(url, {"reason": "Typhoon warning"}, follow=True).content.decode()
    assert "The event is cancelled" in page
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert (
        client_of(bob).get(reverse("trainings:event", args=[session.event_id])).status_code == 404
    )
