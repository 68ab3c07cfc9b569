"""What the programme pages say and offer (issue 10): a reminder or an opening says once,
truthfully, who was reached and offers to invite the others; enrolling by filter stays
within the programme's countries and filters by sector."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from drive.factories import SupplierFactory
from drive.programmes import services
from drive.programmes.models import Enrolment
from drive.programmes.tests.programme_pages import url
from drive.suppliers.models import SupplierSector


def no_account(agency, name, **kwargs):
    """A supplier imported from a list: in the registry, nobody has an account yet."""
    return SupplierFactory(buyer=agency, organisation=None, legal_name=name, **kwargs)


def test_reminder_says_who_was_reached_and_links_to_invite_the_others(
    client_of, alice, agency, bright, bob, programme, sent
):
    silent = [no_account(agency, f"Quiet Works {n}") for n in range(7)]
    enrolments = [services.enrolment_create(programme=programme, supplier=bright, by=alice)]
    enrolments += [
        services.enrolment_create(programme=programme, supplier=s, by=alice) for s in silent
    ]
    with sent():
        response = client_of(alice).post(
            url("remind", programme.pk), {"enrolments": [e.pk for e in enrolments]}, follow=True
        )
    html = response.content.decode()
    messages = [m.strip() for m in html.split('class="message ')[1:]]
    assert len(messages) == 1  # said once
    assert "Reminder sent to 1 supplier." in html and "Reminder sent to 8" not in html
    assert "7 suppliers have no account yet, so nobody there could be told." in html
    invite = reverse("suppliers:invite_admin", args=[silent[0].pk])
    assert f'<a href="{invite}">Quiet Works 0</a>' in html
    assert "and 2 more" in html  # five links at most
    assert len(mail.outbox) == 1


def test_reminder_when_nobody_has_an_account_does_not_claim_anything_was_sent(
    client_of, alice, agency, programme, sent
):
    quiet = no_account(agency, "Quiet Works")
    enrolment = services.enrolment_create(programme=programme, supplier=quiet, by=alice)
    with sent():
        html = (
            client_of(alice)
            .post(url("remind", programme.pk), {"enrolments": [enrolment.pk]}, follow=True)
            .content.decode()
        )
    assert "Reminder sent" not in html
    assert "Nobody was reminded. 1 supplier has no account yet" in html
    assert reverse("suppliers:invite_admin", args=[quiet.pk]) in html


def test_opening_a_programme_nobody_can_hear_says_so(
    client_of, alice, agency, draft_programme, sent
):
    quiet = no_account(agency, "Quiet Works")
    services.enrolment_create(programme=draft_programme, supplier=quiet, by=alice)
    with sent():
        html = client_of(alice).post(url("open", draft_programme.pk), follow=True).content.decode()
    assert "were told" not in html
    assert "The programme is open, but nobody was told yet." in html
    assert reverse("suppliers:invite_admin", args=[quiet.pk]) in html


def test_opening_tells_how_many_were_told(client_of, alice, bright, bob, draft_programme, sent):
    services.enrolment_create(programme=draft_programme, supplier=bright, by=alice)
    with sent():
        html = client_of(alice).post(url("open", draft_programme.pk), follow=True).content.decode()
    assert "The programme is open: 1 enrolled supplier was told." in html
    assert "no account yet" not in html


def test_enrolling_by_filter_offers_only_the_programmes_countries(
    client_of, alice, agency, programme
):
    SupplierFactory(buyer=agency, country="CN", legal_name="Shenzhen Works")
    SupplierFactory(buyer=agency, country="VN", legal_name="Hanoi Garments")
    client = client_of(alice)
    page = client.get(url("enrol", programme.pk)).content.decode()
    assert "Shenzhen Works" in page and "Hanoi Garments" not in page
    assert '<option value="VN"' not in page
    assert "Only suppliers in the programme's countries are offered: China." in page
    client.post(url("enrol", programme.pk), {"all_matching": "1"})
    enrolled = set(
        Enrolment.objects.filter(programme=programme).values_list("supplier__country", flat=True)
    )
    assert enrolled == {"CN"}


def test_enrolling_by_filter_has_a_sector_filter(client_of, alice, agency, programme):
    garments = SupplierFactory(buyer=agency, country="CN", legal_name="Garment Co")
    SupplierSector.objects.create(supplier=garments, sector_id=53)
    SupplierFactory(buyer=agency, country="CN", legal_name="Software Co")
    client = client_of(alice)
    page = client.get(url("enrol", programme.pk), {"sector": "53"}).content.decode()
    assert 'name="sector"' in page
    assert "Garment Co" in page and "Software Co" not in page
    client.post(url("enrol", programme.pk), {"all_matching": "1", "sector": "53"})
    assert list(programme.enrolments.values_list("supplier__legal_name", flat=True)) == [
        "Garment Co"
    ]
