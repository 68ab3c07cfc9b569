"""The notification centre: header count, list, open (marks read), mark all, settings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from drive.notifications.models import Delivery, Notification, NotificationPreference


def make(user, n: int = 1, **kwargs) -> list[Notification]:
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind="assessment.accepted",
                subject=f"Notice {i}",
                body="Text",
                link=kwargs.get("link", "/assessments/"),
                language="en",
            )
            for i in range(n)
        ]
    )


def notification_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "notifications_notification" in q["sql"]]


def test_every_page_header_shows_the_unread_count_with_one_query(client_of, bob, alice):
    make(bob, 3)
    make(alice, 5)
    Notification.objects.filter(recipient=bob).order_by("id").first().delete()
    client = client_of(bob)
    for url in (reverse("pages:home"), reverse("assessments:mine"), reverse("notifications:list")):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert 'class="badge"' in response.content.decode()
        assert response.context["unread_notifications"] == 2
        counts = [sql for sql in notification_queries(queries) if "COUNT" in sql.upper()]
        assert len(counts) == 1, url


def test_the_header_count_read_with_the_person_equals_a_fresh_count(client_of, bob, carol):
    # Messy: read and unread, another person's, one deleted, one read after the first page.
    mine = make(bob, 6)
    make(carol, 4)
    Notification.objects.filter(pk__in=[mine[0].pk, mine[1].pk]).update(read_at="2026-01-01T00:00Z")
    mine[2].delete()
    client = client_of(bob)
    assert client.get(reverse("assessments:mine")).context["unread_notifications"] == 3
    Notification.objects.filter(pk=mine[3].pk).update(read_at="2026-01-02T00:00Z")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessments:mine"))

    fresh = Notification.objects.filter(recipient=bob, read_at__isnull=True).count()
    assert response.context["unread_notifications"] == fresh == 2
    # Counted in the query that reads the person: no query of its own.
    assert all('FROM "accounts_user"' in sql for sql in notification_queries(queries))


def test_no_badge_without_unread_notices(client_of, bob):
    make(bob, 1)
    Notification.objects.update(read_at="2026-01-01T00:00Z")
    page = client_of(bob).get(reverse("pages:home")).content.decode()
    assert reverse("notifications:list") in page  # reachable from the navigation
    assert 'class="badge"' not in page


def test_list_shows_own_notices_newest_first_in_pages(client_of, bob, carol):
    own = make(bob, 30)
    make(carol, 2)
    client = client_of(bob)
    first = client.get(reverse("notifications:list"))
    shown = [n.pk for n in first.context["notifications"]]
    assert shown == sorted((n.pk for n in own), reverse=True)[:25]
    assert first.context["older"] == shown[-1]
    second = client.get(reverse("notifications:list"), {"before": shown[-1]})
    assert [n.pk for n in second.context["notifications"]] == sorted(n.pk for n in own)[:5][::-1]
    assert second.context["older"] is None
    assert client.get(reverse("notifications:list"), {"before": "x"}).status_code == 404


def test_following_a_notice_marks_it_read_and_opens_the_object(client_of, bob):
    (notice,) = make(bob, link="/assessments/12/")
    response = client_of(bob).get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/assessments/12/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_to_another_site_is_never_followed(client_of, bob):
    (notice,) = make(bob, link="https://evil.example/")
    response = client_of(bob).get(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_another_persons_notification_is_not_found(client_of, bob, carol, dave):
    (notice,) = make(bob)
    for user in (carol, dave):
        client = client_of(user)
        assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
        assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_one_and_mark_all_read(client_of, bob, carol):
    one, two, three = make(bob, 3)
    (carols,) = make(carol)
    client = client_of(bob)
    assert client.post(reverse("notifications:read", args=[one.pk])).status_code == 302
    assert set(Notification.objects.unread().values_list("pk", flat=True)) == {
        two.pk,
        three.pk,
        carols.pk,
    }
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "All notifications are marked as read." in response.content.decode()
    assert list(Notification.objects.unread()) == [carols]  # carol's stays unread


def test_signed_out_visitors_are_sent_to_sign_in(client, bob):
    (notice,) = make(bob)
    assert client.get(reverse("notifications:list")).status_code == 302  # sign in first
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 302


@pytest.mark.parametrize("choice", [Delivery.DIGEST, Delivery.IN_APP, Delivery.IMMEDIATE])
def test_a_person_chooses_how_non_urgent_notices_are_emailed(client_of, bob, choice):
    client = client_of(bob)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200 and page.context["form"].initial["non_urgent"] == "immediate"
    response = client.post(reverse("notifications:preferences"), {"non_urgent": choice})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=bob).non_urgent == choice
    page = client.get(reverse("notifications:preferences"))
    assert page.context["form"].initial["non_urgent"] == choice


def test_an_unknown_choice_is_refused_with_a_message(client_of, bob):
    response = client_of(bob).post(reverse("notifications:preferences"), {"non_urgent": "hourly"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("size", [3, 40])
def test_the_list_takes_the_same_few_queries_however_many_notices(
    client_of, bob, size, django_assert_num_queries
):
    make(bob, size)
    client = client_of(bob)
    client.get(reverse("notifications:list"))  # warm the session
    # session, user (with the organisation and the header's unread count), the two-factor
    # check, the page of notices (the session's expiry moves at most once a minute)
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications:list"))
    assert len(response.context["notifications"]) == min(size, 25)


@pytest.mark.parametrize("before", ["²", "abc", "9" * 30, "-1"])
def test_a_malformed_page_position_is_not_found_never_a_server_error(client_of, bob, before):
    response = client_of(bob).get(reverse("notifications:list"), {"before": before})
    assert response.status_code == 404
