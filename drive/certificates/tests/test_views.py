"""The certificate pages: completion and issuing (buyer), the certificate, revoking, the
PDF, the supplier's list."""

from __future__ import annotations

from django.urls import reverse

from drive.actions.models import ActionStatus
from drive.certificates.models import Certificate
from drive.certificates.services import certificate_issue
from drive.certificates.testing import make_action, make_completed
from drive.factories import SupplierFactory


def test_completion_page_shows_met_and_missing_criteria_per_supplier(
    client_of, alice, agency, completed, django_assert_max_num_queries
):
    blocked = make_completed(
        supplier=SupplierFactory(buyer=agency, legal_name="Cedar Dyeing"),
        programme=completed.programme,
    )
    make_action(blocked, status=ActionStatus.PLAN_PROPOSED)
    client = client_of(alice)
    url = reverse("certificates:completion", args=[completed.programme.pk])
    # Whatever the cohort's size: session, user, two-factor, programme, policy, the five
    # queries of completion_for, the page's enrolments, PDF counts, unread notifications.
    with django_assert_max_num_queries(17):
        page = client.get(url).content.decode()
    assert "Bright Textiles Co., Ltd." in page and "Cedar Dyeing" in page
    assert "Corrective actions verified closed or within an approved plan" in page
    assert "Certify the 1 supplier who qualifies" in page
    assert page.count('name="enrolments"') == 1  # only the qualifying one can be ticked
    missing = client.get(url + "?show=missing").content.decode()
    assert "Cedar Dyeing" in missing and "Bright Textiles Co., Ltd." not in missing


def test_programme_page_links_to_completion(client_of, alice, completed):
    page = client_of(alice).get(reverse("programmes:detail", args=[completed.programme.pk]))
    assert (
        reverse("certificates:completion", args=[completed.programme.pk]) in page.content.decode()
    )


def test_manager_certifies_all_who_qualify(client_of, alice, agency, completed):
    blocked = make_completed(supplier=SupplierFactory(buyer=agency), programme=completed.programme)
    make_action(blocked)
    client = client_of(alice)
    response = client.post(
        reverse("certificates:issue", args=[completed.programme.pk]), {"all": "1"}, follow=True
    )
    text = response.content.decode()
    assert "1 certificate issued" in text and "1 supplier was left out" in text
    assert list(Certificate.objects.values_list("enrolment_id", flat=True)) == [completed.pk]


def test_certifying_one_who_does_not_qualify_says_what_is_missing(client_of, alice, completed):
    make_action(completed)
    response = client_of(alice).post(
        reverse("certificates:issue", args=[completed.programme.pk]),
        {"enrolment": completed.pk},
        follow=True,
    )
    assert "does not meet the completion criteria yet" in response.content.decode()
    assert not Certificate.objects.exists()


def test_procurement_officer_reads_but_cannot_issue(client_of, olga, completed):
    client = client_of(olga)
    url = reverse("certificates:completion", args=[completed.programme.pk])
    assert client.get(url).status_code == 200
    response = client.post(reverse("certificates:issue", args=[completed.programme.pk]), {"all": 1})
    assert response.status_code == 403 and not Certificate.objects.exists()


def test_another_organisation_gets_404(client_of, dave, carol, alice, completed):
    certificate = certificate_issue(enrolment=completed, by=alice)
    for person in (dave, carol):
        client = client_of(person)
        for url in (
            reverse("certificates:completion", args=[completed.programme.pk]),
            reverse("certificates:detail", args=[certificate.pk]),
            reverse("certificates:pdf", args=[certificate.pk]),
        ):
            assert client.get(url).status_code == 404, (person, url)
        assert (
            client.post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": "x"})
        ).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_supplier_downloads_its_certificate(
    client_of, alice, bob, completed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(enrolment=completed, by=alice)
    client = client_of(bob)
    home = client.get(reverse("pages:home")).content.decode()
    assert certificate.number in home and reverse("certificates:mine") in home
    listing = client.get(reverse("certificates:mine")).content.decode()
    assert certificate.number in listing
    download = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert certificate.number in download["Content-Disposition"]


def test_supplier_cannot_revoke(client_of, alice, bob, completed):
    certificate = certificate_issue(enrolment=completed, by=alice)
    response = client_of(bob).post(
        reverse("certificates:revoke", args=[certificate.pk]), {"reason": "mine"}
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_manager_revokes_with_a_reason(client_of, alice, completed):
    certificate = certificate_issue(enrolment=completed, by=alice)
    client = client_of(alice)
    url = reverse("certificates:revoke", args=[certificate.pk])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    response = client.post(url, {"reason": "Forced overtime found"}, follow=True)
    assert "was revoked" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "Forced overtime found"


def test_manager_changes_the_criteria(client_of, alice, completed):
    client = client_of(alice)
    url = reverse("certificates:policy", args=[completed.programme.pk])
    bad = client.post(url, {"validity_months": "0", "scope": ""})
    assert "between 1 and 60" in bad.content.decode()
    client.post(url, {"require_inspection": "on", "validity_months": "24", "scope": "All themes"})
    policy = completed.programme.completion_policy
    assert (policy.require_inspection, policy.validity_months) == (True, 24)
    page = client.get(reverse("certificates:completion", args=[completed.programme.pk]))
    assert "required of every supplier" in page.content.decode()


def test_manager_certifies_the_ticked_suppliers_only_if_they_qualify(
    client_of, alice, agency, completed
):
    blocked = make_completed(supplier=SupplierFactory(buyer=agency), programme=completed.programme)
    make_action(blocked)
    response = client_of(alice).post(
        reverse("certificates:issue", args=[completed.programme.pk]),
        {"enrolments": [str(completed.pk), str(blocked.pk), "x"]},
        follow=True,
    )
    assert "1 certificate issued" in response.content.decode()
    assert list(Certificate.objects.values_list("enrolment_id", flat=True)) == [completed.pk]


def test_completion_pages_follow_on_by_key(client_of, alice, agency, completed, monkeypatch):
    from drive.certificates import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for name in ("Delta Dyes", "Echo Prints"):
        make_completed(
            supplier=SupplierFactory(buyer=agency, legal_name=name), programme=completed.programme
        )
    client = client_of(alice)
    url = reverse("certificates:completion", args=[completed.programme.pk])
    first = client.get(url)
    assert first.context["next_after"] is not None
    second = client.get(url, {"after": first.context["next_after"]}).content.decode()
    assert "Echo Prints" in second and "Bright Textiles" not in second
    assert client.get(url, {"after": "²"}).status_code == 200  # a bad key is the first page
